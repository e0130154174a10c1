package azuretest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

var spFilter = filterSpec{"appId": "eq", "id": "eq", "displayName": "eq,startswith", "tags": "any", "servicePrincipalNames": "any",
	"accountEnabled": "eq", "servicePrincipalType": "eq"}

// graphServicePrincipals routes /v1.0/servicePrincipals[...]; segs are canonical.
// Graph: learn.microsoft.com/graph/api/resources/serviceprincipal (methods).
func (s *Server) graphServicePrincipals(w http.ResponseWriter, r *http.Request, key string, rest []string) {
	by, ident, rest, ok := collectionRoute(w, r, "servicePrincipals", key, rest, s.listSPs, s.createSP)
	if !ok {
		return
	}
	if len(rest) > 0 && rest[0] == "owners" {
		s.owners(w, r, "servicePrincipals", by, ident, rest[1:])
		return
	}
	if len(rest) > 0 {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", rest[0]))
		return
	}
	switch r.Method {
	case http.MethodGet:
		sel, ok := parseSelect(w, r, "servicePrincipal")
		if !ok {
			return
		}
		s.mu.Lock()
		rec, e := s.spLocked(by, ident)
		var m map[string]any
		if e == nil {
			m = applySelect(cloneJSON(rec.doc).(map[string]any), sel)
		}
		s.mu.Unlock()
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		s.writeEntity(w, r, http.StatusOK, "servicePrincipals", m)
	case http.MethodPatch:
		s.patchSP(w, r, by, ident)
	case http.MethodDelete:
		// Graph: learn.microsoft.com/graph/api/serviceprincipal-delete — 204; the
		// service principal goes to deleted items (directory-deleteditems-list).
		s.mu.Lock()
		rec, e := s.spLocked(by, ident)
		if e == nil {
			s.softDeleteSPLocked(rec, s.now())
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

// spLocked finds an active service principal by object id or appId. Caller holds s.mu.
func (s *Server) spLocked(by, ident string) (*spRecord, *gerr) {
	if !isGUID(ident) {
		return nil, badRequest("Invalid object identifier '%s'.", ident)
	}
	for _, rec := range s.sps {
		if !rec.deleted() && ((by == "id" && strings.EqualFold(rec.sp.ID, ident)) || (by == "appId" && strings.EqualFold(rec.sp.AppID, ident))) {
			return rec, nil
		}
	}
	return nil, notFound(ident)
}

// spByAppIDLocked finds the active service principal of an appId.
func (s *Server) spByAppIDLocked(appID string) *spRecord {
	for _, rec := range s.sps {
		if !rec.deleted() && strings.EqualFold(rec.sp.AppID, appID) {
			return rec
		}
	}
	return nil
}

// spByIDLocked finds an active service principal by object id.
func (s *Server) spByIDLocked(id string) *spRecord {
	for _, rec := range s.sps {
		if !rec.deleted() && strings.EqualFold(rec.sp.ID, id) {
			return rec
		}
	}
	return nil
}

// softDeleteSPLocked moves a service principal to deleted items; its grants
// are kept with it and come back if it is restored ("you recover the service
// principal's previous configurations":
// learn.microsoft.com/entra/identity/enterprise-apps/restore-application).
func (s *Server) softDeleteSPLocked(rec *spRecord, now time.Time) {
	rec.deletedAt = now
	rec.doc["deletedDateTime"] = formatGraphTime(now)
	rec.setDoc(rec.doc)
	kept := s.grants[:0]
	for _, g := range s.grants {
		if strings.EqualFold(g.ClientID, rec.sp.ID) || strings.EqualFold(g.ResourceID, rec.sp.ID) {
			rec.parked = append(rec.parked, g)
			continue
		}
		kept = append(kept, g)
	}
	s.grants = kept
}

func (s *Server) listSPs(w http.ResponseWriter, r *http.Request) {
	conds, ok := compileFilter(w, r, "servicePrincipal", spFilter)
	if !ok {
		return
	}
	sel, ok := parseSelect(w, r, "servicePrincipal")
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, rec := range s.sps {
		if !rec.deleted() && matchFilter(rec.doc, conds) {
			items = append(items, applySelect(cloneJSON(rec.doc).(map[string]any), sel))
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
	doc, e := buildDoc(newSPDoc(), body, "servicePrincipal", spReadOnly)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	appID, _ := doc["appId"].(string)
	if appID == "" {
		s.writeGErr(w, r, badRequest("A value is required for property 'appId' of resource 'ServicePrincipal'."))
		return
	}
	if _, given := body["accountEnabled"]; !given {
		doc["accountEnabled"] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing := s.spByAppIDLocked(appID); existing != nil {
		// Graph: one service principal per app and tenant → 409 Request_MultipleObjectsWithSameKeyValue.
		s.writeGErr(w, r, &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: fmt.Sprintf(
			"The service principal cannot be created, updated, or restored because the service principal name %s is already in use.", existing.sp.AppID)})
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
	sp := s.addHomeSPLocked(doc, rec)
	if caller := callerID(r); caller != "" {
		sp.owners = []string{caller}
	}
	s.writeEntity(w, r, http.StatusCreated, "servicePrincipals", cloneJSON(sp.doc).(map[string]any))
}

// addHomeSPLocked stores the service principal of rec's application in its
// home tenant: doc holds what the caller gave; Graph fills in the rest from
// the application (servicePrincipal resource: appDisplayName,
// appOwnerOrganizationId, servicePrincipalNames = appId + identifierUris, the
// app's published scopes and roles). Caller holds s.mu.
func (s *Server) addHomeSPLocked(doc map[string]any, rec *appRecord) *spRecord {
	a := rec.app
	doc["id"], doc["appId"] = newGUID(), a.AppID
	doc["appDisplayName"], doc["appOwnerOrganizationId"] = a.DisplayName, s.TenantID
	doc["servicePrincipalType"], doc["signInAudience"] = "Application", a.SignInAudience
	if doc["displayName"] == nil {
		doc["displayName"] = a.DisplayName
	}
	names := []any{a.AppID}
	for _, u := range a.IdentifierURIs {
		names = append(names, u)
	}
	doc["servicePrincipalNames"] = names
	doc["oauth2PermissionScopes"] = cloneJSON(rec.doc["api"].(map[string]any)["oauth2PermissionScopes"])
	doc["appRoles"] = cloneJSON(rec.doc["appRoles"])
	sp := &spRecord{home: true}
	sp.setDoc(doc)
	s.sps = append(s.sps, sp)
	return sp
}

// Graph: learn.microsoft.com/graph/api/serviceprincipal-update — 204.
func (s *Server) patchSP(w http.ResponseWriter, r *http.Request, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	ro := map[string]bool{"appId": true} // fixed at creation
	for k := range spReadOnly {
		ro[k] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.spLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	doc, e := buildDoc(rec.doc, body, "servicePrincipal", ro)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if v, ok := doc["displayName"].(string); !ok || strings.TrimSpace(v) == "" {
		s.writeGErr(w, r, badRequest("A value is required for property 'displayName' of resource 'ServicePrincipal'."))
		return
	}
	rec.setDoc(doc)
	w.WriteHeader(http.StatusNoContent)
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
