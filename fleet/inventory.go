// Package fleet runs one command for many Appmixer instances: an inventory
// file names them, each runs on its own steps.Session, in parallel, and the
// instances of one Azure tenant share one Azure sign-in.
package fleet

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Instance is one Appmixer of the inventory, defaults applied. It holds the
// names of the environment variables with its credentials, never a credential.
type Instance struct {
	Name         string
	Line         int // where its entry starts in the file
	AppmixerURL  string
	Username     string
	PasswordEnv  string
	TokenEnv     string
	Tenant       string // Azure tenant ID or domain
	AppName      string
	AppID        string
	Audience     string
	Permissions  string
	TenantField  steps.TenantField
	AdminConsent bool
}

// Inventory is a parsed inventory file.
type Inventory struct {
	Path      string
	Instances []Instance
}

// instanceKeys are the keys an instance (or defaults) may have.
var instanceKeys = []string{"name", "appmixerUrl", "username", "passwordEnv", "tokenEnv", "tenant",
	"appName", "appId", "audience", "permissions", "tenantField", "adminConsent"}

// credentialKeys would put a credential into the file: refused with their own words.
var credentialKeys = map[string]bool{"password": true, "appmixerPassword": true, "token": true,
	"appmixerToken": true, "clientSecret": true, "secret": true}

// nameShape keeps a name usable as a file name (--report-dir) and in one line of output.
var nameShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Problem is one mistake in the file, at a line and column.
type Problem struct {
	Path      string
	Line, Col int
	Msg       string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Path + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Path, p.Line, p.Col, p.Msg)
}

// Error is every mistake in an inventory; nothing runs while there is one.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// LoadOptions say how strictly a file is read.
type LoadOptions struct {
	Getenv func(string) string // nil: os.Getenv
	// SkipEnv: the credentials come from elsewhere (--demo), so unset
	// variables are not refused.
	SkipEnv bool
}

// Load reads and checks an inventory file.
func Load(path string, o LoadOptions) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{[]Problem{{Path: path, Msg: "cannot read the inventory: " + pathError(err)}}}
	}
	return Parse(path, data, o)
}

func pathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse checks an inventory's text; path names it in messages. Every problem
// is reported, each with its line, not only the first.
func Parse(path string, data []byte, o LoadOptions) (*Inventory, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	c := &checker{path: path, o: o}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		c.yamlError(err)
		return nil, c.err()
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		c.add(nil, "the inventory is empty: it needs an instances list (see the README's Inventory section)")
		return nil, c.err()
	}
	top, ok := c.mapping(f.Docs[0].Body, "the inventory")
	if !ok {
		return nil, c.err()
	}
	var defaults entry
	var list ast.Node
	for _, kv := range top {
		switch kv.key {
		case "defaults":
			if m, ok := c.mapping(kv.value, "defaults"); ok {
				defaults = c.entry(m, "defaults", true)
			}
		case "instances":
			list = kv.value
		default:
			c.add(kv.keyNode, fmt.Sprintf("unknown key %q: the inventory has defaults and instances", kv.key))
		}
	}
	inv := &Inventory{Path: path}
	seq, ok := list.(*ast.SequenceNode)
	switch {
	case list == nil:
		c.add(nil, "no instances: add an instances list")
	case !ok:
		c.add(list, "instances must be a list (each item starting with -)")
	case len(seq.Values) == 0:
		c.add(seq, "the instances list is empty")
	default:
		seen := map[string]int{}
		for i, item := range seq.Values {
			m, ok := c.mapping(item, fmt.Sprintf("instance %d", i+1))
			if !ok {
				continue
			}
			e := c.entry(m, fmt.Sprintf("instance %d", i+1), false)
			in, ok := c.instance(e, defaults, item)
			if !ok {
				continue
			}
			if line, dup := seen[strings.ToLower(in.Name)]; dup {
				c.add(e.node("name"), fmt.Sprintf("instance name %q is used twice (first at line %d): names must be unique", in.Name, line))
				continue
			}
			seen[strings.ToLower(in.Name)] = in.Line
			inv.Instances = append(inv.Instances, in)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return inv, nil
}

// Only keeps the named instances, in the file's order; a name the file does
// not have is an error.
func (inv *Inventory) Only(names []string) error {
	if len(names) == 0 {
		return nil
	}
	var missing []string
	keep := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		found := slices.ContainsFunc(inv.Instances, func(in Instance) bool { return strings.EqualFold(in.Name, n) })
		if !found {
			missing = append(missing, n)
		}
		keep[strings.ToLower(n)] = true
	}
	if len(missing) > 0 {
		return fmt.Errorf("--only names %s, which %s does not list", strings.Join(missing, ", "), inv.Path)
	}
	inv.Instances = slices.DeleteFunc(inv.Instances, func(in Instance) bool { return !keep[strings.ToLower(in.Name)] })
	return nil
}

