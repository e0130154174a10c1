package steps_test

import (
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestTeardownRemovesTheAppAndOurKeysOnly(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me", "callbackUrl": h.amx.URL + "/auth/microsoft/callback"})
	h.mustRun(func(o *steps.Options) { o.TenantField = steps.TenantFieldOn })
	app := h.onlyApp()
	if _, _, err := h.runFlow(steps.TeardownFlow()); err != nil {
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
	if _, _, err := h.runFlow(steps.TeardownFlow()); err != nil {
		t.Fatalf("a second teardown: %v", err)
	}
	h.writesNone("a second teardown")
}

func TestTeardownDeletesTheConfigWhenNothingElseRemains(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	if _, _, err := h.runFlow(steps.TeardownFlow()); err != nil {
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
	res, _, err := h.runFlow(steps.TeardownFlow(), dryRun)
	if err != nil {
		t.Fatal(err)
	}
	h.writesNone("teardown --dry-run")
	var plan steps.Plan
	for _, r := range res {
		if r.Step.ID == steps.IDDeleteApp {
			plan = steps.Plan{Changes: r.Changes}
		}
	}
	if got := steps.DeleteAppName(plan); got != "Appmixer Trial" {
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
	if _, _, err := h.runFlow(steps.TeardownFlow(), func(o *steps.Options) { o.AppID = spare.AppID }); err != nil {
		t.Fatal(err)
	}
	if apps := h.az.Applications(); len(apps) != 1 || apps[0].AppID != inUse.AppID {
		t.Fatalf("want only the app in use left, have %d apps", len(apps))
	}
	if cfg := h.stored(); cfg["clientId"] != inUse.AppID || cfg["clientSecret"] != before["clientSecret"] {
		t.Fatalf("Appmixer's keys for the app in use were removed: %v", cfg.Masked())
	}
}
