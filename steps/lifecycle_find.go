package steps

import (
	"context"
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// Step IDs of the lifecycle commands (status, rotate-secret, tenant, teardown).
const (
	IDFindApp          ID = "find-app"
	IDStatus           ID = "status"
	IDNewSecret        ID = "new-secret"
	IDRemoveOldSecrets ID = "remove-old-secrets"
	IDDeleteApp        ID = "delete-app"
	IDClearAppmixer    ID = "clear-appmixer"
)

// FindSetup finds the app registration an existing setup uses: --app-id, else
// the clientId Appmixer holds, else the app an earlier run recorded. It never
// searches by name: the lifecycle commands act on the app Appmixer uses, not on
// one that merely looks like it.
type FindSetup struct {
	Optional bool // no app is fine (tenant, teardown); otherwise it stops the run
}

func (FindSetup) Info() Info {
	return Info{ID: IDFindApp, Title: "Find the app", Screen: "Azure portal → App registrations → the app Appmixer uses",
		About: "Finds the app registration whose client ID Appmixer holds."}
}

func (f FindSetup) Check(ctx context.Context, s *State) error {
	if err := openJournal(s); err != nil {
		return err
	}
	if s.App != nil && !s.AppProjected {
		return nil
	}
	app, err := locateSetupApp(ctx, s)
	if err != nil {
		return err
	}
	if app == nil && !f.Optional {
		if id := s.Config["clientId"]; id != "" {
			return fmt.Errorf("Appmixer's clientId %s is not an app registration in tenant %s (deleted, or another tenant?): run setup to register one, or sign in to the right tenant with --tenant", id, s.TenantID)
		}
		return fmt.Errorf("Appmixer at %s holds no clientId for %s: run setup first (or pass --app-id)", s.API, "appmixer:microsoft")
	}
	s.App = app
	adoptAudience(s)
	if app == nil {
		return nil
	}
	return s.Journal.RecordApp(app.AppID, app.ID)
}

// locateSetupApp returns nil (no error) when no candidate exists any more.
// An explicit --app-id that is not found is an error: the person named it.
func locateSetupApp(ctx context.Context, s *State) (*azure.Application, error) {
	if s.Opts.AppID != "" {
		return namedApp(ctx, s)
	}
	return firstApp(ctx, s, s.Config["clientId"], s.Journal.AppID())
}

// adoptAudience makes the app's current audience the wanted one, so the setup
// steps reused here judge the rest of the app, not an --audience default.
func adoptAudience(s *State) {
	if s.App == nil {
		return
	}
	for k, v := range Audiences {
		if v == s.App.SignInAudience {
			s.Opts.Audience = k
		}
	}
}

func (FindSetup) Plan(s *State) Plan {
	if s.App == nil {
		return Plan{Found: []string{"no app registration found for this setup"}}
	}
	return Plan{Found: []string{"found " + describeApp(s.App)}}
}

func (FindSetup) Apply(context.Context, *State) ([]Change, error) { return nil, nil }
