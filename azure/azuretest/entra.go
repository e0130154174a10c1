package azuretest

import (
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// serveEntra answers the Entra ID endpoints MSAL Go calls (read from
// microsoft-authentication-library-for-go apps/internal/oauth): OIDC
// discovery, instance discovery, the device code endpoint and the token endpoint.
func (s *Server) serveEntra(w http.ResponseWriter, r *http.Request) {
	// Entra answers with its own request id and echoes the client's
	// (MSAL sends client-request-id; learn.microsoft.com/entra/identity-platform/reference-error-codes
	// asks for both when reporting an error).
	w.Header().Set("x-ms-request-id", newGUID())
	if id := r.Header.Get("client-request-id"); id != "" {
		w.Header().Set("client-request-id", id)
	}
	p := r.URL.Path
	if p == "/common/discovery/instance" {
		s.serveInstanceDiscovery(w, r)
		return
	}
	if p == "/devicelogin" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintln(w, "azuretest: approve device codes with Server.ApproveDeviceCode.")
		return
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) < 2 {
		writeEntraError(w, http.StatusNotFound, "invalid_request", 900561, "The endpoint does not exist.")
		return
	}
	tenant, rest := segs[0], strings.Join(segs[1:], "/")
	if !s.knownTenant(tenant) {
		// Entra: AADSTS90002 for a tenant that does not exist.
		writeEntraError(w, http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf(
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		s.serveOpenIDConfig(w, r, tenant)
	case "oauth2/v2.0/devicecode":
		if !requirePostForm(w, r) {
			return
		}
		s.serveDeviceCode(w, r, tenant)
	case "oauth2/v2.0/token":
		if !requirePostForm(w, r) {
			return
		}
		s.serveToken(w, r, tenant)
	default:
		writeEntraError(w, http.StatusNotFound, "invalid_request", 900561, "The endpoint does not exist.")
	}
}

func (s *Server) knownTenant(t string) bool {
	switch strings.ToLower(t) {
	case s.TenantID, "organizations", "common":
		return true
	}
	return false
}

// Entra: OAuth endpoints only take POST with a form body (RFC 6749 §3.2).
func requirePostForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900561, "The endpoint only accepts POST requests.")
		return false
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'grant_type'.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body could not be parsed as a form.")
		return false
	}
	return true
}

// Entra: login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration.
// MSAL requires authorization_endpoint, token_endpoint and an issuer whose
// scheme and host match the authority (authority.go ValidateIssuerMatchesAuthority).
func (s *Server) serveOpenIDConfig(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodGet {
		writeEntraError(w, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts GET requests.")
		return
	}
	issuerTenant := s.TenantID
	if tenant != s.TenantID {
		issuerTenant = "{tenantid}" // Entra returns this placeholder for common/organizations
	}
	host := s.baseURL(r)
	base := host + "/" + tenant
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                host + "/" + issuerTenant + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     host + "/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nonce", "name", "preferred_username", "oid", "tid", "ver"},
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
	})
}

// Entra: /common/discovery/instance (MSAL's aadInstanceDiscoveryEndpoint).
// MSAL Python asks it (at login.microsoftonline.com) before using any
// authority host it does not know (msal/authority.py); it accepts only the
// emulator's own hosts, as Entra accepts only its own instances and answers
// anything else with 400 invalid_instance (AADSTS50049).
func (s *Server) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	auth := r.URL.Query().Get("authorization_endpoint")
	au, err := url.Parse(auth)
	host := ""
	if err == nil && strings.EqualFold(au.Scheme, "https") {
		host = s.instanceHost(au.Host)
	}
	if host == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_instance", 50049,
			"Unknown or invalid instance.")
		return
	}
	tenant := s.TenantID
	if segs := strings.Split(strings.Trim(au.Path, "/"), "/"); len(segs) > 0 && segs[0] != "" {
		tenant = segs[0]
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + host + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host, "preferred_cache": host, "aliases": []string{host},
		}},
	})
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, tenant string) {
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "client_credentials":
		s.grantClientCredentials(w, r)
	case "urn:ietf:params:oauth:grant-type:device_code", "device_code":
		s.grantDeviceCode(w, r)
	case "refresh_token":
		s.grantRefreshToken(w, r)
	case "":
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'grant_type'.")
	default:
		writeEntraError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			fmt.Sprintf("The app requested an unsupported grant type '%s'.", gt))
	}
}

