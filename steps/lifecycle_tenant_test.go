package steps_test

import (
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestTenantOnThenOffKeepsEveryOtherKey(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	h.mustRun()
	_, before := assertSetUp(t, h)
	out, err := h.runCmd("tenant on")
	if err != nil {
		t.Fatal(err)
	}
	cfg := h.stored()
	if cfg["microsoftTenant"] != "true" || cfg["customerKey"] != "keep me" || cfg["clientSecret"] != before["clientSecret"] {
		t.Fatalf("after tenant on: %v", cfg.Masked())
	}
	if !out.Summary.TenantField || out.Summary.TenantID != h.az.TenantID || !strings.Contains(strings.Join(out.Report.Lines, " "), h.az.TenantID) {
		t.Fatal("the run does not know the tenant ID users should type")
	}
	if _, err := h.runCmd("tenant off"); err != nil {
		t.Fatal(err)
	}
	cfg = h.stored()
	if _, on := cfg["microsoftTenant"]; on || cfg["customerKey"] != "keep me" || cfg["clientId"] != before["clientId"] {
		t.Fatalf("after tenant off: %v", cfg.Masked())
	}
}

func TestTenantOffIsRefusedForASingleTenantApp(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.Audience = "single-tenant" })
	h.resetLogs()
	_, err := h.runCmd("tenant off")
	if err == nil || !strings.Contains(err.Error(), "single-tenant") {
		t.Fatalf("want a refusal naming single-tenant, got %v", err)
	}
	h.writesNone("a refused tenant off")
	if h.stored()["microsoftTenant"] != "true" {
		t.Fatal("the tenant field was turned off")
	}
}

func TestTenantDryRunWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	h.resetLogs()
	out, err := h.runCmd("tenant on", dryRun)
	res := out.Steps
	if err != nil {
		t.Fatal(err)
	}
	h.writesNone("tenant on --dry-run")
	if last := res[len(res)-1]; last.Status != "planned" || len(last.Changes) != 1 {
		t.Fatalf("want one planned change, got %+v", last)
	}
	if _, on := h.stored()["microsoftTenant"]; on {
		t.Fatal("dry run turned the tenant field on")
	}
}
