package azuretest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var appFilter = filterSpec{"displayName": "eq,startswith", "appId": "eq", "id": "eq", "tags": "any", "signInAudience": "eq"}

var appSelectable = keysOf(Application{}, "publisherDomain", "identifierUris", "keyCredentials", "appRoles", "spa",
	"publicClient", "isFallbackPublicClient", "description", "info", "optionalClaims", "deletedDateTime")

// graphApplications routes /v1.0/applications[...].
// Graph: learn.microsoft.com/graph/api/resources/application (methods).
func (s *Server) graphApplications(w http.ResponseWriter, r *http.Request, key string, rest []string) {
	by, ident, rest, ok := collectionRoute(w, r, "applications", key, rest, s.listApplications, s.createApplication, "uniqueName")
	if !ok {
		return
	}
	action := ""
	if len(rest) == 1 {
		action = rest[0]
	} else if len(rest) > 1 {
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
	case action == "" || action == "addPassword" || action == "removePassword":
		methodNotAllowed(w, r)
	default:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", action))
	}
}

func notFound(ident string) *gerr {
	return &gerr{status: http.StatusNotFound, code: "Request_ResourceNotFound",
		msg: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", ident)}
}

// appLocked finds an app by object id or appId. A just-created app answers
// 404 until it has replicated (contract; Graph: known eventual consistency of
// directory writes, learn.microsoft.com/graph/api/application-post-applications).
// Caller holds s.mu.
func (s *Server) appLocked(by, ident string) (*appRecord, *gerr) {
	if by == "uniqueName" {
		rec := s.appByUniqueNameLocked(ident)
		if rec == nil {
			return nil, notFound(ident)
		}
		if s.now().Before(rec.visibleAt) {
			e := notFound(ident)
			e.replication = true
			return nil, e
		}
		return rec, nil
	}
	if !isGUID(ident) {
		if by == "appId" {
			return nil, badRequest("Invalid value specified for object reference property 'appId'. Please ensure that this value has an appropriate syntax and length.")
		}
		return nil, badRequest("Invalid object identifier '%s'.", ident)
	}
	for _, rec := range s.apps {
		if (by == "id" && strings.EqualFold(rec.app.ID, ident)) || (by == "appId" && strings.EqualFold(rec.app.AppID, ident)) {
			if s.now().Before(rec.visibleAt) {
				e := notFound(ident)
				e.replication = true
				return nil, e
			}
			return rec, nil
		}
	}
	return nil, notFound(ident)
}

// appByUniqueNameLocked finds an app by its uniqueName, replicated or not:
// the key is unique from the moment it is written.
func (s *Server) appByUniqueNameLocked(name string) *appRecord {
	for _, rec := range s.apps {
		if rec.app.UniqueName != "" && strings.EqualFold(rec.app.UniqueName, name) {
			return rec
		}
	}
	return nil
}

// appByAppIDLocked finds an app by appId; visibleOnly skips apps still replicating.
func (s *Server) appByAppIDLocked(appID string, visibleOnly bool) *appRecord {
	for _, rec := range s.apps {
		if strings.EqualFold(rec.app.AppID, appID) {
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
	sel, ok := parseSelect(w, r, "application", appSelectable)
	if !ok {
		return
	}
	s.mu.Lock()
	now := s.now()
	var items []map[string]any
	for _, rec := range s.apps {
		if now.Before(rec.visibleAt) {
			continue // not yet replicated to the replica answering reads
		}
		m := entityJSON(cloneApp(rec.app))
		if matchFilter(m, conds) {
			items = append(items, applySelect(m, sel))
		}
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "applications", items)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request, by, ident string) {
	sel, ok := parseSelect(w, r, "application", appSelectable)
	if !ok {
		return
	}
	s.mu.Lock()
	rec, e := s.appLocked(by, ident)
	var m map[string]any
	if e == nil {
		m = applySelect(entityJSON(cloneApp(rec.app)), sel)
	}
	s.mu.Unlock()
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.writeEntity(w, http.StatusOK, "applications", m)
}

// Graph: learn.microsoft.com/graph/api/application-post-applications — 201 with id and appId.
func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	s.insertApplication(w, r, body, "")
}

// upsertApplication is PATCH /applications(uniqueName='…'): with "Prefer:
// create-if-missing" a missing app is created (201 and the object), an
// existing one updated (204); without the header a missing one is 404.
// Graph: learn.microsoft.com/graph/api/application-upsert
func (s *Server) upsertApplication(w http.ResponseWriter, r *http.Request, name string) bool {
	s.mu.Lock()
	exists := s.appByUniqueNameLocked(name) != nil
	s.mu.Unlock()
	if exists || !strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "create-if-missing") {
		return false // an update (or a 404) through the usual PATCH
	}
	body, ok := readJSONObject(w, r)
	if !ok {
		return true
	}
	s.insertApplication(w, r, body, name)
	return true
}

// insertApplication validates body as a new app and stores it.
func (s *Server) insertApplication(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage, uniqueName string) {
	var a Application
	if e := applyAppBody(&a, body, true); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if _, given := body["signInAudience"]; !given {
		// Graph's default audience; it comes with v2 access tokens, which that audience requires.
		a.SignInAudience = "AzureADandPersonalMicrosoftAccount"
		if a.API == nil || a.API.RequestedAccessTokenVersion == nil {
			if a.API == nil {
				a.API = &APIApplication{}
			}
			v := 2
			a.API.RequestedAccessTokenVersion = &v
		}
	}
	normalizeApp(&a)
	if e := validateApp(&a); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.mu.Lock()
	if uniqueName != "" && s.appByUniqueNameLocked(uniqueName) != nil {
		s.mu.Unlock()
		// Two upserts raced: the second is an update of the first one's app.
		s.writeGErr(w, r, &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: "Another object with the same value for property uniqueName already exists."})
		return
	}
	now := s.now()
	a.ID, a.AppID, a.CreatedDateTime, a.UniqueName = newGUID(), newGUID(), now.Truncate(time.Second), uniqueName
	s.apps = append(s.apps, &appRecord{app: a, visibleAt: now.Add(s.cfg.replicationDelay), secrets: map[string]secretRecord{}})
	m := entityJSON(cloneApp(a))
	s.mu.Unlock()
	w.Header().Set("Location", s.URL+"/v1.0/directoryObjects/"+a.ID+"/Microsoft.DirectoryServices.Application")
	s.writeEntity(w, http.StatusCreated, "applications", m)
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
	next := cloneApp(rec.app)
	if e := applyAppBody(&next, body, false); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	normalizeApp(&next)
	if e := validateApp(&next); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	next.ID, next.AppID, next.CreatedDateTime = rec.app.ID, rec.app.AppID, rec.app.CreatedDateTime
	next.PasswordCredentials = rec.app.PasswordCredentials
	rec.app = next
	w.WriteHeader(http.StatusNoContent)
}

