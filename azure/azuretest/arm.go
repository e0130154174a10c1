package azuretest

import (
	"net/http"
	"strings"
)

// A tenant without Azure subscriptions, as Azure Resource Manager shows it:
// az login reads GET {resourceManager}/subscriptions (and /tenants) after
// the token (azure-cli core/_profile.py SubscriptionFinder), and logs in
// with --allow-no-subscriptions to a tenant-level account when the list is
// empty. ARM: learn.microsoft.com/rest/api/resources/subscriptions/list,
// /tenants/list.

func isARMPath(p string) bool { return p == "/subscriptions" || p == "/tenants" }

func (s *Server) serveARM(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ti, msg := s.lookupToken(bearerToken(r), resARM)
	s.mu.Unlock()
	if ti == nil {
		// ARM: 401 with an ARM error body (InvalidAuthenticationToken…).
		code := "InvalidAuthenticationToken"
		if strings.Contains(msg, "audience") {
			code, msg = "InvalidAuthenticationTokenAudience",
				"The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."
		}
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="`+s.URL+`", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": code, "message": msg}})
		return
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]any{
			"code": "MethodNotAllowed", "message": "The requested resource does not support http method '" + r.Method + "'."}})
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"code": "MissingApiVersionParameter", "message": "The api-version query parameter (?api-version=) is required for all requests."}})
		return
	}
	if r.URL.Path == "/tenants" {
		writeJSON(w, http.StatusOK, map[string]any{"value": []any{map[string]any{
			"id": "/tenants/" + s.TenantID, "tenantId": s.TenantID, "tenantCategory": "Home",
			"displayName": s.orgName, "defaultDomain": s.domain, "domains": []string{s.domain},
		}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": []any{}})
}
