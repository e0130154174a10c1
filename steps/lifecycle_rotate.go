package steps

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// RotateFlow is `rotate-secret`, ordered so there is no downtime: a new secret
// is created and proven with Entra ID, then stored in Appmixer and read back,
// and only then are the old ones this program made removed. If storing fails,
// Appmixer keeps its old secret, which was never touched.
func RotateFlow(Options) []Stage {
	return []Stage{{FindSetup{}}, {NewClientSecret{}}, {StoreInAppmixer{}}, {Verify{}}, {RemoveOldSecrets{}}}
}

// NewClientSecret always creates a secret (ClientSecret keeps a working one).
type NewClientSecret struct{}

func (NewClientSecret) Info() Info {
	return Info{ID: IDNewSecret, Title: "New client secret", Screen: "Azure portal → Certificates & secrets → + New client secret",
		About:    "Creates a new client secret with the furthest expiry; the old one keeps working until the new one is proven and stored. Its value goes straight into Appmixer and is never shown or saved anywhere else.",
		Checking: "Trying Appmixer's secret with Entra ID"}
}

func (n NewClientSecret) Check(ctx context.Context, s *State) error {
	if s.Made.HasSecret() && !s.Made.Proven {
		return proveSecret(ctx, s, n.Info())
	}
	if err := checkStoredSecret(ctx, s, n.Info()); err != nil {
		return err
	}
	if s.Found.Stored.NoSP {
		return hint.New("the app has no service principal, so Entra ID would refuse any secret (AADSTS7000229)", hint.Run("setup", "setup creates it"))
	}
	// Merged, not replaced: a retry finds the journal's list emptied by a
	// stored secret, and the earlier leftovers must still go.
	for _, p := range s.Journal.Entry().Pending {
		if !slices.ContainsFunc(s.Found.Leftovers, func(l PendingSecret) bool { return l.DisplayName == p.DisplayName }) {
			s.Found.Leftovers = append(s.Found.Leftovers, p)
		}
	}
	if c := credentialOf(s, s.Found.Held.Reveal()); c != nil && s.Found.HeldKeyID == "" {
		s.Found.HeldKeyID = c.KeyID
	}
	return nil
}

func (NewClientSecret) Plan(s *State) Plan {
	var p Plan
	switch {
	case s.Found.Stored.Works:
		end := "unknown"
		if c := storedCredential(s); c != nil {
			end = day(c.EndDateTime)
		}
		p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s works, expires %s", appmixerHint(s), end))
	case s.Found.Stored.Why != "":
		p.Found = append(p.Found, s.Found.Stored.Why)
	}
	if s.Made.HasSecret() {
		p.Found = append(p.Found, fmt.Sprintf("created secret %s, expires %s", s.Made.Secret.Hint(), day(s.Made.SecretEnd)))
		return p
	}
	p.Changes = []Change{plannedSecret(s)}
	return p
}

func (n NewClientSecret) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	c, err := mintSecret(ctx, s, n.Info(), p.Changes[0])
	if err != nil {
		return nil, err
	}
	return []Change{c}, nil
}

func (n NewClientSecret) Verify(ctx context.Context, s *State) error {
	return ClientSecret{}.Verify(ctx, s)
}

func (NewClientSecret) Project(s *State, _ Plan) { s.Made.SecretProjected = true }

// RemoveOldSecrets removes, after the new secret is stored and proven, the
// secrets this program made before for this Appmixer: the one Appmixer held,
// the leftovers of interrupted runs, and older ones kept by --keep-old. A
// secret someone else made, or one made for another Appmixer sharing the app
// (its description carries another tag), is never removed.
type RemoveOldSecrets struct{}

func (RemoveOldSecrets) Info() Info {
	return Info{ID: IDRemoveOldSecrets, Title: "Remove old secrets", Screen: "Azure portal → Certificates & secrets → delete",
		About:    "Removes the secrets this tool created earlier, now that Appmixer uses the new one; keeps everyone else's.",
		Checking: "Reading the app's secrets"}
}

func (RemoveOldSecrets) Check(context.Context, *State) error { return nil }

// oldSecrets splits the app's other secrets into the ones this rotation
// replaces and the rest, with why each of the rest stays.
func oldSecrets(s *State) (ours []azure.PasswordCredential, theirs map[string]string) {
	theirs = map[string]string{}
	if s.Found.App == nil {
		return nil, theirs
	}
	for _, c := range s.Found.App.PasswordCredentials {
		switch {
		case c.KeyID == s.Made.SecretKeyID && s.Made.HasSecret():
		case !IsGeneratedSecretName(c.DisplayName):
			theirs[c.KeyID] = "not created by this tool"
		case c.KeyID == s.Found.HeldKeyID || madeForThisAppmixer(s, c.DisplayName) || recorded(s, c):
			ours = append(ours, c)
		default:
			theirs[c.KeyID] = "made by this tool for another Appmixer (or by an older version): delete it in the portal if nothing uses it"
		}
	}
	return ours, theirs
}

func describeCred(c azure.PasswordCredential) string {
	return fmt.Sprintf("%s (%s…, expires %s)", cmp.Or(c.DisplayName, "(no description)"), c.Hint, day(c.EndDateTime))
}

func (RemoveOldSecrets) Plan(s *State) Plan {
	ours, theirs := oldSecrets(s)
	var p Plan
	for _, c := range s.Found.App.PasswordCredentials {
		if why, ok := theirs[c.KeyID]; ok {
			p.Found = append(p.Found, "keeping "+describeCred(c)+": "+why)
		}
	}
	if s.Opts.KeepOld {
		for _, c := range ours {
			p.Found = append(p.Found, "keeping "+describeCred(c)+" (--keep-old)")
		}
		return p
	}
	for _, c := range ours {
		p.Changes = append(p.Changes, secretRemoval(c, "replaced by the new secret"))
	}
	return p
}

func (RemoveOldSecrets) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	// Belt and braces: never remove anything unless Appmixer holds the new secret.
	if !s.Made.HasSecret() || s.config()["clientSecret"] != s.Made.Secret.Reveal() {
		return nil, hint.New("Appmixer does not hold the new secret, so no old secret was removed", hint.Run("status", "see what Appmixer holds"))
	}
	changed, err := removeSecrets(ctx, s, p)
	if err != nil {
		return changed, hint.Wrap(err, hint.Retry("Appmixer already uses the new secret; the next rotate-secret removes the old one"))
	}
	return changed, nil
}
