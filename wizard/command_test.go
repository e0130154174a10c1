package wizard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emutest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// cmdEnv is one emulated Azure tenant and Appmixer, set up once by a headless
// setup run (signed in as the automation principal).
type cmdEnv struct {
	t    *testing.T
	w    *emutest.World
	az   *azuretest.Server
	amx  *appmixertest.Server
	opts steps.Options
}

func newCmdEnv(t *testing.T, azOpts ...azuretest.Option) *cmdEnv {
	t.Helper()
	w := emutest.Start(t, azOpts...)
	w.Amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	e := &cmdEnv{t: t, w: w, az: w.Az, amx: w.Amx, opts: w.Options(t.TempDir())}
	if stdout, stderr, out := e.run("setup", false); out.Err != nil {
		t.Fatalf("setup: %v\n%s%s", out.Err, stdout, stderr)
	}
	w.ResetLogs()
	return e
}

func (e *cmdEnv) secret() string {
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	s, _ := cfg["clientSecret"].(string)
	return s
}

func (e *cmdEnv) writes() int { return e.w.Writes() }

// expireSecret makes the stored secret one that expired an hour ago.
func (e *cmdEnv) expireSecret() azuretest.Application {
	app := e.az.Applications()[0]
	e.az.MutateApplication(app.AppID, func(a *azuretest.Application) {
		a.PasswordCredentials[0].StartDateTime = time.Now().AddDate(-2, 0, 0)
		a.PasswordCredentials[0].EndDateTime = time.Now().Add(-time.Hour)
	})
	return app
}

// run runs a command headless ("tenant on" with its word) and returns
// stdout, stderr and the outcome.
func (e *cmdEnv) run(command string, json bool, mod ...func(*steps.Options)) (string, string, *steps.Outcome) {
	e.t.Helper()
	o := e.opts
	for _, m := range mod {
		m(&o)
	}
	name, arg, _ := strings.Cut(command, " ")
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := Headless{Out: &out, Err: &errOut, JSON: json}.Run(ctx, steps.NewSession(o), steps.Request{Command: name, Arg: arg})
	return out.String(), errOut.String(), res
}

func TestStatusCommandPrintsATableAndPasses(t *testing.T) {
	e := newCmdEnv(t)
	out, _, res := e.run("status", false)
	if res.ExitErr() != nil {
		t.Fatalf("status of a fresh setup: %v\n%s", res.ExitErr(), out)
	}
	for _, want := range []string{"✓ Sign in to Azure: signed in as", "✓ Sign in to Appmixer", "✓ App registration", "✓ Secret works", "✓ Secret expiry", "checks passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if e.writes() != 0 {
		t.Fatal("status wrote")
	}
}

func TestStatusCommandOnAnExpiredSecretFailsWithJSON(t *testing.T) {
	e := newCmdEnv(t)
	app := e.expireSecret()
	out, errOut, r := e.run("status", true)
	if err := r.ExitErr(); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("want a non-nil error saying expired (exit 1), got %v", err)
	}
	var res Result
	if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", jerr, out)
	}
	// status reads, it is not a dry run; its step says what it did.
	if res.OK || res.Command != "status" || res.ClientID != app.AppID || len(res.Checks) == 0 || res.DryRun || res.Hint == "" {
		t.Fatalf("JSON result: %+v", res)
	}
	found := false
	for _, c := range res.Checks {
		found = found || c.Name == "Secret expiry" && c.Level == steps.StatusFail && c.Fix == "rotate-secret"
	}
	if !found {
		t.Fatalf("no failed Secret expiry check: %+v", res.Checks)
	}
	for _, st := range res.Steps {
		if st.Step.ID == steps.IDStatus && st.Status != steps.StatusChecked {
			t.Errorf("the status step says %q", st.Status)
		}
	}
	if s := e.secret(); strings.Contains(out, s) || strings.Contains(errOut, s) {
		t.Fatal("the secret is in the output")
	}
}

func TestRotateCommandJSONNeverShowsTheSecret(t *testing.T) {
	e := newCmdEnv(t)
	old := e.secret()
	out, errOut, r := e.run("rotate-secret", true)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	now := e.secret()
	if now == old || now == "" {
		t.Fatal("no new secret in Appmixer")
	}
	for _, s := range []string{old, now} {
		if strings.Contains(out, s) || strings.Contains(errOut, s) {
			t.Fatal("a secret is in the output")
		}
	}
	var res Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.OK || !res.SecretNew || res.SecretHint != now[:3]+"…" {
		t.Fatalf("JSON result %+v (%v)", res, err)
	}
	for _, st := range res.Steps {
		if st.Step.ID == steps.IDVerify && st.Status != steps.StatusChecked {
			t.Errorf("Verify says %q, want checked", st.Status)
		}
	}
}

