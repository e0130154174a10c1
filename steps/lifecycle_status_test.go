package steps_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestStatusOfAHealthySetupPassesAndWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	h.resetLogs()
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("healthy setup: %v\n%+v", err, rep.Checks)
	}
	for _, name := range []string{"App registration", "Redirect URIs", "Implicit grant", "API permissions", "Service principal", "Secret works", "Secret expiry", "Tenant field"} {
		if c := checkByName(rep, name); c.Level != steps.StatusOK {
			t.Errorf("%s: %s %s", name, c.Level, c.Detail)
		}
	}
	if c := checkByName(rep, "Admin consent"); c.Level != steps.StatusOK || !strings.Contains(c.Detail, "not granted") {
		t.Errorf("admin consent without --admin-consent: %+v", c)
	}
	h.writesNone("status")
	if filesContain(t, h.opts.StateDir, h.stored()["clientSecret"]) {
		t.Fatal("status wrote the secret somewhere")
	}
}

// The brief's case: an app whose only secret expired, and Appmixer holding it.
func TestStatusOnAnExpiredSecretFailsAndSaysSo(t *testing.T) {
	h := newHarness(t)
	secret := "Abc8Q~expired-secret-value-0123456789abcdef"
	past := time.Now().Add(-48 * time.Hour)
	app := h.az.SeedApplication(azuretest.Application{
		DisplayName: "Appmixer",
		Web: &azuretest.WebApplication{RedirectURIs: []string{h.amx.URL + "/auth/microsoft/callback", h.amx.URL + "/plugins/appmixer/microsoft/onedrive/picker"},
			ImplicitGrantSettings: &azuretest.ImplicitGrantSettings{EnableAccessTokenIssuance: true, EnableIDTokenIssuance: true}},
		RequiredResourceAccess: []azuretest.RequiredResourceAccess{{ResourceAppID: azuretest.GraphAppID, ResourceAccess: documentedAccess()}},
		PasswordCredentials: []azuretest.PasswordCredential{{DisplayName: "portal secret", SecretText: &secret,
			StartDateTime: past.AddDate(-2, 0, 0), EndDateTime: past}},
	})
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"clientId": app.AppID, "clientSecret": secret})
	h.resetLogs()
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err) // the run itself works; the report carries the verdict
	}
	err = rep.Err()
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("want a failure that says expired, got %v\n%+v", err, rep.Checks)
	}
	if c := checkByName(rep, "Secret expiry"); c.Level != steps.StatusFail || !strings.Contains(c.Detail, past.Format("2006-01-02")) || c.Fix != "rotate-secret" {
		t.Fatalf("secret expiry check: %+v", c)
	}
	if c := checkByName(rep, "Secret works"); c.Level != steps.StatusFail {
		t.Fatalf("an expired secret reported as working: %+v", c)
	}
	for _, c := range rep.Checks {
		if strings.Contains(c.Detail, secret) || strings.Contains(c.Detail, secret[:8]) {
			t.Fatalf("the secret leaks into %q", c.Detail)
		}
	}
	h.writesNone("status")
}

func TestStatusWarnsWhenTheSecretExpiresWithin60Days(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app := h.onlyApp()
	h.setSecretEnd(app.AppID, time.Now().Add(20*24*time.Hour))
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err)
	}
	fails, warns := rep.Counts()
	if fails != 0 || warns != 1 {
		t.Fatalf("want 0 problems and 1 warning, got %d, %d: %+v", fails, warns, rep.Checks)
	}
	if c := checkByName(rep, "Secret expiry"); c.Level != steps.StatusWarn || !strings.Contains(c.Detail, "days") {
		t.Fatalf("secret expiry: %+v", c)
	}
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "warning") {
		t.Fatalf("a warning must make status fail for cron: %v", err)
	}
}

