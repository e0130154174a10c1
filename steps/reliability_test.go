package steps_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Graph soft-deletes an app and its uniqueName stays taken while it sits in
// the deleted items: setup after a teardown, and after a delete in the
// portal, still registers one new app, in one run.
func TestSetupAfterTeardownAndAfterAManualDelete(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	first := h.onlyApp()
	if _, err := h.runCmd("teardown"); err != nil {
		t.Fatal(err)
	}
	h.mustRun()
	second := h.onlyApp()
	assertSetUp(t, h)
	if second.AppID == first.AppID {
		t.Fatal("setup after teardown reused the deleted app")
	}
	if err := h.az.DeleteApplication(second.AppID); err != nil { // the portal's delete
		t.Fatal(err)
	}
	h.mustRun()
	third := h.onlyApp()
	assertSetUp(t, h)
	if third.AppID == second.AppID || len(h.az.DeletedApplications()) != 2 {
		t.Fatalf("want a third app beside two deleted ones, have %d deleted", len(h.az.DeletedApplications()))
	}
}

// A teardown stopped after the app was deleted: the next one sees the app in
// the deleted items, clears Appmixer's keys at once (no replication wait for
// an app that is gone) and ends clean.
func TestTeardownAfterTheAppWasDeletedClearsTheKeys(t *testing.T) {
	h := newHarness(t)
	h.seedCustomerKey()
	h.mustRun()
	if _, err := h.runWith("teardown", quitAt(steps.IDClearAppmixer)); !errors.Is(err, steps.ErrQuit) {
		t.Fatalf("want a stop before Appmixer's keys, got %v", err)
	}
	if len(h.az.Applications()) != 0 || h.stored()["clientId"] == "" {
		t.Fatal("the stopped teardown should have deleted the app and kept the keys")
	}
	start := time.Now()
	if _, err := h.runCmd("teardown"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the second teardown took %s: it waited for a deleted app to replicate", took)
	}
	if cfg := h.stored(); len(cfg) != 1 || cfg["customerKey"] != "keep me" {
		t.Fatalf("Appmixer keys after the second teardown: %v", cfg.Masked())
	}
	// And status after a half-done teardown points to teardown, not setup.
	h2 := newHarness(t)
	h2.mustRun()
	app := h2.onlyApp()
	if err := h2.az.DeleteApplication(app.AppID); err != nil {
		t.Fatal(err)
	}
	out, err := h2.runCmd("status")
	if err != nil {
		t.Fatal(err)
	}
	if c := checkByName(out.Status, "App registration"); c.Level != steps.StatusFail || c.Fix != "teardown" || !strings.Contains(c.Detail, "deleted") {
		t.Fatalf("status on a deleted app: %+v", c)
	}
}