func TestRotateCommandWithAppmixerDownKeepsTheOldSecret(t *testing.T) {
	e := newCmdEnv(t)
	old := e.secret()
	e.amx.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Status: http.StatusServiceUnavailable, Times: 10, MayStayUnused: true}) // down, not a blip
	_, _, r := e.run("rotate-secret", false)
	if r.Err == nil {
		t.Fatal("rotation succeeded with Appmixer failing")
	}
	e.amx.ClearFaults()
	app := e.az.Applications()[0]
	if e.secret() != old || !e.az.SecretWorks(app.AppID, old) || len(app.PasswordCredentials) != 1 {
		t.Fatal("the old secret is not untouched and working")
	}
}

func TestTenantCommandPrintsTheTenantID(t *testing.T) {
	e := newCmdEnv(t)
	out, _, r := e.run("tenant on", false)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if !strings.Contains(out, "Tenant field is on") || !strings.Contains(out, e.az.TenantID) {
		t.Fatalf("output does not give the tenant ID:\n%s", out)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if cfg["microsoftTenant"] != "true" || cfg["customerKey"] != "keep me" {
		t.Fatalf("config %v", cfg["microsoftTenant"])
	}
}

func TestEveryCommandDryRunWritesNothing(t *testing.T) {
	e := newCmdEnv(t)
	dry := func(o *steps.Options) { o.DryRun = true }
	for _, c := range []string{"status", "rotate-secret", "tenant on", "teardown"} {
		out, _, r := e.run(c, false, dry)
		if r.Err != nil {
			t.Fatalf("%s --dry-run: %v\n%s", c, r.Err, out)
		}
		if c != "status" && (!strings.Contains(out, "Dry run: nothing was changed") || !strings.Contains(out, "without --dry-run")) {
			t.Errorf("%s --dry-run does not say so:\n%s", c, out)
		}
	}
	if n := e.writes(); n != 0 {
		t.Fatalf("dry runs wrote %d times", n)
	}
}

func TestTeardownCommand(t *testing.T) {
	e := newCmdEnv(t)
	out, errOut, r := e.run("teardown", true)
	if r.Err != nil {
		t.Fatalf("%v\n%s", r.Err, errOut)
	}
	var res Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.OK || res.Command != "teardown" {
		t.Fatalf("JSON result %+v (%v)", res, err)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if len(e.az.Applications()) != 0 || len(cfg) != 1 || cfg["customerKey"] != "keep me" {
		t.Fatalf("after teardown: %d apps, config %v", len(e.az.Applications()), cfg)
	}
}

// After the full screen goes, the last command's result stays as plain lines
// (never the secret), each token whole at the terminal's width.
func TestLeaveResultAfterTheScreen(t *testing.T) {
	var out, errOut bytes.Buffer
	ui := UI{Out: &out, Err: &errOut}
	m := newModel(config{inv: invocation{prog: "go run .", extra: "--demo"}})
	m.width = 80
	m.leaveResult(ui, setupOutcome())
	text := out.String()
	lines := strings.Split(text, "\n")
	for _, want := range []string{"Client ID:", "11111111-2222-3333-4444-555555555555", "9188040d-6c67-4c5b-b112-36a304b66dad", "Qx7…",
		"https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker", "Check it later:",
		"go run . --demo status", "go run . --demo rotate-secret"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("setup result lacks %q on one line:\n%s", want, text)
		}
	}
	for i, l := range strings.Split(text, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line %d is %d wide: %q", i, w, l)
		}
	}
	out.Reset()
	status := &steps.Outcome{Command: "status", Status: &steps.StatusReport{Checks: []steps.StatusCheck{{Name: "Secret expiry", Level: steps.StatusWarn, Detail: "expires soon", Fix: "rotate-secret"}}},
		Report: steps.Report{Headline: "1 warning(s)", Level: steps.StatusWarn, Checks: []steps.StatusCheck{{Name: "Secret expiry", Level: steps.StatusWarn, Detail: "expires soon", Fix: "rotate-secret"}}}}
	m.leaveResult(ui, status)
	if !strings.Contains(out.String(), "! Secret expiry  expires soon: run go run . --demo rotate-secret") || !strings.Contains(errOut.String(), "error: status") {
		t.Errorf("status result:\n%s\n%s", out.String(), errOut.String())
	}
}

// The error screen's advice fits the run: a real run resumes; the demo's
// simulated services keep what was done.
func TestErrorScreenAdviceFitsTheDemo(t *testing.T) {
	for _, demo := range []bool{false, true} {
		m := newModel(config{demo: demo})
		m.out = &steps.Outcome{Err: errors.New("graph: something broke")}
		_, body := errorScreen{}.view(m, 80)
		resumes := strings.Contains(body, "resumes from here")
		if resumes == demo || !strings.Contains(body, "something broke") {
			t.Errorf("demo=%v:\n%s", demo, body)
		}
	}
}

// A dry run of a fresh setup does not claim settings were found: the new
// app's redirect URIs and permissions are in its plan, and the result
// gives the expiry the new secret would get.
func TestDryRunOfAFreshSetupSaysWhatWouldBe(t *testing.T) {
	w := emutest.Start(t)
	e := &cmdEnv{t: t, w: w, az: w.Az, amx: w.Amx, opts: w.Options(t.TempDir())}
	text, _, r := e.run("setup", false, func(o *steps.Options) { o.DryRun = true })
	if r.Err != nil {
		t.Fatalf("%v\n%s", r.Err, text)
	}
	for _, want := range []string{
		"Redirect URIs: set when the app is created",
		"API permissions: set when the app is created",
		"a new one would expire " + time.Now().AddDate(2, 0, 0).Format("2006-01"),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %q:\n%s", want, text)
		}
	}
	if w.Writes() != 0 {
		t.Fatal("the dry run wrote")
	}
}

