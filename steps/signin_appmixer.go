package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// SignInAppmixer replaces the Backoffice login. Its preflight reads the
// appmixer:microsoft connector configuration, which only admins may read, so
// the admin check and the read are one request.
type SignInAppmixer struct{}

func (SignInAppmixer) Info() Info {
	return Info{ID: IDSignInAppmixer, Title: "Sign in to Appmixer", Screen: "Appmixer Backoffice → sign in",
		About: "Signs in to the Appmixer API as an admin and reads the appmixer:microsoft connector configuration."}
}

func (SignInAppmixer) Check(ctx context.Context, s *State) error {
	if s.Appmixer == nil {
		api, err := appmixer.ParseAPIURL(s.Opts.AppmixerURL)
		if err != nil {
			return err
		}
		c := appmixer.New(api, appmixer.Options{HTTPClient: s.Opts.AppmixerHTTP, Timeout: s.Opts.Timeout})
		switch {
		case !s.Opts.AppmixerToken.IsZero():
			c.UseToken(s.Opts.AppmixerToken.Reveal())
		case s.Opts.AppmixerUsername == "" || s.Opts.AppmixerPassword.IsZero():
			return errors.New("no Appmixer credentials: set APPMIXER_USERNAME and APPMIXER_PASSWORD, or APPMIXER_TOKEN")
		default:
			if err := c.Login(ctx, s.Opts.AppmixerUsername, s.Opts.AppmixerPassword.Reveal()); err != nil {
				return err
			}
		}
		s.Appmixer, s.API = c, api.String()
	}
	return readConfig(ctx, s)
}

// readConfig loads appmixer:microsoft; a 403 means the user is not an admin.
func readConfig(ctx context.Context, s *State) error {
	cfg, ok, err := s.Appmixer.GetServiceConfig(ctx, appmixer.ServiceID)
	var apiErr *appmixer.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden {
		who := s.Opts.AppmixerUsername
		if who == "" {
			who = "the token's user"
		}
		return fmt.Errorf("%s is not an Appmixer admin (connector configuration needs the admin scope): sign in as an Appmixer admin: %w", who, err)
	}
	if err != nil {
		return err
	}
	s.Config, s.ConfigExists = cfg, ok
	s.AdminUser = orDefault(s.Opts.AppmixerUsername, "token user")
	return nil
}

func (SignInAppmixer) Plan(s *State) Plan {
	found := fmt.Sprintf("signed in to %s as %s (admin)", s.API, s.AdminUser)
	cfg := "no appmixer:microsoft configuration yet"
	if s.ConfigExists {
		cfg = fmt.Sprintf("appmixer:microsoft has %d key(s)", len(s.Config))
	}
	return Plan{Found: []string{found, cfg}}
}

func (SignInAppmixer) Apply(context.Context, *State) ([]Change, error) { return nil, nil }
