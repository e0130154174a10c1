package azuretest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// owners serves /{applications|servicePrincipals}/{key}/owners[/{id}]/$ref.
// Graph: application-list-owners, application-post-owners (POST
// owners/$ref {"@odata.id": ".../directoryObjects/{id}"} → 204),
// application-delete-owners (DELETE owners/{id}/$ref → 204); the same for
// service principals.
func (s *Server) owners(w http.ResponseWriter, r *http.Request, collection, by, ident string, rest []string) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		s.listOwners(w, r, collection, by, ident)
	case len(rest) == 1 && rest[0] == "$ref" && r.Method == http.MethodPost:
		s.addOwner(w, r, collection, by, ident)
	case len(rest) == 2 && rest[1] == "$ref" && r.Method == http.MethodDelete:
		s.removeOwner(w, r, collection, by, ident, rest[0])
	case len(rest) <= 2:
		methodNotAllowed(w, r)
	default:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+rest[2]+"'.")
	}
}

// ownersLocked returns the owner list of the addressed active object. Caller holds s.mu.
func (s *Server) ownersLocked(collection, by, ident string) (*[]string, *gerr) {
	if collection == "applications" {
		rec, e := s.appLocked(by, ident)
		if e != nil {
			return nil, e
		}
		return &rec.owners, nil
	}
	rec, e := s.spLocked(by, ident)
	if e != nil {
		return nil, e
	}
	return &rec.owners, nil
}

func (s *Server) listOwners(w http.ResponseWriter, r *http.Request, collection, by, ident string) {
	s.mu.Lock()
	owners, e := s.ownersLocked(collection, by, ident)
	var items []map[string]any
	if e == nil {
		for _, id := range *owners {
			if obj := s.directoryObjectLocked(id); obj != nil {
				items = append(items, obj)
			}
		}
	}
	s.mu.Unlock()
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	s.writeCollection(w, r, "directoryObjects", items)
}

// directoryObjectLocked is a user or service principal as a directoryObject
// collection shows it (with @odata.type), nil if there is none by that id.
func (s *Server) directoryObjectLocked(id string) map[string]any {
	if strings.EqualFold(id, s.user.oid) {
		return map[string]any{"@odata.type": "#microsoft.graph.user", "id": s.user.oid, "displayName": s.user.name,
			"userPrincipalName": s.user.upn, "mail": s.user.upn, "businessPhones": []any{}}
	}
	if sp := s.spByIDLocked(id); sp != nil {
		m := cloneJSON(sp.doc).(map[string]any)
		m["@odata.type"] = "#microsoft.graph.servicePrincipal"
		return m
	}
	return nil
}

func (s *Server) addOwner(w http.ResponseWriter, r *http.Request, collection, by, ident string) {
	body, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	raw, present := body["@odata.id"]
	var ref string
	if !present || json.Unmarshal(raw, &ref) != nil || ref == "" {
		s.writeGErr(w, r, badRequest("The request body must contain an '@odata.id' reference to a directory object."))
		return
	}
	u, err := url.Parse(ref)
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if err != nil || !u.IsAbs() || len(segs) < 2 || !isGUID(segs[len(segs)-1]) {
		s.writeGErr(w, r, badRequest("Invalid object identifier '%s'.", ref))
		return
	}
	id := segs[len(segs)-1]
	s.mu.Lock()
	defer s.mu.Unlock()
	owners, e := s.ownersLocked(collection, by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	if s.directoryObjectLocked(id) == nil {
		s.writeGErr(w, r, notFound(id))
		return
	}
	for _, o := range *owners {
		if strings.EqualFold(o, id) {
			// The message azure-cli quotes in role/custom.py add_application_owner.
			s.writeGErr(w, r, badRequest("One or more added object references already exist for the following modified properties: 'owners'."))
			return
		}
	}
	*owners = append(*owners, strings.ToLower(id))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) removeOwner(w http.ResponseWriter, r *http.Request, collection, by, ident, ownerID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owners, e := s.ownersLocked(collection, by, ident)
	if e != nil {
		s.writeGErr(w, r, e)
		return
	}
	for i, o := range *owners {
		if strings.EqualFold(o, ownerID) {
			*owners = append((*owners)[:i:i], (*owners)[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.writeGErr(w, r, notFound(ownerID))
}
