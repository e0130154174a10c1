package steps

import (
	"context"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// TenantFieldStep replaces "Connector Configuration → Add Item → microsoftTenant = true"
// (or removing it). With the key on, Appmixer's Microsoft connection form shows a
// Tenant field; a single-tenant app needs it, since such an app cannot sign in
// through Microsoft's "common" endpoint.
type TenantFieldStep struct{}

func (TenantFieldStep) Info() Info {
	return Info{ID: IDTenantField, Title: "Tenant field", Screen: "Backoffice → Connector Configuration → Add Item microsoftTenant",
		About: "Turns the Tenant field of Appmixer's Microsoft connection form on or off (key microsoftTenant)."}
}

// tenantKey is the connector's switch; it accepts true or "true" (appmixer-connectors,
// src/appmixer/microsoft/auth.js).
const tenantKey = "microsoftTenant"

// wantedTenantField says whether microsoftTenant should be on, off, or left (nil).
func wantedTenantField(s *State) (*bool, string) {
	on, off := true, false
	switch {
	case wantedAudience(s) == "AzureADMyOrg":
		// Even when "off" was asked for: without the field the connection cannot work.
		return &on, "a single-tenant app cannot use Microsoft's common endpoint, so users must enter the tenant ID " + s.TenantID
	case s.Opts.TenantField == TenantFieldOn:
		return &on, ""
	case s.Opts.TenantField == TenantFieldOff:
		return &off, ""
	}
	return nil, ""
}

// tenantFieldOn reads the key the way the connector does.
func tenantFieldOn(cfg appmixer.Config) bool {
	return strings.EqualFold(strings.TrimSpace(cfg[tenantKey]), "true")
}

// applyTenantField returns the config changes the tenant field wants on top of set/remove.
func applyTenantField(s *State, cfg appmixer.Config, set map[string]string, remove []string) (map[string]string, []string) {
	want, _ := wantedTenantField(s)
	switch {
	case want == nil:
	case *want && cfg[tenantKey] != "true":
		set[tenantKey] = "true"
	case !*want:
		if _, ok := cfg[tenantKey]; ok {
			remove = append(remove, tenantKey)
		}
	}
	return set, remove
}

func (TenantFieldStep) Check(context.Context, *State) error { return nil } // config read at sign-in

func (TenantFieldStep) Plan(s *State) Plan {
	set, remove := applyTenantField(s, s.Config, map[string]string{}, nil)
	p := Plan{Changes: configChanges(s.Config, appmixer.Merge(s.Config, set, remove...))}
	if tenantFieldOn(s.Config) {
		p.Found = append(p.Found, "the Tenant field is on: users type their tenant ID ("+s.TenantID+") or common")
	} else {
		p.Found = append(p.Found, "the Tenant field is off: users sign in through Microsoft's common endpoint")
	}
	if _, why := wantedTenantField(s); why != "" {
		p.Notes = append(p.Notes, "Turning the Tenant field on: "+why+".")
	}
	return p
}

func (TenantFieldStep) Apply(ctx context.Context, s *State) ([]Change, error) {
	set, remove := applyTenantField(s, s.Config, map[string]string{}, nil)
	return saveConfig(ctx, s, set, remove)
}

func (TenantFieldStep) Project(s *State) {
	set, remove := applyTenantField(s, s.Config, map[string]string{}, nil)
	s.Config = appmixer.Merge(s.Config, set, remove...)
}
