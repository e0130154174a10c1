package steps

import (
	"context"
	"errors"
)

// TenantFlow is `tenant on|off` (Options.TenantField): it sets or removes
// microsoftTenant, keeping every other key. The app is read when Appmixer
// names one, so a single-tenant app's field is never turned off.
func TenantFlow() []Stage {
	return []Stage{
		{SignInAzure{}, SignInAppmixer{}},
		{FindSetup{Optional: true}},
		{TenantSwitch{}},
	}
}

// TenantSwitch is TenantFieldStep with a guard for single-tenant apps.
type TenantSwitch struct{}

func (TenantSwitch) Info() Info { return TenantFieldStep{}.Info() }

func (TenantSwitch) Check(ctx context.Context, s *State) error {
	if s.Opts.TenantField == TenantFieldKeep {
		return errors.New("say on or off: `tenant on` or `tenant off`")
	}
	if s.Opts.TenantField == TenantFieldOff && s.App != nil && s.App.SignInAudience == "AzureADMyOrg" {
		return errors.New("the app is single-tenant, which cannot use Microsoft's common endpoint, so the Tenant field must stay on: run setup --audience multi-tenant first if you want it off")
	}
	return TenantFieldStep{}.Check(ctx, s)
}

func (TenantSwitch) Plan(s *State) Plan { return TenantFieldStep{}.Plan(s) }

func (TenantSwitch) Apply(ctx context.Context, s *State) ([]Change, error) {
	return TenantFieldStep{}.Apply(ctx, s)
}

func (TenantSwitch) Project(s *State) { TenantFieldStep{}.Project(s) }

// TenantFieldIsOn reports whether Appmixer's microsoftTenant is on, read the way the connector reads it.
func (s *State) TenantFieldIsOn() bool { return tenantFieldOn(s.Config) }
