package wizard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emutest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// cmdEnv is one emulated Azure tenant and Appmixer, set up once by a headless setup run.
type cmdEnv struct {
	t    *testing.T
	w    *emutest.World
	az   *azuretest.Server
	amx  *appmixertest.Server
	opts steps.Options
}

func newCmdEnv(t *testing.T) *cmdEnv {
	t.Helper()
	w := emutest.Start(t)
	w.Amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	e := &cmdEnv{t: t, w: w, az: w.Az, amx: w.Amx, opts: w.Options(t.TempDir())}
	var out bytes.Buffer
	if _, err := RunHeadless(context.Background(), e.opts, steps.SetupFlow(e.opts), Headless{Out: &out, Err: &out}); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
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

func (e *cmdEnv) requests() int { return len(e.az.Requests()) + len(e.amx.Requests()) }

// run runs a command and returns stdout, stderr and the error.
func (e *cmdEnv) run(c Command, json bool, mod ...func(*steps.Options)) (string, string, error) {
	e.t.Helper()
	o := e.opts
	for _, m := range mod {
		m(&o)
	}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := RunCommand(ctx, c, o, Headless{Out: &out, Err: &errOut, JSON: json})
	return out.String(), errOut.String(), err
}

func TestStatusCommandPrintsATableAndPasses(t *testing.T) {
	e := newCmdEnv(t)
	out, _, err := e.run(Command{Name: "status"}, false)
	if err != nil {
		t.Fatalf("status of a fresh setup: %v\n%s", err, out)
	}
	for _, want := range []string{"✓ Sign in to Azure: signed in as", "✓ Sign in to Appmixer", "✓ App registration", "✓ Secret works", "✓ Secret expiry", "All checks passed."} {
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
	out, errOut, err := e.run(Command{Name: "status"}, true)
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("want a non-nil error saying expired (exit 1), got %v", err)
	}
	var res CommandResult
	if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", jerr, out)
	}
	if res.OK || res.Command != "status" || res.ClientID != app.AppID || len(res.Checks) == 0 {
		t.Fatalf("JSON result: %+v", res)
	}
	found := false
	for _, c := range res.Checks {
		found = found || c.Name == "Secret expiry" && c.Level == steps.StatusFail
	}
	if !found {
		t.Fatalf("no failed Secret expiry check: %+v", res.Checks)
	}
	if s := e.secret(); strings.Contains(out, s) || strings.Contains(errOut, s) {
		t.Fatal("the secret is in the output")
	}
}

func TestRotateCommandJSONNeverShowsTheSecret(t *testing.T) {
	e := newCmdEnv(t)
	old := e.secret()
	out, errOut, err := e.run(Command{Name: "rotate-secret"}, true)
	if err != nil {
		t.Fatal(err)
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
	var res CommandResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.OK || !res.SecretNew || res.SecretHint != now[:3]+"…" {
		t.Fatalf("JSON result %+v (%v)", res, err)
	}
}

func TestRotateCommandWithAppmixerDownKeepsTheOldSecret(t *testing.T) {
	e := newCmdEnv(t)
	old := e.secret()
	e.amx.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Status: http.StatusServiceUnavailable, Times: 10, MayStayUnused: true}) // down, not a blip
	_, _, err := e.run(Command{Name: "rotate-secret"}, false)
	if err == nil {
		t.Fatal("rotation succeeded with Appmixer failing")
	}
	app := e.az.Applications()[0]
	if e.secret() != old || !e.az.SecretWorks(app.AppID, old) || len(app.PasswordCredentials) != 1 {
		t.Fatal("the old secret is not untouched and working")
	}
}