// scopeResource splits "https://host/.default" into its resource and permission.
func scopeResource(scope string) (resource, perm string) {
	if i := strings.LastIndex(scope, "/"); i > 0 {
		return scope[:i], scope[i+1:]
	}
	return "", scope
}

// Resources the emulated tenant issues tokens for.
const (
	resGraph = "graph" // Microsoft Graph: graph.microsoft.com, its app id, or this server's own URLs
	resARM   = "arm"   // Azure Resource Manager, which az login asks for first
)

// armAppID is Azure Resource Manager's application id, the same in every tenant.
const armAppID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"

// resourceKind names the resource a scope's resource part addresses, "" if
// the tenant has no such resource. Entra: v2 scopes are "<resource>/<perm>";
// the resource is an App ID URI or app id (learn.microsoft.com/entra/identity-platform/scopes-oidc).
func (s *Server) resourceKind(res string) string {
	trimmed := strings.TrimSuffix(res, "/")
	switch {
	case strings.EqualFold(trimmed, "https://graph.microsoft.com"), strings.EqualFold(trimmed, GraphAppID), s.isOwnURL(trimmed):
		return resGraph
	case strings.EqualFold(trimmed, "https://management.core.windows.net"), strings.EqualFold(trimmed, "https://management.azure.com"),
		strings.EqualFold(trimmed, armAppID):
		return resARM
	}
	return ""
}

func resourceNotFound(res, tenant string) (string, int, string) {
	return "invalid_resource", 500011, fmt.Sprintf(
		"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", res, tenant)
}

var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// checkDelegatedScopes validates user-flow scopes; it returns an Entra error or "".
// All of them must address one resource (Entra issues a token for one).
func (s *Server) checkDelegatedScopes(scopes []string) (errCode string, aadsts int, msg string) {
	if len(scopes) == 0 {
		return "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."
	}
	for _, sc := range scopes {
		if oidcScopes[sc] {
			continue
		}
		res, perm := scopeResource(sc)
		kind := resGraph // a bare permission name means Microsoft Graph
		if res != "" {
			kind = s.resourceKind(res)
		}
		if kind == "" {
			// Entra: AADSTS500011 when the resource is not in the tenant.
			return resourceNotFound(res, s.TenantID)
		}
		if kind == resARM && perm != ".default" && perm != "user_impersonation" {
			return "invalid_scope", 70011, fmt.Sprintf(
				"The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", sc)
		}
		if kind == resGraph && perm != ".default" && !graphScopeExists(perm) {
			return "invalid_scope", 70011, fmt.Sprintf(
				"The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", sc)
		}
	}
	return "", 0, ""
}

func graphScopeExists(v string) bool {
	for _, sc := range graphDelegatedScopes {
		if strings.EqualFold(sc.value, v) {
			return true
		}
	}
	return false
}

func (s *Server) lifetimeSeconds() int {
	return int(math.Ceil(s.cfg.tokenLifetime.Seconds()))
}