// Facts line up whatever their labels ("New client secret" is longer than
// the rest), so a value never sits at another column than its neighbours.
func TestResultFactsLineUp(t *testing.T) {
	m := newModel(config{})
	m.width, m.height = 100, 30
	m.out = &steps.Outcome{Command: "rotate-secret", Report: steps.Report{Headline: "The secret is rotated", Facts: []steps.Fact{
		{Label: "App", Value: "Appmixer"}, {Label: "Client ID", Value: "11111111-2222-3333-4444-555555555555", Copy: true},
		{Label: "New client secret", Value: "Qx7… (new, stored in Appmixer), expires 2028-11-27"}}}}
	_, body := resultScreen{}.view(m, 80)
	cols := map[int]bool{}
	for _, want := range []string{"Appmixer", "11111111-2222", "Qx7…"} {
		found := false // a value missing from its row must not leave one column and pass
		for _, l := range strings.Split(ansi.Strip(body), "\n") {
			if i := strings.Index(l, want); i > 0 {
				cols[ansi.StringWidth(l[:i])] = true
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no row holds %q", want)
		}
	}
	if len(cols) != 1 {
		t.Fatalf("values start at columns %v:\n%s", cols, ansi.Strip(body))
	}
}

// The error left in the terminal is wrapped at words to its width, so a URL
// in it stays whole (the terminal would cut it anywhere).
func TestLeftErrorKeepsItsURLWhole(t *testing.T) {
	var out, errOut bytes.Buffer
	m := newModel(config{})
	m.width = 80
	url := "https://api.demo.appmixer.test/plugins/appmixer/microsoft/onedrive/picker"
	m.leaveResult(UI{Out: &out, Err: &errOut}, &steps.Outcome{Command: "status", Err: errors.New("status: 3 problem(s): Redirect URIs (missing " + url + "), Implicit grant (off)")})
	text := errOut.String()
	if !slices.ContainsFunc(strings.Split(text, "\n"), func(l string) bool { return strings.Contains(l, url) }) {
		t.Fatalf("the URL is not whole on one line:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the terminal: %q", l)
		}
	}
}

// A run whose only change was skipped does not claim everything was right.
func TestResultAfterASkipSaysNothingChanged(t *testing.T) {
	m := newModel(config{})
	m.width, m.height = 80, 24
	m.out = &steps.Outcome{Command: "consent", Report: steps.Report{Headline: "Admin consent was not granted"},
		Steps: []steps.StepResult{{Step: steps.Info{ID: steps.IDAdminConsent}, Status: steps.StatusSkipped}}}
	_, body := resultScreen{}.view(m, 80)
	if text := ansi.Strip(body); !strings.Contains(text, "what was skipped stays as it was") || strings.Contains(text, "already as it should be") {
		t.Fatalf("result:\n%s", text)
	}
}

// An input the TUI does not ask is named as a flag to run again with,
// with its suggested value, and without a shell verb in the middle.
func TestErrorScreenNamesTheFlagToRunAgainWith(t *testing.T) {
	m := newModel(config{})
	for _, c := range []struct {
		h    hint.Hint
		want string
	}{
		{hint.Hint{Input: hint.AuthorityHost, Value: "https://login.example.com/", Text: "give only the scheme and host"},
			"give only the scheme and host; quit (q) and run again with --authority-host https://login.example.com/"},
		{hint.Change(hint.GraphURL, "use an https URL"), "use an https URL; quit (q) and run again with --graph-url"},
		{hint.Change(hint.AzureEnvironment, "check both"), "check both; quit (q) and run again with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"},
	} {
		if got := m.forTUI(c.h); got != c.want {
			t.Errorf("forTUI(%s) = %q, want %q", c.h.Input, got, c.want)
		}
	}
	// The shell's own words keep their verbs.
	if got := forShell(hint.Hint{Input: hint.AuthorityHost, Value: "https://login.example.com/"}, invocation{prog: "msconnector-wizard"}); got != "pass --authority-host https://login.example.com/" {
		t.Errorf("forShell = %q", got)
	}
}

// While only the sign-ins are known (a bare run: setup or the menu comes
// next), the header gives no count that would change under the person.
func TestHeaderDoesNotCountStepsBeforeTheCommandIsKnown(t *testing.T) {
	m := newModel(config{})
	m.phase = phaseRun
	m.infos = steps.FlowInfo([]steps.Stage{steps.SignInStage()})
	m.current = m.infos[0]
	if got := m.stepCounter(); got != "  · signing in" {
		t.Fatalf("header %q", got)
	}
	m.infos = steps.Infos("setup", steps.Options{})
	if got := m.stepCounter(); got != "  · step 1 of 10" {
		t.Fatalf("with the setup's flow: %q", got)
	}
}