func TestTenantCommandPrintsTheTenantID(t *testing.T) {
	e := newCmdEnv(t)
	out, _, err := e.run(Command{Name: "tenant", Arg: "on"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Tenant field: on") || !strings.Contains(out, e.az.TenantID) {
		t.Fatalf("output does not give the tenant ID:\n%s", out)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if cfg["microsoftTenant"] != "true" || cfg["customerKey"] != "keep me" {
		t.Fatalf("config %v", cfg["microsoftTenant"])
	}
}

func TestCommandUsageErrorsSendNothing(t *testing.T) {
	e := newCmdEnv(t)
	for _, c := range []Command{{Name: "teardown"}, {Name: "tenant"}, {Name: "tenant", Arg: "maybe"}, {Name: "frobnicate"}} {
		_, _, err := e.run(c, false)
		var usage UsageError
		if !errors.As(err, &usage) {
			t.Errorf("%+v: want a UsageError, got %v", c, err)
		}
		if c.Name == "teardown" && !strings.Contains(err.Error(), "--yes") {
			t.Errorf("teardown without --yes must name --yes: %v", err)
		}
	}
	if n := e.requests(); n != 0 {
		t.Fatalf("usage errors sent %d requests", n)
	}
}

func TestEveryCommandDryRunWritesNothing(t *testing.T) {
	e := newCmdEnv(t)
	dry := func(o *steps.Options) { o.DryRun = true }
	for _, c := range []Command{{Name: "status"}, {Name: "rotate-secret"}, {Name: "tenant", Arg: "on"}, {Name: "teardown"}} {
		out, _, err := e.run(c, false, dry)
		if err != nil {
			t.Fatalf("%s --dry-run: %v\n%s", c.Name, err, out)
		}
		if c.Name != "status" && !strings.Contains(out, "Dry run: nothing was changed") {
			t.Errorf("%s --dry-run does not say so:\n%s", c.Name, out)
		}
	}
	if n := e.writes(); n != 0 {
		t.Fatalf("dry runs wrote %d times", n)
	}
}

func TestTeardownCommandWithYes(t *testing.T) {
	e := newCmdEnv(t)
	out, errOut, err := e.run(Command{Name: "teardown", Yes: true}, true)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var res CommandResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.OK || res.Command != "teardown" {
		t.Fatalf("JSON result %+v (%v)", res, err)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if len(e.az.Applications()) != 0 || len(cfg) != 1 || cfg["customerKey"] != "keep me" {
		t.Fatalf("after teardown: %d apps, config %v", len(e.az.Applications()), cfg)
	}
}

// After the full screen goes, the last action's result stays as plain lines:
// setup's IDs (never the secret), status's table, a command's outcome.
func TestLeaveResultAfterTheScreen(t *testing.T) {
	sum := steps.Summary{ClientID: "11111111-2222-3333-4444-555555555555", TenantID: "tenant-guid", TenantField: true,
		SecretHint: "Abc…", SecretExpires: time.Now().AddDate(2, 0, 0), AppName: "Appmixer"}
	var out bytes.Buffer
	(&model{action: Command{Name: actSetup}}).leaveResult(&out, sum, nil)
	for _, want := range []string{"Client ID (Appmixer clientId):  " + sum.ClientID, "Tenant ID:                      tenant-guid", "Abc…", "users type tenant-guid", "Check it later with: msconnector-wizard status"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("setup result lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	rep := &steps.StatusReport{Checks: []steps.StatusCheck{{Name: "Secret expiry", Level: steps.StatusWarn, Detail: "expires soon"}}}
	(&model{action: Command{Name: "status"}, report: rep}).leaveResult(&out, sum, nil)
	if !strings.Contains(out.String(), "! Secret expiry  expires soon") || !strings.Contains(out.String(), "0 problem(s), 1 warning(s)") {
		t.Errorf("status result:\n%s", out.String())
	}
	out.Reset()
	(&model{action: Command{Name: "teardown"}}).leaveResult(&out, sum, steps.NewState(steps.Options{}))
	if !strings.Contains(out.String(), `Removed app "Appmixer" (client ID `+sum.ClientID) {
		t.Errorf("teardown result:\n%s", out.String())
	}
}

// The error screen's advice fits the run: a real run resumes, the demo's
// simulated world does not survive the process.
func TestErrorScreenAdviceFitsTheDemo(t *testing.T) {
	for _, demo := range []bool{false, true} {
		m := newModel(config{cmdName: "x", demo: demo})
		m.err = errors.New("graph: something broke: run again")
		_, body := m.errorScreen(80)
		resumes := strings.Contains(body, "resumes from here")
		if resumes == demo || !strings.Contains(body, "something broke") {
			t.Errorf("demo=%v:\n%s", demo, body)
		}
	}
}

// A dry run of a fresh setup does not claim settings were found: the new
// app's redirect URIs and permissions are in its plan, and the summary
// gives the expiry the new secret would get.
func TestDryRunOfAFreshSetupSaysWhatWouldBe(t *testing.T) {
	w := emutest.Start(t)
	o := w.Options(t.TempDir())
	o.DryRun = true
	var out bytes.Buffer
	if _, err := RunHeadless(context.Background(), o, steps.SetupFlow(o), Headless{Out: &out, Err: &out}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"Redirect URIs: set when the app is created",
		"API permissions: set when the app is created",
		"secret would expire " + time.Now().AddDate(2, 0, 0).Format("2006-01"),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %q:\n%s", want, text)
		}
	}
	if w.Writes() != 0 {
		t.Fatal("the dry run wrote")
	}
}
