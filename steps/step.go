package steps

import "context"

// ID names a step of a flow (docs/ARCHITECTURE.md lists them).
type ID string

const (
	IDSignInAzure      ID = "azure-sign-in"
	IDSignInAppmixer   ID = "appmixer-sign-in"
	IDRegisterApp      ID = "register-app"
	IDRedirectURIs     ID = "redirect-uris"
	IDPermissions      ID = "api-permissions"
	IDServicePrincipal ID = "service-principal"
	IDClientSecret     ID = "client-secret"
	IDStoreInAppmixer  ID = "store-in-appmixer"
	IDTenantField      ID = "tenant-field"
	IDAdminConsent     ID = "admin-consent"
	IDVerify           ID = "verify"
	IDFindApp          ID = "find-app"
	IDStatus           ID = "status"
	IDNewSecret        ID = "new-secret"
	IDRemoveOldSecrets ID = "remove-old-secrets"
	IDDeleteApp        ID = "delete-app"
	IDClearAppmixer    ID = "clear-appmixer"
)

// Info describes a step for people: what it is and which manual screen it replaces.
type Info struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`  // "Register the app"
	Screen string `json:"screen"` // "Azure portal → App registrations → + New registration"
	About  string `json:"-"`      // one plain-language line on what the step does
	// Checking is what the step does while its Check runs, for a spinner:
	// "Signing in to Azure", "Waiting for Entra ID to accept the secret".
	Checking string `json:"-"`
	// ReadOnly steps never change anything (sign-ins, checks, verification):
	// they end "checked", not "no change needed".
	ReadOnly bool `json:"-"`
}

// Step is one screen of the manual procedure done through the APIs. Check
// reads what exists into the State; Plan says what would change (pure, computed
// once); Apply carries out exactly that plan and returns what changed. A step
// never prints: progress goes through the State to the observer.
type Step interface {
	Info() Info
	Check(ctx context.Context, s *State) error
	Plan(s *State) Plan
	Apply(ctx context.Context, s *State, p Plan) ([]Change, error)
}

// Verifier is implemented by steps that prove their change took effect.
type Verifier interface {
	Verify(ctx context.Context, s *State) error
}

// Projector is implemented by steps whose later steps depend on their outcome:
// a dry run projects the plan onto the State instead of applying it, so the
// next steps plan against what would exist, without any write.
type Projector interface {
	Project(s *State, p Plan)
}

// Stage is a group of steps whose Checks are independent and run side by
// side (the two sign-ins); their plans are then walked in order.
type Stage []Step

// FlowInfo lists the steps of a flow in order, for a sidebar.
func FlowInfo(flow []Stage) []Info {
	var out []Info
	for _, st := range flow {
		for _, s := range st {
			out = append(out, s.Info())
		}
	}
	return out
}
