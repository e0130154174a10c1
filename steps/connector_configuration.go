package steps

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// StoreInAppmixer replaces "Backoffice → Connector Configuration → appmixer:microsoft →
// Add Item clientId / clientSecret". clientId is the Application (client) ID, never
// the secret's "Secret ID" the seed mentions. Appmixer's PUT replaces the whole
// object, so every other key is sent back unchanged. The tenant field rides along
// in the same write, so a setup costs one Appmixer write.
type StoreInAppmixer struct{}

func (StoreInAppmixer) Info() Info {
	return Info{ID: IDStoreInAppmixer, Title: "Store in Appmixer", Screen: "Backoffice → Connector Configuration → appmixer:microsoft",
		About:    "Saves clientId (the Application ID) and clientSecret in the appmixer:microsoft configuration, keeping every other key.",
		Checking: "Reading Appmixer's configuration"}
}

func (StoreInAppmixer) Check(context.Context, *State) error { return nil } // config read at sign-in

// wanted is the key changes: clientId, a new (proven) secret, the tenant field.
func (StoreInAppmixer) wanted(s *State) (map[string]string, []string) {
	set := map[string]string{}
	switch {
	case s.Made.AppProjected: // dry run: the app does not exist yet
		set["clientId"] = "(the new app's client ID)"
	case s.Found.App != nil && s.config()["clientId"] != s.Found.App.AppID:
		set["clientId"] = s.Found.App.AppID
	}
	if s.Made.Proven && s.config()["clientSecret"] != s.Made.Secret.Reveal() || s.Made.SecretProjected {
		set["clientSecret"] = newSecretMarker
	}
	return applyTenantField(s, s.config(), set, nil)
}

func (st StoreInAppmixer) Plan(s *State) Plan {
	set, remove := st.wanted(s)
	p := Plan{Changes: configChanges(s, s.config(), set, remove)}
	if old := s.config()["clientId"]; old != "" && s.appReal() && old != s.Found.App.AppID {
		p.Notes = append(p.Notes, "Appmixer's clientId "+old+" is replaced: that app is not in tenant "+s.tenant()+
			" (or another app was chosen). If Appmixer should keep it, stop here and sign in to its tenant instead.")
	}
	if others := len(s.config()) - countKeys(s.config(), "clientId", "clientSecret", tenantKey); others > 0 {
		p.Notes = append(p.Notes, "Your other keys in appmixer:microsoft stay as they are.")
	}
	return p
}

func (StoreInAppmixer) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	if p.Has(SubjectConfigKey) && hasKey(p, "clientSecret") && !s.Made.Proven {
		return nil, errors.New("refusing to give Appmixer a secret Entra ID has not accepted yet")
	}
	if err := saveConfig(ctx, s, p.Changes); err != nil {
		if s.Made.Proven && s.config()["clientSecret"] != s.Made.Secret.Reveal() && !mayHoldNewSecret(ctx, s, err) {
			if derr := discardNewSecret(ctx, s); derr == nil {
				return nil, fmt.Errorf("%w; Appmixer keeps its secret, and the unused new one was removed", err)
			}
		}
		return nil, err
	}
	if hasKey(p, "clientSecret") {
		if err := s.Journal.SecretStored(s.Made.SecretKeyID); err != nil {
			return p.Changes, err
		}
	}
	return p.Changes, nil
}

// mayHoldNewSecret reports whether a failed write may have given Appmixer the
// new secret after all: its answer was lost and a read of Appmixer does not
// show otherwise. Such a secret is kept (the resume file lists it, and the
// next run sorts it out): removing it could leave Appmixer holding a secret
// that no longer exists.
func mayHoldNewSecret(ctx context.Context, s *State, err error) bool {
	if definite(err) {
		return false
	}
	cur, _, rerr := s.amx().GetServiceConfig(ctx, appmixer.ServiceID)
	return rerr != nil || cur["clientSecret"] == s.Made.Secret.Reveal()
}

