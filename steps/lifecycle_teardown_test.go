package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestTeardownRemovesTheAppAndOurKeysOnly(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me", "callbackUrl": h.amx.URL + "/auth/microsoft/callback"})
	h.mustRun(func(o *steps.Options) { o.TenantField = steps.TenantFieldOn })
	app := h.onlyApp()
	if _, err := h.runCmd("teardown"); err != nil {
		t.Fatal(err)
	}
	if n := len(h.az.Applications()); n != 0 {
		t.Fatalf("%d app registrations left", n)
	}
	for _, sp := range h.az.ServicePrincipals() {
		if sp.AppID == app.AppID {
			t.Fatal("the app's service principal is left")
		}
	}
	cfg := h.stored()
	if len(cfg) != 2 || cfg["customerKey"] != "keep me" || cfg["callbackUrl"] == "" {
		t.Fatalf("want only the customer's keys left, have %v", cfg.Masked())
	}
	// Again: nothing left to do, nothing written.
	h.resetLogs()
	if _, err := h.runCmd("teardown"); err != nil {
		t.Fatalf("a second teardown: %v", err)
	}
	h.writesNone("a second teardown")
}

func TestTeardownDeletesTheConfigWhenNothingElseRemains(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	if _, err := h.runCmd("teardown"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.amx.ServiceConfig(appmixer.ServiceID); ok {
		t.Fatal("an empty appmixer:microsoft configuration was left behind")
	}
}

func TestTeardownDryRunWritesNothingAndNamesTheApp(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.AppName = "Appmixer Trial" })
	h.resetLogs()
	out, err := h.runCmd("teardown", dryRun)
	if err != nil {
		t.Fatal(err)
	}
	h.writesNone("teardown --dry-run")
	got := ""
	for _, r := range out.Steps {
		for _, c := range r.Changes {
			if r.Step.ID == steps.IDDeleteApp && c.Subject == steps.SubjectApp && c.Kind == steps.Remove {
				got = c.Name
			}
		}
	}
	if got != "Appmixer Trial" {
		t.Fatalf("the plan names %q, want the app's name for the TUI to confirm", got)
	}
	if len(h.az.Applications()) != 1 || h.stored()["clientId"] == "" {
		t.Fatal("dry run removed something")
	}
}

// Appmixer's clientId names another app than --app-id: that app's keys stay.
func TestTeardownOfAnotherAppKeepsAppmixersKeys(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	inUse := h.onlyApp()
	_, before := assertSetUp(t, h)
	spare := h.az.SeedApplication(azureApp("Spare"))
	if _, err := h.runCmd("teardown", func(o *steps.Options) { o.AppID = spare.AppID }); err != nil {
		t.Fatal(err)
	}
	if apps := h.az.Applications(); len(apps) != 1 || apps[0].AppID != inUse.AppID {
		t.Fatalf("want only the app in use left, have %d apps", len(apps))
	}
	if cfg := h.stored(); cfg["clientId"] != inUse.AppID || cfg["clientSecret"] != before["clientSecret"] {
		t.Fatalf("Appmixer's keys for the app in use were removed: %v", cfg.Masked())
	}
}

// skipAt applies every plan but the one of the step with the given ID.
type skipAt steps.ID

func (s skipAt) Confirm(_ context.Context, q steps.Question) (steps.Decision, error) {
	if q.Step.ID == steps.ID(s) {
		return steps.Skip, nil
	}
	return steps.Apply, nil
}
func (skipAt) Choose(ctx context.Context, m steps.Menu) (steps.MenuItem, error) {
	return steps.Yes{}.Choose(ctx, m)
}
func (skipAt) Setup(_ context.Context, o steps.Options) (steps.Options, error) { return o, nil }

// Appmixer's keys kept (their step skipped) after the app was deleted: the
// report does not say "Torn down" as if all were gone.
func TestTeardownWithTheKeysKeptSaysInPart(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	out, err := h.runWith("teardown", skipAt(steps.IDClearAppmixer))
	if err != nil {
		t.Fatal(err)
	}
	if out.Report.Level != steps.StatusWarn || !strings.Contains(out.Report.Headline, "in part") {
		t.Fatalf("report %q (%s) after keeping Appmixer's keys", out.Report.Headline, out.Report.Level)
	}
	if h.stored()["clientId"] == "" || len(h.az.Applications()) != 0 {
		t.Fatal("want the app deleted and Appmixer's keys kept")
	}
}
