package azuretest_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

func entraErr(t *testing.T, m map[string]any) (string, string) {
	t.Helper()
	for _, k := range []string{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("Entra error lacks %q: %v", k, m)
		}
	}
	return m["error"].(string), m["error_description"].(string)
}

func TestOpenIDConfiguration(t *testing.T) {
	s := newServer(t)
	for _, tenant := range []string{s.TenantID, "organizations", "common"} {
		res, err := s.Client().Get(s.URL + "/" + tenant + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		res.Body.Close()
		if res.StatusCode != 200 || m["token_endpoint"] != s.URL+"/"+tenant+"/oauth2/v2.0/token" ||
			m["device_authorization_endpoint"] != s.URL+"/"+tenant+"/oauth2/v2.0/devicecode" ||
			!strings.HasPrefix(m["issuer"].(string), s.URL+"/") || m["authorization_endpoint"] == nil {
			t.Fatalf("%s: %d %v", tenant, res.StatusCode, m)
		}
	}
	res, err := s.Client().Get(s.URL + "/11111111-1111-1111-1111-111111111111/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if code, desc := entraErr(t, m); res.StatusCode != 400 || code != "invalid_tenant" || !strings.HasPrefix(desc, "AADSTS90002:") {
		t.Fatalf("unknown tenant: %d %v", res.StatusCode, m)
	}
}

func TestClientTrustsOnlyEmulatorCA(t *testing.T) {
	s := newServer(t)
	other := newServer(t)
	if _, err := other.Client().Get(s.URL + "/common/discovery/instance"); err == nil {
		t.Fatal("a client trusting another emulator's CA connected")
	}
	if !strings.Contains(string(s.CACertPEM()), "BEGIN CERTIFICATE") || s.CertPool() == nil {
		t.Fatal("CA accessors")
	}
	if s.GraphScope() != s.URL+"/.default" {
		t.Fatal(s.GraphScope())
	}
}

func TestDeviceCodeRawErrors(t *testing.T) {
	s := newServer(t)
	start := func() (device, user string) {
		res, err := s.Client().PostForm(s.URL+"/organizations/oauth2/v2.0/devicecode", url.Values{
			"client_id": {azuretest.AzureCLIClientID}, "scope": {s.GraphScope() + " openid offline_access profile"},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != 200 || m["interval"] == nil || m["expires_in"] == nil {
			t.Fatalf("devicecode: %d %v", res.StatusCode, m)
		}
		return m["device_code"].(string), m["user_code"].(string)
	}
	poll := func(device string) (int, map[string]any) {
		return tokenRaw(t, s, "organizations", url.Values{
			"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {device},
			"client_id": {azuretest.AzureCLIClientID}, "scope": {s.GraphScope() + " openid offline_access profile"},
		})
	}
	d1, u1 := start()
	if st, m := poll(d1); st != 400 || m["error"] != "authorization_pending" {
		t.Fatalf("pending: %d %v", st, m)
	}
	if err := s.DeclineDeviceCode(u1); err != nil {
		t.Fatal(err)
	}
	if st, m := poll(d1); st != 400 || m["error"] != "authorization_declined" {
		t.Fatalf("declined: %d %v", st, m)
	}
	d2, u2 := start()
	if err := s.ExpireDeviceCode(u2); err != nil {
		t.Fatal(err)
	}
	if st, m := poll(d2); st != 400 || m["error"] != "expired_token" {
		t.Fatalf("expired: %d %v", st, m)
	}
	d3, u3 := start()
	if err := s.ApproveDeviceCode(u3); err != nil {
		t.Fatal(err)
	}
	st, m := poll(d3)
	if st != 200 {
		t.Fatalf("approved: %d %v", st, m)
	}
	for _, k := range []string{"access_token", "id_token", "refresh_token", "client_info", "expires_in", "token_type"} {
		if m[k] == nil {
			t.Fatalf("token response lacks %s: %v", k, m)
		}
	}
	if !strings.Contains(m["scope"].(string), s.GraphScope()) {
		t.Fatalf("scope echo %v", m["scope"])
	}
	ci, err := base64.RawURLEncoding.DecodeString(m["client_info"].(string))
	if err != nil || !strings.Contains(string(ci), s.TenantID) {
		t.Fatalf("client_info %q %v", ci, err)
	}
	claims := jwtClaims(t, m["access_token"].(string))
	if claims["tid"] != s.TenantID || claims["upn"] != "admin@contoso.example" || !strings.Contains(claims["scp"].(string), "Application.ReadWrite.All") {
		t.Fatalf("access token claims %v", claims)
	}
	if st, m := poll(d3); st != 400 || m["error"] == "authorization_pending" {
		t.Fatalf("second redeem: %d %v", st, m)
	}
	// refresh_token grant works for the same client only.
	st, r := tokenRaw(t, s, "organizations", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)},
		"client_id": {azuretest.AzureCLIClientID}, "scope": {s.GraphScope() + " offline_access"}})
	if st != 200 || r["access_token"] == nil {
		t.Fatalf("refresh: %d %v", st, r)
	}
	st, r = tokenRaw(t, s, "organizations", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)},
		"client_id": {"1950a258-227b-4e31-a9cf-717495945fc2"}})
	if st != 400 || r["error"] != "invalid_grant" {
		t.Fatalf("refresh by other client: %d %v", st, r)
	}
}

