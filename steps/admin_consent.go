package steps

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// AdminConsent replaces "API permissions → Grant admin consent for <tenant>"
// (optional, --admin-consent): a tenant-wide delegated grant, so users of this
// tenant are not asked to consent one by one.
type AdminConsent struct{}

func (AdminConsent) Info() Info {
	return Info{ID: IDAdminConsent, Title: "Admin consent", Screen: "Azure portal → API permissions → Grant admin consent",
		About: "Grants the delegated permissions for every user in your tenant, so nobody is asked to consent."}
}

func (AdminConsent) Check(ctx context.Context, s *State) error {
	if s.AppProjected {
		return nil
	}
	if s.SP == nil || s.SP.ID == "" {
		if err := lookupSP(ctx, s); err != nil {
			return err
		}
		if s.SP == nil {
			return errors.New("the app has no service principal to grant consent to: run setup without --admin-consent first, or check the app in the Azure portal")
		}
	}
	grants, err := s.Graph.ListPermissionGrants(ctx, s.SP.ID)
	if err != nil {
		return err
	}
	s.grant = nil
	for i, g := range grants {
		if g.ResourceID == s.Catalogue.GraphSPID() && g.ConsentType == "AllPrincipals" {
			s.grant = &grants[i]
		}
	}
	return nil
}

func (AdminConsent) wantScope(s *State) ([]string, error) {
	names, err := azure.ParsePermissionList(s.Opts.Permissions)
	if err != nil {
		return nil, err
	}
	if s.grant == nil {
		return names, nil
	}
	have := strings.Fields(s.grant.Scope)
	return slices.DeleteFunc(names, func(n string) bool {
		return slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, n) })
	}), nil
}

func (st AdminConsent) Plan(s *State) Plan {
	missing, err := st.wantScope(s)
	if err != nil {
		return Plan{Notes: []string{err.Error()}}
	}
	switch {
	case len(missing) == 0:
		return Plan{Found: []string{"admin consent granted: " + s.grant.Scope}}
	case s.grant != nil:
		// A grant made in the portal or by an earlier run lacks some: extend it,
		// keeping what it already holds.
		return Plan{Skippable: true, Found: []string{"admin consent granted: " + s.grant.Scope},
			Changes: []Change{{What: "admin consent for all users", Before: s.grant.Scope, After: extendScope(s.grant.Scope, missing)}}}
	}
	return Plan{Skippable: true, Changes: []Change{{What: "admin consent for all users", After: strings.Join(missing, " ")}}}
}

// extendScope appends the missing names to a grant's space-separated scope.
func extendScope(scope string, missing []string) string {
	return strings.Join(append(strings.Fields(scope), missing...), " ")
}

func (st AdminConsent) Apply(ctx context.Context, s *State) ([]Change, error) {
	missing, err := st.wantScope(s)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	if g := s.grant; g != nil {
		scope := extendScope(g.Scope, missing)
		if err := s.Graph.UpdatePermissionGrantScope(ctx, g.ID, scope); err != nil {
			return nil, err
		}
		before := g.Scope
		g.Scope = scope
		return []Change{{What: "admin consent for all users", Before: before, After: scope}}, nil
	}
	g, err := s.Graph.CreatePermissionGrant(ctx, azure.OAuth2PermissionGrant{
		ClientID: s.SP.ID, ConsentType: "AllPrincipals", ResourceID: s.Catalogue.GraphSPID(), Scope: strings.Join(missing, " "),
	})
	if err != nil {
		return nil, err
	}
	s.grant = g
	return []Change{{What: "admin consent for all users", After: g.Scope}}, nil
}
