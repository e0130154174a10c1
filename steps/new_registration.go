package steps

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// withNewApp is what a dry run says of the settings the new app would be
// created with: they are in Register the app's plan, not found anywhere yet.
const withNewApp = "set when the app is created (see Register the app)"

// RegisterApp replaces "App registrations → + New registration" (name and
// supported account types). On a fresh setup it creates the whole app in one
// POST, redirect URIs and permissions included, so steps 4 and 5 find nothing left.
type RegisterApp struct{}

func (RegisterApp) Info() Info {
	return Info{ID: IDRegisterApp, Title: "Register the app", Screen: "Azure portal → App registrations → + New registration",
		About: "Finds the app registration Appmixer uses, or registers a new one with its name and supported account types."}
}

// Check finds the app and loads Graph's permission catalogue side by side.
func (RegisterApp) Check(ctx context.Context, s *State) error {
	if err := openJournal(s); err != nil {
		return err
	}
	var catErr, findErr error
	var wg sync.WaitGroup
	if s.Catalogue == nil {
		wg.Go(func() { s.Catalogue, catErr = s.Graph.LoadCatalogue(ctx) })
	}
	var app *azure.Application
	wg.Go(func() { app, findErr = findApp(ctx, s) })
	wg.Wait()
	if err := cmp.Or(findErr, catErr); err != nil { // one line: errors.Join would print both on separate lines
		return err
	}
	if _, err := wantedScopes(s); err != nil {
		return err
	}
	if app != nil {
		s.App = app
		return s.Journal.RecordApp(app.AppID, app.ID) // its leftovers are cleaned up next time
	}
	return nil
}

// findApp: --app-id, else the app Appmixer already uses, else by name (tagged first).
// Two or more candidates stop the run: creating another would make a duplicate.
func findApp(ctx context.Context, s *State) (*azure.Application, error) {
	if s.App != nil && !s.AppProjected {
		return s.App, nil
	}
	if s.Opts.AppID != "" {
		return namedApp(ctx, s)
	}
	// The app Appmixer uses comes first, whatever its name: status and
	// rotate-secret act on it too. One lookup, as the name search would be.
	stored := s.Config["clientId"]
	if app, err := firstApp(ctx, s, stored); app != nil || err != nil {
		return app, err
	}
	apps, err := s.Graph.FindApplications(ctx, azure.AppFilter{DisplayName: s.Opts.AppName})
	if err != nil {
		return nil, err
	}
	tagged := slices.DeleteFunc(slices.Clone(apps), func(a azure.Application) bool { return !slices.Contains(a.Tags, AppTag) })
	if len(tagged) > 0 {
		apps = tagged
	}
	switch len(apps) {
	case 0:
		return firstApp(ctx, s, s.Journal.AppID())
	case 1:
		return &apps[0], nil
	}
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.AppID
	}
	return nil, fmt.Errorf("%d app registrations are named %q (client IDs %s): choose one with --app-id", len(apps), s.Opts.AppName, strings.Join(ids, ", "))
}

func (RegisterApp) Plan(s *State) Plan {
	if s.App == nil {
		return freshPlan(s)
	}
	p := Plan{Found: []string{"found " + describeApp(s.App)}}
	if want := wantedAudience(s); s.App.SignInAudience != want {
		p.Changes = append(p.Changes, audienceChange(s.App.SignInAudience, want))
	}
	if !slices.Contains(s.App.Tags, AppTag) {
		p.Changes = append(p.Changes, Change{What: "tag (so later runs find this app)", After: AppTag})
	}
	return p
}

// freshPlan lists everything the single upsert of the app will set.
func freshPlan(s *State) Plan {
	p := Plan{Found: []string{fmt.Sprintf("no app registration named %q", s.Opts.AppName)}}
	aud := wantedAudience(s)
	p.Changes = append(p.Changes,
		Change{What: "app registration", After: s.Opts.AppName},
		Change{What: "supported account types", After: labelOr(aud)})
	p.Changes = append(p.Changes, redirectChanges(s, nil)...)
	if scopes, err := wantedScopes(s); err == nil {
		p.Changes = append(p.Changes, scopeChanges(s, scopes)...)
	}
	if aud == "AzureADMyOrg" {
		p.Notes = append(p.Notes, "A single-tenant app cannot use Microsoft's common endpoint: the tenant field will be turned on and users enter tenant ID "+s.TenantID+".")
	}
	return p
}

func (RegisterApp) Apply(ctx context.Context, s *State) ([]Change, error) {
	if s.App == nil {
		want, err := newApplication(s)
		if err != nil {
			return nil, err
		}
		// An upsert under a name derived from this setup: if the answer is lost
		// (here, or in a run that died), repeating it finds the same app.
		app, _, err := s.Graph.UpsertApplication(ctx, uniqueName(s), want)
		if err != nil {
			return nil, err
		}
		s.App = app
		s.SPChecked = true // a new app has no service principal yet: no need to ask
		return freshPlan(s).Changes, s.Journal.RecordApp(app.AppID, app.ID)
	}
	plan := RegisterApp{}.Plan(s)
	aud := wantedAudience(s)
	patch := azure.ApplicationPatch{}
	if s.App.SignInAudience != aud {
		patch.SignInAudience = &aud
		patch.API = wantedAPI(aud)
	}
	if !slices.Contains(s.App.Tags, AppTag) {
		patch.Tags = append(slices.Clone(s.App.Tags), AppTag)
	}
	if err := s.Graph.UpdateApplication(ctx, s.App.ID, patch); err != nil {
		return nil, err
	}
	s.App.SignInAudience = aud
	if patch.API != nil {
		s.App.API = patch.API
	}
	if patch.Tags != nil {
		s.App.Tags = patch.Tags
	}
	return plan.Changes, nil
}

// Project stands in the app a dry run would create.
func (RegisterApp) Project(s *State) {
	if s.App != nil {
		s.App.SignInAudience = wantedAudience(s)
		return
	}
	if want, err := newApplication(s); err == nil {
		s.App, s.AppProjected = &want, true
		s.SPChecked = true
	}
}

// firstApp returns the first of appIDs that is an app registration in the
// tenant; none (nil, nil) when every one is gone.
func firstApp(ctx context.Context, s *State, appIDs ...string) (*azure.Application, error) {
	for _, id := range appIDs {
		if id == "" {
			continue
		}
		app, err := s.Graph.GetApplicationByAppID(ctx, id)
		if !azure.IsNotFound(err) {
			return app, err
		}
	}
	return nil, nil
}

// namedApp is the app --app-id names; that it is missing is an error, since
// the person asked for it.
func namedApp(ctx context.Context, s *State) (*azure.Application, error) {
	app, err := s.Graph.GetApplicationByAppID(ctx, s.Opts.AppID)
	if azure.IsNotFound(err) {
		return nil, fmt.Errorf("no app registration with client ID %s in tenant %s: check --app-id (or leave it out)", s.Opts.AppID, s.TenantID)
	}
	return app, err
}

// uniqueName is the app's client-chosen key (Graph's application upsert): the
// same for every run that sets up this app name for this Appmixer.
func uniqueName(s *State) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimRight(s.API, "/")) + "\n" + s.Opts.AppName))
	return AppTag + "-" + hex.EncodeToString(sum[:8])
}
