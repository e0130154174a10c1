package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// rotation is what the rotate-secret steps share.
type rotation struct {
	keepOld   bool
	oldSecret string // Appmixer's clientSecret before the rotation (memory only)
	oldWorks  bool
	oldKeyID  string // the credential it belongs to, when known
	// leftovers are the journal's unused secrets as the rotation began: storing
	// the new secret clears the journal's list, and they still go at the end.
	leftovers []PendingSecret
}

// RotateFlow is `rotate-secret`, ordered so there is no downtime: a new secret
// is created, stored in Appmixer and proven to work before the old ones this
// product created are removed. If storing or verifying fails, Appmixer keeps
// (or gets back) its old secret, which was never touched.
func RotateFlow(keepOld bool) []Stage {
	r := &rotation{keepOld: keepOld}
	return []Stage{
		{SignInAzure{}, SignInAppmixer{}},
		{FindSetup{}},
		{NewClientSecret{r}},
		{storeRotated{r}},
		{verifyRotation{r}},
		{RemoveOldSecrets{r}},
	}
}

// NewClientSecret always creates a secret (ClientSecret keeps a working one).
type NewClientSecret struct{ r *rotation }

func (NewClientSecret) Info() Info {
	return Info{ID: IDNewSecret, Title: "New client secret", Screen: "Azure portal → Certificates & secrets → + New client secret",
		About: "Creates a new client secret with the furthest expiry; the old one keeps working until the new one is proven."}
}

func (n NewClientSecret) Check(ctx context.Context, s *State) error {
	if err := checkStoredSecret(ctx, s); err != nil {
		return err
	}
	if s.stored.noSP {
		return errors.New("the app has no service principal, so Entra ID would refuse any secret (AADSTS7000229): run setup first, it creates one")
	}
	n.r.oldSecret, n.r.oldWorks = s.Config["clientSecret"], s.stored.works
	// Merged, not replaced: a retry after a rolled-back verification finds the
	// journal's list emptied, and the earlier leftovers must still go.
	for _, p := range s.Journal.Entry().Pending {
		if !slices.ContainsFunc(n.r.leftovers, func(l PendingSecret) bool { return l.DisplayName == p.DisplayName }) {
			n.r.leftovers = append(n.r.leftovers, p)
		}
	}
	if c := storedCredential(s); c != nil {
		n.r.oldKeyID = c.KeyID
	}
	return nil
}

func (NewClientSecret) Plan(s *State) Plan {
	var p Plan
	switch {
	case s.stored.works:
		end := "unknown"
		if c := storedCredential(s); c != nil {
			end = day(c.EndDateTime)
		}
		p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s works, expires %s", appmixerHint(s), end))
	case s.stored.why != "":
		p.Found = append(p.Found, s.stored.why)
	}
	if s.SecretNew {
		p.Found = append(p.Found, fmt.Sprintf("created secret %s, expires %s", s.Secret.Hint(), day(s.SecretEnd)))
		return p
	}
	p.Changes = []Change{plannedSecret(s)}
	p.Notes = []string{"The new secret's value goes straight into Appmixer; it is never shown or saved anywhere else."}
	return p
}

func (NewClientSecret) Apply(ctx context.Context, s *State) ([]Change, error) {
	if s.SecretNew {
		return nil, nil // a retry of the run: the minted secret is not lost
	}
	c, err := createSecret(ctx, s)
	if err != nil {
		return nil, err
	}
	return []Change{c}, nil
}

func (NewClientSecret) Project(s *State) { s.secretProjected = true }

// storeRotated is step 7 for a rotation. When the write fails it reads Appmixer
// back: still the old secret → the new one is removed from Azure (useless, and
// Appmixer is untouched); the new one after all (the answer was lost) → success.
type storeRotated struct{ r *rotation }

func (storeRotated) Info() Info                          { return StoreInAppmixer{}.Info() }
func (storeRotated) Check(context.Context, *State) error { return nil }
func (storeRotated) Plan(s *State) Plan                  { return StoreInAppmixer{}.Plan(s) }
func (storeRotated) Project(s *State)                    { StoreInAppmixer{}.Project(s) }
func (st storeRotated) Apply(ctx context.Context, s *State) ([]Change, error) {
	changed, err := StoreInAppmixer{}.Apply(ctx, s)
	if err == nil {
		return changed, nil
	}
	cfg, ok, rerr := s.Appmixer.GetServiceConfig(ctx, appmixer.ServiceID)
	switch {
	case rerr != nil:
		return nil, fmt.Errorf("%w; the old secret was not touched, but whether Appmixer holds the new one is unknown: run status", err)
	case ok && cfg["clientSecret"] == s.Secret.Reveal():
		s.Config, s.ConfigExists, s.configWritten = cfg, true, true
		return []Change{{What: appmixer.ServiceID + " clientSecret", Before: NewSecret(st.r.oldSecret).Hint(), After: s.Secret.Hint()}},
			s.Journal.SecretStored(s.SecretKeyID)
	}
	if derr := discardNewSecret(ctx, s); derr != nil {
		return nil, fmt.Errorf("%w; Appmixer still holds the old secret, which was not touched; the unused new secret stays in Azure until the next run removes it", err)
	}
	return nil, fmt.Errorf("%w; Appmixer still holds the old secret, which was not touched, and the new secret was removed: run rotate-secret again", err)
}

// discardNewSecret removes the secret this run minted, once Appmixer is known not to use it.
func discardNewSecret(ctx context.Context, s *State) error {
	if !s.SecretNew || s.SecretKeyID == "" {
		return nil
	}
	if err := s.Graph.RemovePassword(ctx, s.App.ID, s.SecretKeyID); err != nil {
		return err
	}
	s.App.PasswordCredentials = slices.DeleteFunc(s.App.PasswordCredentials, func(c azure.PasswordCredential) bool { return c.KeyID == s.SecretKeyID })
	name := secretName(s)
	s.Secret, s.SecretKeyID, s.SecretNew = Secret{}, "", false
	return s.Journal.Forget(name)
}

