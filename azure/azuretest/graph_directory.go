package azuretest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// deletedRetention is how long deleted items can be restored.
// Graph: learn.microsoft.com/graph/api/directory-deleteditems-restore ("up to 30 days").
const deletedRetention = 30 * 24 * time.Hour

var deletedFilter = filterSpec{"displayName": "eq,startswith", "appId": "eq", "id": "eq", "uniqueName": "eq"}

// graphDirectory serves /v1.0/directory/deletedItems[...]; segs are canonical.
// Graph: directory-deleteditems-list (the type cast is required),
// directory-deleteditems-get, -delete (permanent, 204), -restore (200 with the object).
func (s *Server) graphDirectory(w http.ResponseWriter, r *http.Request, segs []string) {
	if len(segs) == 0 || segs[0] != "deletedItems" {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment 'directory'.")
		return
	}
	rest := segs[1:]
	switch {
	case len(rest) == 0:
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest",
			"Listing deleted items needs the type cast: /directory/deletedItems/microsoft.graph.application (or microsoft.graph.servicePrincipal).")
	case len(rest) == 1 && (rest[0] == "microsoft.graph.application" || rest[0] == "microsoft.graph.servicePrincipal"):
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r)
			return
		}
		s.listDeleted(w, r, strings.TrimPrefix(rest[0], "microsoft.graph."))
	case len(rest) == 1 && r.Method == http.MethodGet:
		s.getDeleted(w, r, rest[0])
	case len(rest) == 1 && r.Method == http.MethodDelete:
		s.purgeDeleted(w, r, rest[0])
	case len(rest) == 2 && rest[1] == "restore" && r.Method == http.MethodPost:
		s.restoreDeleted(w, r, rest[0])
	case len(rest) <= 2:
		methodNotAllowed(w, r)
	default:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+rest[2]+"'.")
	}
}

func (s *Server) listDeleted(w http.ResponseWriter, r *http.Request, typeName string) {
	conds, ok := compileFilter(w, r, typeName, deletedFilter)
	if !ok {
		return
	}
	sel, ok := parseSelect(w, r, typeName)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, d := range s.deletedLocked() {
		if d.typeName == typeName && matchFilter(d.doc, conds) {
			items = append(items, applySelect(cloneJSON(d.doc).(map[string]any), sel))
		}
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "directory/deletedItems/microsoft.graph."+typeName, items)
}

type deletedItem struct {
	typeName string
	doc      map[string]any
	app      *appRecord
	sp       *spRecord
}

// deletedAt is when the item went to deleted items.
func (d deletedItem) deletedAt() time.Time {
	if d.sp != nil {
		return d.sp.deletedAt
	}
	return d.app.deletedAt
}

// entity is the item as deletedItems answers it: a directoryObject naming its type.
func (d deletedItem) entity() map[string]any {
	m := cloneJSON(d.doc).(map[string]any)
	m["@odata.type"] = "#microsoft.graph." + d.typeName
	return m
}

// deletedLocked lists what is in deleted items, applications first. Caller holds s.mu.
func (s *Server) deletedLocked() []deletedItem {
	var out []deletedItem
	for _, a := range s.apps {
		if a.deleted() {
			out = append(out, deletedItem{typeName: "application", doc: a.doc, app: a})
		}
	}
	for _, sp := range s.sps {
		if sp.deleted() {
			out = append(out, deletedItem{typeName: "servicePrincipal", doc: sp.doc, sp: sp})
		}
	}
	return out
}

func (s *Server) deletedByIDLocked(id string) (deletedItem, *gerr) {
	if !isGUID(id) {
		return deletedItem{}, badRequest("Invalid object identifier '%s'.", id)
	}
	for _, d := range s.deletedLocked() {
		if strings.EqualFold(d.doc["id"].(string), id) {
			return d, nil
		}
	}
	return deletedItem{}, notFound(id)
}

func (s *Server) getDeleted(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	d, e := s.deletedByIDLocked(id)
	var m map[string]any
	if e == nil {
		m = d.entity()
	}
	s.mu.Unlock()
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.writeEntity(w, r, http.StatusOK, "directoryObjects", m)
}

// purgeDeleted deletes an item for good: an app's uniqueName, identifierUris
// and appId are free again; its secrets are gone.
func (s *Server) purgeDeleted(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, e := s.deletedByIDLocked(id)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.removeDeletedLocked(d)
	w.WriteHeader(http.StatusNoContent)
}

// removeDeletedLocked deletes an item for good, with what only it held: an
// application's policy assignment, and every grant naming a service
// principal (kept by another one in deleted items, or brought back by its
// restore). Nothing left may name a purged object: Restore refuses a world
// where something does.
func (s *Server) removeDeletedLocked(d deletedItem) {
	if d.app != nil {
		for i, a := range s.apps {
			if a == d.app {
				s.apps = append(s.apps[:i:i], s.apps[i+1:]...)
				break
			}
		}
		delete(s.appPolicies, d.app.app.ID)
		return
	}
	for i, sp := range s.sps {
		if sp == d.sp {
			s.sps = append(s.sps[:i:i], s.sps[i+1:]...)
			break
		}
	}
	names := func(g *OAuth2PermissionGrant) bool {
		return strings.EqualFold(g.ClientID, d.sp.sp.ID) || strings.EqualFold(g.ResourceID, d.sp.sp.ID)
	}
	s.grants = slices.DeleteFunc(s.grants, names)
	for _, other := range s.sps {
		other.parked = slices.DeleteFunc(other.parked, names)
	}
}

// purgeDeletedLocked permanently deletes items older than the retention. Caller holds s.mu.
func (s *Server) purgeDeletedLocked() {
	now := s.now()
	for _, d := range s.deletedLocked() {
		if !now.Before(d.deletedAt().Add(deletedRetention)) {
			s.removeDeletedLocked(d)
		}
	}
}

// restoreDeleted brings an item back as it was. Restoring an application
// does not restore its service principal; a service principal comes back
// with its grants, but only while its application exists.
// Graph: learn.microsoft.com/graph/api/directory-deleteditems-restore.
func (s *Server) restoreDeleted(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, e := s.deletedByIDLocked(id)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if d.sp != nil {
		appID := d.sp.sp.AppID
		if d.sp.home && s.appByAppIDLocked(appID, false) == nil {
			s.writeGErr(w, r, badRequest("The appId '%s' of the service principal does not reference a valid application object.", appID))
			return
		}
		if s.spByAppIDLocked(appID) != nil {
			s.writeGErr(w, r, &gerr{status: http.StatusConflict, code: "Request_MultipleObjectsWithSameKeyValue", msg: "The service principal cannot be created, updated, or restored because the service principal name " + appID + " is already in use."})
			return
		}
		d.sp.deletedAt = time.Time{}
		d.sp.doc["deletedDateTime"] = nil
		d.sp.setDoc(d.sp.doc)
		s.grants = append(s.grants, d.sp.parked...)
		d.sp.parked = nil
	} else {
		d.app.deletedAt = time.Time{}
		d.app.doc["deletedDateTime"] = nil
		d.app.setDoc(d.app.doc)
	}
	s.writeEntity(w, r, http.StatusOK, "directoryObjects", d.entity())
}
