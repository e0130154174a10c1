package steps_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestTenantPolicyCapsTheSecretLifetime(t *testing.T) {
	h := newHarness(t)
	h.az.SetSecretLifetimePolicy(180 * 24 * time.Hour)
	out, err := h.run()
	res := out.Steps
	if err != nil {
		t.Fatal(err)
	}
	app, _ := assertSetUp(t, h)
	end := app.PasswordCredentials[0].EndDateTime
	if d := time.Until(end); d > 181*24*time.Hour || d < 179*24*time.Hour {
		t.Fatalf("secret expires %s, want about 180 days from now", end)
	}
	said := false
	for _, r := range res {
		for _, c := range r.Changes {
			said = said || strings.Contains(c.Why, "policy allows at most")
		}
	}
	if !said || out.Summary.SecretExpires.IsZero() || !strings.Contains(out.Summary.SecretWhy, "policy") {
		t.Fatalf("the capped lifetime was not reported: %+v", res)
	}
}

// seedWorkingSetup makes an app whose secret Appmixer holds, expiring at end.
func seedWorkingSetup(t *testing.T, h *harness, end time.Time) (azuretest.Application, string) {
	t.Helper()
	h.mustRun()
	app, cfg := assertSetUp(t, h)
	secret := cfg["clientSecret"]
	h.az.MutateApplication(app.AppID, func(a *azuretest.Application) { a.PasswordCredentials[0].EndDateTime = end })
	return app, secret
}

func TestSecretExpiringWithin30DaysIsReplaced(t *testing.T) {
	h := newHarness(t)
	_, old := seedWorkingSetup(t, h, time.Now().Add(10*24*time.Hour))
	h.mustRun()
	cfg := h.stored()
	if cfg["clientSecret"] == old {
		t.Fatal("a secret expiring in 10 days was kept")
	}
	app := h.onlyApp()
	if !h.az.SecretWorks(app.AppID, cfg["clientSecret"]) {
		t.Fatal("the new secret does not work")
	}
	if len(app.PasswordCredentials) != 2 {
		t.Fatalf("want the old (still valid) and the new secret, have %d", len(app.PasswordCredentials))
	}
}

func TestExpiredSecretIsReplaced(t *testing.T) {
	h := newHarness(t)
	_, old := seedWorkingSetup(t, h, time.Now().Add(-time.Hour))
	h.mustRun()
	if cfg := h.stored(); cfg["clientSecret"] == old || !h.az.SecretWorks(h.onlyApp().AppID, cfg["clientSecret"]) {
		t.Fatal("the expired secret was not replaced by a working one")
	}
}

func TestAppIDAdoptsAnExistingApp(t *testing.T) {
	h := newHarness(t)
	seeded := h.az.SeedApplication(azuretest.Application{DisplayName: "Customer's own", SignInAudience: "AzureADMultipleOrgs",
		Web: &azuretest.WebApplication{RedirectURIs: []string{"https://customer.example/cb"}}})
	h.mustRun(func(o *steps.Options) { o.AppID = seeded.AppID; o.Audience = "multi-tenant" })
	app, _ := assertSetUp(t, h)
	if app.AppID != seeded.AppID || app.DisplayName != "Customer's own" {
		t.Fatalf("adopted %s %q, want %s", app.AppID, app.DisplayName, seeded.AppID)
	}
	if !slices.Contains(app.Web.RedirectURIs, "https://customer.example/cb") || !slices.Contains(app.Tags, steps.AppTag) {
		t.Fatalf("customer URI kept and tag added? %+v %v", app.Web.RedirectURIs, app.Tags)
	}
	_, err := h.run(func(o *steps.Options) { o.AppID = "00000000-0000-0000-0000-000000000001" })
	if hn, _ := hint.Of(err); err == nil || hn.Input != hint.AppID {
		t.Fatalf("an unknown --app-id should say so, got %v", err)
	}
}

func TestAdminConsentGrantsTenantWide(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.AdminConsent = true })
	app, _ := assertSetUp(t, h)
	var sp string
	for _, p := range h.az.ServicePrincipals() {
		if p.AppID == app.AppID {
			sp = p.ID
		}
	}
	var scope string
	for _, g := range h.az.PermissionGrants() {
		if g.ClientID == sp && g.ConsentType == "AllPrincipals" && g.PrincipalID == nil {
			scope = g.Scope
		}
	}
	for _, want := range []string{"Files.Read.All", "Files.ReadWrite.All", "offline_access", "User.Read"} {
		if !strings.Contains(scope, want) {
			t.Fatalf("grant scope %q lacks %s", scope, want)
		}
	}
	h.resetLogs()
	h.mustRun(func(o *steps.Options) { o.AdminConsent = true })
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("re-run with consent in place wrote:\n%s", h.log())
	}
}

// A grant that lacks a permission (revoked in the portal, or made for fewer)
// makes users consent anyway: status warns and names the consent command,
// which extends the same grant, keeping what it held.
func TestAdminConsentExtendsAPartialGrantAndStatusWarns(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.AdminConsent = true })
	h.az.MutatePermissionGrants(func(g *azuretest.OAuth2PermissionGrant) {
		g.Scope = strings.Join(slices.DeleteFunc(strings.Fields(g.Scope), func(n string) bool { return n == "offline_access" }), " ")
	})
	out, err := h.runCmd("status")
	if err != nil {
		t.Fatal(err)
	}
	rep := out.Status
	if c := checkByName(rep, "Admin consent"); c.Level != steps.StatusWarn || !strings.Contains(c.Detail, "lacks offline_access") || c.Fix != "consent" {
		t.Fatalf("status on a partial grant: %+v", c)
	}
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "Admin consent") {
		t.Fatalf("status must fail on the partial grant: %v", err)
	}
	if _, err := h.runCmd(checkByName(rep, "Admin consent").Fix); err != nil {
		t.Fatal(err)
	}
	grants := h.az.PermissionGrants()
	if len(grants) != 1 {
		t.Fatalf("want the one grant extended, got %d grants: %+v", len(grants), grants)
	}
	for _, want := range []string{"Files.Read.All", "Files.ReadWrite.All", "offline_access", "User.Read"} {
		if !slices.Contains(strings.Fields(grants[0].Scope), want) {
			t.Fatalf("extended grant %q lacks %s", grants[0].Scope, want)
		}
	}
	out, err = h.runCmd("status")
	if err != nil {
		t.Fatal(err)
	}
	rep = out.Status
	if c := checkByName(rep, "Admin consent"); c.Level != steps.StatusOK || !strings.Contains(c.Detail, "granted for all users") {
		t.Fatalf("status after the fix: %+v", c)
	}
}

func TestTenantFieldOffRemovesTheKeyOnly(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"microsoftTenant": "true", "customerKey": "keep me"})
	h.mustRun(func(o *steps.Options) { o.TenantField = steps.TenantFieldOff })
	cfg := h.stored()
	if _, ok := cfg["microsoftTenant"]; ok || cfg["customerKey"] != "keep me" {
		t.Fatalf("config after --tenant-field off: %v", cfg.Masked())
	}
}

// However it was asked for (the TUI offers "off" next to single tenant), a
// single-tenant app gets the tenant field: without it no connection works.
func TestSingleTenantKeepsTheTenantFieldEvenWhenOffIsAsked(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.Audience = "single-tenant"; o.TenantField = steps.TenantFieldOff })
	if got := h.stored()["microsoftTenant"]; got != "true" {
		t.Fatalf("microsoftTenant = %q, want true", got)
	}
}
