package steps

import (
	"slices"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// The web object goes back whole on PATCH: what the customer set there (own
// redirect URIs, home page, logout URL) is sent back with our two URIs added.
func TestMergedWebKeepsTheCustomersSettings(t *testing.T) {
	s := NewState(Options{})
	s.API = "https://api.acme.appmixer.cloud"
	s.App = &azure.Application{Web: &azure.WebApplication{
		RedirectURIs: []string{"https://customer.example/cb"},
		HomePageURL:  "https://customer.example", LogoutURL: "https://customer.example/logout",
	}}
	web := mergedWeb(s)
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
	if len(s.App.Web.RedirectURIs) != 1 {
		t.Fatal("the app as read was changed in place")
	}
}
