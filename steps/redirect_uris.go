package steps

import (
	"context"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// RedirectURIs replaces "Authentication → Add a platform → Web": the OAuth
// callback and the OneDrive file picker URIs, and "select both options"
// (implicit grant access tokens + ID tokens), then Save.
type RedirectURIs struct{}

func (RedirectURIs) Info() Info {
	return Info{ID: IDRedirectURIs, Title: "Redirect URIs", Screen: "Azure portal → Authentication → Web redirect URIs + implicit grant",
		About: "Adds Appmixer's OAuth callback and the OneDrive file picker as Web redirect URIs, with access and ID tokens for the picker."}
}

func (RedirectURIs) Check(context.Context, *State) error { return nil } // the app was read by step 3

func (RedirectURIs) Plan(s *State) Plan {
	if s.AppProjected {
		return Plan{Found: []string{withNewApp}}
	}
	p := Plan{Changes: redirectChanges(s, s.App)}
	if s.App != nil && s.App.Web != nil {
		p.Found = append(p.Found, s.App.Web.RedirectURIs...)
	}
	return p
}

// Apply sends the whole web object: the customer's own URIs stay, ours are added.
func (RedirectURIs) Apply(ctx context.Context, s *State) ([]Change, error) {
	changes := redirectChanges(s, s.App)
	web := mergedWeb(s)
	if err := s.Graph.UpdateApplication(ctx, s.App.ID, azure.ApplicationPatch{Web: web}); err != nil {
		return nil, err
	}
	s.App.Web = web
	return changes, nil
}

func (RedirectURIs) Project(s *State) { s.App.Web = mergedWeb(s) }

func mergedWeb(s *State) *azure.WebApplication {
	web := azure.WebApplication{}
	if s.App.Web != nil {
		web = *s.App.Web // home page and logout URLs stay as they are
		web.RedirectURIs = slices.Clone(s.App.Web.RedirectURIs)
	}
	for _, u := range wantedRedirects(s) {
		if !slices.Contains(web.RedirectURIs, u) {
			web.RedirectURIs = append(web.RedirectURIs, u)
		}
	}
	web.ImplicitGrantSettings = &azure.ImplicitGrantSettings{EnableAccessTokenIssuance: true, EnableIDTokenIssuance: true}
	return &web
}
