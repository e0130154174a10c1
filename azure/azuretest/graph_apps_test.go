package azuretest_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

func fullAppBody(name string) map[string]any {
	return map[string]any{
		"displayName":    name,
		"signInAudience": "AzureADandPersonalMicrosoftAccount",
		"api":            map[string]any{"requestedAccessTokenVersion": 2},
		"web": map[string]any{
			"redirectUris":          []string{"https://api.acme.example/auth/microsoft/callback", "http://localhost:2200/cb"},
			"implicitGrantSettings": map[string]any{"enableAccessTokenIssuance": true, "enableIdTokenIssuance": true},
		},
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": azuretest.GraphAppID, "resourceAccess": []any{
			map[string]any{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"},
		}}},
		"tags":  []string{"appmixer-wizard"},
		"notes": "made by a test",
	}
}

func TestApplicationCRUDAndFilter(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, fullAppBody("O'Brien app"))
	id, appID := app["id"].(string), app["appId"].(string)
	if id == "" || appID == "" || id == appID {
		t.Fatalf("ids %q %q", id, appID)
	}
	web := app["web"].(map[string]any)
	if len(web["redirectUris"].([]any)) != 2 || web["implicitGrantSettings"].(map[string]any)["enableIdTokenIssuance"] != true {
		t.Fatalf("web = %v", web)
	}
	createApp(t, s, tok, map[string]any{"displayName": "Other", "signInAudience": "AzureADMultipleOrgs"})

	for _, f := range []string{"displayName eq 'O''Brien app'", "appId eq '" + appID + "'", "tags/any(t:t eq 'appmixer-wizard')", "startswith(displayName,'o''b')"} {
		r := graph(t, s, tok, "GET", "/applications?$filter="+url.QueryEscape(f)+"&$select=id,appId,displayName", nil)
		mustStatus(t, r, 200)
		vals := r.body["value"].([]any)
		if len(vals) != 1 || vals[0].(map[string]any)["id"] != id {
			t.Fatalf("%s → %v", f, r.raw)
		}
		if _, has := vals[0].(map[string]any)["web"]; has {
			t.Fatalf("$select ignored: %v", vals[0])
		}
	}
	all := graph(t, s, tok, "GET", "/applications?$top=1", nil)
	mustStatus(t, all, 200)
	if len(all.body["value"].([]any)) != 1 || all.body["@odata.nextLink"] == nil {
		t.Fatalf("paging: %s", all.raw)
	}
	next := strings.TrimPrefix(all.body["@odata.nextLink"].(string), s.URL+"/v1.0")
	page2 := graph(t, s, tok, "GET", next, nil)
	if len(page2.body["value"].([]any)) != 1 || page2.body["@odata.nextLink"] != nil {
		t.Fatalf("page 2: %s", page2.raw)
	}

	mustStatus(t, graph(t, s, tok, "GET", "/applications/"+id, nil), 200)
	byAppID := graph(t, s, tok, "GET", "/applications(appId='"+appID+"')", nil)
	mustStatus(t, byAppID, 200)
	if byAppID.body["id"] != id {
		t.Fatal(byAppID.raw)
	}

	// PATCH replaces arrays whole and merges complex values.
	mustStatus(t, graph(t, s, tok, "PATCH", "/applications/"+id, map[string]any{"web": map[string]any{"redirectUris": []string{"https://x.example/cb"}}, "tags": []string{}}), 204)
	got := findApp(t, s, appID)
	if len(got.Web.RedirectURIs) != 1 || got.Web.RedirectURIs[0] != "https://x.example/cb" || len(got.Tags) != 0 || !got.Web.ImplicitGrantSettings.EnableIDTokenIssuance {
		t.Fatalf("after PATCH: %+v %+v", got.Web, got.Tags)
	}

	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+id, nil), 204)
	r := graph(t, s, tok, "GET", "/applications/"+id, nil)
	if r.status != 404 || r.errCode() != "Request_ResourceNotFound" || r.header.Get("request-id") == "" {
		t.Fatalf("after delete: %d %s", r.status, r.raw)
	}
	inner := r.body["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] == nil || inner["date"] == nil || inner["client-request-id"] == nil {
		t.Fatalf("innerError %v", inner)
	}
}

func findApp(t *testing.T, s *azuretest.Server, appID string) azuretest.Application {
	t.Helper()
	for _, a := range s.Applications() {
		if a.AppID == appID {
			return a
		}
	}
	t.Fatalf("app %s not in emulator", appID)
	return azuretest.Application{}
}

