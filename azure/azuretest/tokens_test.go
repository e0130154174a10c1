package azuretest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// Graph accepts tokens for https://graph.microsoft.com (what the product
// asks for in the public cloud) as well as for the emulator's own URL;
// Azure Resource Manager (what az login asks for first) is a resource too,
// and a token for one is refused by the other.
func TestGraphAndARMResources(t *testing.T) {
	s := newServer(t)
	id, secret := s.AutomationCredentials()
	for _, scope := range []string{"https://graph.microsoft.com/.default", s.URL + "//.default", "00000003-0000-0000-c000-000000000000/.default"} {
		st, m := tokenRaw(t, s, s.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {scope}})
		if st != 200 {
			t.Fatalf("%s: %d %v", scope, st, m)
		}
		tok := m["access_token"].(string)
		mustStatus(t, graph(t, s, tok, "GET", "/applications", nil), 200)
		if scope == "https://graph.microsoft.com/.default" && jwtClaims(t, tok)["aud"] != "https://graph.microsoft.com" {
			t.Errorf("aud = %v", jwtClaims(t, tok)["aud"])
		}
	}
	st, m := tokenRaw(t, s, s.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
		"scope": {s.ARMScope()}})
	if st != 200 {
		t.Fatalf("ARM token: %d %v", st, m)
	}
	arm := m["access_token"].(string)
	if c := jwtClaims(t, arm); c["aud"] != "https://management.core.windows.net/" || c["roles"] != nil {
		t.Fatalf("ARM claims %v", c)
	}
	r := graph(t, s, arm, "GET", "/applications", nil)
	if r.status != 401 || r.errMsg() != "Access token validation failure. Invalid audience." {
		t.Fatalf("ARM token at Graph: %d %s", r.status, r.raw)
	}
	subs := armGet(t, s, arm, "/subscriptions?api-version=2022-12-01")
	if subs.status != 200 || len(subs.body["value"].([]any)) != 0 {
		t.Fatalf("subscriptions: %d %v", subs.status, subs.body)
	}
	tenants := armGet(t, s, arm, "/tenants?api-version=2022-12-01")
	if tenants.status != 200 || tenants.body["value"].([]any)[0].(map[string]any)["tenantId"] != s.TenantID {
		t.Fatalf("tenants: %v", tenants.body)
	}
	if r := armGet(t, s, automationToken(t, s), "/subscriptions?api-version=2022-12-01"); r.status != 401 ||
		r.body["error"].(map[string]any)["code"] != "InvalidAuthenticationTokenAudience" {
		t.Fatalf("Graph token at ARM: %d %v", r.status, r.body)
	}
	if r := armGet(t, s, arm, "/subscriptions"); r.status != 400 {
		t.Fatalf("ARM without api-version: %d", r.status)
	}
	st, m = tokenRaw(t, s, s.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
		"scope": {"https://vault.azure.net/.default"}})
	if code, _ := entraErr(t, m); st != 400 || code != "invalid_resource" {
		t.Fatalf("unknown resource: %d %v", st, m)
	}
}

func armGet(t *testing.T, s *azuretest.Server, tok, path string) resp {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := resp{status: res.StatusCode, header: res.Header}
	_ = json.NewDecoder(res.Body).Decode(&out.body)
	return out
}

// MSAL Python asks instance discovery (at login.microsoftonline.com) about
// any authority it does not know: the emulator vouches only for its own hosts.
func TestInstanceDiscoveryOnlyForOwnHosts(t *testing.T) {
	s := newServer(t)
	get := func(auth string) (int, map[string]any) {
		res, err := s.Client().Get(s.URL + "/common/discovery/instance?api-version=1.0&authorization_endpoint=" + url.QueryEscape(auth))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	local := "https://localhost:" + portOf(t, s.URL)
	st, m := get(local + "/" + s.TenantID + "/oauth2/v2.0/authorize")
	if st != 200 || m["tenant_discovery_endpoint"] != local+"/"+s.TenantID+"/v2.0/.well-known/openid-configuration" {
		t.Fatalf("own host: %d %v", st, m)
	}
	st, m = get("https://login.evil.example/" + s.TenantID + "/oauth2/v2.0/authorize")
	if code, _ := entraErr(t, m); st != 400 || code != "invalid_instance" {
		t.Fatalf("foreign host: %d %v", st, m)
	}
}

// Graph echoes client-request-id next to its own request-id; Entra echoes it too.
func TestRequestIDHeaders(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	for _, path := range []string{"/applications", "/applications/not-a-guid"} {
		r := graphH(t, s, tok, "GET", path, nil, http.Header{"client-request-id": {"c0ffee00-1111-2222-3333-444455556666"}})
		if r.header.Get("client-request-id") != "c0ffee00-1111-2222-3333-444455556666" || r.header.Get("request-id") == "" {
			t.Errorf("%s: headers %v", path, r.header)
		}
	}
	r := graph(t, s, tok, "GET", "/organization", nil)
	if r.header.Get("request-id") == "" || r.header.Get("client-request-id") != r.header.Get("request-id") {
		t.Errorf("without a client id Graph answers its request-id in both: %v", r.header)
	}
	req, _ := http.NewRequest("GET", s.URL+"/"+s.TenantID+"/v2.0/.well-known/openid-configuration", nil)
	req.Header.Set("client-request-id", "abc")
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("client-request-id") != "abc" || res.Header.Get("x-ms-request-id") == "" {
		t.Errorf("Entra headers %v", res.Header)
	}
}

// addPassword echoes a null displayName as null, as Graph does.
func TestAddPasswordNullDisplayName(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "null name", "signInAudience": "AzureADMyOrg"})
	for _, body := range []any{map[string]any{"passwordCredential": map[string]any{"displayName": nil}}, map[string]any{}} {
		r := graph(t, s, tok, "POST", "/applications/"+app["id"].(string)+"/addPassword", body)
		mustStatus(t, r, 200)
		if v, ok := r.body["displayName"]; !ok || v != nil {
			t.Fatalf("displayName %v (present %v): %s", v, ok, r.raw)
		}
	}
	r := graph(t, s, tok, "GET", "/applications/"+app["id"].(string)+"?$select=passwordCredentials", nil)
	for _, pc := range r.body["passwordCredentials"].([]any) {
		if m := pc.(map[string]any); m["displayName"] != nil || m["secretText"] != nil {
			t.Fatalf("stored credential %v", m)
		}
	}
}
