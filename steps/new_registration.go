package steps

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// withNewApp is what a dry run says of the settings the new app would be
// created with: they are in Register the app's plan, not found anywhere yet.
const withNewApp = "set when the app is created (see Register the app)"

// RegisterApp replaces "App registrations → + New registration" (name and
// supported account types). On a fresh setup it creates the whole app in one
// request, redirect URIs and permissions included, so the next two steps find
// nothing left to do.
type RegisterApp struct{}

func (RegisterApp) Info() Info {
	return Info{ID: IDRegisterApp, Title: "Register the app", Screen: "Azure portal → App registrations → + New registration",
		About:    "Finds the app registration Appmixer uses, or registers a new one with its name and supported account types.",
		Checking: "Looking for the app registration"}
}

// Check finds the app and loads Graph's permission catalogue side by side.
func (RegisterApp) Check(ctx context.Context, s *State) error {
	if err := openJournal(s); err != nil {
		return err
	}
	var catErr, findErr error
	var wg sync.WaitGroup
	if s.Found.Catalogue == nil {
		wg.Go(func() { s.Found.Catalogue, catErr = s.graph().LoadCatalogue(ctx) })
	}
	var app *azure.Application
	wg.Go(func() { app, findErr = findApp(ctx, s) })
	wg.Wait()
	if err := cmp.Or(findErr, catErr); err != nil { // one line: errors.Join would print both on separate lines
		return err
	}
	if _, err := wantedScopes(s); err != nil {
		return hint.Wrap(err, hint.Change(hint.Permissions, "give Microsoft Graph delegated permission names"))
	}
	if app == nil {
		return nil
	}
	s.Found.App = app
	return s.Journal.RecordApp(app) // its leftovers are cleaned up next time
}

// findApp: --app-id, else the app Appmixer already uses, else by name (tagged
// first), else the app an earlier run recorded. Two or more candidates stop
// the run: creating another would make a duplicate.
func findApp(ctx context.Context, s *State) (*azure.Application, error) {
	if s.appReal() {
		return s.Found.App, nil
	}
	if s.Opts.AppID != "" {
		return namedApp(ctx, s)
	}
	// The app Appmixer uses comes first, whatever its name: status and
	// rotate-secret act on it too.
	if id := s.config()["clientId"]; id != "" {
		if app, _, err := lookupApp(ctx, s, RegisterApp{}.Info(), id, false); app != nil || err != nil {
			return app, err
		}
	}
	apps, err := s.graph().FindApplications(ctx, azure.AppFilter{DisplayName: s.Opts.AppName})
	if err != nil {
		return nil, err
	}
	tagged := slices.DeleteFunc(slices.Clone(apps), func(a azure.Application) bool { return !slices.Contains(a.Tags, AppTag) })
	if len(tagged) > 0 {
		apps = tagged
	}
	switch len(apps) {
	case 0:
		if id := s.Journal.AppID(); id != "" {
			app, _, err := lookupApp(ctx, s, RegisterApp{}.Info(), id, false)
			return app, err
		}
		return nil, nil
	case 1:
		markYoung(s, &apps[0])
		return &apps[0], nil
	}
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.AppID
	}
	return nil, hint.Errorf(hint.Change(hint.AppID, "choose one of them by its client ID"),
		"%d app registrations are named %q (client IDs %s)", len(apps), s.Opts.AppName, strings.Join(ids, ", "))
}

func (RegisterApp) Plan(s *State) Plan {
	if s.Found.App == nil {
		return freshPlan(s)
	}
	app := s.Found.App
	p := Plan{Found: []string{"found " + describeApp(app)}}
	if want := wantedAudience(s); app.SignInAudience != want {
		p.Changes = append(p.Changes, Change{Kind: Update, Subject: SubjectAudience, Before: app.SignInAudience, After: want})
	}
	if !slices.Contains(app.Tags, AppTag) {
		p.Changes = append(p.Changes, Change{Kind: Add, Subject: SubjectTag, After: AppTag})
	}
	return p
}

