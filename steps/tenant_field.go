package steps

import (
	"context"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// TenantFieldStep replaces "Connector Configuration → Add Item microsoftTenant = true"
// (or removing it). With the key on, Appmixer's Microsoft connection form shows a
// Tenant field; a single-tenant app needs it, since such an app cannot sign in
// through Microsoft's "common" endpoint.
type TenantFieldStep struct{}

func (TenantFieldStep) Info() Info {
	return Info{ID: IDTenantField, Title: "Tenant field", Screen: "Backoffice → Connector Configuration → Add Item microsoftTenant",
		About:    "Turns the Tenant field of Appmixer's Microsoft connection form on or off (key microsoftTenant).",
		Checking: "Reading Appmixer's configuration"}
}

// wantedTenantField says whether microsoftTenant should be on, off, or left (nil).
func wantedTenantField(s *State) (*bool, string) {
	on, off := true, false
	switch {
	case wantedAudience(s) == "AzureADMyOrg":
		// Even when "off" was asked for: without the field the connection cannot work.
		return &on, "a single-tenant app cannot use Microsoft's common endpoint, so users must enter the tenant ID " + s.tenant()
	case s.Opts.TenantField == TenantFieldOn:
		return &on, ""
	case s.Opts.TenantField == TenantFieldOff:
		return &off, ""
	}
	return nil, ""
}

// applyTenantField adds what the tenant field wants to set/remove.
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
	set, remove := applyTenantField(s, s.config(), map[string]string{}, nil)
	p := Plan{Changes: configChanges(s, s.config(), set, remove)}
	if tenantFieldOn(s.config()) {
		p.Found = append(p.Found, "the Tenant field is on: users type their tenant ID ("+s.tenant()+") or common")
	} else {
		p.Found = append(p.Found, "the Tenant field is off: users sign in through Microsoft's common endpoint")
	}
	if _, why := wantedTenantField(s); why != "" && !p.Empty() {
		p.Notes = append(p.Notes, "Turning the Tenant field on: "+why+".")
	}
	return p
}

func (TenantFieldStep) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	if err := saveConfig(ctx, s, p.Changes); err != nil {
		return nil, err
	}
	return p.Changes, nil
}

func (TenantFieldStep) Project(s *State, p Plan) {
	s.Found.Config = configAfter(s, s.config(), p.Changes)
}