func TestApplicationValidation(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	long := "https://x.example/" + strings.Repeat("a", 250)
	cases := []struct {
		name     string
		body     any
		code     string
		contains string
	}{
		{"unknown property", map[string]any{"displayName": "x", "signInAudiance": "AzureADMyOrg"}, "Request_BadRequest", "signInAudiance"},
		{"unknown nested", map[string]any{"displayName": "x", "web": map[string]any{"redirectUri": []string{}}}, "Request_BadRequest", "redirectUri"},
		{"no displayName", map[string]any{"signInAudience": "AzureADMyOrg"}, "Request_BadRequest", "displayName"},
		{"bad audience", map[string]any{"displayName": "x", "signInAudience": "Everyone"}, "Request_BadRequest", "signInAudience"},
		{"personal needs v2", map[string]any{"displayName": "x", "signInAudience": "AzureADandPersonalMicrosoftAccount"}, "InvalidAccessTokenVersion", "requestedAccessTokenVersion"},
		{"http redirect", map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg", "web": map[string]any{"redirectUris": []string{"http://acme.example/cb"}}}, "Request_BadRequest", "redirectUris"},
		{"long redirect", map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg", "web": map[string]any{"redirectUris": []string{long}}}, "Request_BadRequest", "256"},
		{"null tags", map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg", "tags": nil}, "Request_BadRequest", "null"},
		{"bad scope type", map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg", "requiredResourceAccess": []any{map[string]any{"resourceAppId": azuretest.GraphAppID, "resourceAccess": []any{map[string]any{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Delegated"}}}}}, "Request_BadRequest", "type"},
		{"read-only appId", map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg", "appId": "e1fe6dd8-ba31-4d61-89e7-88639da4683d"}, "Request_BadRequest", "appId"},
		{"wrong type", map[string]any{"displayName": 5}, "Request_BadRequest", "Edm.String"},
		{"malformed JSON", `{"displayName":`, "BadRequest", "JSON"},
		{"empty body", "", "BadRequest", "Empty Payload"},
	}
	for _, tc := range cases {
		r := graph(t, s, tok, "POST", "/applications", tc.body)
		if r.status != 400 || r.errCode() != tc.code || !strings.Contains(r.errMsg(), tc.contains) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	if n := len(s.Applications()); n != 0 {
		t.Fatalf("%d apps created by invalid requests", n)
	}

	// Loopback http and the default audience are fine.
	app := createApp(t, s, tok, map[string]any{"displayName": "ok", "web": map[string]any{"redirectUris": []string{"http://127.0.0.1:8080/cb", "http://localhost/cb"}}})
	if app["signInAudience"] != "AzureADandPersonalMicrosoftAccount" || app["api"].(map[string]any)["requestedAccessTokenVersion"] != float64(2) {
		t.Fatalf("defaults: %v %v", app["signInAudience"], app["api"])
	}
	// PATCH is validated on the resulting object: dropping to v1 tokens breaks the personal audience.
	id := app["id"].(string)
	r := graph(t, s, tok, "PATCH", "/applications/"+id, map[string]any{"api": map[string]any{"requestedAccessTokenVersion": 1}})
	if r.status != 400 || r.errCode() != "InvalidAccessTokenVersion" {
		t.Fatalf("PATCH v1: %d %s", r.status, r.raw)
	}
	org := createApp(t, s, tok, map[string]any{"displayName": "org", "signInAudience": "AzureADMultipleOrgs"})
	r = graph(t, s, tok, "PATCH", "/applications/"+org["id"].(string), map[string]any{"signInAudience": "AzureADandPersonalMicrosoftAccount"})
	if r.status != 400 || r.errCode() != "InvalidAccessTokenVersion" {
		t.Fatalf("PATCH audience alone: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, tok, "PATCH", "/applications/"+org["id"].(string), map[string]any{
		"signInAudience": "AzureADandPersonalMicrosoftAccount", "api": map[string]any{"requestedAccessTokenVersion": 2}}), 204)
	r = graph(t, s, tok, "PATCH", "/applications/"+id, map[string]any{"displayName": ""})
	if r.status != 400 || !strings.Contains(r.errMsg(), "displayName") {
		t.Fatalf("PATCH empty name: %d %s", r.status, r.raw)
	}
	r = graph(t, s, tok, "GET", "/applications?$filter="+url.QueryEscape("notes eq 'x'"), nil)
	if r.status != 400 || r.errCode() != "Request_UnsupportedQuery" {
		t.Fatalf("unsupported filter: %d %s", r.status, r.raw)
	}
	r = graph(t, s, tok, "GET", "/applications?$select=nope", nil)
	if r.status != 400 || !strings.Contains(r.errMsg(), "nope") {
		t.Fatalf("bad $select: %d %s", r.status, r.raw)
	}
	r = graph(t, s, tok, "GET", "/applications/not-a-guid", nil)
	if r.status != 400 || r.errCode() != "Request_BadRequest" {
		t.Fatalf("bad id: %d %s", r.status, r.raw)
	}
}