// freshPlan lists everything the single upsert of the app sets.
func freshPlan(s *State) Plan {
	p := Plan{Found: []string{fmt.Sprintf("no app registration named %q", s.Opts.AppName)}}
	aud := wantedAudience(s)
	p.Changes = append(p.Changes,
		Change{Kind: Add, Subject: SubjectApp, Name: s.Opts.AppName},
		Change{Kind: Add, Subject: SubjectAudience, After: aud})
	p.Changes = append(p.Changes, redirectChanges(s, nil)...)
	if scopes, err := wantedScopes(s); err == nil {
		p.Changes = append(p.Changes, permissionChanges(s, nil, scopes)...)
	}
	p.Changes = append(p.Changes, Change{Kind: Add, Subject: SubjectTag, After: AppTag})
	if aud == "AzureADMyOrg" {
		p.Notes = append(p.Notes, "A single-tenant app cannot use Microsoft's common endpoint: the tenant field will be turned on and users enter tenant ID "+s.tenant()+".")
	}
	p.Notes = append(p.Notes, addedScopesNote(s)...)
	return p
}

func (RegisterApp) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	if p.Has(SubjectApp, Add) {
		want := applyToApp(azure.Application{Notes: "Created by the Appmixer Microsoft connector setup wizard for Appmixer at " + s.Signed.API}, p.Changes)
		app, err := upsertApp(ctx, s, want)
		if err != nil {
			return nil, err
		}
		s.Found.App = app
		s.Found.SP, s.Found.SPChecked = nil, true // a new app has no service principal yet: no need to ask
		return p.Changes, s.Journal.RecordApp(app)
	}
	return updateApp(ctx, s, p, func(next azure.Application) (patch azure.ApplicationPatch) {
		if p.Has(SubjectAudience) {
			patch.SignInAudience = &next.SignInAudience
			patch.API = wantedAPI(next.SignInAudience)
		}
		if p.Has(SubjectTag) {
			patch.Tags = next.Tags
		}
		return patch
	})
}

// maxNameGenerations bounds the uniqueNames tried past ones held by deleted apps.
const maxNameGenerations = 10

// upsertApp creates the app with Graph's upsert under a uniqueName derived
// from this setup, so a lost answer (here, or in a run that died) is found
// again, never duplicated. A deleted app keeps its uniqueName while it sits in
// the deleted items (restorable for 30 days): then the next generation of
// the name is tried, in a fixed order, so a repeat still lands on the same app.
func upsertApp(ctx context.Context, s *State, want azure.Application) (*azure.Application, error) {
	for gen := 0; ; gen++ {
		app, _, err := s.graph().UpsertApplication(ctx, uniqueName(s, gen), want)
		if !azure.IsUniqueNameTaken(err) || gen == maxNameGenerations {
			return app, err
		}
		s.progress(RegisterApp{}.Info(), "a deleted app registration still holds this setup's name: using the next one")
	}
}

// uniqueName is the app's client-chosen key (Graph's application upsert): the
// same for every run that sets up this app name for this Appmixer.
func uniqueName(s *State, gen int) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimRight(s.Signed.API, "/")) + "\n" + s.Opts.AppName))
	name := AppTag + "-" + hex.EncodeToString(sum[:8])
	if gen > 0 {
		name += "-" + strconv.Itoa(gen+1)
	}
	return name
}

// Project stands in the app a dry run would create, or the changed one.
func (RegisterApp) Project(s *State, p Plan) {
	base := azure.Application{}
	if s.Found.App != nil {
		base = *s.Found.App
	}
	next := applyToApp(base, p.Changes)
	s.Found.App = &next
	if p.Has(SubjectApp, Add) {
		s.Made.AppProjected = true
		s.Found.SPChecked = true
	}
}

// namedApp is the app --app-id names; that it is missing is an error, since
// the person asked for it.
func namedApp(ctx context.Context, s *State) (*azure.Application, error) {
	app, err := s.graph().GetApplicationByAppID(ctx, s.Opts.AppID)
	if azure.IsNotFound(err) {
		return nil, hint.Errorf(hint.Change(hint.AppID, "give the client ID of an app registration in this tenant, or leave it out"),
			"no app registration with client ID %s in tenant %s", s.Opts.AppID, s.tenant())
	}
	if err == nil {
		markYoung(s, app)
	}
	return app, err
}
