package azuretest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// serveGraph authenticates, then routes /v1.0/... to the resource handlers.
// Entity sets, segments and key names are matched case-insensitively, as
// Graph matches them (azure-cli itself sends /oAuth2PermissionGrants/{id}
// for deletes and /oauth2PermissionGrants otherwise: role/_msgrpah/_graph_client.py).
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	setRequestIDs(w, r)
	ti, ok := s.authGraph(w, r)
	if !ok {
		return
	}
	if !checkQueryOptions(w, r) {
		return
	}
	s.mu.Lock()
	s.purgeDeletedLocked()
	s.mu.Unlock()
	r = r.WithContext(context.WithValue(r.Context(), callerKey{}, ti.oid))
	segs := canonicalSegments(strings.Split(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/"))
	head, key := segs[0], ""
	if i := strings.Index(head, "("); i >= 0 {
		head, key = head[:i], head[i:]
	}
	switch head {
	case "applications":
		s.graphApplications(w, r, key, segs[1:])
	case "servicePrincipals":
		s.graphServicePrincipals(w, r, key, segs[1:])
	case "oauth2PermissionGrants":
		s.graphGrants(w, r, key, segs[1:])
	case "organization":
		s.graphOrganization(w, r, segs[1:])
	case "me":
		s.graphMe(w, r, ti, segs[1:])
	case "directory":
		s.graphDirectory(w, r, segs[1:])
	case "policies":
		s.graphPolicies(w, r, segs[1:])
	default:
		// Graph: unknown entity sets are an OData routing error.
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
	}
}

type callerKey struct{}

// callerID is the object id of the principal the request's token names.
func callerID(r *http.Request) string {
	id, _ := r.Context().Value(callerKey{}).(string)
	return id
}

// graphSegments are the literal path segments the emulator knows, by lower case.
var graphSegments = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{"applications", "servicePrincipals", "oauth2PermissionGrants", "organization", "me",
		"directory", "deletedItems", "policies", "defaultAppManagementPolicy", "appManagementPolicies", "owners", "$ref",
		"addPassword", "removePassword", "restore", "microsoft.graph.application", "microsoft.graph.servicePrincipal",
		"directoryObjects", "appId", "uniqueName"} {
		m[strings.ToLower(s)] = s
	}
	return m
}()

// canonicalSegments spells known segments (and the key name of an
// alternate key, "(appid='…')") as Graph documents them; ids and key values
// are kept as given.
func canonicalSegments(segs []string) []string {
	out := make([]string, len(segs))
	for i, seg := range segs {
		name, key := seg, ""
		if j := strings.Index(seg, "("); j >= 0 {
			name, key = seg[:j], seg[j:]
		}
		if c, ok := graphSegments[strings.ToLower(name)]; ok {
			name = c
		}
		if k := strings.Index(key, "="); strings.HasPrefix(key, "(") && k > 0 {
			if c, ok := graphSegments[strings.ToLower(key[1:k])]; ok {
				key = "(" + c + key[k:]
			}
		}
		out[i] = name + key
	}
	return out
}

// authGraph checks the bearer token. Graph: learn.microsoft.com/graph/auth —
// 401 InvalidAuthenticationToken without a valid token; tokens of apps that
// hold no Graph permission get 403 Authorization_RequestDenied.
func (s *Server) authGraph(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	s.mu.Lock()
	ti, msg := s.lookupToken(bearerToken(r), resGraph)
	var out tokenInfo
	if ti != nil {
		out = *ti
	}
	s.mu.Unlock()
	if ti == nil {
		writeGraphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return out, false
	}
	if out.kind == kindApp {
		writeGraphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return out, false
	}
	return out, true
}

// bearerToken is the token of an "Authorization: Bearer …" header (the
// scheme is case-insensitive: RFC 7235 §2.1), "" without one.
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.")
}

// readJSONObject reads a JSON object body. Graph: an empty or non-JSON body is 400 BadRequest.
func readJSONObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Unable to read the request body.")
		return nil, false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Empty Payload. JSON content expected.")
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest",
			"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return nil, false
	}
	return m, true
}

var allowedQueryOptions = map[string]bool{
	"$select": true, "$filter": true, "$top": true, "$skiptoken": true, "$count": true, "$orderby": true, "$search": true, "$expand": true,
}

// checkQueryOptions rejects unknown system query options, as Graph does.
func checkQueryOptions(w http.ResponseWriter, r *http.Request) bool {
	for k := range r.URL.Query() {
		if strings.HasPrefix(k, "$") && !allowedQueryOptions[k] {
			writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Unrecognized query argument specified: '%s'.", k))
			return false
		}
	}
	if top := r.URL.Query().Get("$top"); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 || n > 999 {
			// Graph directory objects: page size 1..999.
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", top))
			return false
		}
	}
	return true
}

// alternateKey parses "(appId='…')". Graph: learn.microsoft.com/graph/api/application-get (alternate key).
// alternateKey parses "(name='value')" for one of the allowed key names
// (appId; uniqueName for applications: Graph's application-upsert).
func alternateKey(key string, names ...string) (name, value string, ok bool) {
	for _, n := range names {
		pre := "(" + n + "='"
		if strings.HasPrefix(key, pre) && strings.HasSuffix(key, "')") {
			v := strings.TrimSuffix(strings.TrimPrefix(key, pre), "')")
			return n, strings.ReplaceAll(v, "''", "'"), true
		}
	}
	return "", "", false
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