func TestPasswords(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "pw", "signInAudience": "AzureADMyOrg"})
	id, appID := app["id"].(string), app["appId"].(string)

	r := graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "wizard"}})
	mustStatus(t, r, 200)
	secret, keyID := r.body["secretText"].(string), r.body["keyId"].(string)
	if len(secret) < 32 || r.body["hint"] != secret[:3] || r.body["displayName"] != "wizard" {
		t.Fatalf("addPassword: %s", r.raw)
	}
	start, end := mustTime(r.body["startDateTime"].(string)), mustTime(r.body["endDateTime"].(string))
	if !end.Equal(start.AddDate(2, 0, 0)) {
		t.Fatalf("default lifetime %v → %v", start, end)
	}
	// secretText never again: not in GET, not in Applications().
	g := graph(t, s, tok, "GET", "/applications/"+id, nil)
	if strings.Contains(g.raw, secret) || len(g.body["passwordCredentials"].([]any)) != 1 {
		t.Fatalf("GET leaks or lacks the credential: %s", g.raw)
	}
	pc := findApp(t, s, appID).PasswordCredentials[0]
	if pc.SecretText != nil || pc.KeyID != keyID || pc.Hint != secret[:3] {
		t.Fatalf("stored credential %+v", pc)
	}

	r = graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"keyId": keyID}})
	if r.status != 400 {
		t.Fatalf("client keyId: %d %s", r.status, r.raw)
	}
	// A PATCH cannot clear the secrets either: only removePassword removes one.
	r = graph(t, s, tok, "PATCH", "/applications/"+id, map[string]any{"passwordCredentials": []any{}})
	if r.status != 400 || !strings.Contains(r.errMsg(), "passwordCredentials") || len(findApp(t, s, appID).PasswordCredentials) != 1 {
		t.Fatalf("PATCH clearing passwordCredentials: %d %s", r.status, r.raw)
	}

	// Tenant policy caps lifetime.
	s.SetSecretLifetimePolicy(180 * 24 * time.Hour)
	r = graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{
		"displayName": "long", "endDateTime": time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}})
	// Graph names only the policy, not the maximum: a client must read the policy.
	if r.status != 400 || r.errCode() != "CredentialInvalidLifetimeAsPerAppPolicy" ||
		!strings.Contains(r.errMsg(), "00000000-0000-0000-0000-000000000000") || strings.Contains(r.errMsg(), "180") {
		t.Fatalf("policy: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{
		"endDateTime": time.Now().AddDate(0, 3, 0).UTC().Format(time.RFC3339)}}), 200)
	s.SetSecretLifetimePolicy(0)

	mustStatus(t, graph(t, s, tok, "POST", "/applications/"+id+"/removePassword", map[string]any{"keyId": keyID}), 204)
	if len(findApp(t, s, appID).PasswordCredentials) != 1 {
		t.Fatal("removePassword did not remove")
	}
	mustStatus(t, graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID}), 201)
	if s.SecretWorks(appID, secret) {
		t.Fatal("removed secret still works")
	}
	r = graph(t, s, tok, "POST", "/applications/"+id+"/removePassword", map[string]any{"keyId": keyID})
	if r.status != 400 || !strings.Contains(r.errMsg(), "No password credential found with keyId") {
		t.Fatalf("unknown keyId: %d %s", r.status, r.raw)
	}
}

func TestMutateAndSeedApplication(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	a := s.SeedApplication(azuretest.Application{DisplayName: "Existing", Tags: []string{"legacy"}})
	if a.ID == "" || a.AppID == "" {
		t.Fatalf("seeded %+v", a)
	}
	if err := s.MutateApplication(a.AppID, func(x *azuretest.Application) { x.Web.RedirectURIs = []string{"https://drift.example/cb"} }); err != nil {
		t.Fatal(err)
	}
	r := graph(t, s, tok, "GET", "/applications(appId='"+a.AppID+"')", nil)
	mustStatus(t, r, 200)
	if !strings.Contains(r.raw, "https://drift.example/cb") {
		t.Fatalf("drift not visible: %s", r.raw)
	}
	if err := s.MutateApplication("00000000-0000-0000-0000-000000000000", func(*azuretest.Application) {}); err == nil {
		t.Fatal("MutateApplication of unknown app succeeded")
	}
}
