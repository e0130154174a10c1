package azuretest_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every documented property of microsoft.graph.application is stored and
// comes back on GET, so a read-compare of any field can be tested.
func TestApplicationStoresEveryDocumentedProperty(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	body := map[string]any{
		"displayName":            "full",
		"signInAudience":         "AzureADMyOrg",
		"identifierUris":         []string{"api://full-app"},
		"spa":                    map[string]any{"redirectUris": []string{"https://spa.example/cb"}},
		"publicClient":           map[string]any{"redirectUris": []string{"msal0000://auth"}},
		"isFallbackPublicClient": true,
		"info":                   map[string]any{"marketingUrl": "https://contoso.example/app", "supportUrl": "https://contoso.example/help"},
		"description":            "described",
		"groupMembershipClaims":  "SecurityGroup",
		"optionalClaims":         map[string]any{"idToken": []any{map[string]any{"name": "email", "essential": false}}},
		"appRoles": []any{map[string]any{"id": "6a8b1a7e-3c3d-4f60-9d2d-7f0a4c1d2e3f", "value": "Reader", "displayName": "Reader",
			"description": "reads", "allowedMemberTypes": []string{"User"}, "isEnabled": true}},
		"keyCredentials":             []any{},
		"serviceManagementReference": "ticket-1",
		"api": map[string]any{"oauth2PermissionScopes": []any{map[string]any{"id": "2b4c8a3e-5d6f-4a1b-9c8d-7e6f5a4b3c2d",
			"value": "access_as_user", "type": "User", "isEnabled": true, "adminConsentDisplayName": "Access"}}},
	}
	app := createApp(t, s, tok, body)
	got := graph(t, s, tok, "GET", "/applications/"+app["id"].(string), nil)
	mustStatus(t, got, 200)
	for k, want := range body {
		if k == "api" || k == "appRoles" || k == "optionalClaims" || k == "info" {
			continue // complex values come back with every sub-property; checked below
		}
		if !jsonEqual(t, got.body[k], want) {
			t.Errorf("%s = %v, want %v", k, got.body[k], want)
		}
	}
	info := got.body["info"].(map[string]any)
	if info["marketingUrl"] != "https://contoso.example/app" || info["privacyStatementUrl"] != nil || len(info) != 5 {
		t.Errorf("info = %v", info)
	}
	role := got.body["appRoles"].([]any)[0].(map[string]any)
	if role["value"] != "Reader" || role["origin"] != nil {
		t.Errorf("appRoles = %v", got.body["appRoles"])
	}
	claim := got.body["optionalClaims"].(map[string]any)["idToken"].([]any)[0].(map[string]any)
	if claim["name"] != "email" || claim["additionalProperties"] == nil {
		t.Errorf("optionalClaims = %v", got.body["optionalClaims"])
	}
	if got.body["publisherDomain"] != "contoso.example" || got.body["deletedDateTime"] != nil {
		t.Errorf("publisherDomain %v deletedDateTime %v", got.body["publisherDomain"], got.body["deletedDateTime"])
	}
	// Every structural property is present (the stream "logo" never is).
	for _, k := range []string{"addIns", "applicationTemplateId", "certification", "defaultRedirectUri", "disabledByMicrosoftStatus",
		"isDeviceOnlyAuthSupported", "nativeAuthenticationApisEnabled", "oauth2RequirePostResponse", "parentalControlSettings",
		"requestSignatureVerification", "samlMetadataUrl", "servicePrincipalLockConfiguration", "tokenEncryptionKeyId", "verifiedPublisher"} {
		if _, ok := got.body[k]; !ok {
			t.Errorf("GET lacks %s", k)
		}
	}
	if _, ok := got.body["logo"]; ok {
		t.Error("logo (a stream) must not be in the entity")
	}
	if pcs := got.body["parentalControlSettings"].(map[string]any); pcs["legalAgeGroupRule"] != "Allow" {
		t.Errorf("parentalControlSettings = %v", pcs)
	}

	// PATCH of a complex value merges it; arrays are replaced.
	mustStatus(t, graph(t, s, tok, "PATCH", "/applications/"+app["id"].(string), map[string]any{
		"info": map[string]any{"supportUrl": "https://contoso.example/support"}, "identifierUris": []string{}}), 204)
	after := graph(t, s, tok, "GET", "/applications/"+app["id"].(string)+"?$select=info,identifierUris,isFallbackPublicClient", nil)
	info = after.body["info"].(map[string]any)
	if info["supportUrl"] != "https://contoso.example/support" || info["marketingUrl"] != "https://contoso.example/app" ||
		len(after.body["identifierUris"].([]any)) != 0 || after.body["isFallbackPublicClient"] != true {
		t.Fatalf("after PATCH: %s", after.raw)
	}
	doc, ok := s.ApplicationJSON(app["appId"].(string))
	if !ok || doc["description"] != "described" {
		t.Fatalf("ApplicationJSON: %v %v", ok, doc["description"])
	}
}

