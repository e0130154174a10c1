package steps

import (
	"context"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// APIPermissions replaces "API permissions → Add a permission → Microsoft Graph →
// Delegated permissions" (Files.Read.All, Files.ReadWrite.All, offline_access, …).
// Permissions the customer added themselves stay.
type APIPermissions struct{}

func (APIPermissions) Info() Info {
	return Info{ID: IDPermissions, Title: "API permissions", Screen: "Azure portal → API permissions → Microsoft Graph → Delegated",
		About: "Adds the Microsoft Graph delegated permissions the Microsoft connectors ask users for."}
}

func (APIPermissions) Check(context.Context, *State) error { return nil } // app and catalogue read by step 3

func (APIPermissions) Plan(s *State) Plan {
	add, err := missing(s)
	if err != nil {
		return Plan{Notes: []string{err.Error()}}
	}
	if s.AppProjected {
		return Plan{Found: []string{withNewApp}}
	}
	return Plan{Found: s.Catalogue.Names(graphScopes(s.App)), Changes: scopeChanges(s, add)}
}

func (APIPermissions) Apply(ctx context.Context, s *State) ([]Change, error) {
	add, err := missing(s)
	if err != nil {
		return nil, err
	}
	rra := withScopes(s.App, add)
	if err := s.Graph.UpdateApplication(ctx, s.App.ID, azure.ApplicationPatch{RequiredResourceAccess: rra}); err != nil {
		return nil, err
	}
	s.App.RequiredResourceAccess = rra
	return scopeChanges(s, add), nil
}

func (APIPermissions) Project(s *State) {
	if add, err := missing(s); err == nil {
		s.App.RequiredResourceAccess = withScopes(s.App, add)
	}
}

func missing(s *State) ([]azure.ResourceAccess, error) {
	want, err := wantedScopes(s)
	if err != nil {
		return nil, err
	}
	return missingScopes(want, s.App), nil
}
