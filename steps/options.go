package steps

import (
	"net/http"
	"time"
)

// Audience values accepted by --audience, mapped to Graph's signInAudience.
var Audiences = map[string]string{
	"single-tenant":             "AzureADMyOrg",
	"multi-tenant":              "AzureADMultipleOrgs",
	"multi-tenant-and-personal": "AzureADandPersonalMicrosoftAccount",
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
	OnDeviceCode  func(DeviceCode)

	// The app
	AppName      string
	AppID        string // --app-id: converge this existing app
	Audience     string // key of Audiences
	Permissions  string // documented|onedrive|all|comma list
	SecretExpiry Expiry // zero = DefaultExpiry (24 months)
	TenantField  TenantField
	AdminConsent bool

	// Run
	DryRun      bool
	StateDir    string        // "" = os.UserConfigDir()/appmixer-msconnector
	Timeout     time.Duration // per network request; 0 = 30s
	WaitTimeout time.Duration // replication / secret propagation; 0 = 2m
	Now         func() time.Time
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
	SecretNamePrefix   = "appmixer-wizard"
	KeepSecretMinimum  = 30 * 24 * time.Hour
)
