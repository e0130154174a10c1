package steps

import (
	"context"
	"net/url"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// SummaryStep replaces the seed's last section, "Connect with custom tenant":
// it states the client ID, the tenant ID users type into the Tenant field, and
// when the secret expires.
type SummaryStep struct{}

func (SummaryStep) Info() Info {
	return Info{ID: IDSummary, Title: "Summary", Screen: "Appmixer → Connect account → Tenant",
		About: "What was set up, and the tenant ID Appmixer users type into the Tenant field."}
}

func (SummaryStep) Check(context.Context, *State) error { return nil }

func (SummaryStep) Plan(s *State) Plan {
	sum := s.Summarize(nil)
	expires := "secret expires " + day(sum.SecretExpires)
	if s.secretProjected { // dry run: the secret that would be made
		expires = "secret would expire " + day(plannedSecretEnd(s))
	}
	p := Plan{Found: []string{"client ID " + orDefault(sum.ClientID, "(new)"), "tenant ID " + sum.TenantID, expires}}
	if sum.TenantField {
		p.Found = append(p.Found, "users type "+sum.TenantID+" (or common) into the Tenant field")
	}
	return p
}

func (SummaryStep) Apply(context.Context, *State) ([]Change, error) { return nil, nil }

// Summarize gathers the run's outcome as data; it never includes the secret.
func (s *State) Summarize(results []StepResult) Summary {
	sum := Summary{
		DryRun:      s.Opts.DryRun,
		AppName:     s.Opts.AppName,
		TenantID:    s.TenantID,
		Audience:    s.Opts.Audience,
		AppmixerURL: s.API,
		TenantField: tenantFieldOn(s.Config),
		Steps:       results,
	}
	if s.App != nil && !s.AppProjected {
		sum.ClientID, sum.ObjectID, sum.AppName = s.App.AppID, s.App.ID, s.App.DisplayName
	}
	if api, err := url.Parse(s.API); err == nil && s.API != "" {
		sum.CallbackURL, sum.PickerURL = appmixer.CallbackURL(api, s.Config), appmixer.PickerURL(api)
	}
	switch {
	case s.SecretNew:
		sum.SecretHint, sum.SecretExpires, sum.SecretNew = s.Secret.Hint(), s.SecretEnd, true
	case s.Config["clientSecret"] != "" && s.Config["clientSecret"] != newSecretPlaceholder:
		sum.SecretHint = appmixerHint(s)
		if c := storedCredential(s); c != nil {
			sum.SecretExpires = c.EndDateTime
		}
	}
	for _, r := range results {
		sum.Notes = append(sum.Notes, r.Notes...)
	}
	return sum
}
