package steps

import (
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// State is what one command's run knows, in three parts that change at
// different times: the sign-in (fixed once signed in, shared by every command
// of a Session), what the run read (Found), and what it produced (Made). Steps
// read and write it; nothing in it prints a secret (Secret masks itself).
type State struct {
	Opts    Options
	Signed  *SignedIn
	Found   Found
	Made    Made
	Journal *Journal // the resume file; read-only in a dry run or a read-only command

	readOnly bool // the command never writes (status): the journal is only read

	mu      sync.Mutex
	observe func(Event)
}

// SignedIn is what the sign-ins established; it does not change afterwards.
type SignedIn struct {
	Azure     *azure.Session
	Graph     *azure.Graph
	TenantID  string
	AzureUser string // "" when a service principal signed in
	Appmixer  *appmixer.Client
	API       string // the normalised Appmixer API base URL
	AdminUser string

	azureWith, appmixerWith string // the inputs each sign-in used: a changed input signs in again
	azureShared             bool   // the Azure sign-in came from another session (ShareAzure), which said its notes
}

// Found is what the run read: Appmixer's configuration, the app, its service
// principal, the consent grant, and whether Appmixer's secret works.
type Found struct {
	Config       appmixer.Config // appmixer:microsoft as read (and as written since)
	ConfigExists bool
	Catalogue    *azure.Catalogue
	App          *azure.Application // nil: none
	SP           *azure.ServicePrincipal
	SPChecked    bool // SP was looked up (nil then means none)
	Grant        *azure.OAuth2PermissionGrant
	GrantChecked bool         // the tenant-wide grant was looked for (nil then means none)
	Stored       StoredSecret // what the check of Appmixer's secret found
	// Held is Appmixer's clientSecret as the run began (memory only): a
	// rotation puts it back if the new one cannot be proven.
	Held Secret
	// HeldKeyID is the app credential Held belongs to, when known.
	HeldKeyID string
	// Leftovers are the journal's unused secrets as the run began: storing a
	// new secret empties the journal's list, and they still go at the end.
	Leftovers []PendingSecret
	// AppDeleted: the app Appmixer names is in Entra ID's deleted applications.
	AppDeleted bool
}

// StoredSecret is what one token request with Appmixer's clientId and
// clientSecret said.
type StoredSecret struct {
	Checked bool
	Works   bool   // Entra ID issued a client-credentials token with it
	NoSP    bool   // refused only because the app has no service principal (AADSTS7000229)
	Why     string // why it does not work, for the plan
}

// Made is what this run produced.
type Made struct {
	Secret      Secret        // a secret this run minted (memory only)
	SecretKeyID string        // its credential
	SecretName  string        // its description (unique to this run)
	SecretEnd   time.Time     // when it expires
	SecretWhy   string        // why its lifetime is what it is (a tenant policy)
	Proven      bool          // Entra ID accepted Secret
	Wrote       bool          // this run wrote appmixer:microsoft: Verify reads it back
	Verified    []string      // what the run proved, one line each
	Status      *StatusReport // what status found

	// A dry run's stand-ins for what a real run would have made.
	AppProjected    bool
	SecretProjected bool
}

// NewState prepares a run's state from its options.
func NewState(o Options) *State {
	return &State{Opts: o.withDefaults(), Signed: &SignedIn{}}
}

// HasSecret reports whether this run holds a secret it minted.
func (m Made) HasSecret() bool { return !m.Secret.IsZero() }

// progress reports something slow from inside a step.
func (s *State) progress(step Info, msg string) {
	s.mu.Lock()
	f := s.observe
	s.mu.Unlock()
	if f != nil {
		f(Event{Step: step, Kind: EventProgress, Message: msg})
	}
}

// emit sends an event through the run's observer.
func (s *State) emit(e Event) {
	s.mu.Lock()
	f := s.observe
	s.mu.Unlock()
	if f != nil {
		f(e)
	}
}

func (s *State) graph() *azure.Graph     { return s.Signed.Graph }
func (s *State) amx() *appmixer.Client   { return s.Signed.Appmixer }
func (s *State) tenant() string          { return s.Signed.TenantID }
func (s *State) writes() bool            { return !s.Opts.DryRun && !s.readOnly }
func (s *State) dryRun() bool            { return s.Opts.DryRun && !s.readOnly } // a read-only command has no dry run
func (s *State) app() *azure.Application { return s.Found.App }
func (s *State) config() appmixer.Config { return s.Found.Config }
func (s *State) appReal() bool           { return s.Found.App != nil && !s.Made.AppProjected }
