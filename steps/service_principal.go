package steps

import (
	"context"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// ServicePrincipal does what the portal does silently on registration: it
// creates the app's enterprise application (service principal) in the tenant.
// Graph's application create does not, and without it Entra ID refuses
// client-credentials tokens with AADSTS7000229.
type ServicePrincipal struct{}

func (ServicePrincipal) Info() Info {
	return Info{ID: IDServicePrincipal, Title: "Service principal", Screen: "done silently by the Azure portal on registration",
		About:    "Creates the app's service principal (enterprise application) in your tenant, as the portal does.",
		Checking: "Looking for the app's service principal"}
}

// Check asks Graph only when it must: a new app has none, and a stored secret
// that yields a token proves one exists.
func (ServicePrincipal) Check(ctx context.Context, s *State) error {
	if s.Found.SPChecked || s.Found.SP != nil {
		return nil
	}
	if err := checkStoredSecret(ctx, s, ServicePrincipal{}.Info()); err != nil {
		return err
	}
	if s.Found.Stored.Works {
		s.Found.SPChecked = true
		return nil
	}
	return lookupSP(ctx, s)
}

// lookupSP reads the app's service principal; none is not an error.
func lookupSP(ctx context.Context, s *State) error {
	sp, err := s.graph().GetServicePrincipalByAppID(ctx, s.Found.App.AppID)
	if err != nil && !azure.IsNotFound(err) {
		return err
	}
	s.Found.SP, s.Found.SPChecked = sp, true
	return nil
}

// hasSP reports whether the app is known to have its service principal.
func hasSP(s *State) bool { return s.Found.SP != nil || s.Found.Stored.Works }

func (ServicePrincipal) Plan(s *State) Plan {
	if hasSP(s) {
		return Plan{Found: []string{"the app's service principal exists"}}
	}
	return Plan{Changes: []Change{{Kind: Add, Subject: SubjectServicePrincipal, Name: s.Found.App.DisplayName}}}
}

// Apply creates it; a create whose answer was lost is read back (the Graph
// client returns the existing one on a conflict), never made twice.
func (ServicePrincipal) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	s.progress(ServicePrincipal{}.Info(), "creating the service principal (a new app takes a few seconds to replicate)")
	sp, err := s.graph().CreateServicePrincipal(ctx, s.Found.App.AppID, []string{AppTag})
	if err != nil && !refused(err) && ctx.Err() == nil {
		// No clear answer (an outage, a cut connection): the call may have been
		// made. Asking again is safe: an app has one service principal, and
		// Graph answers a second create with a conflict the client resolves
		// by reading the one that exists.
		s.progress(ServicePrincipal{}.Info(), "no clear answer from Graph: asking once more")
		sp, err = s.graph().CreateServicePrincipal(ctx, s.Found.App.AppID, []string{AppTag})
	}
	if err != nil {
		return nil, err
	}
	out := slices.Clone(p.Changes)
	out[0].ID = sp.ID
	s.Found.SP, s.Found.SPChecked = sp, true
	if s.Found.Stored.NoSP {
		s.Found.Stored = StoredSecret{} // the stored secret may work now: ask again
	}
	return out, nil
}

func (ServicePrincipal) Project(s *State, _ Plan) {
	s.Found.SP, s.Found.SPChecked = &azure.ServicePrincipal{AppID: s.Found.App.AppID}, true
}
