package azuretest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// validateAppLocked holds a new or updated app (view of its document) to the
// rules Graph enforces beyond the types. self is the app being updated (or
// the new record); its own values do not conflict with themselves.
// Caller holds s.mu.
func (s *Server) validateAppLocked(self *appRecord, a *Application) *gerr {
	if e := validateApp(a); e != nil {
		return e
	}
	for _, u := range a.Spa.redirects() {
		if why := redirectURIProblem(u); why != "" {
			return badRequest("Invalid value specified for property 'redirectUris' of resource 'SpaApplication'. '%s' %s", u, why)
		}
	}
	for _, u := range a.PublicClient.redirects() {
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() {
			return badRequest("Invalid value specified for property 'redirectUris' of resource 'PublicClientApplication'. '%s' is not an absolute URI.", u)
		}
	}
	if e := validateIdentifierURIs(a.IdentifierURIs, s.domain); e != nil {
		return e
	}
	for _, u := range a.IdentifierURIs {
		for _, other := range s.apps {
			if other == self {
				continue
			}
			for _, ou := range other.app.IdentifierURIs {
				// Held by active apps and by apps in deleted items alike
				// (Azure/OpenShift#34: recreating after a delete conflicts).
				if strings.EqualFold(strings.TrimSuffix(ou, "/"), strings.TrimSuffix(u, "/")) {
					return conflict("identifierUris")
				}
			}
		}
	}
	return validatePermissionScopes(a)
}

func (r *RedirectURIs) redirects() []string {
	if r == nil {
		return nil
	}
	return r.RedirectURIs
}

// validateIdentifierURIs applies Entra's App ID URI rules: absolute URIs, and
// http(s) hosts on a verified domain of the tenant (or a subdomain).
// Entra: learn.microsoft.com/entra/identity-platform/reference-breaking-changes
// (AppId URI … verified domains, October 2021); the error as quoted in
// microsoftgraph/microsoft-graph-docs-contrib#9317.
func validateIdentifierURIs(uris []string, domain string) *gerr {
	seen := map[string]bool{}
	for _, u := range uris {
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme == "" || (pu.Host == "" && pu.Opaque == "") {
			return badRequest("Invalid value specified for property 'identifierUris' of resource 'Application'. '%s' is not an absolute URI.", u)
		}
		if strings.Contains(u, "*") || pu.Fragment != "" || pu.RawQuery != "" {
			return badRequest("Invalid value specified for property 'identifierUris' of resource 'Application'. '%s' must not contain wildcards, a query or a fragment.", u)
		}
		if seen[strings.ToLower(u)] {
			return badRequest("Invalid value specified for property 'identifierUris' of resource 'Application'. '%s' is listed twice.", u)
		}
		seen[strings.ToLower(u)] = true
		switch strings.ToLower(pu.Scheme) {
		case "http", "https":
			host := strings.ToLower(pu.Hostname())
			if host != domain && !strings.HasSuffix(host, "."+domain) {
				msg := fmt.Sprintf("Values of identifierUris property must use a verified domain of the organization or its subdomain: '%s'", u)
				return &gerr{status: http.StatusBadRequest, code: "HostNameNotOnVerifiedDomain", msg: msg,
					details: []map[string]any{{"code": "HostNameNotOnVerifiedDomain", "message": msg, "target": "identifierUris"}}}
			}
		}
	}
	return nil
}

// validatePermissionScopes checks the delegated permissions an app exposes: ids are
// GUIDs and unique, values unique, and types from Graph's documented sets.
// Graph: permissionScope and appRole resources; the message shape as quoted
// in microsoftgraph/microsoft-graph-docs-contrib#4750.
func validatePermissionScopes(a *Application) *gerr {
	ids, values := map[string]bool{}, map[string]bool{}
	for _, sc := range a.API.OAuth2PermissionScopes {
		if !isGUID(sc.ID) {
			return badRequest("Invalid value specified for property 'id' of resource 'PermissionScope'.")
		}
		if sc.Type != "User" && sc.Type != "Admin" {
			return badRequest("Invalid value specified for property 'type' of resource 'PermissionScope'.")
		}
		if ids[strings.ToLower(sc.ID)] || (sc.Value != "" && values[strings.ToLower(sc.Value)]) {
			return badRequest("Invalid value specified for property 'oauth2PermissionScopes' of resource 'Application'. Permission ids and values must be unique.")
		}
		ids[strings.ToLower(sc.ID)], values[strings.ToLower(sc.Value)] = true, true
	}
	return nil
}