func (StoreInAppmixer) Project(s *State, p Plan) {
	s.Found.Config = configAfter(s, s.config(), p.Changes)
}

func hasKey(p Plan, key string) bool {
	for _, c := range changesOf(p.Changes, SubjectConfigKey) {
		if c.Name == key {
			return true
		}
	}
	return false
}

// newSecretMarker stands for the new secret in a plan: its value never enters one.
const newSecretMarker = "\x00the new secret"

// configChanges are the plan lines for setting set and removing remove on cfg.
// clientSecret's line names the new secret by its hint, never its value.
func configChanges(s *State, cfg appmixer.Config, set map[string]string, remove []string) []Change {
	next := appmixer.Merge(cfg, set, remove...)
	var out []Change
	for _, d := range appmixer.Diff(cfg, next) {
		c := Change{Kind: map[appmixer.ChangeKind]Kind{appmixer.KindAdd: Add, appmixer.KindChange: Update, appmixer.KindRemove: Remove}[d.Kind],
			Subject: SubjectConfigKey, Name: d.Key, Before: d.Before, After: d.After}
		if set[d.Key] == newSecretMarker {
			c.After = "the new secret " + s.Made.Secret.Hint()
			if s.Made.SecretProjected {
				c.After = "the new secret (its value is never shown)"
			}
		}
		out = append(out, c)
	}
	return out
}

// configAfter is cfg with a plan's key changes made; the new secret's value
// comes from this run's memory, never from the plan.
func configAfter(s *State, cfg appmixer.Config, changes []Change) appmixer.Config {
	set := map[string]string{}
	var remove []string
	for _, c := range changesOf(changes, SubjectConfigKey) {
		switch {
		case c.Kind == Remove:
			remove = append(remove, c.Name)
		case c.Name == "clientSecret":
			set[c.Name] = s.Made.Secret.Reveal()
		default:
			set[c.Name] = c.After
		}
	}
	return appmixer.Merge(cfg, set, remove...)
}

// saveConfig writes the plan's key changes (create or full replace) and keeps
// the result as current. A write whose answer was lost is reconciled: Appmixer
// is read back, and the write counts if it landed, or is made once more on
// what Appmixer holds now.
func saveConfig(ctx context.Context, s *State, changes []Change) error {
	if len(changesOf(changes, SubjectConfigKey)) == 0 {
		return nil
	}
	next := configAfter(s, s.config(), changes)
	err := s.amx().SaveServiceConfig(ctx, appmixer.ServiceID, s.Found.ConfigExists, next)
	if err != nil && !definite(err) && ctx.Err() == nil {
		cur, ok, rerr := s.amx().GetServiceConfig(ctx, appmixer.ServiceID)
		switch {
		case rerr != nil:
			err = fmt.Errorf("%w; reading it back failed too: %v", err, rerr)
		case ok && maps.Equal(next, cur):
			err = nil // it landed; only the answer was lost
		default:
			next = configAfter(s, cur, changes)
			err = s.amx().SaveServiceConfig(ctx, appmixer.ServiceID, ok, next)
		}
	}
	if err != nil {
		return err
	}
	s.Found.Config, s.Found.ConfigExists, s.Made.Wrote = next, true, true
	return nil
}

// definite reports an Appmixer answer that says the write did not happen (a
// 4xx); anything else (no answer, a 5xx) may have landed.
func definite(err error) bool {
	var ae *appmixer.APIError
	return errors.As(err, &ae) && ae.StatusCode < 500
}

func countKeys(cfg appmixer.Config, keys ...string) int {
	n := 0
	for _, k := range keys {
		if _, ok := cfg[k]; ok {
			n++
		}
	}
	return n
}

// tenantKey is the connector's switch; it accepts true or "true" (appmixer-connectors,
// src/appmixer/microsoft/auth.js).
const tenantKey = "microsoftTenant"

// tenantFieldOn reads the key the way the connector does.
func tenantFieldOn(cfg appmixer.Config) bool {
	return strings.EqualFold(strings.TrimSpace(cfg[tenantKey]), "true")
}
