package steps

import "context"

// ID names a step of the flow (DESIGN.md's flow table).
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
	IDSummary          ID = "summary"
)

// Info describes a step for people: what it is and which manual screen it replaces.
type Info struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`  // "Register the app"
	Screen string `json:"screen"` // "Azure portal → App registrations → + New registration"
	About  string `json:"-"`      // one plain-language line on what the step does
}

// Step is one screen of the manual procedure done through the APIs.
// Check reads what exists into the State, Plan says what would change (pure),
// Apply changes it and returns what changed. A step never prints.
type Step interface {
	Info() Info
	Check(ctx context.Context, s *State) error
	Plan(s *State) Plan
	Apply(ctx context.Context, s *State) ([]Change, error)
}

// Verifier is implemented by steps that can prove their change took effect.
type Verifier interface {
	Verify(ctx context.Context, s *State) error
}

// Projector is implemented by steps whose later steps depend on their outcome:
// in a dry run the runner calls Project instead of Apply, so the next steps
// plan against what would exist, without any write.
type Projector interface {
	Project(s *State)
}
