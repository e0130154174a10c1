package steps_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Documented Graph delegated scope ids (DESIGN.md; Graph permissions reference).
var documentedScopes = []string{
	"e1fe6dd8-ba31-4d61-89e7-88639da4683d", // User.Read
	"df85f4d6-205c-4ac5-a5ea-6bf408dba283", // Files.Read.All
	"863451e7-0667-486c-a5d6-d135439485f0", // Files.ReadWrite.All
	"7427e0e9-2fba-42fe-b0c0-848c9e6a8182", // offline_access
}

func graphScopeIDs(app azuretest.Application) []string {
	var ids []string
	for _, r := range app.RequiredResourceAccess {
		if r.ResourceAppID == azure.GraphAppID {
			for _, a := range r.ResourceAccess {
				if a.Type == "Scope" {
					ids = append(ids, a.ID)
				}
			}
		}
	}
	return ids
}

// assertSetUp checks the outcome the seed's procedure asks for.
func assertSetUp(t *testing.T, h *harness) (azuretest.Application, appmixer.Config) {
	t.Helper()
	app := h.onlyApp()
	cb, picker := h.amx.URL+"/auth/microsoft/callback", h.amx.URL+"/plugins/appmixer/microsoft/onedrive/picker"
	if app.Web == nil || !slices.Contains(app.Web.RedirectURIs, cb) || !slices.Contains(app.Web.RedirectURIs, picker) {
		t.Fatalf("redirect URIs: %+v, want %s and %s", app.Web, cb, picker)
	}
	if g := app.Web.ImplicitGrantSettings; g == nil || !g.EnableAccessTokenIssuance || !g.EnableIDTokenIssuance {
		t.Fatalf("implicit grant: %+v, want both on", g)
	}
	for _, id := range documentedScopes {
		if !slices.Contains(graphScopeIDs(app), id) {
			t.Errorf("permission %s missing: %v", id, graphScopeIDs(app))
		}
	}
	if len(app.PasswordCredentials) != 1 {
		t.Fatalf("want one secret, have %d", len(app.PasswordCredentials))
	}
	cfg := h.stored()
	if cfg["clientId"] != app.AppID {
		t.Fatalf("Appmixer clientId = %q, want the app's client ID %q", cfg["clientId"], app.AppID)
	}
	if !h.az.SecretWorks(app.AppID, cfg["clientSecret"]) {
		t.Fatal("Appmixer's clientSecret does not work for the app")
	}
	return app, cfg
}

func TestFreshSetupDoesTheWholeSeed(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me", "redirectUri": "https://elsewhere.example/cb"})
	st := h.mustRun()
	app, cfg := assertSetUp(t, h)
	if cfg["customerKey"] != "keep me" || cfg["redirectUri"] != "https://elsewhere.example/cb" {
		t.Fatalf("customer keys lost: %v", cfg.Masked())
	}
	if app.SignInAudience != "AzureADandPersonalMicrosoftAccount" {
		t.Errorf("audience %s", app.SignInAudience)
	}
	if _, ok := cfg["microsoftTenant"]; ok {
		t.Error("tenant field set although nobody asked")
	}
	if len(h.az.ServicePrincipals()) < 2 { // Graph's own + ours
		t.Error("no service principal created for the app")
	}
	sum := st.Summary
	if sum.ClientID != app.AppID || sum.TenantID != h.az.TenantID || sum.SecretExpires.IsZero() || !sum.SecretNew {
		t.Fatalf("summary %+v", sum)
	}
	calls, _ := h.calls()
	if calls > 12 {
		t.Errorf("fresh setup made %d round trips, budget 12:\n%s", calls, h.log())
	}
}

func TestRerunWithNothingToDoWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	h.resetLogs()
	out, err := h.run()
	res := out.Steps
	if err != nil {
		t.Fatal(err)
	}
	calls, writes := h.calls()
	if writes != 0 {
		t.Fatalf("re-run wrote %d times:\n%s", writes, h.log())
	}
	if calls > 8 {
		t.Errorf("re-run made %d round trips, budget 8:\n%s", calls, h.log())
	}
	for _, r := range res {
		if r.Status != steps.StatusUnchanged && r.Status != steps.StatusChecked {
			t.Errorf("step %s: %s %v", r.Step.ID, r.Status, r.Changes)
		}
	}
	if _, after := assertSetUp(t, h); after["clientSecret"] != before["clientSecret"] {
		t.Fatal("re-run replaced a working secret")
	}
}

func TestDriftIsRepairedAndSecretKept(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app, before := assertSetUp(t, h)
	h.az.MutateApplication(app.AppID, func(a *azuretest.Application) {
		a.Web.RedirectURIs = slices.DeleteFunc(a.Web.RedirectURIs, func(u string) bool { return strings.Contains(u, "picker") })
		a.Web.RedirectURIs = append(a.Web.RedirectURIs, "https://customer.example/own")
		a.Web.ImplicitGrantSettings.EnableIDTokenIssuance = false
		a.RequiredResourceAccess[0].ResourceAccess = a.RequiredResourceAccess[0].ResourceAccess[1:]
	})
	h.mustRun()
	app, after := assertSetUp(t, h)
	if after["clientSecret"] != before["clientSecret"] {
		t.Fatal("drift repair replaced the secret")
	}
	if !slices.Contains(app.Web.RedirectURIs, "https://customer.example/own") {
		t.Fatal("the customer's own redirect URI was dropped")
	}
}