// checker gathers problems as the file is walked.
type checker struct {
	path     string
	o        LoadOptions
	problems []Problem
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Problems: c.problems}
}

func (c *checker) add(n ast.Node, msg string) {
	p := Problem{Path: c.path, Msg: msg}
	if n != nil && n.GetToken() != nil {
		p.Line, p.Col = n.GetToken().Position.Line, n.GetToken().Position.Column
	}
	c.problems = append(c.problems, p)
}

// yamlError keeps go-yaml's position and message, without its source excerpt.
func (c *checker) yamlError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		pos := ye.GetToken().Position
		c.problems = append(c.problems, Problem{Path: c.path, Line: pos.Line, Col: pos.Column, Msg: "not valid YAML: " + ye.GetMessage()})
		return
	}
	c.problems = append(c.problems, Problem{Path: c.path, Msg: "not valid YAML: " + strings.SplitN(err.Error(), "\n", 2)[0]})
}

// keyValue is one key of a mapping, with the nodes that say where it is.
type keyValue struct {
	key     string
	keyNode ast.Node
	value   ast.Node
}

// mapping lists a mapping's keys in order; anything else is a problem.
func (c *checker) mapping(n ast.Node, what string) ([]keyValue, bool) {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		c.add(n, what+" must be a mapping of keys (key: value)")
		return nil, false
	}
	out := make([]keyValue, 0, len(values))
	for _, v := range values {
		out = append(out, keyValue{key: v.Key.String(), keyNode: v.Key, value: v.Value})
	}
	return out, true
}

// entry is an instance's (or the defaults') keys with their nodes.
type entry struct {
	what   string
	first  ast.Node
	values map[string]keyValue
}

func (e entry) node(key string) ast.Node {
	if kv, ok := e.values[key]; ok {
		return kv.keyNode
	}
	return e.first
}

// entry checks the keys of an instance or of the defaults.
func (c *checker) entry(m []keyValue, what string, defaults bool) entry {
	e := entry{what: what, values: map[string]keyValue{}}
	for i, kv := range m {
		if i == 0 {
			e.first = kv.keyNode
		}
		switch {
		case credentialKeys[kv.key]:
			c.add(kv.keyNode, fmt.Sprintf("%s: %q would put a credential in the file: name its environment variable with passwordEnv or tokenEnv instead", what, kv.key))
		case defaults && kv.key == "name":
			c.add(kv.keyNode, "defaults: name belongs to each instance, not to the defaults")
		case !slices.Contains(instanceKeys, kv.key):
			c.add(kv.keyNode, fmt.Sprintf("%s: unknown key %q (the keys are %s)", what, kv.key, strings.Join(instanceKeys, ", ")))
		default:
			e.values[kv.key] = kv
		}
	}
	return e
}

