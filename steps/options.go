package steps

import (
	"net/http"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// Audiences are the --audience values, mapped to Graph's signInAudience.
var Audiences = map[string]string{
	"single-tenant":             "AzureADMyOrg",
	"multi-tenant":              "AzureADMultipleOrgs",
	"multi-tenant-and-personal": "AzureADandPersonalMicrosoftAccount",
}

// audienceLabels say in plain words who can sign in, as the portal's radio buttons do.
var audienceLabels = map[string]string{
	"AzureADMyOrg":                       "accounts in this organizational directory only (single tenant)",
	"AzureADMultipleOrgs":                "accounts in any organizational directory (multitenant)",
	"AzureADandPersonalMicrosoftAccount": "accounts in any organizational directory and personal Microsoft accounts",
}

// AudienceLabel is Graph's signInAudience (or an --audience value) in words.
func AudienceLabel(aud string) string {
	if v, ok := Audiences[aud]; ok {
		aud = v
	}
	if l, ok := audienceLabels[aud]; ok {
		return l
	}
	return aud
}

// TenantField is the wanted state of Appmixer's microsoftTenant key.
type TenantField string

const (
	TenantFieldKeep TenantField = ""    // leave as it is (single-tenant still turns it on)
	TenantFieldOn   TenantField = "on"  // microsoftTenant = "true"
	TenantFieldOff  TenantField = "off" // key removed
)

// Options are every input of a run, filled from flags, env and the TUI's forms.
// Secrets arrive in memory only (env or prompt), never from a flag.
type Options struct {
	// Appmixer
	AppmixerURL      string
	AppmixerUsername string
	AppmixerPassword Secret
	AppmixerToken    Secret
	AppmixerHTTP     *http.Client // nil = system roots

	// Azure sign-in
	AuthMethod    string // device|browser|azure-cli|environment
	Tenant        string
	Cloud         string // public|usgov|usgov-dod|china
	AuthorityHost string
	GraphURL      string
	AzureHTTP     *http.Client
	Remember      *azure.Remember // device/browser: keep the sign-in between runs (nil: forget it)

	// The app
	AppName      string
	AppID        string // --app-id: converge this existing app
	Audience     string // key of Audiences
	Permissions  string // documented|onedrive|all|comma list
	SecretExpiry Expiry // zero = DefaultExpiry (24 months)
	TenantField  TenantField
	AdminConsent bool
	KeepOld      bool // rotate-secret: keep the old secrets this program made

	// Run
	DryRun    bool
	Simulated bool // --demo: the services are simulated; a sign-in other than the device code is simulated too
	// SimulatedUsers are the demo Appmixer's users and passwords: the password
	// follows the username at sign-in, so a presenter who changes the user
	// (the not-admin scene) signs in as that user without typing a password.
	SimulatedUsers map[string]Secret
	StateDir       string        // "" = os.UserConfigDir()/appmixer-msconnector
	Timeout        time.Duration // per network request; 0 = 30s
	WaitTimeout    time.Duration // replication / secret propagation; 0 = 2m
	Now            func() time.Time
}

// withDefaults fills the empty options.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.WaitTimeout == 0 {
		o.WaitTimeout = 2 * time.Minute
	}
	if o.AppName == "" {
		o.AppName = DefaultAppName
	}
	if o.Audience == "" {
		o.Audience = DefaultAudience
	}
	if o.Permissions == "" {
		o.Permissions = DefaultPermissions
	}
	return o
}

// DeviceCode is what the person types at the verification URL.
type DeviceCode struct {
	UserCode        string
	VerificationURL string
	Message         string
	ExpiresOn       time.Time
}

// Defaults used when an option is empty.
const (
	DefaultAppName     = "Appmixer"
	DefaultAudience    = "multi-tenant-and-personal"
	DefaultPermissions = "documented"
	AppTag             = "appmixer-msconnector-wizard"
	KeepSecretMinimum  = 30 * 24 * time.Hour
)
