package azuretest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Stored Graph objects are JSON documents checked against Graph's own CSDL
// (schema_gen.go, written by scripts/graphschema): every structural property
// of the type is stored and returned, unknown ones are refused as Graph's
// OData reader refuses them, and values must have the declared Edm type.

// odataProp is one structural property of a Graph type.
type odataProp struct {
	name, typ      string // typ: "Edm.String", or a complex or enum type name without "graph."
	coll, nullable bool
}

// propOf finds a property of typeName; Graph resolves property names case-insensitively.
func propOf(typeName, name string) (odataProp, bool) {
	for _, p := range graphTypes[typeName] {
		if strings.EqualFold(p.name, name) {
			return p, true
		}
	}
	return odataProp{}, false
}

// isOpenType reports a complex type that declares no properties (e.g.
// customSecurityAttributeValue): any object is accepted.
func isOpenType(name string) bool {
	ps, ok := graphTypes[name]
	return ok && len(ps) == 0
}

func isComplex(typ string) bool {
	_, ok := graphTypes[typ]
	return ok
}

func edmName(p odataProp) string {
	t := p.typ
	if !strings.HasPrefix(t, "Edm.") {
		t = "microsoft.graph." + t
	}
	if p.coll {
		return "Collection(" + t + ")"
	}
	return t
}

// decodeJSON decodes one JSON value keeping numbers exact.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkValue validates v (decoded with UseNumber) as a value of p and returns
// it with property names in their declared spelling. Missing properties of
// complex values stay missing (a PATCH merges them); normalizeValue fills them.
// ODataLib's messages: learn.microsoft.com/odata/ (Microsoft.OData.Core strings).
func checkValue(v any, p odataProp) (any, *gerr) {
	if v == nil {
		if p.nullable && !p.coll {
			return nil, nil
		}
		return nil, nullNotAllowed(p)
	}
	if p.coll {
		arr, ok := v.([]any)
		if !ok {
			return nil, badRequest("Cannot convert the value of property '%s' to the expected type '%s'.", p.name, edmName(p))
		}
		out := make([]any, 0, len(arr))
		elem := odataProp{name: p.name, typ: p.typ}
		for _, e := range arr {
			if e == nil {
				return nil, badRequest("A null value was found in a collection of property '%s', which has the expected item type '%s'; null items are not allowed.", p.name, edmName(elem))
			}
			n, e2 := checkValue(e, elem)
			if e2 != nil {
				return nil, e2
			}
			out = append(out, n)
		}
		return out, nil
	}
	switch {
	case strings.HasPrefix(p.typ, "Edm."):
		return checkPrimitive(v, p)
	case graphEnums[p.typ] != nil:
		s, ok := v.(string)
		if !ok || !containsString(graphEnums[p.typ], s) {
			return nil, badRequest("The string '%s' is not a valid enumeration type constant for property '%s'.", literal(v), p.name)
		}
		return s, nil
	case isOpenType(p.typ):
		m, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("Cannot convert the value of property '%s' to the expected type '%s'.", p.name, edmName(p))
		}
		return m, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("Cannot convert the value of property '%s' to the expected type '%s'.", p.name, edmName(p))
	}
	return checkObject(m, p.typ, nil)
}

// checkObject validates the properties given in m (not the missing ones)
// against typeName, resolving names to their declared spelling. Instance
// annotations ("@odata.type") are dropped.
func checkObject(m map[string]any, typeName string, readOnly map[string]bool) (map[string]any, *gerr) {
	out := map[string]any{}
	for _, k := range sortedAnyKeys(m) {
		if strings.Contains(k, "@") {
			continue
		}
		p, ok := propOf(typeName, k)
		if !ok {
			return nil, badRequest("The property '%s' does not exist on type 'microsoft.graph.%s'. Make sure to only use property names that are defined by the type or mark the type as open type.", k, typeName)
		}
		if readOnly[p.name] || p.typ == "Edm.Stream" {
			return nil, badRequest("Property '%s' is read-only and cannot be set.", p.name)
		}
		v, e := checkValue(m[k], p)
		if e != nil {
			return nil, e
		}
		out[p.name] = v
	}
	return out, nil
}

// coerceNulls turns a null collection into an empty one, inside complex
// values too: a typed Go view writes nil slices as null, which JSON from a
// client would never mean for a collection.
func coerceNulls(v any, p odataProp) any {
	switch x := v.(type) {
	case nil:
		if p.coll {
			return []any{}
		}
	case []any:
		elem := odataProp{name: p.name, typ: p.typ}
		for i, e := range x {
			x[i] = coerceNulls(e, elem)
		}
	case map[string]any:
		if !p.coll && isComplex(p.typ) {
			for k, e := range x {
				if sub, ok := propOf(p.typ, k); ok {
					x[k] = coerceNulls(e, sub)
				}
			}
		}
	}
	return v
}

