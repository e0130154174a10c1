package azuretest_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// A world saved with Snapshot and loaded with Restore into another server is
// the same world: apps with every property, deleted items and the names they
// hold, service principals, grants, policies, working (hashed) secrets and
// tokens, and replication and propagation that carry on in absolute time.
func TestSnapshotRestore(t *testing.T) {
	c := &clock{now: time.Date(2031, 5, 1, 12, 0, 0, 0, time.UTC)}
	opts := []azuretest.Option{azuretest.WithClock(c.Now), azuretest.WithSecretPropagationDelay(time.Minute), azuretest.WithReplicationDelay(time.Minute)}
	s := newServer(t, opts...)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "kept", "signInAudience": "AzureADMyOrg",
		"info": map[string]any{"marketingUrl": "https://contoso.example/m"}, "identifierUris": []string{"api://kept"}})
	id, appID := app["id"].(string), app["appId"].(string)
	c.Add(2 * time.Minute) // replicated
	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID})
	mustStatus(t, sp, 201)
	mustStatus(t, graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": sp.body["id"], "consentType": "AllPrincipals",
		"resourceId": graphSPID(t, s, tok), "scope": "User.Read"}), 201)
	gone := upsert(t, s, tok, "held-name", map[string]any{"displayName": "gone", "signInAudience": "AzureADMyOrg"})
	mustStatus(t, gone, 201)
	c.Add(2 * time.Minute)
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+gone.body["id"].(string), nil), 204)
	pw := graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "s"}})
	mustStatus(t, pw, 200)
	secret := pw.body["secretText"].(string)
	fresh := createApp(t, s, tok, map[string]any{"displayName": "replicating", "signInAudience": "AzureADMyOrg"})
	s.SetSecretLifetimePolicy(90 * 24 * time.Hour)
	polID, err := s.SetAppSecretLifetimePolicy(appID, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(snap), secret) || strings.Contains(string(snap), tok) {
		t.Fatal("a snapshot keeps hashes of client secrets and tokens, never the values")
	}
	var parsed map[string]any
	if err := json.Unmarshal(snap, &parsed); err != nil || parsed["kind"] != "azuretest" {
		t.Fatalf("snapshot is not the documented JSON: %v", err)
	}

	r := newServer(t, opts...)
	if err := r.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if r.TenantID != s.TenantID {
		t.Fatalf("tenant %s, want %s", r.TenantID, s.TenantID)
	}
	// The token issued before the snapshot still works on the restored world.
	got := graph(t, r, tok, "GET", "/applications/"+id, nil)
	mustStatus(t, got, 200)
	before, _ := s.ApplicationJSON(appID)
	after, _ := r.ApplicationJSON(appID)
	if !jsonEqual(t, before, after) || after["info"].(map[string]any)["marketingUrl"] != "https://contoso.example/m" {
		t.Fatalf("document changed:\n%v\n%v", before, after)
	}
	if r.SecretWorks(appID, secret) {
		t.Fatal("the secret is still propagating (created less than a minute ago)")
	}
	if res := graph(t, r, tok, "GET", "/applications/"+fresh["id"].(string), nil); res.status != 404 {
		t.Fatalf("the replicating app must still be invisible: %d", res.status)
	}
	c.Add(time.Minute)
	if !r.SecretWorks(appID, secret) {
		t.Fatal("the secret works once propagated, after a restore too")
	}
	mustStatus(t, graph(t, r, tok, "GET", "/applications/"+fresh["id"].(string), nil), 200)
	assertConflict(t, upsert(t, r, tok, "held-name", map[string]any{"displayName": "again"}), "uniqueName")
	assertConflict(t, graph(t, r, tok, "POST", "/applications", map[string]any{"displayName": "dup", "signInAudience": "AzureADMyOrg",
		"identifierUris": []string{"api://kept"}}), "identifierUris")
	if len(r.PermissionGrants()) != 1 || len(r.DeletedApplications()) != 1 {
		t.Fatalf("grants %d deleted %d", len(r.PermissionGrants()), len(r.DeletedApplications()))
	}
	pols := graph(t, r, tok, "GET", "/applications/"+id+"/appManagementPolicies", nil)
	if v := pols.body["value"].([]any); len(v) != 1 || v[0].(map[string]any)["id"] != polID {
		t.Fatalf("app policy after restore: %s", pols.raw)
	}
	mustStatus(t, graph(t, r, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{"passwordCredential": map[string]any{
		"endDateTime": c.Now().AddDate(0, 0, 20).Format(time.RFC3339)}}), 200)
	assertLifetimeRefusal(t, graph(t, r, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{}), polID)
	aid, asecret := r.AutomationCredentials()
	if sid, ssecret := s.AutomationCredentials(); aid != sid || asecret != ssecret {
		t.Fatal("the automation principal is part of the world")
	}
}

