package azuretest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var appFilter = filterSpec{"displayName": "eq,startswith", "appId": "eq", "id": "eq", "tags": "any", "signInAudience": "eq",
	"identifierUris": "any", "uniqueName": "eq,startswith", "publisherDomain": "eq"}

// graphApplications routes /v1.0/applications[...]; segs are canonical.
// Graph: learn.microsoft.com/graph/api/resources/application (methods).
func (s *Server) graphApplications(w http.ResponseWriter, r *http.Request, key string, rest []string) {
	by, ident, rest, ok := collectionRoute(w, r, "applications", key, rest, s.listApplications, s.createApplication, "uniqueName")
	if !ok {
		return
	}
	action := ""
	if len(rest) > 0 {
		action = rest[0]
	}
	switch {
	case action == "owners":
		s.owners(w, r, "applications", by, ident, rest[1:])
		return
	case len(rest) > 1:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", rest[1]))
		return
	}
	switch {
	case action == "" && r.Method == http.MethodGet:
		s.getApplication(w, r, by, ident)
	case action == "" && r.Method == http.MethodPatch:
		s.patchApplication(w, r, by, ident)
	case action == "" && r.Method == http.MethodDelete:
		s.deleteApplication(w, r, by, ident)
	case action == "addPassword" && r.Method == http.MethodPost:
		s.addPassword(w, r, by, ident)
	case action == "removePassword" && r.Method == http.MethodPost:
		s.removePassword(w, r, by, ident)
	case action == "appManagementPolicies" && r.Method == http.MethodGet:
		s.appManagementPolicies(w, r, by, ident)
	case action == "" || action == "addPassword" || action == "removePassword" || action == "appManagementPolicies":
		methodNotAllowed(w, r)
	default:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", action))
	}
}

func notFound(ident string) *gerr {
	return &gerr{status: http.StatusNotFound, code: "Request_ResourceNotFound",
		msg: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", ident)}
}

// appLocked finds an active app by object id, appId or uniqueName. A
// just-created app answers 404 until it has replicated (contract; Graph:
// known eventual consistency of directory writes,
// learn.microsoft.com/graph/api/application-post-applications). An app in
// deleted items is not found here. Caller holds s.mu.
func (s *Server) appLocked(by, ident string) (*appRecord, *gerr) {
	var found *appRecord
	switch {
	case by == "uniqueName":
		if rec := s.appByUniqueNameLocked(ident); rec != nil && !rec.deleted() {
			found = rec
		}
	case !isGUID(ident) && by == "appId":
		return nil, badRequest("Invalid value specified for object reference property 'appId'. Please ensure that this value has an appropriate syntax and length.")
	case !isGUID(ident):
		return nil, badRequest("Invalid object identifier '%s'.", ident)
	default:
		for _, rec := range s.apps {
			if !rec.deleted() && ((by == "id" && strings.EqualFold(rec.app.ID, ident)) || (by == "appId" && strings.EqualFold(rec.app.AppID, ident))) {
				found = rec
			}
		}
	}
	if found == nil {
		return nil, notFound(ident)
	}
	if s.now().Before(found.visibleAt) {
		e := notFound(ident)
		e.replication = true
		return nil, e
	}
	return found, nil
}

// appByUniqueNameLocked finds the app holding a uniqueName, replicated or
// not, active or in deleted items: the key is unique from the moment it is
// written until the app is permanently deleted.
func (s *Server) appByUniqueNameLocked(name string) *appRecord {
	for _, rec := range s.apps {
		if rec.app.UniqueName != "" && strings.EqualFold(rec.app.UniqueName, name) {
			return rec
		}
	}
	return nil
}

// appByAppIDLocked finds an active app by appId; visibleOnly skips apps still replicating.
func (s *Server) appByAppIDLocked(appID string, visibleOnly bool) *appRecord {
	for _, rec := range s.apps {
		if !rec.deleted() && strings.EqualFold(rec.app.AppID, appID) {
			if visibleOnly && s.now().Before(rec.visibleAt) {
				return nil
			}
			return rec
		}
	}
	return nil
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) {
	conds, ok := compileFilter(w, r, "application", appFilter)
	if !ok {
		return
	}
	sel, ok := parseSelect(w, r, "application")
	if !ok {
		return
	}
	s.mu.Lock()
	now := s.now()
	var items []map[string]any
	for _, rec := range s.apps {
		if rec.deleted() || now.Before(rec.visibleAt) {
			continue // in deleted items, or not yet replicated to the replica answering reads
		}
		if m := rec.doc; matchFilter(m, conds) {
			items = append(items, applySelect(cloneJSON(m).(map[string]any), sel))
		}
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "applications", items)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request, by, ident string) {
	sel, ok := parseSelect(w, r, "application")
	if !ok {
		return
	}
	s.mu.Lock()
	rec, e := s.appLocked(by, ident)
	var m map[string]any
	if e == nil {
		m = applySelect(cloneJSON(rec.doc).(map[string]any), sel)
	}
	s.mu.Unlock()
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.writeEntity(w, r, http.StatusOK, "applications", m)
}

// Graph: learn.microsoft.com/graph/api/application-post-applications — 201 with id and appId.
func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.insertApplicationLocked(w, r, body, "")
}

