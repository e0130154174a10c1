package azuretest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

func TestSceneHelpers(t *testing.T) {
	s := newServer(t)
	secret := "abc8Q~seeded-secret-value-0123456789xyz"
	end := time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Second)
	a, err := s.SeedApplicationProperties(azuretest.Application{
		DisplayName: "Appmixer",
		Web: &azuretest.WebApplication{RedirectURIs: []string{"https://a.example/cb", "https://a.example/picker"},
			ImplicitGrantSettings: &azuretest.ImplicitGrantSettings{EnableAccessTokenIssuance: true, EnableIDTokenIssuance: true}},
		RequiredResourceAccess: []azuretest.RequiredResourceAccess{{ResourceAppID: azuretest.GraphAppID, ResourceAccess: []azuretest.ResourceAccess{
			{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Type: "Scope"}, {ID: "df85f4d6-205c-4ac5-a5ea-6bf408dba283", Type: "Scope"}}}},
		PasswordCredentials: []azuretest.PasswordCredential{{DisplayName: "expiring", SecretText: &secret, EndDateTime: end}},
	}, map[string]any{"notes": "seeded", "info": map[string]any{"supportUrl": "https://a.example/help"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedApplicationProperties(azuretest.Application{DisplayName: "x"}, map[string]any{"nope": 1}); err == nil {
		t.Fatal("an unknown property must be refused")
	}
	sp, err := s.CreateServicePrincipal(a.AppID)
	if err != nil {
		t.Fatal(err)
	}
	// The portal's service principal is the one POST /servicePrincipals makes.
	if sp.AppID != a.AppID || sp.DisplayName != "Appmixer" || sp.AppDisplayName != "Appmixer" || !sp.AccountEnabled ||
		sp.AppOwnerOrganizationID != s.TenantID || len(sp.ServicePrincipalNames) != 1 || sp.ServicePrincipalNames[0] != a.AppID {
		t.Fatalf("scene service principal %+v", sp)
	}
	if again, err := s.CreateServicePrincipal(a.AppID); err != nil || again.ID != sp.ID {
		t.Fatalf("a second call returns the existing one: %+v %v", again, err)
	}
	if !s.SecretWorks(a.AppID, secret) {
		t.Fatal("a seeded secret works at once")
	}
	if got := findApp(t, s, a.AppID).PasswordCredentials[0].EndDateTime; !got.Equal(end) {
		t.Fatalf("end date %v, want %v", got, end)
	}
	if err := s.RemoveRedirectURIs(a.AppID, "https://a.example/picker"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetImplicitGrant(a.AppID, false, true); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePermission(a.AppID, azuretest.GraphAppID, "df85f4d6-205c-4ac5-a5ea-6bf408dba283"); err != nil {
		t.Fatal(err)
	}
	got := findApp(t, s, a.AppID)
	if len(got.Web.RedirectURIs) != 1 || got.Web.ImplicitGrantSettings.EnableAccessTokenIssuance || !got.Web.ImplicitGrantSettings.EnableIDTokenIssuance ||
		len(got.RequiredResourceAccess[0].ResourceAccess) != 1 {
		t.Fatalf("after the scene edits: %+v %+v", got.Web, got.RequiredResourceAccess)
	}
	doc, _ := s.ApplicationJSON(a.AppID)
	if doc["notes"] != "seeded" || doc["info"].(map[string]any)["supportUrl"] != "https://a.example/help" {
		t.Fatalf("the edits kept the other properties: %v %v", doc["notes"], doc["info"])
	}
	if _, err := s.GrantAdminConsent(a.AppID, "User.Read", "offline_access"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GrantAdminConsent(a.AppID, "user.read"); err == nil {
		t.Fatal("consent to an unpublished scope must fail")
	}
	// Graph holds one AllPrincipals grant per client and resource (409 on a second).
	if _, err := s.GrantAdminConsent(a.AppID, "User.Read"); err == nil || len(s.PermissionGrants()) != 1 {
		t.Fatalf("a second consent for the same pair: %v, %d grants", err, len(s.PermissionGrants()))
	}
	if err := s.DeleteApplication(a.AppID); err != nil || len(s.Applications()) != 0 || len(s.PermissionGrants()) != 0 {
		t.Fatalf("delete: %v", err)
	}
	// As in the portal: both go to deleted items, the service principal with the app.
	if len(s.DeletedApplications()) != 1 {
		t.Fatalf("deleted items: %+v", s.DeletedApplications())
	}
	for _, p := range s.ServicePrincipals() {
		if p.ID == sp.ID {
			t.Fatal("the app's service principal must be deleted with it")
		}
	}
	for _, err := range []error{s.RemoveRedirectURIs(a.AppID), s.SetImplicitGrant("nope", true, true), s.DeleteApplication(a.AppID)} {
		if !errors.Is(err, azuretest.ErrNotFound) {
			t.Errorf("an unknown (or deleted) app: %v", err)
		}
	}

	// Throttle: a 429 with Retry-After, then a 503, then the real answer.
	tok := automationToken(t, s)
	s.Throttle("GET /v1.0/organization", 3*time.Second)
	var got2 []string
	for range 3 {
		r := graph(t, s, tok, "GET", "/organization", nil)
		got2 = append(got2, r.header.Get("Retry-After")+"/"+string(rune('0'+r.status/100)))
	}
	if got2[0] != "3/4" || got2[1] != "3/5" || got2[2] != "/2" {
		t.Fatalf("throttled answers %v", got2)
	}
}
