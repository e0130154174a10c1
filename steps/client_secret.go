package steps

import (
	"context"
	"fmt"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// ClientSecret replaces "Certificates & secrets → + New client secret" with the
// furthest expiry, and "copy the Value": the value goes to Appmixer in memory
// and is never shown. A secret Appmixer already holds is kept while it works
// and has more than 30 days left. A new secret is proven (Entra ID issues a
// token with it) before the next step gives it to Appmixer, so Appmixer never
// holds a secret Entra ID does not accept yet.
type ClientSecret struct{}

func (ClientSecret) Info() Info {
	return Info{ID: IDClientSecret, Title: "Client secret", Screen: "Azure portal → Certificates & secrets → + New client secret",
		About:    "Keeps Appmixer's secret while it works and has over 30 days left; otherwise creates one with the furthest expiry. Its value goes straight into Appmixer once Entra ID accepts it, and is never shown or saved anywhere else.",
		Checking: "Trying Appmixer's secret with Entra ID"}
}

func (st ClientSecret) Check(ctx context.Context, s *State) error {
	if s.Made.HasSecret() && !s.Made.Proven {
		return proveSecret(ctx, s, st.Info()) // a retry after the proof was interrupted
	}
	return checkStoredSecret(ctx, s, st.Info())
}

func (ClientSecret) Plan(s *State) Plan {
	var p Plan
	for _, c := range setupLeftovers(s) {
		p.Changes = append(p.Changes, secretRemoval(c, "left by an interrupted run, never stored in Appmixer"))
	}
	switch keep, end := keepStored(s); {
	case s.Made.HasSecret():
		p.Found = append(p.Found, fmt.Sprintf("created secret %s, expires %s", s.Made.Secret.Hint(), day(s.Made.SecretEnd)))
	case keep:
		p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s works and expires %s: keeping it", appmixerHint(s), day(end)))
	default:
		if s.Found.Stored.Why != "" {
			p.Found = append(p.Found, s.Found.Stored.Why)
		} else if s.Found.Stored.Works {
			p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s expires within 30 days (or its expiry is unknown)", appmixerHint(s)))
		}
		p.Changes = append(p.Changes, plannedSecret(s))
	}
	return p
}

// setupLeftovers are secrets an interrupted run of this program made for this
// Appmixer and never stored: recorded in the resume file, or — found by their
// generated names, whatever the resume file knows — newer than the secret
// Appmixer holds (or Appmixer holds none of this app's). Older ones are kept:
// rotate-secret --keep-old may have kept them on purpose; rotate-secret
// removes them.
func setupLeftovers(s *State) []azure.PasswordCredential {
	if !s.appReal() {
		return nil
	}
	held := storedCredential(s)
	var out []azure.PasswordCredential
	for _, c := range s.Found.App.PasswordCredentials {
		if !removable(s, c) {
			continue
		}
		newer := madeForThisAppmixer(s, c.DisplayName) && (held == nil || !c.StartDateTime.Before(held.StartDateTime))
		if newer || recorded(s, c) {
			out = append(out, c)
		}
	}
	return out
}

// removable: made by this program, and neither this run's new secret nor the
// one Appmixer holds.
func removable(s *State, c azure.PasswordCredential) bool {
	return IsGeneratedSecretName(c.DisplayName) && c.KeyID != s.Made.SecretKeyID && !hintFits(c, s.config()["clientSecret"])
}

// recorded reports whether the resume file lists c as minted for this app and never stored.
func recorded(s *State, c azure.PasswordCredential) bool {
	pending := append(slices.Clone(s.Found.Leftovers), s.Journal.Entry().Pending...)
	return slices.ContainsFunc(pending, func(p PendingSecret) bool {
		return (p.AppID == "" || p.AppID == s.Found.App.AppID) && (p.KeyID != "" && p.KeyID == c.KeyID || p.DisplayName == c.DisplayName)
	})
}

func (st ClientSecret) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	changed, err := removeSecrets(ctx, s, p)
	if err != nil || !p.Has(SubjectSecret, Add) {
		return changed, err
	}
	c, err := mintSecret(ctx, s, st.Info(), changesOf(p.Changes, SubjectSecret, Add)[0])
	if err != nil {
		return changed, err
	}
	return append(changed, c), nil
}

