package steps

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// What the app registration should look like, derived from the options and
// from Appmixer's config. Steps 3, 4 and 5 share these so a fresh app is
// created in one POST and an existing one gets only the differences.

// audienceLabels say in plain words who can sign in, as the portal's radio buttons do.
var audienceLabels = map[string]string{
	"AzureADMyOrg":                       "accounts in this organizational directory only (single tenant)",
	"AzureADMultipleOrgs":                "accounts in any organizational directory (multitenant)",
	"AzureADandPersonalMicrosoftAccount": "accounts in any organizational directory and personal Microsoft accounts",
}

func wantedAudience(s *State) string { return Audiences[s.Opts.Audience] }

// wantedAPI is required with personal accounts: Graph rejects
// AzureADandPersonalMicrosoftAccount unless requestedAccessTokenVersion is 2
// (Graph apiApplication reference; azure-cli#15512).
func wantedAPI(audience string) *azure.APIApplication {
	if audience != "AzureADandPersonalMicrosoftAccount" {
		return nil
	}
	v := 2
	return &azure.APIApplication{RequestedAccessTokenVersion: &v}
}

// wantedRedirects are the OAuth callback and the OneDrive picker, both Web platform URIs.
func wantedRedirects(s *State) []string {
	api, err := url.Parse(s.API)
	if err != nil {
		return nil
	}
	return []string{appmixer.CallbackURL(api, s.Config), appmixer.PickerURL(api)}
}

// wantedScopes resolves the permission option to Graph delegated scope ids.
func wantedScopes(s *State) ([]azure.ResourceAccess, error) {
	names, err := azure.ParsePermissionList(s.Opts.Permissions)
	if err != nil {
		return nil, err
	}
	return s.Catalogue.Resolve(names)
}

// newApplication is the whole app of a fresh setup, created in one request.
func newApplication(s *State) (azure.Application, error) {
	scopes, err := wantedScopes(s)
	if err != nil {
		return azure.Application{}, err
	}
	aud := wantedAudience(s)
	return azure.Application{
		DisplayName:    s.Opts.AppName,
		SignInAudience: aud,
		API:            wantedAPI(aud),
		Web: &azure.WebApplication{
			RedirectURIs:          wantedRedirects(s),
			ImplicitGrantSettings: &azure.ImplicitGrantSettings{EnableAccessTokenIssuance: true, EnableIDTokenIssuance: true},
		},
		RequiredResourceAccess: []azure.RequiredResourceAccess{{ResourceAppID: azure.GraphAppID, ResourceAccess: scopes}},
		Tags:                   []string{AppTag},
		Notes:                  "Created by the Appmixer Microsoft connector setup wizard for Appmixer at " + s.API,
	}, nil
}

// redirectChanges lists the missing URIs and implicit-grant flags of app.
func redirectChanges(s *State, app *azure.Application) []Change {
	var have []string
	var grant azure.ImplicitGrantSettings
	if app != nil && app.Web != nil {
		have = app.Web.RedirectURIs
		if app.Web.ImplicitGrantSettings != nil {
			grant = *app.Web.ImplicitGrantSettings
		}
	}
	var out []Change
	for _, u := range wantedRedirects(s) {
		if !slices.Contains(have, u) {
			out = append(out, Change{What: "redirect URI (Web)", After: u})
		}
	}
	before := "off"
	if app == nil {
		before = "" // a new app: the flag is added, not switched
	}
	if !grant.EnableAccessTokenIssuance {
		out = append(out, Change{What: "implicit grant: access tokens", Before: before, After: "on"})
	}
	if !grant.EnableIDTokenIssuance {
		out = append(out, Change{What: "implicit grant: ID tokens", Before: before, After: "on"})
	}
	return out
}

// graphScopes returns the delegated Graph scopes app already asks for.
func graphScopes(app *azure.Application) []azure.ResourceAccess {
	if app == nil {
		return nil
	}
	for _, r := range app.RequiredResourceAccess {
		if r.ResourceAppID == azure.GraphAppID {
			return r.ResourceAccess
		}
	}
	return nil
}

// missingScopes are wanted scopes app does not ask for yet (extra ones stay).
func missingScopes(want []azure.ResourceAccess, app *azure.Application) []azure.ResourceAccess {
	have := graphScopes(app)
	var out []azure.ResourceAccess
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h azure.ResourceAccess) bool { return strings.EqualFold(h.ID, w.ID) && h.Type == w.Type }) {
			out = append(out, w)
		}
	}
	return out
}

// withScopes returns app's requiredResourceAccess with add merged into the Graph
// entry; Graph replaces the array whole on PATCH, so every entry is sent back.
func withScopes(app *azure.Application, add []azure.ResourceAccess) []azure.RequiredResourceAccess {
	out := slices.Clone(app.RequiredResourceAccess)
	for i, r := range out {
		if r.ResourceAppID == azure.GraphAppID {
			out[i].ResourceAccess = append(slices.Clone(r.ResourceAccess), add...)
			return out
		}
	}
	return append(out, azure.RequiredResourceAccess{ResourceAppID: azure.GraphAppID, ResourceAccess: add})
}

func scopeChanges(s *State, add []azure.ResourceAccess) []Change {
	var out []Change
	for _, n := range s.Catalogue.Names(add) {
		out = append(out, Change{What: "Microsoft Graph delegated permission", After: n})
	}
	return out
}

func audienceChange(before, after string) Change {
	return Change{What: "supported account types", Before: labelOr(before), After: labelOr(after)}
}

func labelOr(aud string) string {
	if l, ok := audienceLabels[aud]; ok {
		return l
	}
	return aud
}

func describeApp(a *azure.Application) string {
	return fmt.Sprintf("app %q, client ID %s", a.DisplayName, a.AppID)
}
