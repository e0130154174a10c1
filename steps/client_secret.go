package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// ClientSecret replaces "Certificates & secrets → + New client secret" with the
// furthest expiry, and "copy the Value": the value goes straight to step 7 in
// memory and is never shown. A secret Appmixer already holds is kept while it
// works and has more than 30 days left.
type ClientSecret struct{}

func (ClientSecret) Info() Info {
	return Info{ID: IDClientSecret, Title: "Client secret", Screen: "Azure portal → Certificates & secrets → + New client secret",
		About: "Keeps Appmixer's secret while it works and has over 30 days left; otherwise creates one with the furthest expiry."}
}

func (ClientSecret) Check(ctx context.Context, s *State) error {
	if !s.SecretNew {
		if err := checkStoredSecret(ctx, s); err != nil {
			return err
		}
	}
	s.orphans = orphanSecrets(s)
	return nil
}

// Project marks that a dry run would create a secret here.
func (ClientSecret) Project(s *State) {
	if keep, _ := keepStored(s); !keep {
		s.secretProjected = true
	}
}

// orphanSecrets are credentials an earlier run minted but never stored in Appmixer.
func orphanSecrets(s *State) []azure.PasswordCredential {
	e := s.Journal.Entry()
	if s.App == nil || len(e.Pending) == 0 {
		return nil
	}
	e.Pending = slices.DeleteFunc(e.Pending, func(p PendingSecret) bool { return p.AppID != "" && p.AppID != s.App.AppID })
	held := s.Config["clientSecret"]
	var out []azure.PasswordCredential
	for _, c := range s.App.PasswordCredentials {
		// Never the secret Appmixer may hold (its hint fits), whatever else is known.
		if c.KeyID == s.SecretKeyID || hintFits(c, held) {
			continue
		}
		if slices.ContainsFunc(e.Pending, func(p PendingSecret) bool { return p.KeyID == c.KeyID || p.DisplayName == c.DisplayName }) {
			out = append(out, c)
		}
	}
	return out
}

func (ClientSecret) Plan(s *State) Plan {
	var p Plan
	for _, c := range s.orphans {
		p.Changes = append(p.Changes, Change{What: "unused secret left by an interrupted run", Before: fmt.Sprintf("%s (%s…)", c.DisplayName, c.Hint)})
	}
	if s.SecretNew {
		p.Found = append(p.Found, fmt.Sprintf("created secret %s, expires %s", s.Secret.Hint(), day(s.SecretEnd)))
		return p
	}
	if keep, end := keepStored(s); keep {
		p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s works and expires %s: keeping it", appmixerHint(s), day(end)))
		return p
	}
	if s.stored.why != "" {
		p.Found = append(p.Found, s.stored.why)
	} else if s.stored.works {
		p.Found = append(p.Found, fmt.Sprintf("Appmixer's clientSecret %s expires within 30 days (or its expiry is unknown)", appmixerHint(s)))
	}
	p.Changes = append(p.Changes, plannedSecret(s))
	p.Notes = append(p.Notes, "The secret's value goes straight into Appmixer; it is never shown or saved anywhere else.")
	return p
}

func (ClientSecret) Apply(ctx context.Context, s *State) ([]Change, error) {
	var changed []Change
	for _, c := range s.orphans {
		if err := s.Graph.RemovePassword(ctx, s.App.ID, c.KeyID); err != nil && !azure.IsNotFound(err) {
			return changed, fmt.Errorf("remove unused secret %s: %w", c.DisplayName, err)
		}
		if err := s.Journal.Forget(c.DisplayName); err != nil {
			return changed, err
		}
		changed = append(changed, Change{What: "unused secret left by an interrupted run", Before: c.DisplayName})
	}
	s.orphans = nil
	if keep, _ := keepStored(s); keep || s.SecretNew {
		return changed, nil
	}
	c, err := createSecret(ctx, s)
	if err != nil {
		return changed, err
	}
	return append(changed, c), nil
}

