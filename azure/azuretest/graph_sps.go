package azuretest

import (
	"fmt"
	"net/http"
	"strings"
)

var spFilter = filterSpec{"appId": "eq", "id": "eq", "displayName": "eq,startswith", "tags": "any", "servicePrincipalNames": "any"}

var spSelectable = keysOf(ServicePrincipal{}, "appRoleAssignmentRequired", "homepage", "loginUrl", "description", "notes", "replyUrls")

var (
	spModeled = set("appId", "tags", "accountEnabled")
	spIgnored = set("appRoleAssignmentRequired", "description", "disabledByMicrosoftStatus", "homepage", "loginUrl",
		"logoutUrl", "notes", "notificationEmailAddresses", "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint",
		"replyUrls", "samlSingleSignOnSettings", "servicePrincipalNames", "keyCredentials", "passwordCredentials", "displayName")
)

// graphServicePrincipals routes /v1.0/servicePrincipals[...].
// Graph: learn.microsoft.com/graph/api/resources/serviceprincipal (methods).
func (s *Server) graphServicePrincipals(w http.ResponseWriter, r *http.Request, key string, rest []string) {
	by, ident, rest, ok := collectionRoute(w, r, "servicePrincipals", key, rest, s.listSPs, s.createSP)
	if !ok {
		return
	}
	if len(rest) > 0 {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", rest[0]))
		return
	}
	switch r.Method {
	case http.MethodGet:
		sel, ok := parseSelect(w, r, "servicePrincipal", spSelectable)
		if !ok {
			return
		}
		s.mu.Lock()
		sp, e := s.spLocked(by, ident)
		var m map[string]any
		if e == nil {
			m = applySelect(entityJSON(sp), sel)
		}
		s.mu.Unlock()
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		s.writeEntity(w, http.StatusOK, "servicePrincipals", m)
	case http.MethodDelete:
		s.mu.Lock()
		sp, e := s.spLocked(by, ident)
		if e == nil {
			s.removeSPLocked(sp.ID)
		}
		s.mu.Unlock()
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r)
	}
}

func (s *Server) spLocked(by, ident string) (*ServicePrincipal, *gerr) {
	if !isGUID(ident) {
		return nil, badRequest("Invalid object identifier '%s'.", ident)
	}
	for _, sp := range s.sps {
		if (by == "id" && strings.EqualFold(sp.ID, ident)) || (by == "appId" && strings.EqualFold(sp.AppID, ident)) {
			return sp, nil
		}
	}
	return nil, notFound(ident)
}

func (s *Server) spByAppIDLocked(appID string) *ServicePrincipal {
	for _, sp := range s.sps {
		if strings.EqualFold(sp.AppID, appID) {
			return sp
		}
	}
	return nil
}

func (s *Server) spByIDLocked(id string) *ServicePrincipal {
	for _, sp := range s.sps {
		if strings.EqualFold(sp.ID, id) {
			return sp
		}
	}
	return nil
}

// removeSPLocked deletes a service principal and the grants it is the client of.
func (s *Server) removeSPLocked(id string) {
	for i, sp := range s.sps {
		if sp.ID == id {
			s.sps = append(s.sps[:i], s.sps[i+1:]...)
			break
		}
	}
	kept := s.grants[:0]
	for _, g := range s.grants {
		if g.ClientID != id && g.ResourceID != id {
			kept = append(kept, g)
		}
	}
	s.grants = kept
}

func (s *Server) listSPs(w http.ResponseWriter, r *http.Request) {
	conds, ok := compileFilter(w, r, "servicePrincipal", spFilter)
	if !ok {
		return
	}
	sel, ok := parseSelect(w, r, "servicePrincipal", spSelectable)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, sp := range s.sps {
		m := entityJSON(sp)
		if matchFilter(m, conds) {
			items = append(items, applySelect(m, sel))
		}
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "servicePrincipals", items)
}

// Graph: learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals — 201.
func (s *Server) createSP(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	if e := checkProps(body, "servicePrincipal", spModeled, spIgnored); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	var appID string
	raw, present := body["appId"]
	if !present || isNull(raw) {
		s.writeGErr(w, r, badRequest("A value is required for property 'appId' of resource 'ServicePrincipal'."))
		return
	}
	if e := decodeValue(raw, "appId", "Edm.String", &appID); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	tags := []string{}
	if v, ok := body["tags"]; ok {
		t, e := decodeStrings(v, "tags")
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		tags = t
	}
	enabled := true
	if v, ok := body["accountEnabled"]; ok {
		var b *bool
		if e := decodeValue(v, "accountEnabled", "Edm.Boolean", &b); e != nil {
			s.writeGErr(w, r, e)
			return
		}
		if b != nil {
			enabled = *b
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing := s.spByAppIDLocked(appID); existing != nil {
		// Graph: one service principal per app and tenant → 409 Request_MultipleObjectsWithSameKeyValue.
		s.writeGErr(w, r, &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: fmt.Sprintf(
			"The service principal cannot be created, updated, or restored because the service principal name %s is already in use.", existing.AppID)})
		return
	}
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil || s.now().Before(rec.visibleAt) {
		// Contract + Graph: during replication (or for no app at all) the appId does not resolve.
		e := badRequest("The appId '%s' of the service principal does not reference a valid application object.", appID)
		e.replication = rec != nil
		s.writeGErr(w, r, e)
		return
	}
	a := rec.app
	scopes := append([]PermissionScope{}, a.API.OAuth2PermissionScopes...)
	sp := &ServicePrincipal{
		ID: newGUID(), AppID: a.AppID, DisplayName: a.DisplayName, AppDisplayName: a.DisplayName,
		AppOwnerOrganizationID: s.TenantID, ServicePrincipalType: "Application", AccountEnabled: enabled,
		SignInAudience: a.SignInAudience, ServicePrincipalNames: []string{a.AppID}, Tags: tags,
		OAuth2PermissionScopes: scopes, AppRoles: []AppRole{},
	}
	s.sps = append(s.sps, sp)
	s.writeEntity(w, http.StatusCreated, "servicePrincipals", entityJSON(sp))
}

// collectionRoute serves GET (list) and POST (create) on a collection itself,
// and otherwise resolves the addressed object: /{collection}/{id}/… or
// /{collection}(appId='…')/… (Graph's alternate key). ok is false when the
// request was answered here.
func collectionRoute(w http.ResponseWriter, r *http.Request, collection, key string, rest []string,
	list, create http.HandlerFunc, keys ...string) (by, ident string, remaining []string, ok bool) {
	if key == "" && len(rest) == 0 {
		switch r.Method {
		case http.MethodGet:
			list(w, r)
		case http.MethodPost:
			create(w, r)
		default:
			methodNotAllowed(w, r)
		}
		return "", "", nil, false
	}
	if key == "" {
		return "id", rest[0], rest[1:], true
	}
	name, v, valid := alternateKey(key, append([]string{"appId"}, keys...)...)
	if !valid {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Bad key segment '%s%s': use %s(appId='{appId}').", collection, key, collection))
		return "", "", nil, false
	}
	return name, v, rest, true
}
