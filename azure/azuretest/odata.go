package azuretest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPageSize is how many objects Graph returns per page of a directory
// collection when the request has no $top (100; 1..999 with $top).
// Graph: learn.microsoft.com/graph/paging; the Azure AD Graph paging
// reference and Microsoft Q&A 1615080 give the default of 100.
const DefaultPageSize = 100

// applySelect projects an entity to the $select list (already validated);
// a selected property the object does not carry reads as null.
func applySelect(m map[string]any, sel []string) map[string]any {
	if len(sel) == 0 {
		return m
	}
	out := map[string]any{}
	for _, k := range sel {
		out[k] = m[k]
	}
	return out
}

// parseSelect validates $select against the type's properties, resolving
// names case-insensitively. Graph: an unknown property fails OData select
// parsing with 400.
func parseSelect(w http.ResponseWriter, r *http.Request, typeName string) ([]string, bool) {
	raw := r.URL.Query().Get("$select")
	if raw == "" {
		return nil, true
	}
	var out []string
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		prop, ok := propOf(typeName, p)
		if !ok || prop.typ == "Edm.Stream" {
			writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf(
				"Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, typeName))
			return nil, false
		}
		out = append(out, prop.name)
	}
	return out, true
}

// writeEntity writes one entity with its @odata.context.
func (s *Server) writeEntity(w http.ResponseWriter, r *http.Request, status int, set string, m map[string]any) {
	m["@odata.context"] = s.baseURL(r) + "/v1.0/$metadata#" + set + "/$entity"
	writeJSON(w, status, m)
}

// skipToken is opaque to clients, as Graph's is: a client must follow
// @odata.nextLink, not build one. Graph: learn.microsoft.com/graph/paging.
func skipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("azuretest-skip:" + strconv.Itoa(offset)))
}

func parseSkipToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	rest, ok := strings.CutPrefix(string(b), "azuretest-skip:")
	if err != nil || !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// writeCollection pages items: $top when given, else the server's page size
// (Graph pages directory collections by default), with an opaque $skiptoken
// in @odata.nextLink. Graph: learn.microsoft.com/graph/paging.
func (s *Server) writeCollection(w http.ResponseWriter, r *http.Request, set string, items []map[string]any) {
	q := r.URL.Query()
	start := 0
	if st := q.Get("$skiptoken"); st != "" {
		n, ok := parseSkipToken(st)
		if !ok || n > len(items) {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Invalid skip token.")
			return
		}
		start = n
	}
	items = items[start:]
	size := s.pageSizeNow()
	if top, err := strconv.Atoi(q.Get("$top")); err == nil {
		size = top
	}
	body := map[string]any{"@odata.context": s.baseURL(r) + "/v1.0/$metadata#" + set}
	if size < len(items) {
		items = items[:size]
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skiptoken", skipToken(start+size))
		body["@odata.nextLink"] = s.baseURL(r) + r.URL.Path + "?" + next.Encode()
	}
	if items == nil {
		items = []map[string]any{}
	}
	body["value"] = items
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) pageSizeNow() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pageSize
}

// SetPageSize sets how many objects a page holds when a request gives no
// $top (0 = Graph's default, DefaultPageSize). Tests use small pages to
// prove a client follows @odata.nextLink.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		n = DefaultPageSize
	}
	s.pageSize = n
}
