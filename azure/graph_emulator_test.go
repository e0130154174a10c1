package azure_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

const testTag = "appmixer-msconnector-wizard"

func newTestApp(c *azure.Catalogue, t *testing.T, name string) azure.Application {
	ra, err := c.Resolve([]string{"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	v2 := 2
	return azure.Application{
		DisplayName:    name,
		SignInAudience: "AzureADandPersonalMicrosoftAccount",
		API:            &azure.APIApplication{RequestedAccessTokenVersion: &v2},
		Web: &azure.WebApplication{
			RedirectURIs:          []string{"https://api.acme.example/auth/microsoft/callback", "https://api.acme.example/plugins/appmixer/microsoft/onedrive/picker"},
			ImplicitGrantSettings: &azure.ImplicitGrantSettings{EnableAccessTokenIssuance: true, EnableIDTokenIssuance: true},
		},
		RequiredResourceAccess: []azure.RequiredResourceAccess{{ResourceAppID: azure.GraphAppID, ResourceAccess: ra}},
		Tags:                   []string{testTag},
		Notes:                  "created by a test",
	}
}

// TestGraphLifecycleAgainstEmulator walks every Graph method the wizard uses.
func TestGraphLifecycleAgainstEmulator(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)

	cat, err := g.LoadCatalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := g.LoadCatalogue(ctx); again != cat || len(routeRequests(srv, "GET /v1.0/servicePrincipals(appId={appId})")) != 1 {
		t.Fatal("catalogue must be loaded once per run")
	}
	// the DESIGN.md ids come from the emulator's Graph service principal, not from our code
	if ra, err := cat.Resolve([]string{"Files.Read.All"}); err != nil || ra[0].ID != "df85f4d6-205c-4ac5-a5ea-6bf408dba283" {
		t.Fatalf("resolve %v %v", ra, err)
	}
	all, _ := azure.ParsePermissionList("all")
	if _, err := cat.Resolve(all); err != nil {
		t.Fatalf("every scope of the 'all' preset must exist in Graph: %v", err)
	}

	app, err := g.CreateApplication(ctx, newTestApp(cat, t, "Appmixer O'Test"))
	if err != nil {
		t.Fatal(err)
	}
	if app.ID == "" || app.AppID == "" || app.Web == nil || len(app.Web.RedirectURIs) != 2 || !app.Web.ImplicitGrantSettings.EnableIDTokenIssuance {
		t.Fatalf("created %+v", app)
	}
	if n := len(srv.Applications()); n != 1 {
		t.Fatalf("emulator holds %d apps", n)
	}

	for _, f := range []azure.AppFilter{{DisplayName: "Appmixer O'Test"}, {AppID: app.AppID}, {Tag: testTag}} {
		found, err := g.FindApplications(ctx, f)
		if err != nil || len(found) != 1 || found[0].ID != app.ID {
			t.Fatalf("find %+v: %+v %v", f, found, err)
		}
	}
	if found, err := g.FindApplications(ctx, azure.AppFilter{DisplayName: "nope"}); err != nil || len(found) != 0 {
		t.Fatalf("find none: %+v %v", found, err)
	}
	got, err := g.GetApplication(ctx, app.ID)
	if err != nil || got.AppID != app.AppID || len(got.RequiredResourceAccess) != 1 || len(got.RequiredResourceAccess[0].ResourceAccess) != 4 {
		t.Fatalf("get %+v %v", got, err)
	}
	if names := cat.Names(got.RequiredResourceAccess[0].ResourceAccess); !slices.Contains(names, "offline_access") {
		t.Fatalf("names %v", names)
	}
	byApp, err := g.GetApplicationByAppID(ctx, app.AppID)
	if err != nil || byApp.ID != app.ID {
		t.Fatalf("by appId %+v %v", byApp, err)
	}

	uris := append(got.Web.RedirectURIs, "https://customer.example/own")
	if err := g.UpdateApplication(ctx, app.ID, azure.ApplicationPatch{Web: &azure.WebApplication{RedirectURIs: uris, ImplicitGrantSettings: got.Web.ImplicitGrantSettings}}); err != nil {
		t.Fatal(err)
	}
	if a := srv.Applications()[0]; len(a.Web.RedirectURIs) != 3 || !a.Web.ImplicitGrantSettings.EnableAccessTokenIssuance {
		t.Fatalf("after patch %+v", a.Web)
	}
	writes := len(srv.Requests())
	if err := g.UpdateApplication(ctx, app.ID, azure.ApplicationPatch{}); err != nil || len(srv.Requests()) != writes {
		t.Fatal("an empty patch must send nothing")
	}

	end := time.Now().AddDate(1, 0, 0)
	pc, err := g.AddPassword(ctx, app.ID, "appmixer-wizard "+time.Now().Format("2006-01-02"), end)
	if err != nil {
		t.Fatal(err)
	}
	if pc.SecretText == "" || pc.KeyID == "" || !strings.HasPrefix(pc.SecretText, pc.Hint) || pc.EndDateTime.Sub(end).Abs() > time.Minute {
		t.Fatalf("password %v", pc)
	}
	if creds := srv.Applications()[0].PasswordCredentials; len(creds) != 1 || creds[0].KeyID != pc.KeyID {
		t.Fatalf("stored creds %+v", creds)
	}

	sp, err := g.CreateServicePrincipal(ctx, app.AppID, []string{testTag})
	if err != nil || sp.AppID != app.AppID || sp.ID == "" {
		t.Fatalf("sp %+v %v", sp, err)
	}
	if err := azure.WaitClientSecret(ctx, s, app.AppID, pc.SecretText, 5*time.Second); err != nil {
		t.Fatalf("new secret should work: %v", err)
	}
	sp2, err := g.GetServicePrincipalByAppID(ctx, app.AppID)
	if err != nil || sp2.ID != sp.ID {
		t.Fatalf("get sp %+v %v", sp2, err)
	}
	// a second create (e.g. after a lost answer) returns the existing one
	if sp3, err := g.CreateServicePrincipal(ctx, app.AppID, nil); err != nil || sp3.ID != sp.ID || spsFor(srv, app.AppID) != 1 {
		t.Fatalf("duplicate sp create: %+v %v (%d sps)", sp3, err, spsFor(srv, app.AppID))
	}

	grants, err := g.ListPermissionGrants(ctx, sp.ID)
	if err != nil || len(grants) != 0 {
		t.Fatalf("grants %+v %v", grants, err)
	}
	gr, err := g.CreatePermissionGrant(ctx, azure.OAuth2PermissionGrant{ClientID: sp.ID, ConsentType: "AllPrincipals", ResourceID: cat.GraphSPID(), Scope: "User.Read Files.Read.All offline_access"})
	if err != nil || gr.ID == "" || gr.PrincipalID != nil {
		t.Fatalf("grant %+v %v", gr, err)
	}
	if grants, err = g.ListPermissionGrants(ctx, sp.ID); err != nil || len(grants) != 1 || grants[0].Scope != gr.Scope {
		t.Fatalf("grants %+v %v", grants, err)
	}

	org, err := g.Organization(ctx)
	if err != nil || org.ID != srv.TenantID || org.DisplayName == "" {
		t.Fatalf("org %+v %v", org, err)
	}
	if _, err := g.Me(ctx); err == nil {
		t.Fatal("/me with an app-only token must fail")
	}

	if err := g.RemovePassword(ctx, app.ID, pc.KeyID); err != nil {
		t.Fatal(err)
	}
	if err := azure.CheckClientSecret(ctx, s, app.AppID, pc.SecretText); err == nil {
		t.Fatal("a removed secret must not work")
	}
	if err := g.DeleteServicePrincipal(ctx, sp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := g.GetServicePrincipalByAppID(ctx, app.AppID); !azure.IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	if err := g.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := g.GetApplicationByAppID(ctx, app.AppID); !azure.IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	if len(srv.Applications()) != 0 {
		t.Fatal("app still there")
	}
	// no secret in any error or String() above; and none in the request log
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path+r.Query, pc.SecretText) {
			t.Fatal("secret in a URL")
		}
	}
}