// plannedSecret is the plan line for the secret a run is about to create.
func plannedSecret(s *State) Change {
	end := plannedSecretEnd(s)
	return Change{What: "client secret", After: fmt.Sprintf("%s, expires %s (%s)", secretName(s), day(end), s.Opts.SecretExpiry)}
}

// plannedSecretEnd is when a secret made now would expire (--secret-expiry).
func plannedSecretEnd(s *State) time.Time { return s.Opts.SecretExpiry.End(s.Opts.Now()) }

// createSecret mints a secret, keeps it in memory and in the app as read, and
// says what changed.
func createSecret(ctx context.Context, s *State) (Change, error) {
	c, note, err := mintSecret(ctx, s)
	if err != nil {
		return Change{}, err
	}
	s.Secret, s.SecretKeyID, s.SecretEnd, s.SecretNew = NewSecret(c.SecretText), c.KeyID, c.EndDateTime, true
	s.App.PasswordCredentials = append(s.App.PasswordCredentials, azure.PasswordCredential{KeyID: c.KeyID, DisplayName: c.DisplayName, Hint: c.Hint, EndDateTime: c.EndDateTime})
	after := fmt.Sprintf("%s, expires %s", c.DisplayName, day(c.EndDateTime))
	if note != "" {
		after += " (" + note + ")"
	}
	return Change{What: "client secret", After: after}, nil
}

// mintSecret calls addPassword once (never blindly retried, so no second secret),
// recording the attempt first. A tenant policy that caps lifetimes gets one more
// try with the allowed lifetime. If the answer is lost, the secret it may have
// made is found by its unique name and removed.
func mintSecret(ctx context.Context, s *State) (*azure.PasswordCredential, string, error) {
	name := secretName(s)
	if err := s.Journal.BeginSecret(s.App.AppID, name, s.Opts.Now()); err != nil {
		return nil, "", fmt.Errorf("cannot record the new secret before creating it: %w", err)
	}
	end := plannedSecretEnd(s)
	c, err := s.Graph.AddPassword(ctx, s.App.ID, name, end)
	note := ""
	var capped *azure.SecretLifetimeError
	if errors.As(err, &capped) && capped.Allowed > 0 {
		// A margin keeps clock skew between us and Graph from overshooting the cap.
		end = s.Opts.Now().Add(capped.Allowed - time.Hour)
		note = "your tenant's policy allows at most " + azure.FormatLifetime(capped.Allowed)
		s.progress(ClientSecret{}.Info(), note+": creating the secret with that lifetime")
		c, err = s.Graph.AddPassword(ctx, s.App.ID, name, end)
	}
	if err != nil {
		if _, isGraph := azure.AsGraphError(err); !isGraph {
			if cleanErr := removeByName(ctx, s, name); cleanErr != nil {
				err = fmt.Errorf("%w; cleaning up: %v", err, cleanErr)
			}
		}
		return nil, "", err
	}
	if err := s.Journal.SecretMinted(name, c.KeyID); err != nil {
		return nil, "", err
	}
	return c, note, nil
}

// removeByName cleans up after an addPassword whose answer never arrived.
func removeByName(ctx context.Context, s *State, name string) error {
	app, err := s.Graph.GetApplication(ctx, s.App.ID)
	if err != nil {
		return nil // the next run finds it through the journal
	}
	for _, c := range app.PasswordCredentials {
		if c.DisplayName == name {
			if err := s.Graph.RemovePassword(ctx, s.App.ID, c.KeyID); err == nil {
				return s.Journal.Forget(name)
			}
		}
	}
	return nil
}

// secretName tags the credential with this product and run, so a run can
// tell its own leftovers from the customer's secrets.
func secretName(s *State) string {
	if s.runID == "" {
		b := make([]byte, 3)
		rand.Read(b)
		s.runID = s.Opts.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
	}
	return SecretNamePrefix + " " + s.runID
}

func appmixerHint(s *State) string { return NewSecret(s.Config["clientSecret"]).Hint() }

func day(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Format("2006-01-02")
}
