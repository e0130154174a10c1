package steps

import (
	"context"
	"slices"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// AdminConsent replaces "API permissions → Grant admin consent for <tenant>"
// (optional, --admin-consent): a tenant-wide delegated grant, so users of this
// tenant are not asked to consent one by one.
type AdminConsent struct{}

func (AdminConsent) Info() Info {
	return Info{ID: IDAdminConsent, Title: "Admin consent", Screen: "Azure portal → API permissions → Grant admin consent",
		About:    "Grants the delegated permissions for every user in your tenant, so nobody is asked to consent.",
		Checking: "Reading the tenant's consent grants"}
}

func (AdminConsent) Check(ctx context.Context, s *State) error {
	if s.Made.AppProjected {
		return nil
	}
	if s.Found.Catalogue == nil { // the consent command has no RegisterApp to load it
		c, err := s.graph().LoadCatalogue(ctx)
		if err != nil {
			return err
		}
		s.Found.Catalogue = c
	}
	if s.Found.SP == nil || s.Found.SP.ID == "" {
		if err := lookupSP(ctx, s); err != nil {
			return err
		}
		if s.Found.SP == nil {
			return hint.New("the app has no service principal to grant consent to", hint.Run("setup", "set the app up without admin consent first"))
		}
	}
	grants, err := s.graph().ListPermissionGrants(ctx, s.Found.SP.ID)
	if err != nil {
		return err
	}
	s.Found.Grant, s.Found.GrantChecked = nil, true
	for i, g := range grants {
		if g.ResourceID == s.Found.Catalogue.GraphSPID() && g.ConsentType == "AllPrincipals" {
			s.Found.Grant = &grants[i]
		}
	}
	return nil
}

// missingConsent are the wanted permissions the tenant-wide grant lacks.
func missingConsent(s *State) ([]string, error) {
	names, _, err := PermissionNames(s.Opts.Permissions)
	if err != nil {
		return nil, err
	}
	if s.Found.Grant == nil {
		return names, nil
	}
	have := strings.Fields(s.Found.Grant.Scope)
	return slices.DeleteFunc(names, func(n string) bool {
		return slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, n) })
	}), nil
}

func (AdminConsent) Plan(s *State) Plan {
	missing, err := missingConsent(s)
	if err != nil {
		return Plan{Notes: []string{err.Error()}}
	}
	g := s.Found.Grant
	switch {
	case len(missing) == 0:
		return Plan{Found: []string{"admin consent granted: " + g.Scope}}
	case g != nil:
		// A grant made in the portal or by an earlier run lacks some: extend it,
		// keeping what it already holds.
		return Plan{Skippable: true, Found: []string{"admin consent granted: " + g.Scope},
			Changes: []Change{{Kind: Update, Subject: SubjectAdminConsent, ID: g.ID, Before: g.Scope, After: strings.Join(append(strings.Fields(g.Scope), missing...), " ")}}}
	}
	return Plan{Skippable: true, Changes: []Change{{Kind: Add, Subject: SubjectAdminConsent, After: strings.Join(missing, " ")}},
		SkipNote: "Skipping leaves a working setup: each user is then asked to consent the first time they connect."}
}

func (AdminConsent) Apply(ctx context.Context, s *State, p Plan) ([]Change, error) {
	c := p.Changes[0]
	if c.Kind == Update {
		if err := s.graph().UpdatePermissionGrantScope(ctx, c.ID, c.After); err != nil {
			return nil, err
		}
		s.Found.Grant.Scope = c.After
		return p.Changes, nil
	}
	g, err := s.graph().CreatePermissionGrant(ctx, azure.OAuth2PermissionGrant{
		ClientID: s.Found.SP.ID, ConsentType: "AllPrincipals", ResourceID: s.Found.Catalogue.GraphSPID(), Scope: c.After,
	})
	if err != nil {
		return nil, err
	}
	s.Found.Grant = g
	c.ID = g.ID
	return []Change{c}, nil
}
