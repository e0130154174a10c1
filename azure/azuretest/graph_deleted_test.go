package azuretest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// clock is a test clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func upsert(t *testing.T, s *azuretest.Server, tok, name string, body any) resp {
	t.Helper()
	return graphH(t, s, tok, "PATCH", "/applications(uniqueName='"+name+"')", body, http.Header{"Prefer": {"create-if-missing"}})
}

// Deleting an app puts it and its service principal in deleted items; a
// restore brings the app back (not its service principal); a permanent
// delete frees what it held.
func TestSoftDeleteRestoreAndPurge(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "bin", "signInAudience": "AzureADMyOrg"})
	id, appID := app["id"].(string), app["appId"].(string)
	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID})
	mustStatus(t, sp, 201)
	spID := sp.body["id"].(string)
	mustStatus(t, graph(t, s, tok, "POST", "/oauth2PermissionGrants", map[string]any{"clientId": spID, "consentType": "AllPrincipals",
		"resourceId": graphSPID(t, s, tok), "scope": "User.Read"}), 201)

	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+id, nil), 204)
	if r := graph(t, s, tok, "GET", "/applications/"+id, nil); r.status != 404 {
		t.Fatalf("deleted app still readable: %d", r.status)
	}
	if r := graph(t, s, tok, "GET", "/servicePrincipals/"+spID, nil); r.status != 404 {
		t.Fatalf("its service principal must be deleted with it: %d", r.status)
	}
	if len(s.Applications()) != 0 || len(s.DeletedApplications()) != 1 || len(s.PermissionGrants()) != 0 {
		t.Fatalf("apps %d deleted %d grants %d", len(s.Applications()), len(s.DeletedApplications()), len(s.PermissionGrants()))
	}
	list := graph(t, s, tok, "GET", "/directory/deletedItems/microsoft.graph.application?$filter=displayName%20eq%20'bin'", nil)
	mustStatus(t, list, 200)
	vals := list.body["value"].([]any)
	if len(vals) != 1 || vals[0].(map[string]any)["id"] != id || vals[0].(map[string]any)["deletedDateTime"] == nil {
		t.Fatalf("deleted items: %s", list.raw)
	}
	if r := graph(t, s, tok, "GET", "/directory/deletedItems/microsoft.graph.servicePrincipal", nil); len(r.body["value"].([]any)) != 1 {
		t.Fatalf("deleted service principals: %s", r.raw)
	}
	one := graph(t, s, tok, "GET", "/directory/deletedItems/"+id, nil)
	if one.status != 200 || one.body["@odata.type"] != "#microsoft.graph.application" {
		t.Fatalf("get deleted: %s", one.raw)
	}
	if r := graph(t, s, tok, "GET", "/directory/deletedItems", nil); r.status != 400 {
		t.Fatalf("listing without the type cast: %d", r.status)
	}
	// Client credentials for a deleted app: the app is not found.
	if st, m := clientCredentials(t, s, appID, "whatever"); st != 400 || m["error"] != "unauthorized_client" {
		t.Fatalf("token for a deleted app: %d %v", st, m)
	}

	// The service principal cannot come back before its app.
	if r := graph(t, s, tok, "POST", "/directory/deletedItems/"+spID+"/restore", nil); r.status != 400 {
		t.Fatalf("restore SP of a deleted app: %d %s", r.status, r.raw)
	}
	restored := graph(t, s, tok, "POST", "/directory/deletedItems/"+id+"/restore", nil)
	if restored.status != 200 || restored.body["id"] != id || restored.body["deletedDateTime"] != nil {
		t.Fatalf("restore: %s", restored.raw)
	}
	mustStatus(t, graph(t, s, tok, "GET", "/applications/"+id, nil), 200)
	if r := graph(t, s, tok, "GET", "/servicePrincipals/"+spID, nil); r.status != 404 {
		t.Fatal("restoring an app must not restore its service principal")
	}
	mustStatus(t, graph(t, s, tok, "POST", "/directory/deletedItems/"+spID+"/restore", nil), 200)
	if g := s.PermissionGrants(); len(g) != 1 || g[0].ClientID != spID {
		t.Fatalf("a restored service principal keeps its grants: %+v", g)
	}

	// Permanent delete, and 404 for what is not in deleted items.
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+id, nil), 204)
	mustStatus(t, graph(t, s, tok, "DELETE", "/directory/deletedItems/"+id, nil), 204)
	for _, p := range []string{"/directory/deletedItems/" + id, "/directory/deletedItems/" + id + "/restore"} {
		method := "GET"
		if p != "/directory/deletedItems/"+id {
			method = "POST"
		}
		if r := graph(t, s, tok, method, p, nil); r.status != 404 {
			t.Errorf("%s %s after purge: %d", method, p, r.status)
		}
	}
	if len(s.DeletedApplications()) != 0 {
		t.Fatal("purged app still in deleted items")
	}
}

