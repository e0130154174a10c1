package steps

import (
	"context"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// TenantFlow is `tenant on|off` (Options.TenantField): it sets or removes
// microsoftTenant, keeping every other key. The app is read when Appmixer
// names one, so a single-tenant app's field is never turned off.
func TenantFlow(Options) []Stage {
	return []Stage{{FindSetup{Optional: true}}, {TenantSwitch{}}}
}

// TenantSwitch is TenantFieldStep with a guard for single-tenant apps.
type TenantSwitch struct{ TenantFieldStep }

func (TenantSwitch) Check(ctx context.Context, s *State) error {
	if s.Opts.TenantField == TenantFieldKeep {
		return hint.New("the tenant command needs on or off", hint.Hint{Text: "say tenant on or tenant off"})
	}
	if s.Opts.TenantField == TenantFieldOff && s.Found.App != nil && s.Found.App.SignInAudience == "AzureADMyOrg" {
		return hint.New("the app is single-tenant, which cannot use Microsoft's common endpoint, so the Tenant field must stay on",
			hint.Hint{Command: "setup", Input: hint.Audience, Value: "multi-tenant", Text: "make the app multi-tenant first if the field should go"})
	}
	return nil
}
