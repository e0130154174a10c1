package steps

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// SignInAppmixer replaces the Backoffice login. Its preflight reads the
// appmixer:microsoft connector configuration, which only admins may read, so
// the admin check and the read are one request. Signed in already, it only
// reads the configuration again.
type SignInAppmixer struct{}

func (SignInAppmixer) Info() Info {
	return Info{ID: IDSignInAppmixer, Title: "Sign in to Appmixer", Screen: "Appmixer Backoffice → sign in",
		About:    "Signs in to the Appmixer API as an admin and reads the appmixer:microsoft connector configuration.",
		Checking: "Signing in to Appmixer", ReadOnly: true}
}

// appmixerInputs is what an Appmixer sign-in depends on, as a digest: the
// password and token are among them, and SignedIn keeps this value, so in
// clear a %+v of it would print them.
func appmixerInputs(o Options) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{o.AppmixerURL, o.AppmixerUsername, o.AppmixerPassword.Reveal(), o.AppmixerToken.Reveal()}, "\x00")))
	return hex.EncodeToString(sum[:])
}

func (SignInAppmixer) Check(ctx context.Context, s *State) error {
	if in := appmixerInputs(s.Opts); s.Signed.Appmixer == nil || s.Signed.appmixerWith != in {
		if err := signInAppmixer(ctx, s); err != nil {
			return err
		}
		s.Signed.appmixerWith = in
	}
	return readConfig(ctx, s)
}

func signInAppmixer(ctx context.Context, s *State) error {
	api, err := appmixer.ParseAPIURL(s.Opts.AppmixerURL)
	if err != nil {
		return err // its own hint says what to type, the corrected URL too
	}
	c := appmixer.New(api, appmixer.Options{HTTPClient: s.Opts.AppmixerHTTP, Timeout: s.Opts.Timeout})
	password := s.Opts.AppmixerPassword
	if p, ok := s.Opts.SimulatedUsers[strings.ToLower(strings.TrimSpace(s.Opts.AppmixerUsername))]; ok && s.Opts.Simulated {
		password = p
	}
	switch {
	case !s.Opts.AppmixerToken.IsZero():
		c.UseToken(s.Opts.AppmixerToken.Reveal())
	case s.Opts.AppmixerUsername == "" || password.IsZero():
		return hint.New("no Appmixer credentials", hint.Change(hint.AppmixerPassword, "give an Appmixer admin's username and password, or a token"))
	default:
		if err := c.Login(ctx, s.Opts.AppmixerUsername, password.Reveal()); err != nil {
			return err
		}
	}
	s.Signed.Appmixer, s.Signed.API = c, api.String()
	s.Signed.AdminUser = cmp.Or(s.Opts.AppmixerUsername, "the token's user")
	return nil
}

// readConfig loads appmixer:microsoft; a 403 means the user is not an admin.
func readConfig(ctx context.Context, s *State) error {
	cfg, ok, err := s.amx().GetServiceConfig(ctx, appmixer.ServiceID)
	var apiErr *appmixer.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden {
		return hint.Wrap(fmt.Errorf("%s is not an Appmixer admin (connector configuration needs the admin scope): %w", s.Signed.AdminUser, err),
			hint.Change(hint.AppmixerUsername, "sign in as an Appmixer admin"))
	}
	if err != nil {
		return err
	}
	s.Found.Config, s.Found.ConfigExists = cfg, ok
	if s.Found.Held.IsZero() {
		s.Found.Held = NewSecret(cfg["clientSecret"])
	}
	return nil
}

func (SignInAppmixer) Plan(s *State) Plan {
	found := fmt.Sprintf("signed in to %s as %s (admin)", s.Signed.API, s.Signed.AdminUser)
	cfg := "no appmixer:microsoft configuration yet"
	if s.Found.ConfigExists {
		cfg = fmt.Sprintf("appmixer:microsoft has %d key(s)", len(s.Found.Config))
	}
	return Plan{Found: []string{found, cfg}}
}

func (SignInAppmixer) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }

// SignInStage is the two sign-ins, checked side by side; every command starts with it.
func SignInStage() Stage { return Stage{SignInAzure{}, SignInAppmixer{}} }