// After 30 days in deleted items an object is gone for good.
func TestDeletedItemsExpireAfterThirtyDays(t *testing.T) {
	c := &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := newServer(t, azuretest.WithClock(c.Now))
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "old", "signInAudience": "AzureADMyOrg"})
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+app["id"].(string), nil), 204)
	c.Add(30*24*time.Hour - time.Minute)
	tok = automationToken(t, s) // the first token expired with the clock
	mustStatus(t, graph(t, s, tok, "GET", "/directory/deletedItems/"+app["id"].(string), nil), 200)
	c.Add(time.Minute)
	if r := graph(t, s, tok, "GET", "/directory/deletedItems/"+app["id"].(string), nil); r.status != 404 {
		t.Fatalf("after 30 days: %d", r.status)
	}
}

// A uniqueName held by an app in deleted items stays reserved (the stricter
// reading, see upsertApplication): the upsert answers Graph's conflict; a
// restore gives the name back, a permanent delete frees it.
func TestUniqueNameReservedWhileDeleted(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	created := upsert(t, s, tok, "appmixer-wizard", map[string]any{"displayName": "Appmixer", "signInAudience": "AzureADMyOrg"})
	mustStatus(t, created, 201)
	id := created.body["id"].(string)
	if created.body["uniqueName"] != "appmixer-wizard" {
		t.Fatalf("uniqueName not stored: %s", created.raw)
	}
	mustStatus(t, upsert(t, s, tok, "appmixer-wizard", map[string]any{"notes": "again"}), 204)
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications(uniqueName='appmixer-wizard')", nil), 204)

	assertConflict(t, upsert(t, s, tok, "appmixer-wizard", map[string]any{"displayName": "Appmixer"}), "uniqueName")
	assertConflict(t, upsert(t, s, tok, "APPMIXER-WIZARD", map[string]any{"displayName": "Appmixer"}), "uniqueName")
	if r := graph(t, s, tok, "GET", "/applications(uniqueName='appmixer-wizard')", nil); r.status != 404 {
		t.Fatalf("GET by a deleted app's uniqueName: %d", r.status)
	}
	if r := graph(t, s, tok, "PATCH", "/applications(uniqueName='appmixer-wizard')", map[string]any{"notes": "x"}); r.status != 404 {
		t.Fatalf("PATCH without create-if-missing: %d %s", r.status, r.raw)
	}
	// Another name is free.
	mustStatus(t, upsert(t, s, tok, "appmixer-wizard-2", map[string]any{"displayName": "Appmixer", "signInAudience": "AzureADMyOrg"}), 201)

	mustStatus(t, graph(t, s, tok, "POST", "/directory/deletedItems/"+id+"/restore", nil), 200)
	mustStatus(t, upsert(t, s, tok, "appmixer-wizard", map[string]any{"notes": "restored"}), 204)
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+id, nil), 204)
	mustStatus(t, graph(t, s, tok, "DELETE", "/directory/deletedItems/"+id, nil), 204)
	again := upsert(t, s, tok, "appmixer-wizard", map[string]any{"displayName": "Appmixer", "signInAudience": "AzureADMyOrg"})
	if again.status != 201 || again.body["id"] == id {
		t.Fatalf("after a permanent delete the name is free: %d %s", again.status, again.raw)
	}
}

func graphSPID(t *testing.T, s *azuretest.Server, tok string) string {
	t.Helper()
	r := graph(t, s, tok, "GET", "/servicePrincipals(appId='"+azuretest.GraphAppID+"')?$select=id", nil)
	mustStatus(t, r, 200)
	return r.body["id"].(string)
}