// userTokenResponse issues the delegated token set. Caller holds s.mu.
// Entra: learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code#successful-authentication-response
func (s *Server) userTokenResponse(clientID string, scopes []string) map[string]any {
	lifetime := s.cfg.tokenLifetime
	at := s.issueAccessToken(s.userToken(clientID, scopes), delegatedScp, lifetime)
	resp := map[string]any{
		"token_type":     "Bearer",
		"scope":          strings.Join(scopes, " "), // echo: MSAL caches under these scopes
		"expires_in":     s.lifetimeSeconds(),
		"ext_expires_in": s.lifetimeSeconds(),
		"access_token":   at,
		"id_token":       s.idToken(clientID, lifetime),
		"client_info":    s.clientInfo(),
	}
	for _, sc := range scopes {
		if sc == "offline_access" { // Entra: refresh tokens only with offline_access
			rt := randomString(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
			s.refreshes[hashSecret(rt)] = &refreshInfo{ClientID: clientID, Scopes: append([]string(nil), scopes...)}
			resp["refresh_token"] = rt
		}
	}
	return resp
}

// Entra: learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
func (s *Server) grantRefreshToken(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	clientID, rt := f.Get("client_id"), f.Get("refresh_token")
	if clientID == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	if rt == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	info, ok := s.refreshes[hashSecret(rt)]
	if !ok || info.ClientID != clientID {
		writeEntraError(w, http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
		return
	}
	scopes := strings.Fields(f.Get("scope"))
	if len(scopes) == 0 {
		scopes = info.Scopes
	}
	if code, n, msg := s.checkDelegatedScopes(scopes); code != "" {
		writeEntraError(w, http.StatusBadRequest, code, n, msg)
		return
	}
	writeJSON(w, http.StatusOK, s.userTokenResponse(clientID, scopes))
}

// Entra: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
func (s *Server) grantClientCredentials(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	clientID, secret, scope := f.Get("client_id"), f.Get("client_secret"), f.Get("scope")
	if clientID == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	if secret == "" {
		writeEntraError(w, http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	}
	var scopes []string
	for _, sc := range strings.Fields(scope) {
		if !oidcScopes[sc] { // MSAL appends openid/offline_access/profile; Entra ignores them here
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) != 1 || !strings.HasSuffix(scopes[0], "/.default") {
		// Entra: AADSTS1002012 — client credentials need exactly "<resource>/.default".
		writeEntraError(w, http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf(
			"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope))
		return
	}
	res, _ := scopeResource(scopes[0])
	kind := s.resourceKind(res)
	if kind == "" {
		code, n, msg := resourceNotFound(res, s.TenantID)
		writeEntraError(w, http.StatusBadRequest, code, n, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status, errCode, aadsts, msg, info := s.checkClientSecretLocked(clientID, secret)
	if errCode != "" {
		writeEntraError(w, status, errCode, aadsts, msg)
		return
	}
	info.resource, info.aud = kind, audience(res)
	if kind == resARM {
		info.roles = nil // the Graph app roles do not travel to other resources
	}
	at := s.issueAccessToken(info, "", s.cfg.tokenLifetime)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": s.lifetimeSeconds(), "ext_expires_in": s.lifetimeSeconds(), "access_token": at,
	})
}

// checkClientSecretLocked decides a client-credentials request like Entra:
// unknown app → AADSTS700016, wrong or not-yet-propagated secret →
// AADSTS7000215, expired secret → AADSTS7000222, no service principal → AADSTS7000229.
// Entra: learn.microsoft.com/entra/identity-platform/reference-error-codes. Caller holds s.mu.
func (s *Server) checkClientSecretLocked(clientID, secret string) (status int, errCode string, aadsts int, msg string, info tokenInfo) {
	clientID = strings.ToLower(clientID)
	if clientID == s.automation.appID {
		if hashSecret(secret) != hashSecret(s.automation.secret) {
			return http.StatusUnauthorized, "invalid_client", 7000215, invalidSecretMsg(clientID), info
		}
		return 0, "", 0, "", tokenInfo{kind: kindAutomation, appID: clientID, oid: s.automation.spID, roles: s.automation.roles}
	}
	rec := s.appByAppIDLocked(clientID, true)
	if rec == nil {
		return http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, s.TenantID), info
	}
	now := s.now()
	var match *PasswordCredential
	var srec secretRecord
	for i, pc := range rec.app.PasswordCredentials {
		if sr, ok := rec.secrets[pc.KeyID]; ok && sr.hash == hashSecret(secret) {
			match, srec = &rec.app.PasswordCredentials[i], sr
			break
		}
	}
	if match == nil || now.Before(srec.createdAt.Add(s.cfg.secretPropagation)) || now.Before(match.StartDateTime) {
		// A new secret is unknown to the token service until it propagates.
		return http.StatusUnauthorized, "invalid_client", 7000215, invalidSecretMsg(clientID), info
	}
	if !now.Before(match.EndDateTime) {
		return http.StatusUnauthorized, "invalid_client", 7000222, fmt.Sprintf(
			"The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app.", clientID), info
	}
	sp := s.spByAppIDLocked(clientID)
	if sp == nil {
		return http.StatusUnauthorized, "invalid_client", 7000229, fmt.Sprintf(
			"The client application %s is missing service principal in the tenant %s. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119", clientID, s.TenantID), info
	}
	return 0, "", 0, "", tokenInfo{kind: kindApp, appID: clientID, oid: sp.sp.ID}
}

func invalidSecretMsg(clientID string) string {
	return fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)
}

// SecretWorks reports whether a client-credentials token would be issued now.
func (s *Server) SecretWorks(appID, secret string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, code, _, _, _ := s.checkClientSecretLocked(appID, secret)
	return code == ""
}
