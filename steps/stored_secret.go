package steps

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// checkStoredSecret tries Appmixer's clientId/clientSecret once per run: one
// token request answers both "does the secret work" and "does the service
// principal exist" (Entra ID refuses with AADSTS7000229 without one). Only a
// refusal counts against the secret: a transient answer (throttling, an
// outage) that outlasts the retries stops the run instead, because judging the
// secret on it would mint a needless replacement.
func checkStoredSecret(ctx context.Context, s *State, in Info) error {
	if s.Found.Stored.Checked || !s.appReal() {
		return nil
	}
	id, secret := s.config()["clientId"], s.config()["clientSecret"]
	switch {
	case secret == "":
		s.Found.Stored = StoredSecret{Checked: true, Why: "Appmixer holds no clientSecret"}
		return nil
	case !strings.EqualFold(id, s.Found.App.AppID):
		s.Found.Stored = StoredSecret{Checked: true, Why: "Appmixer's clientId is not this app's client ID"}
		return nil
	}
	err := azure.CheckClientSecret(ctx, s.Signed.Azure, id, secret)
	if azure.IsSecretNotYetValid(err) && heldIsYoung(s) {
		// Made minutes ago (a run that stopped right after storing it): it may
		// still be propagating, so it is waited for before it is judged.
		s.progress(in, "waiting for Entra ID to accept Appmixer's secret (it was created moments ago)")
		err = azure.WaitClientSecret(ctx, s.Signed.Azure, id, secret, s.Opts.WaitTimeout)
	}
	switch {
	case err == nil:
		s.Found.Stored = StoredSecret{Checked: true, Works: true}
	case azure.IsNoServicePrincipal(err):
		s.Found.Stored = StoredSecret{Checked: true, NoSP: true, Why: "the app has no service principal"}
	case azure.IsSecretRefused(err):
		ae, _ := azure.AsAuthError(err)
		s.Found.Stored = StoredSecret{Checked: true, Why: "Entra ID refuses Appmixer's clientSecret (" + ae.Description + ")"}
	default:
		return err
	}
	return nil
}

// heldIsYoung reports whether Appmixer's secret belongs to a credential made
// within the propagation window.
func heldIsYoung(s *State) bool {
	c := storedCredential(s)
	return c != nil && !c.StartDateTime.IsZero() && s.Opts.Now().Sub(c.StartDateTime) < replicationWindow
}

// storedCredential finds the app's credential that Appmixer's secret belongs to:
// the key this program recorded, else the one whose hint matches (earliest expiry
// first, so a collision can only make the run more careful).
func storedCredential(s *State) *azure.PasswordCredential {
	return credentialOf(s, s.config()["clientSecret"])
}

func credentialOf(s *State, secret string) *azure.PasswordCredential {
	if s.Found.App == nil || secret == "" {
		return nil
	}
	creds := slices.Clone(s.Found.App.PasswordCredentials)
	// The journal's key counts only if its hint fits: the journal is written
	// after the Appmixer write, so a lost answer can leave it one secret behind.
	if k := s.Journal.StoredKeyID(s.Found.App.AppID); k != "" {
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
	if !s.Found.Stored.Works {
		return false, time.Time{}
	}
	c := storedCredential(s)
	if c == nil {
		return false, time.Time{}
	}
	return c.EndDateTime.After(s.Opts.Now().Add(KeepSecretMinimum)), c.EndDateTime
}

func appmixerHint(s *State) string { return NewSecret(s.config()["clientSecret"]).Hint() }
