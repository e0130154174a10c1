package azuretest

import (
	"fmt"
	"net/http"
	"strings"
)

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
	for i, c := range conds {
		for name := range spec {
			if strings.EqualFold(name, c.prop) {
				conds[i].prop = name // Graph resolves property names case-insensitively
			}
		}
		ops, ok := spec[conds[i].prop]
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