// upsert is PATCH /applications(uniqueName='…'). With "Prefer:
// create-if-missing" a missing app is created (201 and the object) and an
// existing one updated (204); without the header a missing one is 404.
// Graph: learn.microsoft.com/graph/api/application-upsert.
//
// A uniqueName held by an app in deleted items stays reserved until that app
// is restored (it gets the name back) or permanently deleted. No public
// source says what Graph does here; this is the stricter reading, as Graph
// does for identifierUris of deleted apps (Azure/OpenShift#34: recreating
// after a delete fails until the deleted app is purged): 400 with the
// ObjectConflict shape of identifierUris conflicts.
func (s *Server) upsertApplication(w http.ResponseWriter, r *http.Request, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	holder := s.appByUniqueNameLocked(name)
	create := strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "create-if-missing")
	switch {
	case holder != nil && holder.deleted() && create:
		s.writeGErr(w, r, conflict("uniqueName"))
		return true
	case holder != nil || !create:
		return false // an update (or a 404) through the usual PATCH
	}
	body, ok := readJSONObject(w, r)
	if !ok {
		return true
	}
	s.insertApplicationLocked(w, r, body, name)
	return true
}

// conflict is Graph's answer to a value another object already holds.
// Graph: identifierUris conflicts — AAD Graph's PropertyErrorCode
// ObjectConflict (Azure/go-autorest#308), in Graph v1.0 error details
// {"code":"ObjectConflict","target":prop} (as quoted in
// KelvinTegelaar/CIPP-API tests and Microsoft's ADSyncTools guidance).
func conflict(prop string) *gerr {
	msg := fmt.Sprintf("Another object with the same value for property %s already exists.", prop)
	return &gerr{status: http.StatusBadRequest, code: "Request_BadRequest", msg: msg,
		details: []map[string]any{{"code": "ObjectConflict", "message": msg, "target": prop}}}
}

// insertApplicationLocked validates body as a new app and stores it. Caller holds s.mu.
func (s *Server) insertApplicationLocked(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage, uniqueName string) {
	doc, e := buildDoc(newAppDoc(), body, "application", appReadOnly)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if _, given := body["signInAudience"]; !given {
		// Graph's default audience; it comes with v2 access tokens, which that audience requires.
		doc["signInAudience"] = "AzureADandPersonalMicrosoftAccount"
		if api, _ := doc["api"].(map[string]any); api != nil && api["requestedAccessTokenVersion"] == nil {
			api["requestedAccessTokenVersion"] = json.Number("2")
		}
	}
	rec := &appRecord{secrets: map[string]secretRecord{}}
	now := s.now()
	doc["id"], doc["appId"] = newGUID(), newGUID()
	doc["createdDateTime"] = formatGraphTime(now.Truncate(time.Second))
	doc["publisherDomain"] = s.domain
	if uniqueName != "" {
		doc["uniqueName"] = uniqueName
	}
	rec.setDoc(doc)
	if e := s.validateAppLocked(rec, &rec.app); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	rec.visibleAt = now.Add(s.cfg.replicationDelay)
	// Graph makes the caller an owner of the app it creates (the basis of
	// Application.ReadWrite.OwnedBy; learn.microsoft.com/graph/permissions-reference).
	if caller := callerID(r); caller != "" {
		rec.owners = []string{caller}
	}
	s.apps = append(s.apps, rec)
	w.Header().Set("Location", s.baseURL(r)+"/v1.0/directoryObjects/"+rec.app.ID+"/Microsoft.DirectoryServices.Application")
	s.writeEntity(w, r, http.StatusCreated, "applications", cloneJSON(rec.doc).(map[string]any))
}