func TestApplicationPropertiesAreTyped(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	id := createApp(t, s, tok, map[string]any{"displayName": "typed", "signInAudience": "AzureADMyOrg"})["id"].(string)
	for name, tc := range map[string]struct {
		body     string
		code, in string
	}{
		"unknown property":          {`{"nope":1}`, "Request_BadRequest", "does not exist on type 'microsoft.graph.application'"},
		"unknown nested property":   {`{"info":{"nope":"x"}}`, "Request_BadRequest", "microsoft.graph.informationalUrl"},
		"string for a bool":         {`{"isFallbackPublicClient":"yes"}`, "Request_BadRequest", "Edm.Boolean"},
		"object for a string":       {`{"description":{}}`, "Request_BadRequest", "Edm.String"},
		"null collection":           {`{"identifierUris":null}`, "Request_BadRequest", "does not allow null values"},
		"bad guid":                  {`{"tokenEncryptionKeyId":"not-a-guid"}`, "Request_BadRequest", "Edm.Guid"},
		"bad enum":                  {`{"nativeAuthenticationApisEnabled":"some"}`, "Request_BadRequest", "not a valid enumeration"},
		"read-only publisherDomain": {`{"publisherDomain":"evil.example"}`, "Request_BadRequest", "read-only"},
		"read-only uniqueName":      {`{"uniqueName":"x"}`, "Request_BadRequest", "read-only"},
		"unverified identifier":     {`{"identifierUris":["https://fabrikam.example/api"]}`, "HostNameNotOnVerifiedDomain", "verified domain"},
		"relative identifier":       {`{"identifierUris":["just-a-name"]}`, "Request_BadRequest", "absolute URI"},
		"bad scope type":            {`{"api":{"oauth2PermissionScopes":[{"id":"2b4c8a3e-5d6f-4a1b-9c8d-7e6f5a4b3c2d","value":"x","type":"Everyone","isEnabled":true}]}}`, "Request_BadRequest", "'type' of resource 'PermissionScope'"},
	} {
		r := graph(t, s, tok, "PATCH", "/applications/"+id, tc.body)
		if r.status != 400 || r.errCode() != tc.code || !strings.Contains(r.errMsg(), tc.in) {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	// A verified domain and its subdomains are fine.
	mustStatus(t, graph(t, s, tok, "PATCH", "/applications/"+id, `{"identifierUris":["https://api.contoso.example/typed","api://typed"]}`), 204)
}

// identifierUris are unique across the tenant, deleted apps included; the
// conflict has Graph's ObjectConflict shape.
func TestIdentifierURIConflict(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	first := createApp(t, s, tok, map[string]any{"displayName": "one", "signInAudience": "AzureADMyOrg", "identifierUris": []string{"api://shared"}})
	r := graph(t, s, tok, "POST", "/applications", map[string]any{"displayName": "two", "signInAudience": "AzureADMyOrg", "identifierUris": []string{"API://shared/"}})
	assertConflict(t, r, "identifierUris")
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+first["id"].(string), nil), 204)
	assertConflict(t, graph(t, s, tok, "POST", "/applications", map[string]any{"displayName": "two", "signInAudience": "AzureADMyOrg", "identifierUris": []string{"api://shared"}}), "identifierUris")
	mustStatus(t, graph(t, s, tok, "DELETE", "/directory/deletedItems/"+first["id"].(string), nil), 204)
	createApp(t, s, tok, map[string]any{"displayName": "two", "signInAudience": "AzureADMyOrg", "identifierUris": []string{"api://shared"}})
}

func assertConflict(t *testing.T, r resp, prop string) {
	t.Helper()
	e, _ := r.body["error"].(map[string]any)
	details, _ := e["details"].([]any)
	if r.status != 400 || r.errCode() != "Request_BadRequest" ||
		r.errMsg() != "Another object with the same value for property "+prop+" already exists." || len(details) != 1 {
		t.Fatalf("want the %s conflict: %d %s", prop, r.status, r.raw)
	}
	d := details[0].(map[string]any)
	if d["code"] != "ObjectConflict" || d["target"] != prop {
		t.Fatalf("details = %v", details)
	}
}

func TestServicePrincipalPatchAndProperties(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "sp app", "signInAudience": "AzureADMyOrg", "identifierUris": []string{"api://sp-app"}})
	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": app["appId"]})
	mustStatus(t, sp, 201)
	names := sp.body["servicePrincipalNames"].([]any)
	if len(names) != 2 || names[1] != "api://sp-app" || sp.body["appRoleAssignmentRequired"] != false || sp.body["accountEnabled"] != true {
		t.Fatalf("created %s", sp.raw)
	}
	id := sp.body["id"].(string)
	mustStatus(t, graph(t, s, tok, "PATCH", "/servicePrincipals/"+id, map[string]any{"notes": "patched", "appRoleAssignmentRequired": true, "tags": []string{"t"}}), 204)
	got := graph(t, s, tok, "GET", "/servicePrincipals(appId='"+app["appId"].(string)+"')", nil)
	if got.body["notes"] != "patched" || got.body["appRoleAssignmentRequired"] != true || len(got.body["tags"].([]any)) != 1 {
		t.Fatalf("after PATCH: %s", got.raw)
	}
	for name, body := range map[string]string{"appId": `{"appId":"` + app["appId"].(string) + `"}`, "unknown": `{"nope":true}`,
		"type": `{"notes":5}`, "read-only": `{"appOwnerOrganizationId":"` + s.TenantID + `"}`} {
		if r := graph(t, s, tok, "PATCH", "/servicePrincipals/"+id, body); r.status != 400 {
			t.Errorf("PATCH %s: %d %s", name, r.status, r.raw)
		}
	}
}

func jsonEqual(t *testing.T, got, want any) bool {
	t.Helper()
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	return string(mustJSON(t, x)) == string(mustJSON(t, y))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