// normalizeObject gives m every declared property of typeName, in complex
// values too: a missing one gets its default (null, [] for collections,
// false for non-nullable booleans), so what Graph would return is what is stored.
func normalizeObject(m map[string]any, typeName string) map[string]any {
	for _, p := range graphTypes[typeName] {
		if p.typ == "Edm.Stream" {
			continue
		}
		v, ok := m[p.name]
		if !ok {
			m[p.name] = defaultValue(p)
			continue
		}
		m[p.name] = normalizeValue(v, p)
	}
	return m
}

// normalizeValue fills the missing properties of a (collection of) complex value.
func normalizeValue(v any, p odataProp) any {
	if !isComplex(p.typ) || isOpenType(p.typ) {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		return normalizeObject(x, p.typ)
	case []any:
		for i, e := range x {
			if m, ok := e.(map[string]any); ok {
				x[i] = normalizeObject(m, p.typ)
			}
		}
	}
	return v
}

func defaultValue(p odataProp) any {
	switch {
	case p.coll:
		return []any{}
	case p.typ == "Edm.Boolean" && !p.nullable:
		return false
	}
	return nil
}

// mergeValue applies a PATCH value: complex values merge property by
// property (OData 4.01 §11.4.3 update semantics, which Graph follows for
// e.g. web.implicitGrantSettings); collections and primitives are replaced.
func mergeValue(old, given any, p odataProp) any {
	om, ok1 := old.(map[string]any)
	gm, ok2 := given.(map[string]any)
	if p.coll || !ok1 || !ok2 || !isComplex(p.typ) || isOpenType(p.typ) {
		return given
	}
	out := map[string]any{}
	for k, v := range om {
		out[k] = v
	}
	for k, v := range gm {
		sub, _ := propOf(p.typ, k)
		out[k] = mergeValue(om[k], v, sub)
	}
	return out
}

var (
	durationRE = regexp.MustCompile(`^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
	// Entra: a Graph date-time is ISO 8601 with an offset or Z.
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$`)
)

func checkPrimitive(v any, p odataProp) (any, *gerr) {
	bad := func() (any, *gerr) {
		return nil, badRequest("Cannot convert the literal '%s' to the expected type '%s' for property '%s'.", literal(v), p.typ, p.name)
	}
	switch p.typ {
	case "Edm.String":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "Edm.Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "Edm.Int32":
		if n, ok := v.(json.Number); ok {
			if i, err := strconv.ParseInt(string(n), 10, 32); err == nil {
				return json.Number(strconv.FormatInt(i, 10)), nil
			}
		}
	case "Edm.Guid":
		if s, ok := v.(string); ok && isGUID(s) {
			return s, nil
		}
	case "Edm.DateTimeOffset":
		if s, ok := v.(string); ok && dateTimeRE.MatchString(s) {
			if t, ok := parseGraphTime(s); ok {
				return t.UTC().Format("2006-01-02T15:04:05.9999999Z"), nil
			}
		}
	case "Edm.Binary":
		if s, ok := v.(string); ok {
			if _, err := base64.StdEncoding.DecodeString(s); err == nil {
				return s, nil
			}
		}
	case "Edm.Duration":
		if s, ok := v.(string); ok && s != "P" && s != "PT" && durationRE.MatchString(s) {
			return s, nil
		}
	default:
		return v, nil // a primitive the emulator does not check further
	}
	return bad()
}

func nullNotAllowed(p odataProp) *gerr {
	if p.coll {
		return nullCollection(p.name, strings.TrimSuffix(strings.TrimPrefix(edmName(p), "Collection("), ")"))
	}
	return badRequest("A null value was found for the property named '%s', which has the expected type '%s[Nullable=False]'. The expected type '%s[Nullable=False]' does not allow null values.", p.name, edmName(p), edmName(p))
}

func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.Trim(string(b), `"`)
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func sortedAnyKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// cloneJSON deep-copies a JSON-shaped value.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}

// toJSONMap converts a Go value to its JSON object form (numbers as json.Number).
func toJSONMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{}
	}
	m, _ := decodeJSON(b)
	out, _ := m.(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

// fromJSONMap decodes a JSON-shaped map into a Go value.
func fromJSONMap(m map[string]any, out any) {
	b, err := json.Marshal(m)
	if err == nil {
		_ = json.Unmarshal(b, out)
	}
}
