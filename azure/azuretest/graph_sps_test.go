package azuretest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

func TestGraphServicePrincipalCatalogue(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	r := graph(t, s, tok, "GET", "/servicePrincipals(appId='"+azuretest.GraphAppID+"')?$select=id,appId,oauth2PermissionScopes", nil)
	mustStatus(t, r, 200)
	byValue := map[string]string{}
	for _, sc := range r.body["oauth2PermissionScopes"].([]any) {
		m := sc.(map[string]any)
		byValue[m["value"].(string)] = m["id"].(string)
	}
	want := map[string]string{
		"User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Files.Read.All": "df85f4d6-205c-4ac5-a5ea-6bf408dba283",
		"Files.ReadWrite.All": "863451e7-0667-486c-a5d6-d135439485f0", "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
	}
	for v, id := range want {
		if byValue[v] != id {
			t.Errorf("%s = %q, want %s", v, byValue[v], id)
		}
	}
	for _, v := range strings.Split("Mail.Read Mail.ReadWrite Mail.Send MailboxSettings.Read Calendars.Read Calendars.ReadWrite Files.Read Files.ReadWrite Sites.Read.All Sites.ReadWrite.All Directory.Read.All Subscription.Read.All Team.ReadBasic.All Channel.ReadBasic.All ChannelMessage.Read.All ChannelMessage.Send ChannelMessage.ReadWrite Channel.Create TeamMember.Read.All Chat.ReadBasic Chat.Read Chat.ReadWrite Chat.Create ChatMessage.Send openid profile email", " ") {
		if byValue[v] == "" {
			t.Errorf("Graph SP lacks %s", v)
		}
	}
	if _, has := r.body["appRoles"]; has {
		t.Fatal("$select ignored")
	}
	list := graph(t, s, tok, "GET", "/servicePrincipals?$filter="+url.QueryEscape("appId eq '"+azuretest.GraphAppID+"'"), nil)
	if len(list.body["value"].([]any)) != 1 {
		t.Fatalf("filter: %s", list.raw)
	}
}

func TestServicePrincipalsAndGrants(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "consent", "signInAudience": "AzureADMyOrg"})
	appID := app["appId"].(string)

	sp := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID, "tags": []string{"WindowsAzureActiveDirectoryIntegratedApp"}})
	mustStatus(t, sp, 201)
	spID := sp.body["id"].(string)
	if sp.body["appId"] != appID || sp.body["displayName"] != "consent" {
		t.Fatalf("sp %s", sp.raw)
	}
	dup := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID})
	if dup.status != 409 || dup.errCode() != "Request_MultipleObjectsWithSameKeyValue" {
		t.Fatalf("duplicate SP: %d %s", dup.status, dup.raw)
	}
	none := graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": "12345678-1234-1234-1234-123456789012"})
	if none.status != 400 || !strings.Contains(none.errMsg(), "does not reference a valid application object") {
		t.Fatalf("SP for no app: %d %s", none.status, none.raw)
	}
	mustStatus(t, graph(t, s, tok, "GET", "/servicePrincipals(appId='"+appID+"')", nil), 200)

	graphSP := graph(t, s, tok, "GET", "/servicePrincipals(appId='"+azuretest.GraphAppID+"')", nil).body["id"].(string)
	grant := map[string]any{"clientId": spID, "consentType": "AllPrincipals", "principalId": nil, "resourceId": graphSP, "scope": "User.Read Files.Read.All offline_access"}
	g := graph(t, s, tok, "POST", "/oauth2PermissionGrants", grant)
	mustStatus(t, g, 201)
	if g.body["id"] == "" || g.body["scope"] != grant["scope"] || g.body["principalId"] != nil {
		t.Fatalf("grant %s", g.raw)
	}
	if r := graph(t, s, tok, "POST", "/oauth2PermissionGrants", grant); r.status != 409 {
		t.Fatalf("duplicate grant: %d %s", r.status, r.raw)
	}
	bad := []map[string]any{
		{"clientId": spID, "consentType": "AllPrincipals", "principalId": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "resourceId": graphSP, "scope": "User.Read"},
		{"clientId": "12345678-1234-1234-1234-123456789012", "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"},
		{"clientId": spID, "consentType": "Everyone", "resourceId": graphSP, "scope": "User.Read"},
		{"clientId": spID, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read", "extra": 1},
	}
	for _, b := range bad {
		if r := graph(t, s, tok, "POST", "/oauth2PermissionGrants", b); r.status < 400 || r.status > 404 {
			t.Errorf("%v: %d %s", b, r.status, r.raw)
		}
	}
	list := graph(t, s, tok, "GET", "/oauth2PermissionGrants?$filter="+url.QueryEscape("clientId eq '"+spID+"'"), nil)
	if len(list.body["value"].([]any)) != 1 || len(s.PermissionGrants()) != 1 {
		t.Fatalf("grants: %s", list.raw)
	}
	mustStatus(t, graph(t, s, tok, "DELETE", "/servicePrincipals/"+spID, nil), 204)
	if len(s.PermissionGrants()) != 0 {
		t.Fatal("grant outlived its client SP")
	}
	if r := graph(t, s, tok, "GET", "/servicePrincipals(appId='"+appID+"')", nil); r.status != 404 {
		t.Fatalf("deleted SP: %d", r.status)
	}
}

func TestOrganizationAndMe(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	org := graph(t, s, tok, "GET", "/organization", nil)
	mustStatus(t, org, 200)
	if org.body["value"].([]any)[0].(map[string]any)["id"] != s.TenantID {
		t.Fatal(org.raw)
	}
	me := graph(t, s, tok, "GET", "/me", nil)
	if me.status != 400 || !strings.Contains(me.errMsg(), "delegated") {
		t.Fatalf("/me with app token: %d %s", me.status, me.raw)
	}
}
