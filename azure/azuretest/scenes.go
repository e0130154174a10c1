package azuretest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Helpers a scene builder (the demo's prepared worlds) and tests use to put
// the tenant in a state someone could have left it in through the portal.
// Each takes the app's appId and returns ErrNotFound for an unknown one.

// RemoveRedirectURIs drops the given Web redirect URIs from the app (all of
// them when none is given).
func (s *Server) RemoveRedirectURIs(appID string, uris ...string) error {
	return s.MutateApplication(appID, func(a *Application) {
		if len(uris) == 0 {
			a.Web.RedirectURIs = []string{}
			return
		}
		a.Web.RedirectURIs = slices.DeleteFunc(a.Web.RedirectURIs, func(u string) bool { return slices.Contains(uris, u) })
	})
}

// SetImplicitGrant sets the Web platform's implicit-grant switches
// (access tokens, ID tokens).
func (s *Server) SetImplicitGrant(appID string, accessTokens, idTokens bool) error {
	return s.MutateApplication(appID, func(a *Application) {
		a.Web.ImplicitGrantSettings = &ImplicitGrantSettings{EnableAccessTokenIssuance: accessTokens, EnableIDTokenIssuance: idTokens}
	})
}

// RemovePermission drops one permission (by id, of resourceAppID) from the
// app's requiredResourceAccess; a resource left without permissions goes too.
func (s *Server) RemovePermission(appID, resourceAppID, permissionID string) error {
	return s.MutateApplication(appID, func(a *Application) {
		var out []RequiredResourceAccess
		for _, rr := range a.RequiredResourceAccess {
			if strings.EqualFold(rr.ResourceAppID, resourceAppID) {
				rr.ResourceAccess = slices.DeleteFunc(rr.ResourceAccess, func(ra ResourceAccess) bool { return strings.EqualFold(ra.ID, permissionID) })
				if len(rr.ResourceAccess) == 0 {
					continue
				}
			}
			out = append(out, rr)
		}
		a.RequiredResourceAccess = append([]RequiredResourceAccess{}, out...)
	})
}

// CreateServicePrincipal creates the app's service principal, as the portal
// does on registration (an existing one is returned as is).
func (s *Server) CreateServicePrincipal(appID string) (ServicePrincipal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.spByAppIDLocked(appID); sp != nil {
		return sp.sp, nil
	}
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil {
		return ServicePrincipal{}, fmt.Errorf("%w: no application with appId %q", ErrNotFound, appID)
	}
	doc := newSPDoc()
	doc["accountEnabled"] = true
	return s.addHomeSPLocked(doc, rec).sp, nil
}

// GrantAdminConsent records tenant-wide consent (AllPrincipals) of the app's
// service principal to Microsoft Graph for scopes, which Graph must publish;
// like POST /oauth2PermissionGrants it refuses a second such grant.
func (s *Server) GrantAdminConsent(appID string, scopes ...string) (OAuth2PermissionGrant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	client := s.spByAppIDLocked(appID)
	if client == nil {
		return OAuth2PermissionGrant{}, fmt.Errorf("%w: no service principal for appId %q; CreateServicePrincipal first", ErrNotFound, appID)
	}
	scope := strings.Join(scopes, " ")
	if e := s.checkGrantScopeLocked(s.graphSPID, scope); e != nil {
		return OAuth2PermissionGrant{}, fmt.Errorf("azuretest: GrantAdminConsent: %s", e.msg)
	}
	g := &OAuth2PermissionGrant{ClientID: client.sp.ID, ConsentType: "AllPrincipals", ResourceID: s.graphSPID, Scope: scope}
	if e := s.addGrantLocked(g); e != nil {
		return OAuth2PermissionGrant{}, fmt.Errorf("azuretest: GrantAdminConsent: %s", e.msg)
	}
	return cloneGrant(*g), nil
}

// DeleteApplication moves the app (and its service principal) to deleted
// items, as deleting it in the portal does.
func (s *Server) DeleteApplication(appID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil {
		return fmt.Errorf("%w: no application with appId %q", ErrNotFound, appID)
	}
	s.softDeleteAppLocked(rec)
	return nil
}

// Throttle queues a 429 with Retry-After, then a 503 with Retry-After, on
// route: Graph throttling (learn.microsoft.com/graph/throttling) and a
// passing outage.
func (s *Server) Throttle(route string, retryAfter time.Duration) {
	s.AddFault(Fault{Route: route, Status: 429, RetryAfter: retryAfter})
	s.AddFault(Fault{Route: route, Status: 503, RetryAfter: retryAfter})
}
