package azuretest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// serveGraph authenticates, then routes /v1.0/... to the resource handlers.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	setRequestIDs(w, r)
	ti, ok := s.authGraph(w, r)
	if !ok {
		return
	}
	if !checkQueryOptions(w, r) {
		return
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/")
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
	default:
		// Graph: unknown entity sets are an OData routing error.
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
	}
}

// authGraph checks the bearer token. Graph: learn.microsoft.com/graph/auth —
// 401 InvalidAuthenticationToken without a valid token; tokens of apps that
// hold no Graph permission get 403 Authorization_RequestDenied.
func (s *Server) authGraph(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	h := r.Header.Get("Authorization")
	tok := ""
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		tok = strings.TrimSpace(h[7:])
	}
	s.mu.Lock()
	ti, msg := s.lookupToken(tok)
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

// entityJSON marshals v to a map so $select can project it.
func entityJSON(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// applySelect projects an entity to the $select list (already validated).
func applySelect(m map[string]any, sel []string) map[string]any {
	if len(sel) == 0 {
		return m
	}
	out := map[string]any{}
	for _, k := range sel {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// parseSelect validates $select against the type's properties.
// Graph: an unknown property fails OData select parsing with 400.
func parseSelect(w http.ResponseWriter, r *http.Request, typeName string, known map[string]bool) ([]string, bool) {
	raw := r.URL.Query().Get("$select")
	if raw == "" {
		return nil, true
	}
	var out []string
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		if !known[p] {
			writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf(
				"Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, typeName))
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

func keysOf(v any, extra ...string) map[string]bool {
	m := map[string]bool{}
	for k := range entityJSON(v) {
		m[k] = true
	}
	for _, k := range extra {
		m[k] = true
	}
	return m
}

// writeEntity writes one entity with its @odata.context.
func (s *Server) writeEntity(w http.ResponseWriter, status int, set string, m map[string]any) {
	m["@odata.context"] = s.URL + "/v1.0/$metadata#" + set + "/$entity"
	writeJSON(w, status, m)
}

// writeCollection pages with $top and an opaque $skiptoken (Graph: /graph/paging).
func (s *Server) writeCollection(w http.ResponseWriter, r *http.Request, set string, items []map[string]any) {
	q := r.URL.Query()
	start := 0
	if st := q.Get("$skiptoken"); st != "" {
		n, err := strconv.Atoi(st)
		if err != nil || n < 0 || n > len(items) {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Invalid skip token.")
			return
		}
		start = n
	}
	items = items[start:]
	body := map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#" + set}
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top < len(items) {
		items = items[:top]
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skiptoken", strconv.Itoa(start+top))
		body["@odata.nextLink"] = s.URL + r.URL.Path + "?" + next.Encode()
	}
	if items == nil {
		items = []map[string]any{}
	}
	body["value"] = items
	writeJSON(w, http.StatusOK, body)
}

// filterCond is one clause of a $filter: prop eq 'v', startswith(prop,'v') or prop/any(t:t eq 'v').
type filterCond struct{ prop, op, val string }

// parseFilter understands the subset of OData $filter Graph supports on these
// collections, joined with "and". Graph: learn.microsoft.com/graph/filter-query-parameter.
func parseFilter(f string) ([]filterCond, error) {
	p := &filterParser{s: f}
	var out []filterCond
	for {
		p.space()
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		p.space()
		if p.eof() {
			return out, nil
		}
		if !p.keyword("and") {
			return nil, fmt.Errorf("syntax error at position %d in '%s'", p.i, f)
		}
	}
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) eof() bool { return p.i >= len(p.s) }
func (p *filterParser) space() {
	for !p.eof() && p.s[p.i] == ' ' {
		p.i++
	}
}
func (p *filterParser) keyword(k string) bool {
	if len(p.s)-p.i >= len(k)+1 && strings.EqualFold(p.s[p.i:p.i+len(k)], k) && p.s[p.i+len(k)] == ' ' {
		p.i += len(k)
		return true
	}
	return false
}
func (p *filterParser) lit(l string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], l) {
		p.i += len(l)
		return true
	}
	return false
}
func (p *filterParser) ident() string {
	p.space()
	st := p.i
	for !p.eof() {
		c := p.s[p.i]
		if c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[st:p.i]
}
func (p *filterParser) str() (string, error) {
	p.space()
	if p.eof() || p.s[p.i] != '\'' {
		return "", fmt.Errorf("expected a quoted string at position %d in '%s'", p.i, p.s)
	}
	p.i++
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		if c == '\'' {
			if !p.eof() && p.s[p.i] == '\'' { // OData: '' is an escaped quote
				b.WriteByte('\'')
				p.i++
				continue
			}
			return b.String(), nil
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("unterminated string literal in '%s'", p.s)
}
func (p *filterParser) clause() (filterCond, error) {
	id := p.ident()
	if strings.EqualFold(id, "startswith") {
		if !p.lit("(") {
			return filterCond{}, fmt.Errorf("expected '(' after startswith")
		}
		prop := p.ident()
		if !p.lit(",") {
			return filterCond{}, fmt.Errorf("expected ',' in startswith")
		}
		v, err := p.str()
		if err != nil {
			return filterCond{}, err
		}
		if !p.lit(")") {
			return filterCond{}, fmt.Errorf("expected ')' after startswith")
		}
		return filterCond{prop: prop, op: "startswith", val: v}, nil
	}
	if id == "" {
		return filterCond{}, fmt.Errorf("expected a property name at position %d in '%s'", p.i, p.s)
	}
	if p.lit("/any(") {
		v1 := p.ident()
		if !p.lit(":") {
			return filterCond{}, fmt.Errorf("expected ':' in any()")
		}
		if v2 := p.ident(); v2 != v1 {
			return filterCond{}, fmt.Errorf("lambda variable '%s' is not defined", v2)
		}
		p.space()
		if !p.keyword("eq") {
			return filterCond{}, fmt.Errorf("only 'eq' is supported inside any()")
		}
		v, err := p.str()
		if err != nil {
			return filterCond{}, err
		}
		if !p.lit(")") {
			return filterCond{}, fmt.Errorf("expected ')' after any()")
		}
		return filterCond{prop: id, op: "any", val: v}, nil
	}
	p.space()
	if !p.keyword("eq") {
		return filterCond{}, fmt.Errorf("unsupported operator after '%s'; use eq, startswith or any", id)
	}
	v, err := p.str()
	if err != nil {
		return filterCond{}, err
	}
	return filterCond{prop: id, op: "eq", val: v}, nil
}

// filterSpec lists which property supports which operator on a collection.
type filterSpec map[string]string // prop → "eq" | "eq,startswith" | "any"

// compileFilter parses $filter and checks it against spec, writing Graph's error on failure.
func compileFilter(w http.ResponseWriter, r *http.Request, resource string, spec filterSpec) ([]filterCond, bool) {
	raw := r.URL.Query().Get("$filter")
	if raw == "" {
		return nil, true
	}
	conds, err := parseFilter(raw)
	if err != nil {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		return nil, false
	}
	for _, c := range conds {
		ops, ok := spec[c.prop]
		if !ok || !strings.Contains(ops, c.op) {
			writeGraphError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf(
				"Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", c.prop, resource))
			return nil, false
		}
	}
	return conds, true
}

// matchFilter evaluates clauses against an entity's JSON. Directory string
// comparisons are case-insensitive.
func matchFilter(m map[string]any, conds []filterCond) bool {
	for _, c := range conds {
		v := m[c.prop]
		switch c.op {
		case "eq":
			sv, _ := v.(string)
			if !strings.EqualFold(sv, c.val) {
				return false
			}
		case "startswith":
			sv, _ := v.(string)
			if !strings.HasPrefix(strings.ToLower(sv), strings.ToLower(c.val)) {
				return false
			}
		case "any":
			arr, _ := v.([]any)
			found := false
			for _, e := range arr {
				if es, _ := e.(string); strings.EqualFold(es, c.val) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
