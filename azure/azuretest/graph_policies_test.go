package azuretest_test

import (
	"strings"
	"testing"
	"time"
)

func TestAppManagementPolicies(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "policy", "signInAudience": "AzureADMyOrg"})
	id, appID := app["id"].(string), app["appId"].(string)
	addPassword := func(months int) resp {
		return graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{
			"endDateTime": time.Now().AddDate(0, months, 0).UTC().Format(time.RFC3339)}})
	}

	// No policy: disabled, no restrictions, any lifetime.
	def := graph(t, s, tok, "GET", "/policies/defaultAppManagementPolicy", nil)
	mustStatus(t, def, 200)
	if def.body["id"] != "00000000-0000-0000-0000-000000000000" || def.body["isEnabled"] != false ||
		len(def.body["applicationRestrictions"].(map[string]any)["passwordCredentials"].([]any)) != 0 {
		t.Fatalf("default policy without restrictions: %s", def.raw)
	}
	mustStatus(t, addPassword(36), 200)

	// Tenant default caps at 90 days.
	s.SetSecretLifetimePolicy(90 * 24 * time.Hour)
	def = graph(t, s, tok, "GET", "/policies/defaultAppManagementPolicy", nil)
	pc := def.body["applicationRestrictions"].(map[string]any)["passwordCredentials"].([]any)
	if def.body["isEnabled"] != true || len(pc) != 1 {
		t.Fatalf("enabled policy: %s", def.raw)
	}
	rule := pc[0].(map[string]any)
	if rule["restrictionType"] != "passwordLifetime" || rule["maxLifetime"] != "P90D" || rule["state"] != "enabled" || rule["restrictForAppsCreatedAfterDateTime"] == nil {
		t.Fatalf("restriction %v", rule)
	}
	r := addPassword(4)
	assertLifetimeRefusal(t, r, "00000000-0000-0000-0000-000000000000")
	mustStatus(t, addPassword(2), 200)
	if pols := graph(t, s, tok, "GET", "/applications/"+id+"/appManagementPolicies", nil); len(pols.body["value"].([]any)) != 0 {
		t.Fatalf("no app policy assigned: %s", pols.raw)
	}

	// An app policy overrides the tenant default, longer or shorter.
	polID, err := s.SetAppSecretLifetimePolicy(appID, 180*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, addPassword(5), 200)
	assertLifetimeRefusal(t, addPassword(7), polID)
	pols := graph(t, s, tok, "GET", "/applications(appId='"+appID+"')/appManagementPolicies", nil)
	mustStatus(t, pols, 200)
	p := pols.body["value"].([]any)[0].(map[string]any)
	restr := p["restrictions"].(map[string]any)["passwordCredentials"].([]any)[0].(map[string]any)
	if p["id"] != polID || p["isEnabled"] != true || restr["maxLifetime"] != "P180D" {
		t.Fatalf("app policy %s", pols.raw)
	}
	if _, err := s.SetAppSecretLifetimePolicy("00000000-0000-0000-0000-000000000000", time.Hour); err == nil {
		t.Fatal("a policy for an unknown app must fail")
	}

	// Without Policy.Read.All both endpoints answer 403; addPassword still enforces.
	s.DenyPolicyReads(true)
	for _, path := range []string{"/policies/defaultAppManagementPolicy", "/applications/" + id + "/appManagementPolicies"} {
		r := graph(t, s, tok, "GET", path, nil)
		if r.status != 403 || r.errCode() != "Authorization_RequestDenied" || r.errMsg() != "Insufficient privileges to complete the operation." {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
	}
	assertLifetimeRefusal(t, addPassword(7), polID)
	s.DenyPolicyReads(false)
	mustStatus(t, graph(t, s, tok, "GET", "/policies/defaultAppManagementPolicy", nil), 200)
}

func assertLifetimeRefusal(t *testing.T, r resp, policyID string) {
	t.Helper()
	want := "Credential lifetime exceeds the max value allowed as per assigned policy '" + policyID + "'."
	e, _ := r.body["error"].(map[string]any)
	details, _ := e["details"].([]any)
	if r.status != 400 || r.errCode() != "CredentialInvalidLifetimeAsPerAppPolicy" || r.errMsg() != want || len(details) != 1 {
		t.Fatalf("want the lifetime refusal naming %s: %d %s", policyID, r.status, r.raw)
	}
	if d := details[0].(map[string]any); d["code"] != "InvalidKeyEndDate" || d["target"] != "EndDate" || strings.Contains(r.errMsg(), "P9") {
		t.Fatalf("details %v", d)
	}
}
