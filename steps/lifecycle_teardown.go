package steps

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// TeardownFlow is `teardown`: delete the app registration and its service
// principal, then remove clientId, clientSecret and microsoftTenant from
// Appmixer, keeping every other key. Run again after a failure: what is
// already gone is skipped.
func TeardownFlow(Options) []Stage {
	return []Stage{{FindSetup{Optional: true}}, {DeleteApp{}}, {ClearAppmixer{}}}
}

// DeleteApp deletes the app and its service principal. Its plan asks for the
// app's exact name to be typed (Plan.ConfirmName).
type DeleteApp struct{}

func (DeleteApp) Info() Info {
	return Info{ID: IDDeleteApp, Title: "Delete the app", Screen: "Azure portal → App registrations → the app → Delete",
		About: "Deletes the app registration and its service principal (enterprise application).", Checking: "Looking for the app's service principal"}
}

func (DeleteApp) Check(ctx context.Context, s *State) error {
	if s.Found.App == nil || s.Made.AppProjected || s.Found.SPChecked {
		return nil
	}
	return lookupSP(ctx, s)
}

func (DeleteApp) Plan(s *State) Plan {
	app := s.Found.App
	if app == nil {
		if s.Found.AppDeleted {
			return Plan{Found: []string{"the app was already deleted"}}
		}
		return Plan{Found: []string{"no app registration to delete"}}
	}
	p := Plan{Found: []string{"found " + describeApp(app)}, ConfirmName: app.DisplayName}
	if sp := s.Found.SP; sp != nil {
		p.Changes = append(p.Changes, Change{Kind: Remove, Subject: SubjectServicePrincipal, Name: app.DisplayName, ID: sp.ID})
	}
	p.Changes = append(p.Changes, Change{Kind: Remove, Subject: SubjectApp, Name: app.DisplayName, ID: app.ID})
	// Graph: learn.microsoft.com/graph/api/application-delete — deleted apps stay restorable for 30 days.
	p.Notes = []string{fmt.Sprintf("Every Microsoft connection in Appmixer that uses client ID %s stops working. The app stays in Entra ID's deleted applications for 30 days, restorable from there.", app.AppID)}
	return p
}

// Apply deletes the service principal first (Graph: serviceprincipal-delete),
// so nothing depends on the home-tenant cascade of application-delete. An
// object already gone counts as deleted.
func (DeleteApp) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	var changed []Change
	for _, c := range p.Changes {
		var err error
		switch c.Subject {
		case SubjectServicePrincipal:
			err = s.graph().DeleteServicePrincipal(ctx, c.ID)
		case SubjectApp:
			err = s.graph().DeleteApplication(ctx, c.ID)
		}
		if err != nil && !azure.IsNotFound(err) {
			return changed, fmt.Errorf("delete the %s: %w", c.What(), err)
		}
		changed = append(changed, c)
	}
	s.Found.SP, s.Found.AppDeleted = nil, true
	return changed, s.Journal.ForgetApp()
}

// ClearAppmixer removes the keys this program set from appmixer:microsoft. The
// configuration object itself goes only when nothing else is left in it. If
// Appmixer's clientId names another app than the one deleted, nothing is removed.
type ClearAppmixer struct{}

func (ClearAppmixer) Info() Info {
	return Info{ID: IDClearAppmixer, Title: "Clear Appmixer's keys", Screen: "Backoffice → Connector Configuration → appmixer:microsoft",
		About: "Removes clientId, clientSecret and microsoftTenant from appmixer:microsoft, keeping every other key.", Checking: "Reading Appmixer's configuration"}
}

func (ClearAppmixer) Check(context.Context, *State) error { return nil } // config read at sign-in

var teardownKeys = []string{"clientId", "clientSecret", tenantKey}

// wanted: the keys to remove, and whether the object is then empty.
func (ClearAppmixer) wanted(s *State) (remove []string, dropObject bool, why string) {
	if !s.Found.ConfigExists {
		return nil, false, ""
	}
	switch id := s.config()["clientId"]; {
	case id != "" && s.Found.App == nil && !s.Found.AppDeleted:
		// Not found here: a wrong tenant must not wipe a working configuration.
		return nil, false, "Appmixer's clientId " + id + " is not an app registration in tenant " + s.tenant() + ": its keys are kept; sign in to that app's tenant or name the app"
	case id != "" && s.Found.App != nil && !strings.EqualFold(id, s.Found.App.AppID):
		return nil, false, "Appmixer's clientId " + id + " belongs to another app: its keys are kept"
	}
	for _, k := range teardownKeys {
		if _, ok := s.config()[k]; ok {
			remove = append(remove, k)
		}
	}
	return remove, len(s.config()) == len(remove), ""
}

func (st ClearAppmixer) Plan(s *State) Plan {
	remove, drop, why := st.wanted(s)
	p := Plan{Changes: configChanges(s, s.config(), nil, remove)}
	switch {
	case why != "":
		p.Notes = append(p.Notes, why)
	case !s.Found.ConfigExists:
		p.Found = append(p.Found, "no appmixer:microsoft configuration")
	case drop:
		p.Changes = append(p.Changes, Change{Kind: Remove, Subject: SubjectConfig, Name: appmixer.ServiceID, Why: "nothing else is left in it"})
	default:
		others := slices.Sorted(maps.Keys(appmixer.Merge(s.config(), nil, remove...)))
		p.Notes = append(p.Notes, "Kept in appmixer:microsoft: "+strings.Join(others, ", ")+".")
	}
	return p
}

func (ClearAppmixer) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	if !p.Has(SubjectConfig, Remove) {
		if err := saveConfig(ctx, s, p.Changes); err != nil {
			return nil, err
		}
		return p.Changes, nil
	}
	if err := s.amx().DeleteServiceConfig(ctx, appmixer.ServiceID); err != nil {
		return nil, err
	}
	s.Found.Config, s.Found.ConfigExists = appmixer.Config{}, false
	return p.Changes, nil
}

func (ClearAppmixer) Project(s *State, p Plan) {
	s.Found.Config = configAfter(s, s.config(), p.Changes)
	if p.Has(SubjectConfig, Remove) {
		s.Found.ConfigExists = false
	}
}
