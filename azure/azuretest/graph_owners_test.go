package azuretest_test

import (
	"testing"
)

// Owners: the creator owns what it creates; add through $ref (not twice),
// list, remove; for applications and service principals alike.
func TestOwners(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "owned", "signInAudience": "AzureADMyOrg"})
	id := app["id"].(string)
	autoSP := jwtClaims(t, tok)["oid"].(string)
	owners := func(path string) []string {
		t.Helper()
		r := graph(t, s, tok, "GET", path+"/owners", nil)
		mustStatus(t, r, 200)
		var ids []string
		for _, v := range r.body["value"].([]any) {
			m := v.(map[string]any)
			if m["@odata.type"] == nil {
				t.Fatalf("owner without @odata.type: %v", m)
			}
			ids = append(ids, m["id"].(string))
		}
		return ids
	}
	if got := owners("/applications/" + id); len(got) != 1 || got[0] != autoSP {
		t.Fatalf("creator must own the app: %v", got)
	}
	me, _ := s.User()
	ref := map[string]any{"@odata.id": s.URL + "/v1.0/directoryObjects/" + me}
	mustStatus(t, graph(t, s, tok, "POST", "/applications/"+id+"/owners/$ref", ref), 204)
	r := graph(t, s, tok, "POST", "/applications/"+id+"/owners/$ref", ref)
	if r.status != 400 || r.errMsg() != "One or more added object references already exist for the following modified properties: 'owners'." {
		t.Fatalf("adding an owner twice: %d %s", r.status, r.raw)
	}
	if r := graph(t, s, tok, "POST", "/applications/"+id+"/owners/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/00000000-1111-2222-3333-444444444444"}); r.status != 404 {
		t.Fatalf("unknown owner: %d", r.status)
	}
	if r := graph(t, s, tok, "POST", "/applications/"+id+"/owners/$ref", map[string]any{}); r.status != 400 {
		t.Fatalf("no @odata.id: %d", r.status)
	}
	if got := owners("/applications(appId='" + app["appId"].(string) + "')"); len(got) != 2 {
		t.Fatalf("owners: %v", got)
	}
	mustStatus(t, graph(t, s, tok, "DELETE", "/applications/"+id+"/owners/"+autoSP+"/$ref", nil), 204)
	if r := graph(t, s, tok, "DELETE", "/applications/"+id+"/owners/"+autoSP+"/$ref", nil); r.status != 404 {
		t.Fatalf("removing a non-owner: %d", r.status)
	}
	if got := owners("/applications/" + id); len(got) != 1 || got[0] != me {
		t.Fatalf("after remove: %v", got)
	}
	if got := s.ApplicationOwners(app["appId"].(string)); len(got) != 1 || got[0] != me {
		t.Fatalf("ApplicationOwners = %v", got)
	}

	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": app["appId"]})
	mustStatus(t, sp, 201)
	spID := sp.body["id"].(string)
	mustStatus(t, graph(t, s, tok, "POST", "/servicePrincipals/"+spID+"/owners/$ref", ref), 204)
	if got := owners("/servicePrincipals/" + spID); len(got) != 2 {
		t.Fatalf("service principal owners: %v", got)
	}
}
