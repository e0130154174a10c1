package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// App management policies cap client secret lifetimes
// (learn.microsoft.com/graph/api/resources/applicationauthenticationmethodpolicy):
// the tenant default (tenantAppManagementPolicy, disabled unless an admin
// enables it) applies to every app, unless an appManagementPolicy is assigned
// to the app; that one then applies instead, without inheriting from the
// default. Either way a passwordLifetime restriction counts when its state is
// not "disabled" and the app was created on or after its
// restrictForAppsCreatedAfterDateTime (none: every app).

// LifetimeSource says where a secret lifetime cap came from.
type LifetimeSource string

const (
	LifetimeFromAppPolicy     LifetimeSource = "the app's management policy"
	LifetimeFromTenantDefault LifetimeSource = "the tenant's default app management policy"
	LifetimeFromMessage       LifetimeSource = "Graph's refusal"
)

// SecretLifetimeCap is what the policies say about new client secrets of one app.
type SecretLifetimeCap struct {
	Max     time.Duration  // the longest lifetime allowed; 0 = no cap
	Source  LifetimeSource // the policy that caps it; "" when none does
	Policy  string         // that policy's display name (or id)
	Blocked bool           // a passwordAddition restriction forbids new secrets altogether
}

// ErrPolicyUnreadable is wrapped when the policies cannot be read or
// understood: reading them takes Policy.Read.All (and, signed in as a user, a
// role such as Global Reader), which the account setting up the app seldom has.
// The caller then finds the cap by trying shorter lifetimes.
var ErrPolicyUnreadable = errors.New("the tenant's app management policies cannot be read")

// appManagementPolicy is Graph's appManagementPolicy (an app's own policy).
type appManagementPolicy struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	IsEnabled    *bool  `json:"isEnabled"`
	Restrictions *struct {
		PasswordCredentials []credentialRestriction `json:"passwordCredentials"`
	} `json:"restrictions"`
}

// tenantAppManagementPolicy is Graph's tenantAppManagementPolicy (the default).
type tenantAppManagementPolicy struct {
	ID                      string `json:"id"`
	DisplayName             string `json:"displayName"`
	IsEnabled               bool   `json:"isEnabled"`
	ApplicationRestrictions *struct {
		PasswordCredentials []credentialRestriction `json:"passwordCredentials"`
	} `json:"applicationRestrictions"`
}

// credentialRestriction is Graph's passwordCredentialConfiguration.
type credentialRestriction struct {
	RestrictionType                     string     `json:"restrictionType"`
	MaxLifetime                         string     `json:"maxLifetime"`
	RestrictForAppsCreatedAfterDateTime *time.Time `json:"restrictForAppsCreatedAfterDateTime"`
	State                               string     `json:"state"`
}

// SecretLifetimeCap reads the app management policies that apply to the app
// (object id) and returns the cap on its new client secrets and where it comes
// from. A 403 (or a policy it cannot understand) gives an error wrapping
// ErrPolicyUnreadable.
func (g *Graph) SecretLifetimeCap(ctx context.Context, objectID string) (SecretLifetimeCap, error) {
	if objectID == "" {
		return SecretLifetimeCap{}, errors.New("graph: secret lifetime cap: empty object id")
	}
	created := g.appCreated(objectID)
	own, err := list[appManagementPolicy](ctx, g, idPath("applications", objectID)+"/appManagementPolicies")
	if err != nil {
		return SecretLifetimeCap{}, policyError(err)
	}
	for _, p := range own {
		if p.IsEnabled != nil && !*p.IsEnabled {
			continue // not in force: the tenant default applies
		}
		var rs []credentialRestriction
		if p.Restrictions != nil {
			rs = p.Restrictions.PasswordCredentials
		}
		return capFrom(ctx, rs, created, LifetimeFromAppPolicy, nameOr(p.DisplayName, p.ID))
	}
	var def tenantAppManagementPolicy
	if _, err := g.do(ctx, call{method: http.MethodGet, path: "/policies/defaultAppManagementPolicy", out: &def, want: http.StatusOK}); err != nil {
		return SecretLifetimeCap{}, policyError(err)
	}
	if !def.IsEnabled || def.ApplicationRestrictions == nil {
		return SecretLifetimeCap{}, nil
	}
	return capFrom(ctx, def.ApplicationRestrictions.PasswordCredentials, created, LifetimeFromTenantDefault, nameOr(def.DisplayName, def.ID))
}

// capFrom applies one policy's password restrictions to an app created at created().
func capFrom(ctx context.Context, rs []credentialRestriction, created func(context.Context) time.Time, src LifetimeSource, name string) (SecretLifetimeCap, error) {
	c := SecretLifetimeCap{}
	for _, r := range rs {
		if strings.EqualFold(r.State, "disabled") {
			continue
		}
		if r.RestrictForAppsCreatedAfterDateTime != nil && created(ctx).Before(*r.RestrictForAppsCreatedAfterDateTime) {
			continue
		}
		switch r.RestrictionType {
		case "passwordAddition":
			c.Blocked = true
		case "passwordLifetime":
			d, ok := parseISODuration(r.MaxLifetime)
			if !ok {
				return SecretLifetimeCap{}, fmt.Errorf("%w: %s of policy %q is not an ISO 8601 duration", ErrPolicyUnreadable, "maxLifetime", name)
			}
			if c.Max == 0 || d < c.Max {
				c.Max = d
			}
		}
	}
	if c.Max > 0 || c.Blocked {
		c.Source, c.Policy = src, name
	}
	return c, nil
}

// appCreated returns a function that reads the app's createdDateTime once, when
// a restriction needs it. Unknown counts as now: a restriction then applies,
// and a cap that is too strict only shortens the secret.
func (g *Graph) appCreated(objectID string) func(context.Context) time.Time {
	var at time.Time
	return func(ctx context.Context) time.Time {
		if at.IsZero() {
			var a struct {
				CreatedDateTime time.Time `json:"createdDateTime"`
			}
			if _, err := g.do(ctx, call{method: http.MethodGet, path: idPath("applications", objectID) + "?$select=id,createdDateTime", out: &a, want: http.StatusOK}); err == nil && !a.CreatedDateTime.IsZero() {
				at = a.CreatedDateTime
			} else {
				at = time.Now()
			}
		}
		return at
	}
}

// policyError marks a refusal to show the policies as ErrPolicyUnreadable.
func policyError(err error) error {
	if ge, ok := AsGraphError(err); ok && ge.StatusCode == http.StatusForbidden {
		return hint.Wrap(fmt.Errorf("%w: %w", ErrPolicyUnreadable, err),
			hint.Hint{Text: "reading app management policies takes the Policy.Read.All permission (for a user, a role such as Global Reader)"})
	}
	return err
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