func TestRestoreRefusesABadFile(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	createApp(t, s, tok, map[string]any{"displayName": "keep me", "signInAudience": "AzureADMyOrg"})
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(fn func(w map[string]any)) []byte {
		var w map[string]any
		if err := json.Unmarshal(snap, &w); err != nil {
			t.Fatal(err)
		}
		fn(w)
		b, _ := json.Marshal(w)
		return b
	}
	appDoc := func(w map[string]any) map[string]any {
		return w["applications"].([]any)[0].(map[string]any)["document"].(map[string]any)
	}
	target := newServer(t)
	cases := map[string][]byte{
		"not JSON":         []byte("{"),
		"another kind":     mutate(func(w map[string]any) { w["kind"] = "appmixertest" }),
		"a later version":  mutate(func(w map[string]any) { w["version"] = 2 }),
		"tenant not GUID":  mutate(func(w map[string]any) { w["tenantId"] = "contoso" }),
		"unknown property": mutate(func(w map[string]any) { appDoc(w)["nope"] = true }),
		"wrong type":       mutate(func(w map[string]any) { appDoc(w)["tags"] = "x" }),
		"no display name":  mutate(func(w map[string]any) { appDoc(w)["displayName"] = nil }),
		"stray secret": mutate(func(w map[string]any) {
			w["applications"].([]any)[0].(map[string]any)["secrets"] = map[string]any{"3b1f0d4e-0000-4000-8000-000000000000": map[string]any{"hash": strings.Repeat("a", 64)}}
		}),
		"grant to nobody": mutate(func(w map[string]any) {
			w["oauth2PermissionGrants"] = []any{map[string]any{"id": "g", "clientId": "3b1f0d4e-0000-4000-8000-000000000000", "resourceId": "3b1f0d4e-0000-4000-8000-000000000001", "consentType": "AllPrincipals"}}
		}),
		"no Graph principal": mutate(func(w map[string]any) { w["servicePrincipals"] = []any{} }),
		"secret text stored": mutate(func(w map[string]any) {
			appDoc(w)["passwordCredentials"] = []any{map[string]any{"keyId": "3b1f0d4e-0000-4000-8000-000000000000",
				"secretText": "abc8Q~plain", "hint": "abc", "startDateTime": "2030-01-01T00:00:00Z", "endDateTime": "2031-01-01T00:00:00Z"}}
		}),
	}
	for name, b := range cases {
		if err := target.Restore(b); !errors.Is(err, azuretest.ErrBadSnapshot) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if target.TenantID == s.TenantID || len(target.Applications()) != 0 {
		t.Fatal("a refused restore must change nothing")
	}
	if err := target.Restore(snap); err != nil || len(target.Applications()) != 1 {
		t.Fatalf("the untouched file restores: %v", err)
	}
}

// Purging an object takes with it what named it (its policy assignment, the
// grants to or from it, also those kept by another object in deleted items),
// so the world still saves and restores.
func TestPurgeLeavesARestorableWorld(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	api := createApp(t, s, tok, map[string]any{"displayName": "api", "signInAudience": "AzureADMyOrg",
		"api": map[string]any{"oauth2PermissionScopes": []any{map[string]any{"id": "2b4c8a3e-5d6f-4a1b-9c8d-7e6f5a4b3c2d",
			"value": "access_as_user", "type": "User", "isEnabled": true}}}})
	client := createApp(t, s, tok, map[string]any{"displayName": "client", "signInAudience": "AzureADMyOrg"})
	apiSP := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": api["appId"]})
	mustStatus(t, apiSP, 201)
	clientSP := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": client["appId"]})
	mustStatus(t, clientSP, 201)
	mustStatus(t, graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": clientSP.body["id"],
		"consentType": "AllPrincipals", "resourceId": apiSP.body["id"], "scope": "access_as_user"}), 201)
	if _, err := s.SetAppSecretLifetimePolicy(api["appId"].(string), 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	// The client goes to deleted items keeping its grant; the API is deleted for good.
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+client["id"].(string), nil), 204)
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+api["id"].(string), nil), 204)
	for _, id := range []string{api["id"].(string), apiSP.body["id"].(string)} {
		mustStatus(t, graph(t, s, tok, "DELETE", "/directory/deletedItems/"+id, nil), 204)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := newServer(t).Restore(snap); err != nil {
		t.Fatalf("a world after a purge must restore: %v", err)
	}
	mustStatus(t, graph(t, s, tok, "POST", "/directory/deletedItems/"+client["id"].(string)+"/restore", nil), 200)
	mustStatus(t, graph(t, s, tok, "POST", "/directory/deletedItems/"+clientSP.body["id"].(string)+"/restore", nil), 200)
	if g := s.PermissionGrants(); len(g) != 0 {
		t.Fatalf("a grant to a purged service principal came back: %+v", g)
	}
}
