package steps

import (
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// Summary is the end of a run as data: what --json prints, what the reports
// and every front end's last screen are made from. It never holds the secret.
type Summary struct {
	DryRun        bool         `json:"dryRun"`
	AppName       string       `json:"appName"`
	ClientID      string       `json:"clientId"`   // Application (client) ID = Appmixer clientId
	ObjectID      string       `json:"objectId"`   // the application object's id in Graph
	TenantID      string       `json:"tenantId"`   // what Appmixer users type into the Tenant field
	Audience      string       `json:"audience"`   // --audience value
	SecretHint    string       `json:"secretHint"` // first 3 characters + "…"
	SecretKeyID   string       `json:"secretKeyId,omitempty"`
	SecretExpires time.Time    `json:"secretExpires,omitzero"`
	SecretNew     bool         `json:"secretCreated"`
	SecretWhy     string       `json:"secretLifetimeNote,omitempty"` // a tenant policy shortened it
	TenantField   bool         `json:"tenantField"`                  // microsoftTenant is on
	AdminConsent  string       `json:"adminConsent,omitempty"`       // granted | partial | skipped | not granted; "" not checked
	Permissions   []string     `json:"permissions,omitempty"`        // the app's Graph delegated permissions
	AppmixerKeys  []string     `json:"appmixerKeys,omitempty"`       // names of the keys in appmixer:microsoft, never values
	AppmixerURL   string       `json:"appmixerUrl"`
	AppmixerUser  string       `json:"appmixerUser,omitempty"` // who signed in to Appmixer
	AzureUser     string       `json:"azureUser,omitempty"`    // who signed in to Azure ("" a service principal)
	CallbackURL   string       `json:"callbackUrl"`
	PickerURL     string       `json:"pickerUrl"`
	Verified      []string     `json:"verified,omitempty"` // what the run proved
	Steps         []StepResult `json:"steps"`
	Notes         []string     `json:"notes,omitempty"`
}

// Admin consent states in a Summary.
const (
	ConsentGranted    = "granted"
	ConsentPartial    = "partial"
	ConsentSkipped    = "skipped"
	ConsentNotGranted = "not granted"
)

// Summarize gathers the run's outcome as data; it never includes the secret.
func (s *State) Summarize(results []StepResult) Summary {
	sum := Summary{
		DryRun:       s.dryRun(),
		AppName:      s.Opts.AppName,
		TenantID:     s.tenant(),
		Audience:     s.Opts.Audience,
		AppmixerURL:  s.Signed.API,
		AppmixerUser: s.Opts.AppmixerUsername,
		AzureUser:    s.Signed.AzureUser,
		TenantField:  tenantFieldOn(s.config()),
		Steps:        results,
		Verified:     s.Made.Verified,
	}
	if app := s.Found.App; app != nil && !s.Made.AppProjected {
		sum.ClientID, sum.ObjectID, sum.AppName = app.AppID, app.ID, app.DisplayName
		if s.Found.Catalogue != nil {
			sum.Permissions = s.Found.Catalogue.Names(graphScopes(app))
		}
	}
	if s.Found.ConfigExists {
		sum.AppmixerKeys = slices.Sorted(maps.Keys(s.config()))
	}
	if api, err := url.Parse(s.Signed.API); err == nil && s.Signed.API != "" {
		sum.CallbackURL, sum.PickerURL = appmixer.CallbackURL(api, s.config()), appmixer.PickerURL(api)
	}
	switch {
	case s.Made.HasSecret():
		sum.SecretHint, sum.SecretKeyID, sum.SecretExpires, sum.SecretNew, sum.SecretWhy =
			s.Made.Secret.Hint(), s.Made.SecretKeyID, s.Made.SecretEnd, true, s.Made.SecretWhy
	case s.Made.SecretProjected:
		sum.SecretExpires = plannedSecretEnd(s)
	case s.config()["clientSecret"] != "":
		sum.SecretHint = appmixerHint(s)
		if c := storedCredential(s); c != nil {
			sum.SecretKeyID, sum.SecretExpires = c.KeyID, c.EndDateTime
		}
	}
	sum.AdminConsent = consentState(s, results)
	for _, r := range results {
		for _, n := range r.Notes {
			if !slices.Contains(sum.Notes, n) { // two steps may say the same (the scopes added)
				sum.Notes = append(sum.Notes, n)
			}
		}
	}
	return sum
}

// consentState says what became of the tenant-wide admin consent.
func consentState(s *State, results []StepResult) string {
	for _, r := range results {
		if r.Step.ID == IDAdminConsent && r.Status == StatusSkipped {
			return ConsentSkipped
		}
	}
	if !s.Found.GrantChecked {
		return ""
	}
	if s.Found.Grant == nil {
		return ConsentNotGranted
	}
	if missing, err := missingConsent(s); err == nil && len(missing) > 0 {
		return ConsentPartial
	}
	return ConsentGranted
}