func TestDeviceCodeUnknownClientAndResource(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct{ client, scope, wantCode, wantAADSTS string }{
		{"11111111-2222-3333-4444-555555555555", s.GraphScope(), "unauthorized_client", "AADSTS700016"},
		{azuretest.AzureCLIClientID, "https://vault.azure.net/.default", "invalid_resource", "AADSTS500011"},
		{azuretest.AzureCLIClientID, "", "invalid_request", "AADSTS900144"},
	} {
		res, err := s.Client().PostForm(s.URL+"/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {tc.client}, "scope": {tc.scope}})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		res.Body.Close()
		code, desc := entraErr(t, m)
		if res.StatusCode != 400 || code != tc.wantCode || !strings.HasPrefix(desc, tc.wantAADSTS+":") {
			t.Fatalf("%v: %d %v", tc, res.StatusCode, m)
		}
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	s := newServer(t)
	admin := automationToken(t, s)
	id, secret := s.AutomationCredentials()
	st, m := tokenRaw(t, s, s.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {s.URL + "/User.Read"}})
	if c, _ := entraErr(t, m); st != 400 || c != "invalid_scope" {
		t.Fatalf("non-.default scope: %d %v", st, m)
	}
	st, m = clientCredentials(t, s, "99999999-9999-9999-9999-999999999999", "x")
	if c, d := entraErr(t, m); st != 400 || c != "unauthorized_client" || !strings.HasPrefix(d, "AADSTS700016:") {
		t.Fatalf("unknown app: %d %v", st, m)
	}
	st, m = tokenRaw(t, s, s.TenantID, url.Values{"grant_type": {"password"}})
	if st != 400 || m["error"] != "unsupported_grant_type" {
		t.Fatalf("grant type: %d %v", st, m)
	}
	// An expired secret: AADSTS7000222.
	seeded := s.SeedApplication(azuretest.Application{DisplayName: "old", PasswordCredentials: []azuretest.PasswordCredential{{
		SecretText: ptr("old8Q~secret"), StartDateTime: mustTime("2020-01-01T00:00:00Z"), EndDateTime: mustTime("2021-01-01T00:00:00Z"),
	}}})
	mustStatus(t, graph(t, s, admin, "POST", "/servicePrincipals", map[string]any{"appId": seeded.AppID}), 201)
	st, m = clientCredentials(t, s, seeded.AppID, "old8Q~secret")
	if _, d := entraErr(t, m); st != 401 || !strings.HasPrefix(d, "AADSTS7000222:") {
		t.Fatalf("expired secret: %d %v", st, m)
	}
	if seeded.PasswordCredentials[0].SecretText != nil || seeded.PasswordCredentials[0].Hint != "old" {
		t.Fatalf("seeded credential %+v", seeded.PasswordCredentials[0])
	}
}

func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInstanceDiscoveryAndTenantOption(t *testing.T) {
	const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	s := newServer(t, azuretest.WithTenantID(tid))
	if s.TenantID != tid {
		t.Fatal(s.TenantID)
	}
	res, err := s.Client().Get(s.URL + "/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
		url.QueryEscape(s.URL+"/"+tid+"/oauth2/v2.0/authorize"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if m["tenant_discovery_endpoint"] != s.URL+"/"+tid+"/v2.0/.well-known/openid-configuration" || m["metadata"] == nil {
		t.Fatalf("instance discovery %v", m)
	}
	res, err = s.Client().Get(s.URL + "/" + tid + "/oauth2/v2.0/token")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("GET token endpoint: %d", res.StatusCode)
	}
	id, secret := s.AutomationCredentials()
	if !s.SecretWorks(id, secret) || s.SecretWorks(id, secret+"x") {
		t.Fatal("SecretWorks for the automation principal")
	}
}
