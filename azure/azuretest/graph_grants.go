package azuretest

import (
	"net/http"
	"strings"
)

var grantFilter = filterSpec{"clientId": "eq", "resourceId": "eq", "consentType": "eq", "principalId": "eq", "id": "eq"}

var grantSelectable = keysOf(OAuth2PermissionGrant{})

var grantProps = set("clientId", "consentType", "principalId", "resourceId", "scope", "startTime", "expiryTime")

// graphGrants routes /v1.0/oauth2PermissionGrants[...].
// Graph: learn.microsoft.com/graph/api/resources/oauth2permissiongrant (methods).
func (s *Server) graphGrants(w http.ResponseWriter, r *http.Request, key string, rest []string) {
	if key != "" || len(rest) > 1 {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment 'oauth2PermissionGrants"+key+"'.")
		return
	}
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodGet:
			s.listGrants(w, r)
		case http.MethodPost:
			s.createGrant(w, r)
		default:
			methodNotAllowed(w, r)
		}
		return
	}
	id := rest[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := -1
	for i, g := range s.grants {
		if g.ID == id {
			idx = i
		}
	}
	if idx < 0 {
		s.writeGErr(w, r, notFound(id))
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.writeEntity(w, http.StatusOK, "oauth2PermissionGrants", entityJSON(s.grants[idx]))
	case http.MethodDelete:
		s.grants = append(s.grants[:idx], s.grants[idx+1:]...)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		// Graph: oauth2permissiongrant-update — only scope changes.
		body, ok := readJSONObject(w, r)
		if !ok {
			return
		}
		if e := checkProps(body, "oAuth2PermissionGrant", set("scope")); e != nil {
			s.writeGErr(w, r, e)
			return
		}
		if v, ok := body["scope"]; ok {
			var sc string
			if e := decodeValue(v, "scope", "Edm.String", &sc); e != nil {
				s.writeGErr(w, r, e)
				return
			}
			s.grants[idx].Scope = sc
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r)
	}
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request) {
	conds, ok := compileFilter(w, r, "oAuth2PermissionGrant", grantFilter)
	if !ok {
		return
	}
	sel, ok := parseSelect(w, r, "oAuth2PermissionGrant", grantSelectable)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, g := range s.grants {
		m := entityJSON(g)
		if matchFilter(m, conds) {
			items = append(items, applySelect(m, sel))
		}
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "oauth2PermissionGrants", items)
}

// Graph: learn.microsoft.com/graph/api/oauth2permissiongrant-post — 201.
// clientId and resourceId are service principal object ids; AllPrincipals
// (admin consent) has no principalId; Principal needs a user.
func (s *Server) createGrant(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	if e := checkProps(body, "oAuth2PermissionGrant", grantProps); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	var g OAuth2PermissionGrant
	strField := func(k string, dst *string, required bool) bool {
		v, ok := body[k]
		if !ok || isNull(v) {
			if required {
				s.writeGErr(w, r, badRequest("A value is required for property '%s' of resource 'OAuth2PermissionGrant'.", k))
				return false
			}
			return true
		}
		if e := decodeValue(v, k, "Edm.String", dst); e != nil {
			s.writeGErr(w, r, e)
			return false
		}
		return true
	}
	if !strField("clientId", &g.ClientID, true) || !strField("resourceId", &g.ResourceID, true) ||
		!strField("consentType", &g.ConsentType, true) || !strField("scope", &g.Scope, false) {
		return
	}
	var principal string
	if !strField("principalId", &principal, false) {
		return
	}
	if principal != "" {
		g.PrincipalID = &principal
	}
	for _, k := range []struct{ name, v string }{{"clientId", g.ClientID}, {"resourceId", g.ResourceID}} {
		if !isGUID(k.v) {
			s.writeGErr(w, r, badRequest("Invalid value specified for property '%s' of resource 'OAuth2PermissionGrant'.", k.name))
			return
		}
	}
	switch g.ConsentType {
	case "AllPrincipals":
		if g.PrincipalID != nil {
			s.writeGErr(w, r, badRequest("Invalid value specified for property 'principalId' of resource 'OAuth2PermissionGrant'. principalId must be null when consentType is 'AllPrincipals'."))
			return
		}
	case "Principal":
		if g.PrincipalID == nil {
			s.writeGErr(w, r, badRequest("A value is required for property 'principalId' of resource 'OAuth2PermissionGrant' when consentType is 'Principal'."))
			return
		}
	default:
		s.writeGErr(w, r, badRequest("Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'. Allowed values: AllPrincipals, Principal."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range []string{g.ClientID, g.ResourceID} {
		if s.spByIDLocked(id) == nil {
			s.writeGErr(w, r, notFound(id))
			return
		}
	}
	if g.PrincipalID != nil && !strings.EqualFold(*g.PrincipalID, s.user.oid) {
		s.writeGErr(w, r, notFound(*g.PrincipalID))
		return
	}
	for _, x := range s.grants {
		if strings.EqualFold(x.ClientID, g.ClientID) && strings.EqualFold(x.ResourceID, g.ResourceID) &&
			x.ConsentType == g.ConsentType && ptrEq(x.PrincipalID, g.PrincipalID) {
			// Graph: one grant per (client, resource, principal) — "Permission entry already exists."
			s.writeGErr(w, r, &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: "Permission entry already exists."})
			return
		}
	}
	g.ClientID, g.ResourceID = strings.ToLower(g.ClientID), strings.ToLower(g.ResourceID)
	g.ID = randomString(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
	s.grants = append(s.grants, &g)
	s.writeEntity(w, http.StatusCreated, "oauth2PermissionGrants", entityJSON(&g))
}

func ptrEq(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return strings.EqualFold(*a, *b)
}
