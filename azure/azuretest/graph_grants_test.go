package azuretest_test

import (
	"strings"
	"testing"
)

// A grant's scope must name delegated permissions the resource service
// principal publishes, exactly as published: a typo, a wrong case, an
// application-only or unpublished permission fails, on create and on update.
func TestGrantScopesMustBePublished(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "consent", "signInAudience": "AzureADMyOrg"})
	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": app["appId"]})
	mustStatus(t, sp, 201)
	client, res := sp.body["id"].(string), graphSPID(t, s, tok)
	grant := func(scope string) resp {
		return graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{
			"clientId": client, "consentType": "AllPrincipals", "principalId": nil, "resourceId": res, "scope": scope})
	}
	for _, bad := range []string{"User.Raed", "user.read", "User.Read Files.Read.all", "Application.ReadWrite.OwnedBy", "Nope.All"} {
		r := grant(bad)
		if r.status != 400 || r.errCode() != "Request_BadRequest" || !strings.Contains(r.errMsg(), "'scope'") {
			t.Errorf("scope %q: %d %s", bad, r.status, r.raw)
		}
	}
	if n := len(s.PermissionGrants()); n != 0 {
		t.Fatalf("a refused grant was stored: %d", n)
	}
	ok := grant("User.Read Files.Read.All offline_access")
	mustStatus(t, ok, 201)
	id := ok.body["id"].(string)
	if r := graph(t, s, tok, "PATCH", "/oauth2PermissionGrants/"+id, map[string]any{"scope": "User.Read files.readwrite.all"}); r.status != 400 {
		t.Fatalf("PATCH with a wrong-case scope: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, tok, "PATCH", "/oAuth2PermissionGrants/"+id, map[string]any{"scope": "User.Read Files.ReadWrite.All"}), 204)
	if g := s.PermissionGrants(); len(g) != 1 || g[0].Scope != "User.Read Files.ReadWrite.All" {
		t.Fatalf("grants: %+v", g)
	}
	// The scopes an app itself exposes are valid for a grant to that app.
	api := createApp(t, s, tok, map[string]any{"displayName": "api", "signInAudience": "AzureADMyOrg",
		"api": map[string]any{"oauth2PermissionScopes": []any{map[string]any{"id": "2b4c8a3e-5d6f-4a1b-9c8d-7e6f5a4b3c2d",
			"value": "access_as_user", "type": "User", "isEnabled": true}}}})
	apiSP := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": api["appId"]})
	mustStatus(t, apiSP, 201)
	// Asked first, while no grant to that API exists, so only the scope check can refuse it.
	if r := graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": client, "consentType": "AllPrincipals",
		"resourceId": apiSP.body["id"], "scope": "User.Read"}); r.status != 400 || !strings.Contains(r.errMsg(), "'scope'") {
		t.Fatalf("Graph's scope on another resource: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{
		"clientId": client, "consentType": "AllPrincipals", "resourceId": apiSP.body["id"], "scope": "access_as_user"}), 201)
}

// Entity sets, segments, key names and $select/$filter property names are
// case-insensitive in Graph; the request log shows the canonical route.
func TestCaseInsensitiveURLs(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "Case", "signInAudience": "AzureADMyOrg"})
	id, appID := app["id"].(string), app["appId"].(string)
	s.ResetRequests()
	for _, c := range []struct{ method, path string }{
		{"GET", "/Applications"},
		{"GET", "/APPLICATIONS/" + id + "?$select=DisplayName"},
		{"GET", "/applications(APPID='" + appID + "')"},
		{"GET", "/applications?$filter=DISPLAYNAME%20eq%20'case'"},
		{"POST", "/applications/" + id + "/AddPassword"},
		{"GET", "/oAuth2PermissionGrants"},
		{"GET", "/ServicePrincipals(appId='00000003-0000-0000-c000-000000000000')"},
	} {
		var body any
		if c.method == "POST" {
			body = map[string]any{}
		}
		r := graph(t, s, tok, c.method, c.path, body)
		if r.status != 200 {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.raw)
		}
	}
	if r := graph(t, s, tok, "GET", "/APPLICATIONS/"+id+"?$select=DisplayName", nil); r.body["displayName"] != "Case" {
		t.Errorf("$select resolves names case-insensitively: %s", r.raw)
	}
	want := []string{"GET /v1.0/applications", "GET /v1.0/applications/{id}", "GET /v1.0/applications(appId={appId})",
		"GET /v1.0/applications", "POST /v1.0/applications/{id}/addPassword", "GET /v1.0/oauth2PermissionGrants",
		"GET /v1.0/servicePrincipals(appId={appId})"}
	got := s.Requests()
	for i, w := range want {
		if i >= len(got) || got[i].Route != w {
			t.Fatalf("routes = %+v, want %v", got, want)
		}
	}
}
