package steps

import (
	"slices"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// The web object goes back whole on PATCH: what the customer set there (own
// redirect URIs, home page, logout URL) is sent back with our two URIs added.
func TestRedirectPlanKeepsTheCustomersSettings(t *testing.T) {
	s := NewState(Options{})
	s.Signed.API = "https://api.acme.appmixer.cloud"
	s.Found.App = &azure.Application{Web: &azure.WebApplication{
		RedirectURIs: []string{"https://customer.example/cb"},
		HomePageURL:  "https://customer.example", LogoutURL: "https://customer.example/logout",
	}}
	p := RedirectURIs{}.Plan(s)
	if len(changesOf(p.Changes, SubjectRedirectURI, Add)) != 2 || len(changesOf(p.Changes, SubjectImplicitGrant, Update)) != 2 {
		t.Fatalf("want two URIs added and both flags switched on: %v", p.Changes)
	}
	web := applyToApp(*s.Found.App, p.Changes).Web
	want := []string{"https://customer.example/cb", "https://api.acme.appmixer.cloud/auth/microsoft/callback",
		"https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker"}
	if !slices.Equal(web.RedirectURIs, want) {
		t.Fatalf("redirect URIs %v, want %v", web.RedirectURIs, want)
	}
	if web.HomePageURL != "https://customer.example" || web.LogoutURL != "https://customer.example/logout" {
		t.Fatalf("home page or logout URL lost: %+v", web)
	}
	if g := web.ImplicitGrantSettings; g == nil || !g.EnableAccessTokenIssuance || !g.EnableIDTokenIssuance {
		t.Fatalf("implicit grant %+v", g)
	}
	if len(s.Found.App.Web.RedirectURIs) != 1 || s.Found.App.Web.ImplicitGrantSettings != nil {
		t.Fatal("the app as read was changed in place")
	}
}
