package steps

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// storedSecret is what the run learned about the secret Appmixer already holds.
type storedSecret struct {
	checked bool
	works   bool   // a client-credentials token was issued with it
	noSP    bool   // refused only because the app has no service principal (AADSTS7000229)
	why     string // why it does not work, for the plan
}

// checkStoredSecret tries Appmixer's clientId/clientSecret once per run: one
// token request answers both "does the secret work" and "does the service
// principal exist" (Entra refuses with AADSTS7000229 without one).
func checkStoredSecret(ctx context.Context, s *State) error {
	if s.stored.checked || s.App == nil || s.AppProjected {
		return nil
	}
	id, secret := s.Config["clientId"], s.Config["clientSecret"]
	switch {
	case secret == "":
		s.stored = storedSecret{checked: true, why: "Appmixer holds no clientSecret"}
		return nil
	case id != s.App.AppID:
		s.stored = storedSecret{checked: true, why: "Appmixer's clientId is not this app's client ID"}
		return nil
	}
	err := azure.CheckClientSecret(ctx, s.Azure, id, secret)
	switch {
	case err == nil:
		s.stored = storedSecret{checked: true, works: true}
	case azure.IsNoServicePrincipal(err):
		s.stored = storedSecret{checked: true, noSP: true, why: "the app has no service principal"}
	default:
		// Entra ID answered with a refusal (7000215 wrong, 7000222 expired, …): the
		// secret is no good. No answer at all (network) stops the run instead.
		ae, refused := azure.AsAuthError(err)
		if !refused || ae.OAuthError == "" && ae.AADSTS == 0 {
			return err
		}
		s.stored = storedSecret{checked: true, why: "Entra ID refuses Appmixer's clientSecret (" + ae.Description + ")"}
	}
	return nil
}

// storedCredential finds the app's credential that Appmixer's secret belongs to:
// the key this product recorded, else the one whose hint matches (earliest expiry
// first, so a collision can only make the run more careful).
func storedCredential(s *State) *azure.PasswordCredential {
	secret := s.Config["clientSecret"]
	if s.App == nil || secret == "" {
		return nil
	}
	creds := slices.Clone(s.App.PasswordCredentials)
	// The journal's key counts only if its hint fits: the journal is written
	// after the Appmixer write, so a lost answer can leave it one secret behind.
	if k := s.Journal.StoredKeyID(s.App.AppID); k != "" {
		if i := slices.IndexFunc(creds, func(c azure.PasswordCredential) bool { return c.KeyID == k && hintFits(c, secret) }); i >= 0 {
			return &creds[i]
		}
	}
	slices.SortFunc(creds, func(a, b azure.PasswordCredential) int { return a.EndDateTime.Compare(b.EndDateTime) })
	for i, c := range creds {
		if hintFits(c, secret) {
			return &creds[i]
		}
	}
	return nil
}

// hintFits reports whether secret could be c's value: Graph's hint is its
// first three characters.
func hintFits(c azure.PasswordCredential, secret string) bool {
	return c.Hint != "" && strings.HasPrefix(secret, c.Hint)
}

// keepStored reports whether Appmixer's secret works and lives long enough.
func keepStored(s *State) (bool, time.Time) {
	if !s.stored.works {
		return false, time.Time{}
	}
	c := storedCredential(s)
	if c == nil {
		return false, time.Time{}
	}
	return c.EndDateTime.After(s.Opts.Now().Add(KeepSecretMinimum)), c.EndDateTime
}
