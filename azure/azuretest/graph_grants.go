package azuretest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

var grantFilter = filterSpec{"clientId": "eq", "resourceId": "eq", "consentType": "eq", "principalId": "eq", "id": "eq"}

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
	if r.Method == http.MethodPatch {
		// Take the body off the wire before locking, as every other handler
		// does: a slow client must not stall the whole emulator.
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Unable to read the request body.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
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
		s.writeEntity(w, r, http.StatusOK, "oauth2PermissionGrants", toJSONMap(s.grants[idx]))
	case http.MethodDelete:
		s.grants = append(s.grants[:idx], s.grants[idx+1:]...)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		// Graph: oauth2permissiongrant-update — only scope changes.
		body, ok := readJSONObject(w, r)
		if !ok {
			return
		}
		given, e := buildDoc(map[string]any{}, body, "oAuth2PermissionGrant", set("id", "clientId", "consentType", "principalId", "resourceId"))
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		if v, ok := given["scope"]; ok {
			sc, _ := v.(string)
			if e := s.checkGrantScopeLocked(s.grants[idx].ResourceID, sc); e != nil {
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
	sel, ok := parseSelect(w, r, "oAuth2PermissionGrant")
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, g := range s.grants {
		m := toJSONMap(g)
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
	doc, e := buildDoc(map[string]any{}, body, "oAuth2PermissionGrant", set("id"))
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	var g OAuth2PermissionGrant
	fromJSONMap(doc, &g)
	for _, k := range []string{"clientId", "resourceId", "consentType"} {
		if v, _ := doc[k].(string); v == "" {
			s.writeGErr(w, r, badRequest("A value is required for property '%s' of resource 'OAuth2PermissionGrant'.", k))
			return
		}
	}
	if g.PrincipalID != nil && *g.PrincipalID == "" {
		g.PrincipalID = nil
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
	if e := s.checkGrantScopeLocked(g.ResourceID, g.Scope); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if e := s.addGrantLocked(&g); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.writeEntity(w, r, http.StatusCreated, "oauth2PermissionGrants", toJSONMap(&g))
}

// addGrantLocked stores a checked grant under a new id, unless the same
// client, resource and principal already have one. Graph: one grant per
// (client, resource, principal) — 409 "Permission entry already exists."
// Caller holds s.mu.
func (s *Server) addGrantLocked(g *OAuth2PermissionGrant) *gerr {
	for _, x := range s.grants {
		if strings.EqualFold(x.ClientID, g.ClientID) && strings.EqualFold(x.ResourceID, g.ResourceID) &&
			x.ConsentType == g.ConsentType && ptrEq(x.PrincipalID, g.PrincipalID) {
			return &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: "Permission entry already exists."}
		}
	}
	g.ClientID, g.ResourceID = strings.ToLower(g.ClientID), strings.ToLower(g.ResourceID)
	g.ID = randomString(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
	s.grants = append(s.grants, g)
	return nil
}

// checkGrantScopeLocked accepts a grant's scope only if each space-separated
// value is an enabled delegated permission the resource service principal
// publishes, matched exactly (a typo or a wrong case fails).
// Graph: oAuth2PermissionGrant resource, scope: "Each claim value should
// match the value field of one of the delegated permissions defined by the
// API, listed in the oauth2PermissionScopes property of the resource service
// principal." Graph's exact answer is not documented; the message follows
// its validation errors (microsoftgraph/microsoft-graph-docs-contrib#4750).
func (s *Server) checkGrantScopeLocked(resourceID, scope string) *gerr {
	res := s.spByIDLocked(resourceID)
	if res == nil {
		return notFound(resourceID)
	}
	for _, v := range strings.Fields(scope) {
		ok := false
		for _, sc := range res.sp.OAuth2PermissionScopes {
			ok = ok || (sc.Value == v && sc.IsEnabled)
		}
		if !ok {
			return badRequest("Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant'. '%s' is not a delegated permission of the resource service principal %s.", v, res.sp.ID)
		}
	}
	return nil
}

func ptrEq(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return strings.EqualFold(*a, *b)
}
