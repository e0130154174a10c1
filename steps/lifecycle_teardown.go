package steps

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// TeardownFlow is `teardown`: delete the app registration and its service
// principal, then remove clientId, clientSecret and microsoftTenant from
// Appmixer, keeping every other key. Run again after a failure: what is
// already gone is skipped.
func TeardownFlow() []Stage {
	return []Stage{
		{SignInAzure{}, SignInAppmixer{}},
		{FindSetup{Optional: true}},
		{DeleteApp{}},
		{ClearAppmixer{}},
	}
}

// DeleteApp deletes the app and its service principal. Its plan's change with
// What "app registration" has Before = the app's exact display name, which the
// TUI asks the person to type (DeleteAppName).
type DeleteApp struct{}

func (DeleteApp) Info() Info {
	return Info{ID: IDDeleteApp, Title: "Delete the app", Screen: "Azure portal → App registrations → the app → Delete",
		About: "Deletes the app registration and its service principal (enterprise application)."}
}

func (DeleteApp) Check(ctx context.Context, s *State) error {
	if s.App == nil || s.AppProjected || s.SPChecked {
		return nil
	}
	return lookupSP(ctx, s)
}

const deleteAppWhat = "app registration"

func (DeleteApp) Plan(s *State) Plan {
	if s.App == nil {
		return Plan{Found: []string{"no app registration to delete"}}
	}
	p := Plan{Found: []string{"found " + describeApp(s.App)}}
	if s.SP != nil {
		p.Changes = append(p.Changes, Change{What: "service principal (enterprise application)", Before: s.App.DisplayName})
	}
	p.Changes = append(p.Changes, Change{What: deleteAppWhat, Before: s.App.DisplayName})
	// Graph: learn.microsoft.com/graph/api/application-delete — deleted apps stay restorable for 30 days.
	p.Notes = []string{fmt.Sprintf("Every Microsoft connection in Appmixer that uses client ID %s stops working. The app stays in Entra ID's deleted applications for 30 days, restorable from there.", s.App.AppID)}
	return p
}

// DeleteAppName is the app name a teardown plan deletes ("" if it deletes none).
func DeleteAppName(p Plan) string {
	for _, c := range p.Changes {
		if c.What == deleteAppWhat {
			return c.Before
		}
	}
	return ""
}

// Apply deletes the service principal first (Graph: serviceprincipal-delete),
// so nothing depends on the home-tenant cascade of application-delete. An
// object already gone counts as deleted.
func (st DeleteApp) Apply(ctx context.Context, s *State) ([]Change, error) {
	plan := st.Plan(s)
	if s.SP != nil && s.SP.ID != "" {
		if err := s.Graph.DeleteServicePrincipal(ctx, s.SP.ID); err != nil {
			return nil, fmt.Errorf("delete the service principal: %w", err)
		}
	}
	if err := s.Graph.DeleteApplication(ctx, s.App.ID); err != nil {
		return plan.Changes[:len(plan.Changes)-1], fmt.Errorf("delete the app registration: %w", err)
	}
	s.SP = nil
	return plan.Changes, s.Journal.RecordApp("", "")
}

// ClearAppmixer removes the keys this product set from appmixer:microsoft. The
// configuration object itself goes only when nothing else is left in it. If
// Appmixer's clientId names another app than the one deleted, nothing is removed.
type ClearAppmixer struct{}

func (ClearAppmixer) Info() Info {
	return Info{ID: IDClearAppmixer, Title: "Clear Appmixer's keys", Screen: "Backoffice → Connector Configuration → appmixer:microsoft",
		About: "Removes clientId, clientSecret and microsoftTenant from appmixer:microsoft, keeping every other key."}
}

func (ClearAppmixer) Check(context.Context, *State) error { return nil } // config read at sign-in

var teardownKeys = []string{"clientId", "clientSecret", tenantKey}

// wanted: the keys to remove, and whether the object is then empty.
func (ClearAppmixer) wanted(s *State) (remove []string, dropObject bool, why string) {
	if !s.ConfigExists {
		return nil, false, ""
	}
	switch id := s.Config["clientId"]; {
	case id != "" && s.App == nil:
		// Not found here: a wrong --tenant must not wipe a working configuration.
		return nil, false, "Appmixer's clientId " + id + " is not an app registration in tenant " + s.TenantID + ": its keys are kept; sign in to that app's tenant (--tenant) or pass --app-id"
	case id != "" && !strings.EqualFold(id, s.App.AppID):
		return nil, false, "Appmixer's clientId " + id + " belongs to another app: its keys are kept"
	}
	for _, k := range teardownKeys {
		if _, ok := s.Config[k]; ok {
			remove = append(remove, k)
		}
	}
	return remove, len(s.Config) == len(remove), ""
}

func (st ClearAppmixer) Plan(s *State) Plan {
	remove, drop, why := st.wanted(s)
	p := Plan{Changes: configChanges(s.Config, appmixer.Merge(s.Config, nil, remove...))}
	switch {
	case why != "":
		p.Notes = append(p.Notes, why)
	case !s.ConfigExists:
		p.Found = append(p.Found, "no appmixer:microsoft configuration")
	case drop:
		p.Changes = append(p.Changes, Change{What: "configuration " + appmixer.ServiceID + " (nothing else is left in it)", Before: appmixer.ServiceID})
	default:
		others := slices.Sorted(maps.Keys(appmixer.Merge(s.Config, nil, remove...)))
		p.Notes = append(p.Notes, "Kept in appmixer:microsoft: "+strings.Join(others, ", ")+".")
	}
	return p
}

func (st ClearAppmixer) Apply(ctx context.Context, s *State) ([]Change, error) {
	remove, drop, _ := st.wanted(s)
	if !drop {
		return saveConfig(ctx, s, nil, remove)
	}
	changes := st.Plan(s).Changes
	if err := s.Appmixer.DeleteServiceConfig(ctx, appmixer.ServiceID); err != nil {
		return nil, err
	}
	s.Config, s.ConfigExists = appmixer.Config{}, false
	return changes, nil
}

func (st ClearAppmixer) Project(s *State) {
	remove, drop, _ := st.wanted(s)
	s.Config = appmixer.Merge(s.Config, nil, remove...)
	if drop {
		s.ConfigExists = false
	}
}