// buildDoc checks body against typeName and merges it into a copy of base
// (complex values property by property, the rest replaced).
// Graph: learn.microsoft.com/graph/api/application-update (arrays replaced whole).
func buildDoc(base map[string]any, body map[string]json.RawMessage, typeName string, readOnly map[string]bool) (map[string]any, *gerr) {
	given := map[string]any{}
	for k, raw := range body {
		v, err := decodeJSON(raw)
		if err != nil {
			return nil, badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		}
		given[k] = v
	}
	checked, e := checkObject(given, typeName, readOnly)
	if e != nil {
		return nil, e
	}
	held, _ := base["passwordCredentials"].([]any)
	if pcs, ok := checked["passwordCredentials"].([]any); ok && (len(pcs) > 0 || len(held) > 0) {
		// Graph: secrets are minted by addPassword; create and update cannot set them
		// (learn.microsoft.com/graph/api/application-post-applications, "Important"),
		// nor can a PATCH clear them ("You can no longer use a PATCH operation on the
		// application or servicePrincipal objects to update passwordCredentials":
		// Microsoft Graph blog, Aug 2019); only an empty list that changes nothing passes.
		return nil, badRequest("Property 'passwordCredentials' cannot be set in this request; use the addPassword and removePassword actions.")
	}
	out := cloneJSON(base).(map[string]any)
	for _, k := range sortedAnyKeys(checked) {
		p, _ := propOf(typeName, k)
		out[k] = normalizeValue(mergeValue(out[k], checked[k], p), p)
	}
	return out, nil
}

// Graph: learn.microsoft.com/graph/api/application-update — 204; arrays replaced whole.
func (s *Server) patchApplication(w http.ResponseWriter, r *http.Request, by, ident string) {
	if by == "uniqueName" && s.upsertApplication(w, r, ident) {
		return
	}
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	doc, e := buildDoc(rec.doc, body, "application", appReadOnly)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	next := &appRecord{}
	next.setDoc(doc)
	if e := s.validateAppLocked(rec, &next.app); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	rec.setDoc(doc)
	w.WriteHeader(http.StatusNoContent)
}

// Graph: learn.microsoft.com/graph/api/application-delete — 204, and the app
// goes to deleted items for 30 days (directory-deleteditems-restore). Its
// service principal in the home tenant is deleted with it
// (learn.microsoft.com/entra/identity/enterprise-apps/restore-application).
func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request, by, ident string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.softDeleteAppLocked(rec)
	w.WriteHeader(http.StatusNoContent)
}

// softDeleteAppLocked moves an application, and its service principal in
// this (its home) tenant, to deleted items. Caller holds s.mu.
func (s *Server) softDeleteAppLocked(rec *appRecord) {
	now := s.now()
	rec.deletedAt = now
	rec.doc["deletedDateTime"] = formatGraphTime(now)
	rec.setDoc(rec.doc)
	if sp := s.spByAppIDLocked(rec.app.AppID); sp != nil {
		s.softDeleteSPLocked(sp, now)
	}
}