// instance applies the defaults to one entry and checks every value.
func (c *checker) instance(e, defaults entry, item ast.Node) (Instance, bool) {
	before := len(c.problems)
	get := func(key string) (keyValue, bool) {
		if kv, ok := e.values[key]; ok {
			return kv, true
		}
		kv, ok := defaults.values[key]
		return kv, ok
	}
	str := func(key string) string {
		kv, ok := get(key)
		if !ok {
			return ""
		}
		s, ok := scalar(kv.value)
		if !ok {
			c.add(kv.value, fmt.Sprintf("%s: %s must be a single value", e.what, key))
		}
		return strings.TrimSpace(s)
	}
	in := Instance{Line: item.GetToken().Position.Line, Name: str("name")}
	if e.first != nil {
		in.Line = e.first.GetToken().Position.Line
	}
	what := e.what
	if in.Name != "" {
		what = fmt.Sprintf("instance %q", in.Name)
	}
	required := func(key, why string) string {
		v := str(key)
		if v == "" {
			c.add(e.node(key), fmt.Sprintf("%s: %s is missing (%s)", what, key, why))
		}
		return v
	}
	in.Name = required("name", "it names the instance in output and reports")
	if in.Name != "" && !nameShape.MatchString(in.Name) {
		c.add(e.node("name"), fmt.Sprintf("%s: name may hold only letters, digits, '.', '_' and '-' (it names report files)", what))
	}
	in.AppmixerURL = required("appmixerUrl", "the Appmixer API URL, e.g. https://api.acme.appmixer.cloud")
	if in.AppmixerURL != "" {
		if _, err := appmixer.ParseAPIURL(in.AppmixerURL); err != nil {
			c.add(e.node("appmixerUrl"), fmt.Sprintf("%s: appmixerUrl: %v", what, err))
		}
	}
	in.Tenant = required("tenant", "the Azure tenant ID or domain where the app lives")
	in.PasswordEnv, in.TokenEnv, in.Username = str("passwordEnv"), str("tokenEnv"), str("username")
	switch {
	case in.PasswordEnv == "" && in.TokenEnv == "":
		c.add(e.node("passwordEnv"), what+": passwordEnv (or tokenEnv) is missing: name the environment variable that holds the Appmixer password")
	case in.PasswordEnv != "" && in.TokenEnv != "":
		c.add(e.node("tokenEnv"), what+": give passwordEnv or tokenEnv, not both")
	case in.PasswordEnv != "" && in.Username == "":
		c.add(e.node("username"), what+": username is missing (the Appmixer admin whose password passwordEnv names)")
	}
	for _, key := range []string{"passwordEnv", "tokenEnv"} {
		name := str(key)
		if name == "" || c.o.SkipEnv {
			continue
		}
		kv, _ := get(key)
		if !envName.MatchString(name) {
			c.add(kv.keyNode, fmt.Sprintf("%s: %s must name an environment variable in upper case (such as ACME_APPMIXER_PASSWORD), never hold a value", what, key))
		} else if c.o.Getenv(name) == "" {
			c.add(kv.keyNode, fmt.Sprintf("%s: the environment variable %s (%s) is not set", what, name, key))
		}
	}
	in.AppName, in.AppID = str("appName"), str("appId")
	in.Audience, in.Permissions = str("audience"), str("permissions")
	if _, ok := steps.Audiences[in.Audience]; in.Audience != "" && !ok {
		c.add(e.node("audience"), fmt.Sprintf("%s: audience %q: use single-tenant, multi-tenant or multi-tenant-and-personal", what, in.Audience))
	}
	if in.Permissions != "" {
		if _, _, err := steps.PermissionNames(in.Permissions); err != nil {
			c.add(e.node("permissions"), fmt.Sprintf("%s: permissions: %v", what, err))
		}
	}
	switch tf := strings.ToLower(str("tenantField")); tf {
	case "", "on", "off":
		in.TenantField = steps.TenantField(tf)
	case "true":
		in.TenantField = steps.TenantFieldOn
	case "false":
		in.TenantField = steps.TenantFieldOff
	default:
		c.add(e.node("tenantField"), fmt.Sprintf("%s: tenantField %q: use on or off", what, tf))
	}
	if in.Audience == "single-tenant" && in.TenantField == steps.TenantFieldOff {
		c.add(e.node("tenantField"), what+": a single-tenant app needs the tenant field on (it cannot use Microsoft's common endpoint)")
	}
	switch ac := strings.ToLower(str("adminConsent")); ac {
	case "", "false":
	case "true":
		in.AdminConsent = true
	default:
		c.add(e.node("adminConsent"), fmt.Sprintf("%s: adminConsent %q: use true or false", what, ac))
	}
	return in, len(c.problems) == before
}

// envName is the shape of an environment variable's name, upper case by
// convention: anything else is taken for a value and never repeated.
var envName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// scalar is a node's value as text; false for a list or mapping.
func scalar(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case ast.ScalarNode:
		return fmt.Sprint(v.GetValue()), true
	}
	return "", false
}
