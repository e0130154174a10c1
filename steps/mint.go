package steps

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// mintSecret creates the secret a plan names, keeps its value in memory (Made)
// and its credential on the app as read, and says what changed.
func mintSecret(ctx context.Context, s *State, in Info, planned Change) (Change, error) {
	c, why, err := addPassword(ctx, s, in, planned.Expires)
	if err != nil {
		return Change{}, err
	}
	m := &s.Made
	m.Secret, m.SecretKeyID, m.SecretName, m.SecretEnd, m.SecretWhy, m.Proven = NewSecret(c.SecretText), c.KeyID, c.DisplayName, c.EndDateTime, why, false
	s.Found.App.PasswordCredentials = append(s.Found.App.PasswordCredentials, azure.PasswordCredential{
		KeyID: c.KeyID, DisplayName: c.DisplayName, Hint: c.Hint, StartDateTime: c.StartDateTime, EndDateTime: c.EndDateTime})
	return Change{Kind: Add, Subject: SubjectSecret, Name: c.DisplayName, ID: c.KeyID, Expires: c.EndDateTime,
		After: c.Hint + "…", Why: why}, nil
}

// plannedSecretEnd is when a secret made now would expire (--secret-expiry).
func plannedSecretEnd(s *State) time.Time { return s.Opts.SecretExpiry.End(s.Opts.Now()) }

// addPassword calls addPassword under a description unique to the attempt,
// recorded in the resume file first. Its POST is never blindly repeated (that
// could leave a second secret): an answer lost on the way is reconciled once —
// the app is read back, a secret made under this attempt's name is removed
// (its value was lost with the answer, so nobody can use it) — and one more
// attempt is made.
func addPassword(ctx context.Context, s *State, in Info, end time.Time) (*azure.PasswordCredential, string, error) {
	for attempt := 1; ; attempt++ {
		name := newSecretName(s)
		if err := s.Journal.BeginSecret(s.Found.App.AppID, name, s.Opts.Now()); err != nil {
			return nil, "", fmt.Errorf("cannot record the new secret before creating it: %w", err)
		}
		c, why, err := addWithinPolicy(ctx, s, in, name, end)
		if err == nil {
			return c, why, s.Journal.SecretMinted(name, c.KeyID)
		}
		if refused(err) {
			_ = s.Journal.Forget(name) // Graph refused: it made nothing
			return nil, "", err
		}
		if ctx.Err() != nil {
			return nil, "", err // the next run finds it through the resume file and its name
		}
		s.progress(in, "no clear answer to creating the secret: removing whatever Graph may have made under its name, then trying once more")
		if cerr := removeByName(ctx, s, name); cerr != nil || attempt == 2 {
			return nil, "", errors.Join(err, cerr)
		}
	}
}

// removeByName removes a secret made under name whose value never arrived.
func removeByName(ctx context.Context, s *State, name string) error {
	app, err := s.graph().GetApplication(ctx, s.Found.App.ID)
	if err != nil {
		return fmt.Errorf("reading the app back: %w", err)
	}
	for _, c := range app.PasswordCredentials {
		if c.DisplayName == name {
			s.Found.App.PasswordCredentials = append(s.Found.App.PasswordCredentials, c)
			return removeSecret(ctx, s, c)
		}
	}
	// Not there yet. The request may still be on its way (a server can act on
	// a call its client gave up on), so the resume file keeps the name: the
	// next run removes the secret if it ever appears.
	return nil
}

// stepDownLifetimes are tried, longest first, when a tenant policy caps
// secret lifetimes and its maximum cannot be read. A refused addPassword
// makes nothing, so each try costs one request.
var stepDownLifetimes = []Expiry{{Months: 12}, {Months: 6}, {Months: 3}, {Days: 30}}

// addWithinPolicy is one addPassword; when a tenant's app management policy
// refuses the lifetime, it reads the policy's maximum and tries that, or steps
// down through stepDownLifetimes. why says which lifetime was used and why.
func addWithinPolicy(ctx context.Context, s *State, in Info, name string, end time.Time) (*azure.PasswordCredential, string, error) {
	c, err := s.graph().AddPassword(ctx, s.Found.App.ID, name, end)
	var capped *azure.SecretLifetimeError
	if !errors.As(err, &capped) {
		return c, "", err
	}
	now := s.Opts.Now()
	if max, source := lifetimeCap(capped); max > 0 {
		why := fmt.Sprintf("%s allows at most %s", source, azure.FormatLifetime(max))
		s.progress(in, why+": creating the secret with that lifetime")
		// An hour's margin keeps clock skew between us and Graph from overshooting the cap.
		c, err = s.graph().AddPassword(ctx, s.Found.App.ID, name, now.Add(max-time.Hour))
		return c, why, err
	}
	for _, l := range stepDownLifetimes {
		if !l.End(now).Before(end) {
			continue
		}
		s.progress(in, "your tenant's policy refuses that lifetime and its maximum cannot be read: trying "+l.String())
		c, err = s.graph().AddPassword(ctx, s.Found.App.ID, name, l.End(now))
		if !errors.As(err, &capped) {
			why := "your tenant's app management policy refused longer lifetimes (reading its maximum needs Policy.Read.All): used " + l.String()
			return c, why, err
		}
	}
	return nil, "", hint.Wrap(err, hint.Change(hint.SecretExpiry, "ask the tenant admin for the longest secret lifetime the policy allows"))
}

// lifetimeCap is the longest secret lifetime the tenant's policies allow, and
// which policy says so; 0 when it cannot be told (reading the policies needs
// Policy.Read.All, and Graph's refusal may not name the maximum). The Graph
// client read the policies when addPassword was refused.
func lifetimeCap(refused *azure.SecretLifetimeError) (time.Duration, string) {
	if refused.Allowed <= 0 {
		return 0, ""
	}
	if refused.Source == azure.LifetimeFromMessage || refused.Source == "" {
		return refused.Allowed, "your tenant's app management policy"
	}
	return refused.Allowed, string(refused.Source)
}
