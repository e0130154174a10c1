package steps

import (
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// State is what a run knows: its inputs, the sessions, what the checks read,
// and what the applies produced. Steps read and write it; nothing here is printed
// as is (the secret is a Secret, which masks itself).
type State struct {
	Opts Options

	// Sign-in (steps 1, 2).
	Azure     *azure.Session
	Graph     *azure.Graph
	TenantID  string
	AzureUser string
	Appmixer  *appmixer.Client
	API       string // normalised Appmixer API base URL
	AdminUser string

	// Appmixer's appmixer:microsoft config as read (ConfigExists false: no object yet).
	Config       appmixer.Config
	ConfigExists bool

	// The app (steps 3–5b).
	Catalogue    *azure.Catalogue
	App          *azure.Application // nil: none yet
	AppProjected bool               // dry run: App is what would be created
	SP           *azure.ServicePrincipal
	SPChecked    bool

	// The secret (step 6): in memory only.
	Secret      Secret
	SecretKeyID string
	SecretEnd   time.Time
	SecretNew   bool // minted by this run, not yet proven stored

	Journal *Journal // resume file (read-only in a dry run)

	stored  storedSecret
	orphans []azure.PasswordCredential
	runID   string

	secretProjected bool // dry run: a new secret would be created

	configWritten bool // this run wrote appmixer:microsoft: verify reads it back
	verified      []string
	grant         *azure.OAuth2PermissionGrant

	mu      sync.Mutex
	observe func(Event)
}

// ShareSignIn makes s use b's signed-in Azure and Appmixer sessions, so a
// second flow after a sign-in (the start menu's choice) does not sign in
// again: its sign-in stage then only re-reads Appmixer's configuration.
func (s *State) ShareSignIn(b *State) {
	s.Azure, s.Graph, s.TenantID, s.AzureUser = b.Azure, b.Graph, b.TenantID, b.AzureUser
	s.Appmixer, s.API, s.AdminUser = b.Appmixer, b.API, b.AdminUser
}

// NewState prepares a run's state from its options.
func NewState(o Options) *State {
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
	return &State{Opts: o}
}

// progress reports something slow from inside a step.
func (s *State) progress(step Info, msg string) {
	s.mu.Lock()
	f := s.observe
	s.mu.Unlock()
	if f != nil {
		f(Event{Step: step, Kind: EventProgress, Message: msg})
	}
}