// Graph: learn.microsoft.com/graph/api/application-addpassword — secretText only here.
func (s *Server) addPassword(w http.ResponseWriter, r *http.Request, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	given := map[string]any{}
	if raw, ok := body["passwordCredential"]; ok {
		v, err := decodeJSON(raw)
		if err != nil {
			s.writeGErr(w, r, badRequest("Unable to read JSON request payload."))
			return
		}
		given["passwordCredential"] = v
	}
	for k := range body {
		if k != "passwordCredential" && !strings.Contains(k, "@") {
			s.writeGErr(w, r, badRequest("The parameter '%s' in the request payload is not a valid parameter for the operation 'addPassword'.", k))
			return
		}
	}
	pc := map[string]any{}
	if v, ok := given["passwordCredential"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj {
			s.writeGErr(w, r, badRequest("Cannot convert the value of parameter 'passwordCredential' to the expected type 'microsoft.graph.passwordCredential'."))
			return
		}
		// Graph generates keyId, secretText and hint; a client-supplied keyId is
		// rejected (ansible-collections/azure#2248).
		checked, e := checkObject(m, "passwordCredential", set("keyId", "secretText", "hint"))
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		pc = checked
	}
	now := s.now().Truncate(time.Second)
	start := now
	if v, ok := pc["startDateTime"].(string); ok {
		start, _ = parseGraphTime(v)
	}
	end := start.AddDate(2, 0, 0) // Graph: default endDateTime = startDateTime + 2 years
	if v, ok := pc["endDateTime"].(string); ok {
		end, _ = parseGraphTime(v)
	}
	if !end.After(start) {
		s.writeGErr(w, r, badRequest("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'. It must be later than startDateTime."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if e := s.checkLifetimeLocked(rec, start, end); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	secret := newClientSecret()
	cred := map[string]any{
		"customKeyIdentifier": pc["customKeyIdentifier"],
		"displayName":         pc["displayName"], // null stays null (Graph echoes what was sent)
		"endDateTime":         formatGraphTime(end),
		"hint":                secret[:3],
		"keyId":               newGUID(),
		"secretText":          nil,
		"startDateTime":       formatGraphTime(start),
	}
	pcs, _ := rec.doc["passwordCredentials"].([]any)
	rec.doc["passwordCredentials"] = append(pcs, cred)
	rec.setDoc(rec.doc)
	rec.secrets[cred["keyId"].(string)] = secretRecord{hash: hashSecret(secret), createdAt: s.now()}
	out := cloneJSON(cred).(map[string]any)
	out["secretText"] = secret
	out["@odata.context"] = s.baseURL(r) + "/v1.0/$metadata#microsoft.graph.passwordCredential"
	writeJSON(w, http.StatusOK, out)
}

// Graph: learn.microsoft.com/graph/api/application-removepassword — 204.
func (s *Server) removePassword(w http.ResponseWriter, r *http.Request, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	for k := range body {
		if k != "keyId" && !strings.Contains(k, "@") {
			s.writeGErr(w, r, badRequest("The parameter '%s' in the request payload is not a valid parameter for the operation 'removePassword'.", k))
			return
		}
	}
	var keyID string
	raw, present := body["keyId"]
	if !present || isNull(raw) {
		s.writeGErr(w, r, badRequest("A value is required for parameter 'keyId' of action 'removePassword'."))
		return
	}
	if e := decodeValue(raw, "keyId", "Edm.Guid", &keyID); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if !isGUID(keyID) {
		s.writeGErr(w, r, badRequest("Cannot convert the literal '%s' to the expected type 'Edm.Guid'.", keyID))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	pcs, _ := rec.doc["passwordCredentials"].([]any)
	for i, pc := range pcs {
		if m, _ := pc.(map[string]any); m != nil && strings.EqualFold(fmt.Sprint(m["keyId"]), keyID) {
			rec.doc["passwordCredentials"] = append(pcs[:i:i], pcs[i+1:]...)
			delete(rec.secrets, fmt.Sprint(m["keyId"]))
			rec.setDoc(rec.doc)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	// Graph answers an unknown keyId with 400 "No password credential found with keyId …"
	// (quoted by SDK users, e.g. hashicorp/vault-plugin-secrets-azure).
	s.writeGErr(w, r, badRequest("No password credential found with keyId %s.", keyID))
}

// formatGraphTime renders a time as Graph does (UTC, up to 7 fractional digits).
func formatGraphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.9999999Z") }
