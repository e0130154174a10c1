package azuretest_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// Graph pages collections without $top; $top sets the page size; the
// nextLink carries an opaque token that must be followed, not built.
func TestDefaultPaging(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	for i := range 5 {
		createApp(t, s, tok, map[string]any{"displayName": "paged " + string(rune('a'+i)), "signInAudience": "AzureADMyOrg"})
	}
	all := graph(t, s, tok, "GET", "/applications", nil)
	if n := len(all.body["value"].([]any)); n != 5 || all.body["@odata.nextLink"] != nil {
		t.Fatalf("Graph's default page (100) holds all 5: %d %v", n, all.body["@odata.nextLink"])
	}
	s.SetPageSize(2)
	var ids []string
	next := "/applications?$filter=startswith(displayName,'paged')&$select=id"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("more pages than 5 apps in pages of 2 need")
		}
		r := graph(t, s, tok, "GET", next, nil)
		mustStatus(t, r, 200)
		for _, v := range r.body["value"].([]any) {
			ids = append(ids, v.(map[string]any)["id"].(string))
		}
		next = ""
		if l, ok := r.body["@odata.nextLink"].(string); ok {
			u, err := url.Parse(l)
			if err != nil || u.Query().Get("$skiptoken") == "" || u.Query().Get("$filter") == "" || u.Query().Get("$select") != "id" {
				t.Fatalf("nextLink %s must keep the query and add a skip token", l)
			}
			next = strings.TrimPrefix(l, s.URL+"/v1.0")
		}
	}
	if len(ids) != 5 {
		t.Fatalf("read %d apps over the pages, want 5", len(ids))
	}
	if r := graph(t, s, tok, "GET", "/applications?$top=3", nil); len(r.body["value"].([]any)) != 3 {
		t.Fatalf("$top overrides the default page size: %s", r.raw)
	}
	for _, tokn := range []string{"2", "abc", "YXp1cmV0ZXN0LXNraXA6OTk"} { // a bare offset, garbage, past the end
		if r := graph(t, s, tok, "GET", "/applications?$skiptoken="+tokn, nil); r.status != 400 {
			t.Errorf("skip token %q: %d", tokn, r.status)
		}
	}
	s.SetPageSize(0)
	if r := graph(t, s, tok, "GET", "/applications", nil); r.body["@odata.nextLink"] != nil {
		t.Fatal("SetPageSize(0) restores Graph's default")
	}
	if azuretest.DefaultPageSize != 100 {
		t.Fatal("Graph's default page size for directory objects is 100")
	}
}

// The product's Graph client reads a multi-page list whole.
func TestProductListFollowsPages(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	for range 7 {
		createApp(t, s, tok, map[string]any{"displayName": "Appmixer", "signInAudience": "AzureADMyOrg", "tags": []string{"paged-tag"}})
	}
	s.SetPageSize(3)
	s.ResetRequests()
	id, secret := s.AutomationCredentials()
	t.Setenv("AZURE_TENANT_ID", s.TenantID)
	t.Setenv("AZURE_CLIENT_ID", id)
	t.Setenv("AZURE_CLIENT_SECRET", secret)
	t.Setenv("AZURE_AUTHORITY_HOST", s.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sess, err := azure.SignIn(ctx, azure.SignInOptions{Method: azure.SignInEnvironment, GraphURL: s.URL, HTTPClient: s.Client(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	g := azure.NewGraph(sess, azure.GraphOptions{})
	for _, f := range []azure.AppFilter{{Tag: "paged-tag"}, {DisplayName: "Appmixer"}} {
		apps, err := g.FindApplications(ctx, f)
		if err != nil || len(apps) != 7 {
			t.Fatalf("FindApplications(%+v) = %d apps, %v; want all 7 over 3 pages", f, len(apps), err)
		}
	}
	pages := 0
	for _, r := range s.Requests() {
		if r.Route == "GET /v1.0/applications" {
			pages++
		}
	}
	if pages != 6 {
		t.Fatalf("%d list requests, want 3 pages × 2 lists", pages)
	}
}
