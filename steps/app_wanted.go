package steps

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// What the app registration should look like, derived from the options and
// Appmixer's config. Register the app, Redirect URIs and API permissions share
// these, so a fresh app is created in one request and an existing one gets
// only the differences; applyToApp is the one model of what a plan does to an
// app, used by Apply (after the write) and by a dry run's projection.

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
	api, err := url.Parse(s.Signed.API)
	if err != nil || s.Signed.API == "" {
		return nil
	}
	return []string{appmixer.CallbackURL(api, s.config()), appmixer.PickerURL(api)}
}

// RequiredScopes are what Appmixer's Microsoft connector always asks for
// (appmixer-connectors src/appmixer/microsoft/auth.js): every permission set
// holds them, or the connection cannot work.
var RequiredScopes = []string{"offline_access", "User.Read"}

// PermissionNames is the permission option as scope names, with the required
// scopes added when the list lacks them (added says which).
func PermissionNames(option string) (names, added []string, err error) {
	names, err = azure.ParsePermissionList(option)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range RequiredScopes {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, r) }) {
			names, added = append(names, r), append(added, r)
		}
	}
	return names, added, nil
}

// wantedScopes resolves the permission option to Graph delegated scope ids.
func wantedScopes(s *State) ([]azure.ResourceAccess, error) {
	names, _, err := PermissionNames(s.Opts.Permissions)
	if err != nil {
		return nil, err
	}
	return s.Found.Catalogue.Resolve(names)
}

// addedScopesNote says which required scopes were added to the person's list.
func addedScopesNote(s *State) []string {
	if _, added, err := PermissionNames(s.Opts.Permissions); err == nil && len(added) > 0 {
		return []string{"Added " + strings.Join(added, " and ") + ": Appmixer's Microsoft connector always asks for offline_access and User.Read, so the app must have them."}
	}
	return nil
}

// redirectChanges lists the redirect URIs and implicit-grant flags app lacks
// (app nil: a new app, where the flags are added, not switched).
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
			out = append(out, Change{Kind: Add, Subject: SubjectRedirectURI, Name: u})
		}
	}
	flag := func(name string, on bool) {
		switch {
		case on:
		case app == nil:
			out = append(out, Change{Kind: Add, Subject: SubjectImplicitGrant, Name: name, After: "on"})
		default:
			out = append(out, Change{Kind: Update, Subject: SubjectImplicitGrant, Name: name, Before: "off", After: "on"})
		}
	}
	flag(ImplicitAccessTokens, grant.EnableAccessTokenIssuance)
	flag(ImplicitIDTokens, grant.EnableIDTokenIssuance)
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

// permissionChanges are the wanted scopes app does not ask for yet (extra ones stay).
func permissionChanges(s *State, app *azure.Application, want []azure.ResourceAccess) []Change {
	have := graphScopes(app)
	var out []Change
	for _, w := range want {
		if slices.ContainsFunc(have, func(h azure.ResourceAccess) bool { return strings.EqualFold(h.ID, w.ID) && h.Type == w.Type }) {
			continue
		}
		names := s.Found.Catalogue.Names([]azure.ResourceAccess{w})
		out = append(out, Change{Kind: Add, Subject: SubjectPermission, Name: strings.Join(names, ""), ID: w.ID})
	}
	return out
}

// applyToApp returns app with the plan's changes made, the way Graph will hold
// it: the one model of an app plan, for Apply and for a dry run.
func applyToApp(app azure.Application, changes []Change) azure.Application {
	next := app
	if app.Web != nil {
		w := *app.Web
		w.RedirectURIs = slices.Clone(app.Web.RedirectURIs)
		if g := app.Web.ImplicitGrantSettings; g != nil {
			gc := *g
			w.ImplicitGrantSettings = &gc
		}
		next.Web = &w
	}
	next.RequiredResourceAccess = slices.Clone(app.RequiredResourceAccess)
	next.Tags = slices.Clone(app.Tags)
	web := func() *azure.WebApplication {
		if next.Web == nil {
			next.Web = &azure.WebApplication{}
		}
		return next.Web
	}
	for _, c := range changes {
		switch c.Subject {
		case SubjectApp:
			if c.Kind == Add {
				next.DisplayName = c.Name
			}
		case SubjectAudience:
			next.SignInAudience = c.After
			if api := wantedAPI(c.After); api != nil {
				next.API = api
			}
		case SubjectTag:
			if !slices.Contains(next.Tags, c.After) {
				next.Tags = append(next.Tags, c.After)
			}
		case SubjectRedirectURI:
			if w := web(); !slices.Contains(w.RedirectURIs, c.Name) {
				w.RedirectURIs = append(w.RedirectURIs, c.Name)
			}
		case SubjectImplicitGrant:
			w := web()
			if w.ImplicitGrantSettings == nil {
				w.ImplicitGrantSettings = &azure.ImplicitGrantSettings{}
			}
			on := c.After == "on"
			if c.Name == ImplicitAccessTokens {
				w.ImplicitGrantSettings.EnableAccessTokenIssuance = on
			} else {
				w.ImplicitGrantSettings.EnableIDTokenIssuance = on
			}
		case SubjectPermission:
			next.RequiredResourceAccess = withScope(next.RequiredResourceAccess, azure.ResourceAccess{ID: c.ID, Type: "Scope"})
		}
	}
	return next
}

// updateApp carries out a plan on the existing app: applyToApp says what the
// app becomes, patch picks the fields the step sends (Graph replaces each
// field whole), and the app as read becomes that once Graph took it.
func updateApp(ctx context.Context, s *State, p Plan, patch func(next azure.Application) azure.ApplicationPatch) ([]Change, error) {
	next := applyToApp(*s.Found.App, p.Changes)
	if err := s.graph().UpdateApplication(ctx, s.Found.App.ID, patch(next)); err != nil {
		return nil, err
	}
	*s.Found.App = next
	return p.Changes, nil
}

// withScope adds one scope to the Graph entry; Graph replaces the array whole
// on PATCH, so every entry is kept and sent back.
func withScope(rra []azure.RequiredResourceAccess, add azure.ResourceAccess) []azure.RequiredResourceAccess {
	for i, r := range rra {
		if r.ResourceAppID == azure.GraphAppID {
			rra[i].ResourceAccess = append(slices.Clone(r.ResourceAccess), add)
			return rra
		}
	}
	return append(rra, azure.RequiredResourceAccess{ResourceAppID: azure.GraphAppID, ResourceAccess: []azure.ResourceAccess{add}})
}

func describeApp(a *azure.Application) string {
	return "app \"" + a.DisplayName + "\", client ID " + a.AppID
}
