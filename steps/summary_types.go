package steps

import "time"

// Summary is the end of a run, as data: what the TUI's last screen and --json show.
// It never holds the secret.
type Summary struct {
	DryRun        bool         `json:"dryRun"`
	AppName       string       `json:"appName"`
	ClientID      string       `json:"clientId"`   // Application (client) ID = Appmixer clientId
	ObjectID      string       `json:"objectId"`   // the application object's id in Graph
	TenantID      string       `json:"tenantId"`   // what Appmixer users type into the Tenant field
	Audience      string       `json:"audience"`   // --audience value
	SecretHint    string       `json:"secretHint"` // first 3 characters + "…"
	SecretExpires time.Time    `json:"secretExpires,omitzero"`
	SecretNew     bool         `json:"secretCreated"`
	TenantField   bool         `json:"tenantField"` // microsoftTenant is on
	AppmixerURL   string       `json:"appmixerUrl"`
	CallbackURL   string       `json:"callbackUrl"`
	PickerURL     string       `json:"pickerUrl"`
	Steps         []StepResult `json:"steps"`
	Notes         []string     `json:"notes,omitempty"`
}