// A hand-edited resume file cannot make the program remove a customer's
// secret: only secrets whose names it generated are ever removed.
func TestAResumeFileCannotRemoveACustomersSecret(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app := h.onlyApp()
	customer := h.addForeignSecret(app.AppID)
	h.az.MutateApplication(app.AppID, func(a *azuretest.Application) {
		for i := range a.PasswordCredentials {
			if a.PasswordCredentials[i].KeyID == customer {
				a.PasswordCredentials[i].DisplayName = "" // no description, as the portal allows
			}
		}
	})
	path := filepath.Join(h.opts.StateDir, "state.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"updated"`, `"pending": [{"appId": "`+app.AppID+`", "displayName": "", "keyId": "`+customer+`"}], "updated"`, 1)
	if edited == string(data) {
		t.Fatalf("the resume file has no \"updated\" to put the entry before:\n%s", data)
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"setup", "rotate-secret"} {
		// A run that stopped early would keep the secret without proving anything.
		if _, err := h.runCmd(cmd); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		if !slices.Contains(keyIDs(h.onlyApp()), customer) {
			t.Fatalf("%s removed the customer's secret because the resume file named it", cmd)
		}
	}
}

// A re-run whose check of Appmixer's secret meets an outage of Entra ID (503)
// does not take the secret for refused: one 503 is retried and the secret
// kept; an outage that outlasts the retries stops the run, which mints
// nothing and leaves Appmixer's secret alone.
func TestATransientAnswerIsNotARefusal(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	for _, times := range []int{1, 20} {
		h.resetLogs()
		// Queued once the sign-ins are done: queued before, the 503s met the
		// Azure sign-in's own token request and the check never saw them.
		queued := false
		out := runWithEvents(h, "setup", func(e steps.Event) {
			if e.Step.ID == steps.IDServicePrincipal && e.Kind == steps.EventChecking && !queued {
				queued = true
				h.az.AddFault(azuretest.Fault{Route: "POST /{tenant}/oauth2/v2.0/token", Status: http.StatusServiceUnavailable,
					Times: times, MayStayUnused: times > 1})
			}
		})
		h.az.ClearFaults()
		faulted := 0
		for _, r := range h.az.Requests() {
			if r.Faulted && strings.HasSuffix(r.Route, "/oauth2/v2.0/token") {
				faulted++
			}
		}
		if !queued || faulted == 0 {
			t.Fatalf("%d×503: the check of Appmixer's secret never met the outage:\n%s", times, h.log())
		}
		if times > 1 && out.Err == nil {
			t.Fatalf("an outage that outlasted %d tries did not stop the run", faulted)
		}
		if times == 1 && out.Err != nil {
			t.Fatalf("one 503 stopped the run: %v", out.Err)
		}
		if _, after := assertSetUp(t, h); after["clientSecret"] != before["clientSecret"] {
			t.Fatalf("%d×503 made setup replace a working secret", times)
		}
	}
}

// Appmixer holds a secret made moments ago that Entra ID does not accept
// everywhere yet: the re-run waits for it instead of minting another.
func TestAStoredSecretStillPropagatingIsWaitedFor(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	h.az.SetSecretPropagationDelay(2 * time.Second) // the secret, seconds old, is refused for a moment
	h.mustRun()
	if _, after := assertSetUp(t, h); after["clientSecret"] != before["clientSecret"] {
		t.Fatal("a secret still propagating was replaced")
	}
}

// A rotation stopped after Appmixer holds the new secret (before the old one
// is removed) leaves the old one; the next rotation finds it by its name and
// removes it, whatever the resume file says.
func TestRotationStoppedAfterStoringIsFinishedByTheNext(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	if _, err := h.runWith("rotate-secret", quitAt(steps.IDRemoveOldSecrets)); !errors.Is(err, steps.ErrQuit) {
		t.Fatalf("want a stop before the old secret is removed, got %v", err)
	}
	if n := len(h.onlyApp().PasswordCredentials); n != 2 {
		t.Fatalf("want the old and the new secret, have %d", n)
	}
	h.opts.StateDir = t.TempDir() // another machine: no resume file
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	app := h.onlyApp()
	if len(app.PasswordCredentials) != 1 || !h.az.SecretWorks(app.AppID, h.stored()["clientSecret"]) {
		t.Fatalf("after the next rotation: %d secrets, want only the stored one", len(app.PasswordCredentials))
	}
}

// A state directory that cannot be written is found before anything is
// changed, and the error names the input to change.
func TestAnUnwritableStateDirStopsBeforeAnyWrite(t *testing.T) {
	h := newHarness(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := h.run(func(o *steps.Options) { o.StateDir = filepath.Join(file, "state") }) // a path under a file: never writable, even as root
	if hn, _ := hint.Of(err); err == nil || hn.Input != hint.StateDir {
		t.Fatalf("want an error naming the state directory, got %v (%+v)", err, hn)
	}
	h.writesNone("a run with an unwritable state directory")
	if len(h.az.Applications()) != 0 {
		t.Fatal("an app was created")
	}
}

// A resume file cut to nothing does not block the run: it is taken as empty,
// and the run says so.
func TestAnEmptyResumeFileIsTakenAsEmpty(t *testing.T) {
	h := newHarness(t)
	for _, content := range []string{"", "  \n\t\n"} {
		if err := os.MkdirAll(h.opts.StateDir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(h.opts.StateDir, "state.json"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		var said []string
		out := runWithEvents(h, "setup", func(e steps.Event) {
			if e.Kind == steps.EventProgress {
				said = append(said, e.Message)
			}
		})
		if out.Err != nil {
			t.Fatalf("an empty resume file (%q) blocked the run: %v", content, out.Err)
		}
		if !strings.Contains(strings.Join(said, "\n"), "was empty") {
			t.Errorf("the run did not say the resume file was empty: %q", said)
		}
	}
	assertSetUp(t, h)
}

// Appmixer is never given a secret Entra ID does not accept yet: when the
// write reaches Appmixer, the secret already got a token.
func TestAppmixerGetsTheNewSecretOnlyOnceItWorks(t *testing.T) {
	h := newHarness(t, azuretest.WithSecretPropagationDelay(800*time.Millisecond))
	var worked bool
	checked := false
	out := runWithEvents(h, "setup", func(e steps.Event) {
		if e.Step.ID == steps.IDStoreInAppmixer && e.Kind == steps.EventApplying {
			checked = true
			// A token request after the secret was made is the new secret's (the
			// sign-in's own token came before, and is cached), and one got a token.
			minted := false
			for _, r := range h.az.Requests() {
				switch {
				case r.Route == "POST /v1.0/applications/{id}/addPassword" && r.Status == http.StatusOK:
					minted, worked = true, false
				case minted && strings.HasSuffix(r.Route, "/oauth2/v2.0/token"):
					worked = worked || r.Status == http.StatusOK
				}
			}
		}
	})
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	if !checked || !worked {
		t.Fatalf("Appmixer was written before Entra ID accepted the new secret (checked %v):\n%s", checked, h.log())
	}
	assertSetUp(t, h)
}

// A tenant policy caps secret lifetimes and this sign-in may not read the
// policies: the run steps down through shorter lifetimes (a refused
// addPassword makes nothing) and says which it used and why.
func TestAnUnreadableLifetimePolicyIsSteppedDown(t *testing.T) {
	h := newHarness(t)
	h.az.SetSecretLifetimePolicy(100 * 24 * time.Hour)
	h.az.DenyPolicyReads(true)
	out := h.mustRun()
	app, _ := assertSetUp(t, h)
	end := app.PasswordCredentials[0].EndDateTime
	if d := time.Until(end); d > 100*24*time.Hour || d < 80*24*time.Hour {
		t.Fatalf("secret expires in %s, want the 3-month step under the 100-day cap", d.Round(time.Hour))
	}
	if why := out.Summary.SecretWhy; !strings.Contains(why, "Policy.Read.All") || !strings.Contains(why, "3 months") {
		t.Fatalf("the run does not say which lifetime it used and why: %q", why)
	}
}

// runWithEvents runs a command headless and hands every event to observe.
func runWithEvents(h *harness, command string, observe func(steps.Event)) *steps.Outcome {
	h.t.Helper()
	ctx, cancel := contextWithTimeout(60 * time.Second)
	defer cancel()
	return steps.NewSession(h.opts).Run(ctx, steps.Request{Command: command}, steps.Yes{}, observe)
}
