package wizard

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/fleet/fleetsim"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

const tuiInventory = `instances:
  - {name: acme, appmixerUrl: "https://api.acme.appmixer.cloud", username: admin@acme.com, passwordEnv: PW, tenant: t1}
  - {name: globex, appmixerUrl: "https://api.globex.appmixer.cloud", username: admin@globex.com, passwordEnv: PW, tenant: t2}
  - {name: initech, appmixerUrl: "https://api.initech.appmixer.cloud", username: user@initech.com, passwordEnv: PW, tenant: t2}
`

// The live table against real emulators: the plans come up one instance at
// a time, "i" applies the rest of one instance, "a" every plan of every
// instance; the failing row's error reads in full when selected.
func TestFleetTableConfirmsPerInstanceOrAll(t *testing.T) {
	inv, err := fleet.Parse("inv.yaml", []byte(tuiInventory), fleet.LoadOptions{SkipEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	w := fleetsim.Start(inv, []azuretest.Option{azuretest.WithDeviceCodeAutoApprove(time.Millisecond)}, nil)
	t.Cleanup(w.Close)
	w.NotAdmin(inv.Instances[2])

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m := newFleetModel("setup", inv.Instances, func() time.Time { return fixedNow }, cancel)
	s := newScreen(t, m, 120, 40)
	r := &fleet.Runner{Command: "setup", Base: steps.Options{StateDir: t.TempDir(), Timeout: 5 * time.Second, WaitTimeout: 20 * time.Second},
		Options: w.Options, Parallel: 1,
		Observe:  func(e fleet.Event) { s.tm.Send(fleetEventMsg{e}) },
		Prompter: func(name string) steps.Prompter { return fleetPrompter{name: name, send: s.tm.Send} }}
	var results []fleet.Result
	var wg sync.WaitGroup
	wg.Go(func() {
		results = r.Run(ctx, inv.Instances)
		s.tm.Send(fleetDoneMsg{results})
	})

	// Parallel 1: one instance at a time, whichever signed in first.
	scr := s.waitFor(": Register the app (", "+ app registration", "y apply", "a apply all, every instance")
	first := asked.FindStringSubmatch(scr)[1]
	if !strings.Contains(scr, "i apply all of "+first) || !strings.Contains(scr, "Sign in to Azure for tenant t1 (acme)") ||
		!strings.Contains(scr, "Sign in to Azure for tenant t2 (globex, initech)") || !strings.Contains(scr, "waiting for you") {
		t.Errorf("no device code lines or waiting row:\n%s", scr)
	}
	s.key("y") // this step only: the next plan of the same instance comes up
	s.waitFor(first + ": Service principal")
	s.key("i") // the rest of that instance without asking
	scr = s.waitFor(": Register the app (")
	if second := asked.FindStringSubmatch(scr)[1]; second == first {
		t.Fatalf("i did not apply the rest of %s", first)
	}
	s.key("a") // everything else
	scr = s.waitFor("✓ ok", "x failed", "q quit")
	if strings.Count(scr, "✓ ok") != 2 {
		t.Errorf("want two instances ok:\n%s", scr)
	}
	// The failing row, selected, shows its error in full.
	s.key("down")
	s.key("down")
	s.waitFor("initech:", "is not an Appmixer admin", "sign in as an Appmixer admin")
	s.key("q")
	wg.Wait()
	for _, x := range results {
		if ok := x.ExitErr() == nil; ok != (x.Instance.Name != "initech") {
			t.Errorf("%s: %v", x.Instance.Name, x.ExitErr())
		}
	}
}

// asked finds the instance whose plan is on screen.
var asked = regexp.MustCompile(`(\w+): Register the app \(`)

// A plan put to the table reads as on the single run's plan screen: what
// was found, what changes, and what skipping it means.
func TestFleetPlanShowsFoundChangesAndTheSkipNote(t *testing.T) {
	m := newFleetModel("setup", []fleet.Instance{{Name: "acme"}}, func() time.Time { return fixedNow }, func() {})
	plan := registerPlan
	plan.Skippable, plan.SkipNote = true, "Skipped, each user is asked to consent the first time."
	m.Update(fleetAskMsg{name: "acme", q: steps.Question{Step: steps.Info{Title: "Grant admin consent", Screen: "API permissions → Grant admin consent"}, Plan: plan}, reply: make(chan steps.Decision, 1)})
	view := ansi.Strip(m.render())
	for _, want := range []string{"acme: Grant admin consent", "Found now", `no app registration named "Appmixer"`, "Will change",
		"+ app registration: Appmixer", "! Personal accounts need access token version 2", "! Skipped, each user is asked", "s skip"} {
		if !strings.Contains(view, want) {
			t.Errorf("the plan lacks %q:\n%s", want, view)
		}
	}
}

// A step or error too long for its column is cut to it, not wrapped into
// the next row.
func TestFleetTableCutsALongStepToItsColumn(t *testing.T) {
	m := newFleetModel("setup", []fleet.Instance{{Name: "acme"}}, func() time.Time { return fixedNow }, func() {})
	m.rows[0].state, m.rows[0].err = rowFailed, strings.Repeat("Files.ReadWrite.All was refused ", 6)
	table := m.table(80)
	for _, l := range strings.Split(table, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a row is %d wide at 80: %q", w, l)
		}
	}
	if !strings.Contains(table, "…") {
		t.Errorf("the long error is not cut with an ellipsis:\n%s", table)
	}
}

// An inventory's plain lines are the single run's step lines after the
// instance's name; events those lines skip are skipped by both.
func TestInventoryLinesAreStepLinesAfterTheName(t *testing.T) {
	reg := info(steps.IDRegisterApp)
	events := []steps.Event{
		{Step: reg, Kind: steps.EventChecking},
		{Step: reg, Kind: steps.EventProgress, Message: "waiting for Azure to replicate the app"},
		{Step: reg, Kind: steps.EventDone, Changed: registerPlan.Changes[:1]},
		{Step: info(steps.IDRedirectURIs), Kind: steps.EventSkipped, Message: "skipped at your request"},
		{Step: info(steps.IDClientSecret), Kind: steps.EventFailed, Err: errors.New("graph: POST addPassword: 503")},
	}
	var single, inventory bytes.Buffer
	pp, fp := &plainPrinter{w: &single}, &fleetPrinter{w: &inventory}
	for _, e := range events {
		pp.event(e)
		fp.event(fleet.Event{Instance: "acme", Event: e})
	}
	lines := strings.Split(strings.TrimSuffix(single.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 step lines, got:\n%s", single.String())
	}
	want := "acme: " + strings.Join(lines, "\nacme: ") + "\n"
	if inventory.String() != want {
		t.Fatalf("inventory lines:\n%s\nwant:\n%s", inventory.String(), want)
	}
	for _, l := range []string{"… Register the app: waiting", "✓ Register the app: app registration: Appmixer", "- Redirect URIs: skipped", "x graph: POST addPassword: 503"} {
		if !strings.Contains(single.String(), l) {
			t.Errorf("lines lack %q:\n%s", l, single.String())
		}
	}
}

// The device code is one sentence in the plain front ends; an inventory's
// names the tenant and the instances waiting for it.
func TestDeviceCodeIsOneSentence(t *testing.T) {
	dc := &steps.DeviceCode{UserCode: "FQK7XWZ3P", VerificationURL: "https://microsoft.com/devicelogin"}
	var single, inventory bytes.Buffer
	(&plainPrinter{device: &single}).event(steps.Event{Kind: steps.EventDeviceCode, Device: dc})
	(&fleetPrinter{device: &inventory}).event(fleet.Event{Tenant: "t2", For: []string{"globex", "initech"},
		Event: steps.Event{Kind: steps.EventDeviceCode, Device: dc}})
	if want := "To sign in to Azure, open https://microsoft.com/devicelogin and enter the code FQK7XWZ3P\n"; single.String() != want {
		t.Errorf("single run: %q, want %q", single.String(), want)
	}
	if want := "To sign in to Azure for tenant t2 (globex, initech), open https://microsoft.com/devicelogin and enter the code FQK7XWZ3P\n"; inventory.String() != want {
		t.Errorf("inventory: %q, want %q", inventory.String(), want)
	}
}

// A status that ran and found something reads "!" in both inventory front
// ends; one that failed reads "x".
func TestInventoryMarksStatusFindingsApartFromFailures(t *testing.T) {
	found := fleet.Result{Instance: fleet.Instance{Name: "acme"}, Outcome: &steps.Outcome{Command: "status", Status: &steps.StatusReport{
		Checks: []steps.StatusCheck{{Name: "Secret expiry", Level: steps.StatusWarn, Detail: "expires in 20 days", Fix: "rotate-secret"}}}}}
	failed := fleet.Result{Instance: fleet.Instance{Name: "globex"}, Outcome: &steps.Outcome{Command: "status", Err: errors.New("graph: 503")}}
	h := FleetHeadless{Inv: invocation{prog: "msconnector-wizard"}}
	if l := h.lastLine(found); !strings.HasPrefix(l, "! acme: ") {
		t.Errorf("status findings: %q", l)
	}
	if l := h.lastLine(failed); !strings.HasPrefix(l, "x globex: error: graph: 503") {
		t.Errorf("a failed status: %q", l)
	}
	m := newFleetModel("status", []fleet.Instance{found.Instance, failed.Instance}, func() time.Time { return fixedNow }, func() {})
	m.apply(fleetDoneMsg{[]fleet.Result{found, failed}})
	if m.rows[0].state != rowWarn || m.rows[1].state != rowFailed {
		t.Errorf("row states %v, %v; want needs attention, failed", m.rows[0].state, m.rows[1].state)
	}
}

// The rotate command an expiring instance is told to run works when pasted,
// whatever the inventory's path holds.
func TestExpiringInstanceCommandQuotesTheInventoryPath(t *testing.T) {
	x := fleet.Result{Instance: fleet.Instance{Name: "acme"}, Outcome: &steps.Outcome{Command: "status",
		Summary: steps.Summary{SecretExpires: fixedNow.AddDate(0, 0, 20)}}}
	h := FleetHeadless{Inv: invocation{prog: "msconnector-wizard"}, Window: 60 * 24 * time.Hour, Inventory: "/home/ana/My Customers/it's.yaml"}
	want := `msconnector-wizard rotate-secret --inventory '/home/ana/My Customers/it'\''s.yaml' --only acme`
	if l := h.lastLine(x); !strings.HasSuffix(l, want) {
		t.Fatalf("line %q\nwant the command %s", l, want)
	}
	if ShellQuote("/srv/inv/customers.yaml") != "/srv/inv/customers.yaml" {
		t.Error("a plain path is quoted needlessly")
	}
}