// Verify proves the new secret before anyone is given it.
func (st ClientSecret) Verify(ctx context.Context, s *State) error {
	if !s.Made.HasSecret() || s.Made.Proven {
		return nil
	}
	return proveSecret(ctx, s, st.Info())
}

// removeSecrets carries out a plan's secret removals.
func removeSecrets(ctx context.Context, s *State, p Plan) ([]Change, error) {
	var changed []Change
	for _, ch := range changesOf(p.Changes, SubjectSecret, Remove) {
		i := slices.IndexFunc(s.Found.App.PasswordCredentials, func(c azure.PasswordCredential) bool { return c.KeyID == ch.ID })
		if i < 0 {
			continue // already gone
		}
		if err := removeSecret(ctx, s, s.Found.App.PasswordCredentials[i]); err != nil {
			return changed, err
		}
		changed = append(changed, ch)
	}
	return changed, nil
}

// plannedSecret is the plan line for the secret a run is about to create.
func plannedSecret(s *State) Change {
	return Change{Kind: Add, Subject: SubjectSecret, Name: SecretNamePrefix + " …", Expires: plannedSecretEnd(s),
		After: "lifetime " + s.Opts.SecretExpiry.String()}
}

// Project marks that a dry run would create a secret here.
func (ClientSecret) Project(s *State, p Plan) {
	if p.Has(SubjectSecret, Add) {
		s.Made.SecretProjected = true
	}
}

// proveSecret waits until Entra ID issues a token with the new secret. If it
// never does within --wait-timeout, the secret is removed (nobody holds it)
// and the run stops with Appmixer untouched.
func proveSecret(ctx context.Context, s *State, in Info) error {
	s.progress(in, "waiting for Entra ID to accept the new secret (it takes a few seconds to propagate)")
	err := azure.WaitClientSecret(ctx, s.Signed.Azure, s.Found.App.AppID, s.Made.Secret.Reveal(), s.Opts.WaitTimeout)
	if err == nil {
		s.Made.Proven = true
		s.Made.Verified = append(s.Made.Verified, "Entra ID issued a token for client "+s.Found.App.AppID+" with the new secret")
		return nil
	}
	if ctx.Err() != nil {
		return err // interrupted: the next run finds the secret by its name
	}
	if derr := discardNewSecret(ctx, s); derr != nil {
		return fmt.Errorf("the new secret is not accepted by Entra ID: %w; removing it failed too (%v), the next run removes it", err, derr)
	}
	return hint.Wrap(fmt.Errorf("Entra ID did not accept the new secret: %w; it was removed and Appmixer was not changed", err),
		hint.Hint{Retry: true, Input: hint.WaitTimeout, Text: "new secrets can take minutes to propagate on some tenants: wait longer"})
}

// discardNewSecret removes the secret this run minted, once nobody can be using it.
func discardNewSecret(ctx context.Context, s *State) error {
	if !s.Made.HasSecret() || s.Made.SecretKeyID == "" {
		return nil
	}
	c := azure.PasswordCredential{KeyID: s.Made.SecretKeyID, DisplayName: s.Made.SecretName, Hint: s.Made.Secret.Hint()}
	if err := s.graph().RemovePassword(ctx, s.Found.App.ID, c.KeyID); err != nil && !azure.IsCredentialGone(err) {
		return err
	}
	dropCredential(s.Found.App, c.KeyID)
	name := s.Made.SecretName
	s.Made.Secret, s.Made.SecretKeyID, s.Made.SecretName, s.Made.Proven = Secret{}, "", "", false
	return s.Journal.Forget(name)
}