func TestNonAdminStopsBeforeAnyAzureWrite(t *testing.T) {
	h := newHarness(t)
	h.amx.AddUser("ann@example.com", "pw-ann-123", false)
	_, err := h.run(func(o *steps.Options) {
		o.AppmixerUsername, o.AppmixerPassword = "ann@example.com", steps.NewSecret("pw-ann-123")
	})
	if err == nil || !strings.Contains(err.Error(), "admin") {
		t.Fatalf("want an admin error, got %v", err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("%d writes before the admin check stopped the run:\n%s", writes, h.log())
	}
	if len(h.az.Applications()) != 0 {
		t.Fatal("an app was created")
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	h.resetLogs()
	out, err := h.run(func(o *steps.Options) { o.DryRun = true })
	res := out.Steps
	if err != nil {
		t.Fatal(err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("dry run wrote:\n%s", h.log())
	}
	if filesContain(t, h.opts.StateDir, "{") {
		t.Fatal("dry run wrote a state file")
	}
	planned := 0
	for _, r := range res {
		if r.Status == "planned" {
			planned++
		}
	}
	if planned < 4 { // app, service principal, secret, Appmixer store
		t.Fatalf("dry run planned only %d steps: %+v", planned, res)
	}
	var store []string
	for _, r := range res {
		if r.Step.ID == steps.IDStoreInAppmixer {
			for _, c := range r.Changes {
				store = append(store, c.Name)
			}
		}
	}
	if !slices.Contains(store, "clientId") || !slices.Contains(store, "clientSecret") {
		t.Fatalf("the dry run's Appmixer plan should name clientId and clientSecret: %v", store)
	}
}

func TestDuplicatesStopWithTheList(t *testing.T) {
	h := newHarness(t)
	a := h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer", Tags: []string{steps.AppTag}})
	b := h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer", Tags: []string{steps.AppTag}})
	h.resetLogs()
	_, err := h.run()
	if hn, _ := hint.Of(err); err == nil || !strings.Contains(err.Error(), a.AppID) || !strings.Contains(err.Error(), b.AppID) || hn.Input != hint.AppID {
		t.Fatalf("want the list and --app-id, got %v", err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("wrote despite duplicates:\n%s", h.log())
	}
	if len(h.az.Applications()) != 2 {
		t.Fatal("created another duplicate")
	}
}

func TestSingleTenantTurnsTheTenantFieldOn(t *testing.T) {
	h := newHarness(t)
	st := h.mustRun(func(o *steps.Options) { o.Audience = "single-tenant" })
	if got := h.stored()["microsoftTenant"]; got != "true" {
		t.Fatalf("microsoftTenant = %q, want true", got)
	}
	if app := h.onlyApp(); app.SignInAudience != "AzureADMyOrg" {
		t.Fatalf("audience %s", app.SignInAudience)
	}
	if sum := st.Summary; !sum.TenantField || sum.TenantID != h.az.TenantID {
		t.Fatalf("summary %+v", sum)
	}
}

// log renders the request logs for failure messages.
func (h *harness) log() string {
	var b strings.Builder
	for _, r := range h.az.Requests() {
		b.WriteString("azure    " + r.Route + " " + status(r.Status, r.Faulted) + "\n")
	}
	for _, r := range h.amx.Requests() {
		b.WriteString("appmixer " + r.Route + " " + status(r.Status, r.Faulted) + "\n")
	}
	return b.String()
}

func status(code int, faulted bool) string {
	if faulted {
		return fmt.Sprintf("%d (faulted)", code)
	}
	return fmt.Sprint(code)
}

func TestUnknownPermissionSuggestsAndWritesNothing(t *testing.T) {
	h := newHarness(t)
	_, err := h.run(func(o *steps.Options) { o.Permissions = "Files.Reed.All,offline_access" })
	if err == nil || !strings.Contains(err.Error(), "Files.Read.All") {
		t.Fatalf("want a suggestion of Files.Read.All, got %v", err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("wrote despite a bad permission:\n%s", h.log())
	}
}

// An existing app with another audience gets the asked one in place (one
// PATCH, with the v2 tokens personal accounts need), keeping its client ID.
func TestAnExistingAppsAudienceIsChanged(t *testing.T) {
	h := newHarness(t)
	seeded := h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer", SignInAudience: "AzureADMultipleOrgs"})
	h.mustRun()
	app, _ := assertSetUp(t, h)
	if app.AppID != seeded.AppID || app.SignInAudience != "AzureADandPersonalMicrosoftAccount" || !slices.Contains(app.Tags, steps.AppTag) {
		t.Fatalf("app %s audience %s tags %v, want %s with personal accounts and the tag", app.AppID, app.SignInAudience, app.Tags, seeded.AppID)
	}
	h.mustRun(func(o *steps.Options) { o.Audience = "single-tenant" })
	if app := h.onlyApp(); app.SignInAudience != "AzureADMyOrg" || h.stored()["microsoftTenant"] != "true" {
		t.Fatalf("audience %s, tenant field %q after asking for single-tenant", app.SignInAudience, h.stored()["microsoftTenant"])
	}
}

// A frontend URL given for the API: the error's hint offers the API URL
// itself (ParseAPIURL's own hint, not a generic one on top of it).
func TestAFrontendURLIsAnsweredWithTheAPIURL(t *testing.T) {
	h := newHarness(t)
	_, err := h.run(func(o *steps.Options) { o.AppmixerURL = "https://my.acme.appmixer.cloud" })
	hn, ok := hint.Of(err)
	if !ok || hn.Input != hint.AppmixerURL || hn.Value != "https://api.acme.appmixer.cloud" {
		t.Fatalf("error %v, hint %+v", err, hn)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("wrote:\n%s", h.log())
	}
}
