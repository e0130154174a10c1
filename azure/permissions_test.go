package azure_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

func TestParsePermissionList(t *testing.T) {
	cases := map[string][]string{
		"":                                   {"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"},
		"documented":                         {"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"},
		" OneDrive ":                         {"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access", "Sites.Read.All"},
		"Mail.Read, mail.read ,Files.Read,,": {"Mail.Read", "Files.Read"},
	}
	for in, want := range cases {
		got, err := azure.ParsePermissionList(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q → %v, %v; want %v", in, got, err, want)
		}
	}
	all, _ := azure.ParsePermissionList("all")
	if len(all) != 28 || !contains(all, "offline_access") || !contains(all, "User.Read") || !contains(all, "ChatMessage.Send") {
		t.Errorf("all = %d %v", len(all), all)
	}
	// mutating a result must not change the preset
	all[0] = "X"
	if again, _ := azure.ParsePermissionList("all"); again[0] == "X" {
		t.Error("preset shared with caller")
	}
	for _, bad := range []string{",,", "Mail.Read,all", "Mail Read"} {
		if _, err := azure.ParsePermissionList(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func testCatalogue(t *testing.T) *azure.Catalogue {
	c, err := azure.NewCatalogue(azure.ServicePrincipal{ID: "graph-sp", AppID: azure.GraphAppID, OAuth2PermissionScopes: []azure.PermissionScope{
		{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Value: "User.Read"},
		{ID: "df85f4d6-205c-4ac5-a5ea-6bf408dba283", Value: "Files.Read.All"},
		{ID: "863451e7-0667-486c-a5d6-d135439485f0", Value: "Files.ReadWrite.All"},
		{ID: "10465720-29dd-4523-a11a-6a75c743c9d9", Value: "Files.Read"},
		{ID: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", Value: "offline_access"},
		{ID: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", Value: "Mail.Read"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalogueResolve(t *testing.T) {
	c := testCatalogue(t)
	ra, err := c.Resolve([]string{"user.read", "Files.Read.All", "USER.READ"})
	if err != nil {
		t.Fatal(err)
	}
	want := []azure.ResourceAccess{{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Type: "Scope"}, {ID: "df85f4d6-205c-4ac5-a5ea-6bf408dba283", Type: "Scope"}}
	if !reflect.DeepEqual(ra, want) {
		t.Fatalf("got %v", ra)
	}
	if n := c.Names(append(ra, azure.ResourceAccess{ID: "dead"})); !reflect.DeepEqual(n, []string{"User.Read", "Files.Read.All", "unknown:dead"}) {
		t.Fatalf("names %v", n)
	}
	if c.GraphSPID() != "graph-sp" {
		t.Fatal(c.GraphSPID())
	}
}

func TestCatalogueSuggestsClosestNames(t *testing.T) {
	c := testCatalogue(t)
	_, err := c.Resolve([]string{"Files.ReadAll", "offlineaccess", "Zzzzzzzzzzzz"})
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	for _, want := range []string{`"Files.ReadAll" (did you mean Files.Read.All`, `"offlineaccess" (did you mean offline_access`, `"Zzzzzzzzzzzz"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q missing %q", msg, want)
		}
	}
	if strings.Contains(msg, `"Zzzzzzzzzzzz" (did you mean`) {
		t.Errorf("nonsense should get no suggestion: %s", msg)
	}
	if got := azure.Suggest("mail.reed", []string{"Mail.Read", "Mail.Send", "User.Read"}, 2); !reflect.DeepEqual(got, []string{"Mail.Read", "Mail.Send"}) {
		t.Errorf("suggest %v", got)
	}
}
