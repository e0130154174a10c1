package azuretest

import (
	"fmt"
	"net/http"
	"strings"
)

// Graph: learn.microsoft.com/graph/api/organization-list.
func (s *Server) graphOrganization(w http.ResponseWriter, r *http.Request, rest []string) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r)
		return
	}
	org := map[string]any{
		"id": s.TenantID, "displayName": s.orgName, "tenantType": "AAD", "countryLetterCode": "US",
		"verifiedDomains": []map[string]any{{
			"name": s.domain, "isDefault": true, "isInitial": true, "type": "Managed",
			"capabilities": "Email, OfficeCommunicationsOnline",
		}},
	}
	switch {
	case len(rest) == 0:
		s.writeCollection(w, r, "organization", []map[string]any{org})
	case len(rest) == 1 && strings.EqualFold(rest[0], s.TenantID):
		s.writeEntity(w, r, http.StatusOK, "organization", org)
	default:
		s.writeGErr(w, r, notFound(strings.Join(rest, "/")))
	}
}

// Graph: learn.microsoft.com/graph/api/user-get — /me needs a delegated token.
func (s *Server) graphMe(w http.ResponseWriter, r *http.Request, ti tokenInfo, rest []string) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r)
		return
	}
	if len(rest) > 0 {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", rest[0]))
		return
	}
	if ti.kind != kindUser {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	given, _, _ := strings.Cut(s.user.name, " ")
	s.writeEntity(w, r, http.StatusOK, "users", map[string]any{
		"id": s.user.oid, "displayName": s.user.name, "userPrincipalName": s.user.upn, "mail": s.user.upn,
		"givenName": given, "businessPhones": []string{},
	})
}