// verifyRotation is step 9 for a rotation. If Entra ID never accepts the new
// secret, Appmixer gets its old (working) secret back and the new one is removed.
type verifyRotation struct{ r *rotation }

func (verifyRotation) Info() Info                                      { return Verify{}.Info() }
func (verifyRotation) Plan(s *State) Plan                              { return Verify{}.Plan(s) }
func (verifyRotation) Apply(context.Context, *State) ([]Change, error) { return nil, nil }
func (v verifyRotation) Check(ctx context.Context, s *State) error {
	err := Verify{}.Check(ctx, s)
	if err == nil || s.Opts.DryRun || !v.r.oldWorks || !s.SecretNew {
		return err
	}
	if _, rerr := saveConfig(ctx, s, map[string]string{"clientSecret": v.r.oldSecret}, nil); rerr != nil {
		return fmt.Errorf("%w; putting the old secret back in Appmixer failed too (%v): the old secret still works in Azure, run rotate-secret again", err, rerr)
	}
	if v.r.oldKeyID != "" {
		_ = s.Journal.SecretStored(v.r.oldKeyID) // best effort: the journal only speeds up the next run
	}
	if derr := discardNewSecret(ctx, s); derr != nil {
		return fmt.Errorf("%w; Appmixer has its old, working secret back; the unused new secret stays in Azure", err)
	}
	return fmt.Errorf("%w; Appmixer has its old, working secret back and the new one was removed: run rotate-secret again later", err)
}

// RemoveOldSecrets removes, after the new secret is stored and proven, the
// secrets this product created before (displayName starting with
// SecretNamePrefix). Secrets someone else created are never removed.
type RemoveOldSecrets struct{ r *rotation }

func (RemoveOldSecrets) Info() Info {
	return Info{ID: IDRemoveOldSecrets, Title: "Remove old secrets", Screen: "Azure portal → Certificates & secrets → delete",
		About: "Removes the secrets this tool created earlier, now that Appmixer uses the new one; keeps everyone else's."}
}

func (RemoveOldSecrets) Check(context.Context, *State) error { return nil }

// oldSecrets splits the app's other secrets into the ones this rotation
// replaces (removable) and the rest. Removable: the secret Appmixer held before,
// when this tool made it, and this tool's unused leftovers recorded in the
// journal. Another of this tool's secrets may serve a second Appmixer that
// shares the app (staging and production in one tenant), so it is kept.
func oldSecrets(s *State, r *rotation) (ours, theirs []azure.PasswordCredential) {
	if s.App == nil {
		return nil, nil
	}
	pending := append(slices.Clone(r.leftovers), s.Journal.Entry().Pending...)
	for _, c := range s.App.PasswordCredentials {
		mine := strings.HasPrefix(c.DisplayName, SecretNamePrefix)
		leftover := slices.ContainsFunc(pending, func(p PendingSecret) bool { return p.KeyID == c.KeyID || p.DisplayName == c.DisplayName })
		switch {
		case c.KeyID == s.SecretKeyID && s.SecretNew:
		case mine && (c.KeyID == r.oldKeyID || leftover):
			ours = append(ours, c)
		default:
			theirs = append(theirs, c)
		}
	}
	return ours, theirs
}

func describeCred(c azure.PasswordCredential) string {
	name := orDefault(c.DisplayName, "(no description)")
	return fmt.Sprintf("%s (%s…, expires %s)", name, c.Hint, day(c.EndDateTime))
}

func (rm RemoveOldSecrets) Plan(s *State) Plan {
	ours, theirs := oldSecrets(s, rm.r)
	var p Plan
	for _, c := range theirs {
		why := "not created by this tool"
		if strings.HasPrefix(c.DisplayName, SecretNamePrefix) {
			why = "not the one Appmixer held (another Appmixer may use it; delete it in the portal if not)"
		}
		p.Found = append(p.Found, "keeping "+describeCred(c)+": "+why)
	}
	if rm.r.keepOld {
		for _, c := range ours {
			p.Found = append(p.Found, "keeping "+describeCred(c)+" (--keep-old)")
		}
		return p
	}
	for _, c := range ours {
		p.Changes = append(p.Changes, Change{What: "old client secret", Before: describeCred(c)})
	}
	return p
}

func (rm RemoveOldSecrets) Apply(ctx context.Context, s *State) ([]Change, error) {
	if rm.r.keepOld {
		return nil, nil
	}
	// Belt and braces: never remove anything unless Appmixer holds the new secret.
	if !s.SecretNew || s.Config["clientSecret"] != s.Secret.Reveal() {
		return nil, errors.New("Appmixer does not hold the new secret, so no old secret was removed: run status")
	}
	ours, _ := oldSecrets(s, rm.r)
	var changed []Change
	for _, c := range ours {
		if err := s.Graph.RemovePassword(ctx, s.App.ID, c.KeyID); err != nil {
			return changed, fmt.Errorf("remove old secret %s: %w; Appmixer already uses the new secret; delete the old one in the Azure portal (Certificates & secrets)", c.DisplayName, err)
		}
		if err := s.Journal.Forget(c.DisplayName); err != nil {
			return changed, err
		}
		s.App.PasswordCredentials = slices.DeleteFunc(s.App.PasswordCredentials, func(x azure.PasswordCredential) bool { return x.KeyID == c.KeyID })
		changed = append(changed, Change{What: "old client secret", Before: describeCred(c)})
	}
	return changed, nil
}