func TestStatusReportsDriftWithoutRepairingIt(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app := h.onlyApp()
	h.az.MutateApplication(app.AppID, func(a *azuretest.Application) {
		a.Web.RedirectURIs = slices.DeleteFunc(a.Web.RedirectURIs, func(u string) bool { return strings.Contains(u, "picker") })
		a.Web.ImplicitGrantSettings.EnableIDTokenIssuance = false
		a.RequiredResourceAccess[0].ResourceAccess = slices.DeleteFunc(a.RequiredResourceAccess[0].ResourceAccess,
			func(r azuretest.ResourceAccess) bool { return r.ID == "7427e0e9-2fba-42fe-b0c0-848c9e6a8182" }) // offline_access
	})
	h.resetLogs()
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"Redirect URIs": "picker", "Implicit grant": "ID tokens", "API permissions": "offline_access"} {
		if c := checkByName(rep, name); c.Level != steps.StatusFail || !strings.Contains(c.Detail, want) {
			t.Errorf("%s: want a failure naming %s, got %+v", name, want, c)
		}
	}
	h.writesNone("status")
	if after := h.onlyApp(); after.Web.ImplicitGrantSettings.EnableIDTokenIssuance {
		t.Fatal("status repaired the drift")
	}
}

func TestStatusWithoutASetupSaysRunSetup(t *testing.T) {
	h := newHarness(t)
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err)
	}
	if rep.Err() == nil {
		t.Fatal("status passed with nothing set up")
	}
	if c := checkByName(rep, "Appmixer configuration"); c.Level != steps.StatusFail || c.Fix != "setup" {
		t.Fatalf("want advice to run setup, got %+v", c)
	}
	h.writesNone("status")
}

// A single-tenant app with the tenant field turned off by hand cannot sign anyone in.
func TestStatusFailsSingleTenantWithoutTheTenantField(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.Audience = "single-tenant" })
	cfg := h.stored()
	raw := map[string]any{}
	for k, v := range cfg {
		if k != "microsoftTenant" {
			raw[k] = v
		}
	}
	h.amx.SetServiceConfig(appmixer.ServiceID, raw)
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatal(err)
	}
	if c := checkByName(rep, "Tenant field"); c.Level != steps.StatusFail || c.Fix != "tenant on" {
		t.Fatalf("tenant field: %+v", c)
	}
	// status adopts the app's audience: single-tenant is not itself drift.
	if c := checkByName(rep, "Supported account types"); c.Level != steps.StatusOK {
		t.Fatalf("audience: %+v", c)
	}
}

func documentedAccess() []azuretest.ResourceAccess {
	var out []azuretest.ResourceAccess
	for _, id := range documentedScopes {
		out = append(out, azuretest.ResourceAccess{ID: id, Type: "Scope"})
	}
	return out
}

// Reading consent grants needs more than the rest of status (Directory.Read.All):
// a sign-in without it still gets the whole table, with the consent line saying so.
func TestStatusWithoutRightsToReadGrantsStillReports(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	h.az.AddFault(azuretest.Fault{Route: "GET /v1.0/oauth2PermissionGrants", Status: http.StatusForbidden, Times: 10, MayStayUnused: true})
	out, err := h.runCmd("status")
	rep := out.Status
	if err != nil {
		t.Fatalf("status stopped on the 403: %v", err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("a healthy setup: %v", err)
	}
	if c := checkByName(rep, "Admin consent"); !strings.Contains(c.Detail, "not checked") || !strings.Contains(c.Detail, "Directory.Read.All") {
		t.Fatalf("consent line: %+v", c)
	}
	if c := checkByName(rep, "Tenant field"); c.Level != steps.StatusOK {
		t.Fatalf("the checks after consent did not run: %+v", rep.Checks)
	}
}

// status only reads, so --dry-run changes nothing about it: it checks, and
// its summary does not call itself a dry run.
func TestStatusWithDryRunStillChecks(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	h.resetLogs()
	out, err := h.runCmd("status", dryRun)
	if err != nil {
		t.Fatal(err)
	}
	if out.Summary.DryRun || out.Status == nil || out.Status.Err() != nil || checkByName(out.Status, "Secret works").Level != steps.StatusOK {
		t.Fatalf("status --dry-run: dry run %v, checks %+v", out.Summary.DryRun, out.Status)
	}
	h.writesNone("status --dry-run")
}
