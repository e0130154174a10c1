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
		About:    "Adds the Microsoft Graph delegated permissions the Microsoft connectors ask users for.",
		Checking: "Reading the app's permissions"}
}

func (APIPermissions) Check(context.Context, *State) error { return nil } // app and catalogue read by Register the app

func (APIPermissions) Plan(s *State) Plan {
	want, err := wantedScopes(s)
	if err != nil {
		return Plan{Notes: []string{err.Error()}}
	}
	if s.Made.AppProjected {
		return Plan{Found: []string{withNewApp}}
	}
	return Plan{Found: s.Found.Catalogue.Names(graphScopes(s.Found.App)), Changes: permissionChanges(s, s.Found.App, want),
		Notes: addedScopesNote(s)}
}

func (APIPermissions) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	return updateApp(ctx, s, p, func(next azure.Application) azure.ApplicationPatch {
		return azure.ApplicationPatch{RequiredResourceAccess: next.RequiredResourceAccess}
	})
}

func (APIPermissions) Project(s *State, p Plan) { *s.Found.App = applyToApp(*s.Found.App, p.Changes) }