// Graph: learn.microsoft.com/graph/api/application-delete — 204. Deleting an
// app also removes its service principal in the home tenant (and so its grants).
func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request, by, ident string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	for i, x := range s.apps {
		if x == rec {
			s.apps = append(s.apps[:i], s.apps[i+1:]...)
			break
		}
	}
	if sp := s.spByAppIDLocked(rec.app.AppID); sp != nil {
		s.removeSPLocked(sp.ID)
	}
	w.WriteHeader(http.StatusNoContent)
}

// Graph: learn.microsoft.com/graph/api/application-addpassword — secretText only here.
func (s *Server) addPassword(w http.ResponseWriter, r *http.Request, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	if e := checkProps(body, "application.addPassword", set("passwordCredential")); e != nil {
		s.writeGErr(w, r, e)
		return
	}
	var pc PasswordCredential
	now := s.now().Truncate(time.Second)
	pc.StartDateTime = now
	var endGiven bool
	if raw, ok := body["passwordCredential"]; ok && !isNull(raw) {
		m, e := decodeObject(raw, "passwordCredential", "passwordCredential", pwdProps, set("keyId", "secretText", "hint"))
		if e != nil {
			s.writeGErr(w, r, e)
			return
		}
		for _, k := range []string{"keyId", "secretText", "hint"} {
			if _, bad := m[k]; bad {
				// Graph generates these; a client-supplied keyId is rejected (ansible-collections/azure#2248).
				s.writeGErr(w, r, badRequest("Property '%s' is read-only and cannot be set.", k))
				return
			}
		}
		if v, ok := m["displayName"]; ok {
			var dn *string
			if e := decodeValue(v, "displayName", "Edm.String", &dn); e != nil {
				s.writeGErr(w, r, e)
				return
			}
			if dn != nil {
				pc.DisplayName = *dn
			}
		}
		for _, k := range []string{"startDateTime", "endDateTime"} {
			v, ok := m[k]
			if !ok || isNull(v) {
				continue
			}
			var str string
			if e := decodeValue(v, k, "Edm.DateTimeOffset", &str); e != nil {
				s.writeGErr(w, r, e)
				return
			}
			t, ok := parseGraphTime(str)
			if !ok {
				s.writeGErr(w, r, badRequest("Cannot convert the literal '%s' to the expected type 'Edm.DateTimeOffset'.", str))
				return
			}
			if k == "startDateTime" {
				pc.StartDateTime = t
			} else {
				pc.EndDateTime, endGiven = t, true
			}
		}
	}
	if !endGiven {
		pc.EndDateTime = pc.StartDateTime.AddDate(2, 0, 0) // Graph: default endDateTime = startDateTime + 2 years
	}
	if !pc.EndDateTime.After(pc.StartDateTime) {
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
	if max := s.lifetimeMax; max > 0 && pc.EndDateTime.Sub(pc.StartDateTime) > max {
		// Entra app management policy: passwordCredentials maxLifetime.
		// Graph: learn.microsoft.com/graph/api/resources/appmanagementpolicy
		s.writeGErr(w, r, &gerr{status: http.StatusBadRequest, code: "CredentialInvalidLifetimeAsPerAppPolicy", msg: fmt.Sprintf(
			"Credential lifetime exceeds the max value allowed as per assigned policy. The maximum allowed lifetime is %s (%s).", isoDays(max), max)})
		return
	}
	secret := newClientSecret()
	pc.KeyID, pc.Hint = newGUID(), secret[:3]
	rec.app.PasswordCredentials = append(rec.app.PasswordCredentials, pc)
	rec.secrets[pc.KeyID] = secretRecord{text: secret, createdAt: s.now()}
	out := entityJSON(pc)
	out["secretText"] = secret
	out["@odata.context"] = s.URL + "/v1.0/$metadata#microsoft.graph.passwordCredential"
	writeJSON(w, http.StatusOK, out)
}

// isoDays renders a duration as an ISO 8601 period, as policies state it (e.g. P180D).
func isoDays(d time.Duration) string {
	days := d / (24 * time.Hour)
	if rem := d % (24 * time.Hour); rem != 0 {
		return fmt.Sprintf("P%dDT%dS", days, int(rem.Seconds()))
	}
	return fmt.Sprintf("P%dD", days)
}

// Graph: learn.microsoft.com/graph/api/application-removepassword — 204.
func (s *Server) removePassword(w http.ResponseWriter, r *http.Request, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	if e := checkProps(body, "application.removePassword", set("keyId")); e != nil {
		s.writeGErr(w, r, e)
		return
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
	for i, pc := range rec.app.PasswordCredentials {
		if strings.EqualFold(pc.KeyID, keyID) {
			rec.app.PasswordCredentials = append(rec.app.PasswordCredentials[:i], rec.app.PasswordCredentials[i+1:]...)
			delete(rec.secrets, pc.KeyID)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	// Graph answers an unknown keyId with 400 "No password credential found with keyId …"
	// (quoted by SDK users, e.g. hashicorp/vault-plugin-secrets-azure).
	s.writeGErr(w, r, badRequest("No password credential found with keyId %s.", keyID))
}