func TestGraphErrorsFromEmulator(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)

	_, err := g.CreateApplication(ctx, azure.Application{DisplayName: "x", Web: &azure.WebApplication{RedirectURIs: []string{"http://public.example/cb"}}})
	ge, ok := azure.AsGraphError(err)
	if !ok || ge.StatusCode != 400 || ge.Code == "" || ge.RequestID == "" || ge.Method != "POST" || ge.Path != "/applications" {
		t.Fatalf("http redirect URI: %#v %v", ge, err)
	}
	if !strings.HasPrefix(err.Error(), "graph: POST /applications: 400 ") || !strings.Contains(err.Error(), "(request-id ") {
		t.Fatalf("format: %q", err)
	}
	if _, err := g.GetApplication(ctx, "00000000-0000-0000-0000-000000000001"); !azure.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}

	// tokens stop working: 401 says sign in again
	srv.ExpireAllTokens()
	_, err = g.Organization(ctx)
	if h, _ := hint.Of(err); !isStatus(err, 401) || !strings.Contains(h.Text, "sign in again") {
		t.Fatalf("expired token: %v (%+v)", err, h)
	}
}

// An app's own secret gets a token, but Graph refuses it (403): the error names the role needed.
func TestGraphForbiddenForAppWithoutPermissions(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := g.AddPassword(ctx, app.ID, "t", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.CreateServicePrincipal(ctx, app.AppID, nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AZURE_CLIENT_ID", app.AppID)
	t.Setenv("AZURE_CLIENT_SECRET", pc.SecretText)
	s2, err := azure.SignIn(ctx, azure.SignInOptions{Method: azure.SignInEnvironment, GraphURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fastGraph(s2).FindApplications(ctx, azure.AppFilter{DisplayName: "plain"})
	if h, _ := hint.Of(err); !isStatus(err, 403) || !strings.Contains(h.Text, "Application Administrator") {
		t.Fatalf("want 403 with a role hint, got %v (%+v)", err, h)
	}
	if strings.Contains(err.Error(), pc.SecretText) {
		t.Fatal("secret in error")
	}
}

func TestSecretLifetimePolicyFromEmulator(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "capped"})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetSecretLifetimePolicy(180 * 24 * time.Hour)
	_, err = g.AddPassword(ctx, app.ID, "t", time.Now().AddDate(2, 0, 0))
	var le *azure.SecretLifetimeError
	if !errors.As(err, &le) {
		t.Fatalf("want *SecretLifetimeError, got %v", err)
	}
	if h, _ := hint.Of(err); le.Allowed != 180*24*time.Hour || !strings.Contains(err.Error(), "at most 6m") || h.Input != hint.SecretExpiry || h.Value != "6m" {
		t.Fatalf("allowed %s, message %q, hint %+v", le.Allowed, err, h)
	}
	if n := len(srv.Applications()[0].PasswordCredentials); n != 0 {
		t.Fatalf("%d secrets left behind", n)
	}
	// within the policy it works
	if _, err := g.AddPassword(ctx, app.ID, "t", time.Now().Add(le.Allowed-time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func spsFor(srv *azuretest.Server, appID string) int {
	n := 0
	for _, sp := range srv.ServicePrincipals() {
		if sp.AppID == appID {
			n++
		}
	}
	return n
}

// The upsert creates once and finds the same app when repeated; without the
// Prefer header a missing app is a 404, as Graph documents.
func TestUpsertApplicationIsRepeatable(t *testing.T) {
	srv := newEmulator(t)
	g := fastGraph(signInAutomation(t, srv))
	ctx := ctxT(t)
	first, created, err := g.UpsertApplication(ctx, "wizard-key-1", azure.Application{DisplayName: "upsert", Tags: []string{"a"}})
	if err != nil || !created || first.AppID == "" {
		t.Fatalf("first upsert: %+v %v %v", first, created, err)
	}
	again, created, err := g.UpsertApplication(ctx, "wizard-key-1", azure.Application{DisplayName: "upsert", Tags: []string{"b"}})
	if err != nil || created || again.ID != first.ID || !slices.Equal(again.Tags, []string{"b"}) {
		t.Fatalf("second upsert: %+v %v %v (want the same app, updated)", again, created, err)
	}
	if n := len(srv.Applications()); n != 1 {
		t.Fatalf("%d apps after two upserts", n)
	}
	if err := g.UpdateApplication(ctx, first.ID, azure.ApplicationPatch{Tags: []string{"c"}}); err != nil {
		t.Fatal(err)
	}
	tok, err := signInAutomation(t, srv).Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{srv.GraphScope()}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v1.0/applications(uniqueName='missing')", strings.NewReader(`{"displayName":"x"}`))
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("PATCH of a missing uniqueName without Prefer: %d, want 404", resp.StatusCode)
	}
}
