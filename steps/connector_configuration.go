package steps

import (
	"context"

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
		About: "Saves clientId (the Application ID) and clientSecret in the appmixer:microsoft configuration, keeping every other key."}
}

func (StoreInAppmixer) Check(context.Context, *State) error { return nil } // config read at sign-in

// wanted is the key changes: clientId, a new secret, the tenant field.
func (StoreInAppmixer) wanted(s *State) (map[string]string, []string) {
	set := map[string]string{}
	switch {
	case s.AppProjected: // dry run: the app does not exist yet
		set["clientId"] = "(the new app's client ID)"
	case s.App != nil && s.Config["clientId"] != s.App.AppID:
		set["clientId"] = s.App.AppID
	}
	switch {
	case s.SecretNew && s.Config["clientSecret"] != s.Secret.Reveal():
		set["clientSecret"] = s.Secret.Reveal()
	case s.secretProjected:
		set["clientSecret"] = newSecretPlaceholder
	}
	return applyTenantField(s, s.Config, set, nil)
}

// newSecretPlaceholder stands for the secret a dry run would create.
const newSecretPlaceholder = "(new secret)"

func (st StoreInAppmixer) Plan(s *State) Plan {
	set, remove := st.wanted(s)
	p := Plan{Changes: configChanges(s.Config, appmixer.Merge(s.Config, set, remove...))}
	for i, c := range p.Changes {
		if set["clientSecret"] == newSecretPlaceholder && c.What == appmixer.ServiceID+" clientSecret" {
			p.Changes[i].After = "the new secret (its value is never shown)"
		}
	}
	if old := s.Config["clientId"]; old != "" && s.App != nil && !s.AppProjected && old != s.App.AppID {
		p.Notes = append(p.Notes, "Appmixer's clientId "+old+" is replaced: that app is not in tenant "+s.TenantID+
			" (or --app-id chose another). If Appmixer should keep it, stop and sign in to its tenant with --tenant.")
	}
	if others := len(s.Config) - countKeys(s.Config, "clientId", "clientSecret", tenantKey); others > 0 {
		p.Notes = append(p.Notes, "Your other keys in appmixer:microsoft stay as they are.")
	}
	return p
}

func (st StoreInAppmixer) Apply(ctx context.Context, s *State) ([]Change, error) {
	set, remove := st.wanted(s)
	changed, err := saveConfig(ctx, s, set, remove)
	if err != nil {
		return nil, err
	}
	if s.SecretNew {
		if err := s.Journal.SecretStored(s.SecretKeyID); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

func (st StoreInAppmixer) Project(s *State) {
	set, remove := st.wanted(s)
	s.Config = appmixer.Merge(s.Config, set, remove...)
}

// saveConfig writes the merged object (create or full replace) and keeps it as current.
func saveConfig(ctx context.Context, s *State, set map[string]string, remove []string) ([]Change, error) {
	next := appmixer.Merge(s.Config, set, remove...)
	changes := configChanges(s.Config, next)
	if len(changes) == 0 {
		return nil, nil
	}
	if err := s.Appmixer.SaveServiceConfig(ctx, appmixer.ServiceID, s.ConfigExists, next); err != nil {
		return nil, err
	}
	s.Config, s.ConfigExists, s.configWritten = next, true, true
	return changes, nil
}

// configChanges turns appmixer's masked diff into plan lines.
func configChanges(old, next appmixer.Config) []Change {
	var out []Change
	for _, d := range appmixer.Diff(old, next) {
		out = append(out, Change{What: appmixer.ServiceID + " " + d.Key, Before: d.Before, After: d.After})
	}
	return out
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
