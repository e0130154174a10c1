package steps

import (
	"context"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// ServicePrincipal does what the portal does silently on registration: it
// creates the app's enterprise application (service principal) in the tenant.
// Graph's POST /applications does not, and without it Entra ID refuses
// client-credentials tokens with AADSTS7000229.
type ServicePrincipal struct{}

func (ServicePrincipal) Info() Info {
	return Info{ID: IDServicePrincipal, Title: "Service principal", Screen: "done silently by the Azure portal on registration",
		About: "Creates the app's service principal (enterprise application) in your tenant, as the portal does."}
}

// Check asks Graph only when it must: a new app has none, and a stored secret
// that yields a token proves one exists.
func (ServicePrincipal) Check(ctx context.Context, s *State) error {
	if s.SPChecked || s.SP != nil {
		return nil
	}
	if err := checkStoredSecret(ctx, s); err != nil {
		return err
	}
	if s.stored.works {
		s.SPChecked = true
		return nil
	}
	return lookupSP(ctx, s)
}

// lookupSP reads the app's service principal into the state; none is not an error.
func lookupSP(ctx context.Context, s *State) error {
	sp, err := s.Graph.GetServicePrincipalByAppID(ctx, s.App.AppID)
	if err != nil && !azure.IsNotFound(err) {
		return err
	}
	s.SP, s.SPChecked = sp, true
	return nil
}

func (ServicePrincipal) Plan(s *State) Plan {
	if s.SP != nil || s.stored.works {
		return Plan{Found: []string{"the app's service principal exists"}}
	}
	return Plan{Changes: spChanges(s)}
}

func spChanges(s *State) []Change {
	return []Change{{What: "service principal (enterprise application)", After: s.Opts.AppName}}
}

func (ServicePrincipal) Apply(ctx context.Context, s *State) ([]Change, error) {
	s.progress(ServicePrincipal{}.Info(), "creating the service principal (a new app takes a few seconds to replicate)")
	sp, err := s.Graph.CreateServicePrincipal(ctx, s.App.AppID, []string{AppTag})
	if err != nil {
		return nil, err
	}
	s.SP = sp
	if s.stored.noSP {
		s.stored = storedSecret{} // the stored secret may work now: ask again
	}
	return spChanges(s), nil
}

func (ServicePrincipal) Project(s *State) { s.SP = &azure.ServicePrincipal{AppID: s.App.AppID} }
