package steps

import (
	"context"
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
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
		About: "Finds the app registration whose client ID Appmixer holds.", Checking: "Looking for the app Appmixer uses", ReadOnly: true}
}

func (f FindSetup) Check(ctx context.Context, s *State) error {
	if err := openJournal(s); err != nil {
		return err
	}
	if s.appReal() {
		return nil
	}
	if err := locateSetupApp(ctx, s, f.Info()); err != nil {
		return err
	}
	if s.Found.App == nil && !f.Optional {
		switch id := s.config()["clientId"]; {
		case s.Found.AppDeleted:
			return hint.Errorf(hint.Run("setup", "register a new app"), "Appmixer's clientId %s belongs to an app that was deleted (it is in Entra ID's deleted applications)", id)
		case id != "":
			return hint.Errorf(hint.Change(hint.Tenant, "sign in to the tenant the app lives in, or run setup to register one here"),
				"Appmixer's clientId %s is not an app registration in tenant %s", id, s.tenant())
		}
		return hint.Errorf(hint.Run("setup", "set the connector up first"), "Appmixer at %s holds no clientId for %s", s.Signed.API, configName)
	}
	adoptAudience(s)
	if s.Found.App == nil {
		return nil
	}
	return s.Journal.RecordApp(s.Found.App)
}

// locateSetupApp fills Found.App (nil when no candidate exists any more) and
// Found.AppDeleted. An explicit --app-id that is not found is an error: the
// person named it.
func locateSetupApp(ctx context.Context, s *State, in Info) error {
	if s.Opts.AppID != "" {
		app, err := namedApp(ctx, s)
		s.Found.App = app
		return err
	}
	for i, id := range []string{s.config()["clientId"], s.Journal.AppID()} {
		if id == "" {
			continue
		}
		app, deleted, err := lookupApp(ctx, s, in, id, i == 0)
		if err != nil {
			return err
		}
		if app != nil {
			s.Found.App = app
			return nil
		}
		s.Found.AppDeleted = s.Found.AppDeleted || i == 0 && deleted
	}
	return nil
}

// adoptAudience makes the app's current audience the wanted one, so the setup
// steps reused here judge the rest of the app, not an --audience default.
func adoptAudience(s *State) {
	if s.Found.App == nil {
		return
	}
	for k, v := range Audiences {
		if v == s.Found.App.SignInAudience {
			s.Opts.Audience = k
		}
	}
}

func (FindSetup) Plan(s *State) Plan {
	switch {
	case s.Found.App != nil:
		return Plan{Found: []string{"found " + describeApp(s.Found.App)}}
	case s.Found.AppDeleted:
		return Plan{Found: []string{fmt.Sprintf("the app with client ID %s was already deleted", s.config()["clientId"])}}
	}
	return Plan{Found: []string{"no app registration found for this setup"}}
}

func (FindSetup) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }
