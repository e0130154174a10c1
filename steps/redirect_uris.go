package steps

import (
	"context"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// RedirectURIs replaces "Authentication → Add a platform → Web": the OAuth
// callback and the OneDrive file picker URIs, and "select both options"
// (implicit grant access tokens + ID tokens), then Save.
type RedirectURIs struct{}

func (RedirectURIs) Info() Info {
	return Info{ID: IDRedirectURIs, Title: "Redirect URIs", Screen: "Azure portal → Authentication → Web redirect URIs + implicit grant",
		About:    "Adds Appmixer's OAuth callback and the OneDrive file picker as Web redirect URIs, with access and ID tokens for the picker.",
		Checking: "Reading the app's redirect URIs"}
}

func (RedirectURIs) Check(context.Context, *State) error { return nil } // the app was read by Register the app

func (RedirectURIs) Plan(s *State) Plan {
	if s.Made.AppProjected {
		return Plan{Found: []string{withNewApp}}
	}
	p := Plan{Changes: redirectChanges(s, s.Found.App)}
	if s.Found.App != nil && s.Found.App.Web != nil {
		p.Found = append(p.Found, s.Found.App.Web.RedirectURIs...)
	}
	return p
}

// Apply sends the whole web object: the customer's own URIs, home page and
// logout URL stay, ours are added.
func (RedirectURIs) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	return updateApp(ctx, s, p, func(next azure.Application) azure.ApplicationPatch { return azure.ApplicationPatch{Web: next.Web} })
}

func (RedirectURIs) Project(s *State, p Plan) { *s.Found.App = applyToApp(*s.Found.App, p.Changes) }
