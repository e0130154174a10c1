package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/internal/privfile"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// --demo --inventory FILE runs an inventory against simulated services that
// answer at the file's own URLs and last between runs, sealed like the
// single demo:
//
//   - each tenant of the file has its own emulated Entra ID + Graph, at
//     login.<tenant>.demo.test and graph.<tenant>.demo.test; each Appmixer
//     URL of the file (normally one per instance) its own emulated Appmixer,
//     at that URL's host and port;
//   - one sealedClient dials exactly those names to the loopback emulators
//     and refuses every other (no DNS lookup, no proxy);
//   - the world lives in <demo folder>/inventory/<file>-<hash of its path>/:
//     tenants/<tenant>.json (an Entra ID + Graph snapshot), appmixers/<host>.json
//     (an Appmixer snapshot) and the instances' resume file, state.json;
//     files 0600, folders 0700. It is saved when the run ends and restored by
//     the next run of the same file; --demo-scene fresh starts it over.

// demoInventoryPassword is every simulated instance user's password: the
// file names a variable, and the demo needs none to be set.
const demoInventoryPassword = "demo-inventory-password" // simulated, never real

// demoInventory is the running world of one inventory file.
type demoInventory struct {
	dir       string
	tenants   map[string]*demoTenant   // by the file's tenant, lower case
	appmixers map[string]*demoAppmixer // by host:port
	client    *http.Client             // the sealed client: only the hosts above
	instances map[string]demoInstance  // by instance name
}

// demoTenant is one tenant's emulated Entra ID + Graph.
type demoTenant struct {
	file         string // its snapshot's path
	login, graph string // its host names
	az           *azuretest.Server
}

// demoAppmixer is one Appmixer URL's emulated Appmixer.
type demoAppmixer struct {
	file string
	host string // host:port, as a client dials it
	amx  *appmixertest.Server
}

// demoInstance is how one instance reaches its services.
type demoInstance struct {
	tenant   *demoTenant
	appmixer *demoAppmixer
	token    string // tokenEnv instances: a token of the Appmixer's admin
	refused  error  // why the demo cannot serve this instance
}

// inventoryScene refuses a scene an inventory cannot start from: its
// world is the file's instances, so only fresh (start it over) applies.
func inventoryScene(scene string) error {
	if scene == "" || scene == "fresh" {
		return nil
	}
	return fmt.Errorf("--demo-scene %s: with --inventory, the only scene is fresh (it starts the inventory's demo world over)", scene)
}

// startDemoInventory is the demo's hook for --inventory: it loads the file's
// lasting world (or starts it over for scene "fresh"), returns the
// OptionsFunc that points each instance at it, and a stop that saves it.
func startDemoInventory(inv *fleet.Inventory, base *steps.Options, scene string, e env) (fleet.OptionsFunc, func(), error) {
	demoPace(e.getenv)
	if err := inventoryScene(scene); err != nil {
		return nil, nil, err
	}
	root, err := demoDir(base.StateDir)
	if err != nil {
		return nil, nil, err
	}
	d := &demoInventory{dir: filepath.Join(root, "inventory", inventoryKey(inv.Path)),
		tenants: map[string]*demoTenant{}, appmixers: map[string]*demoAppmixer{}, instances: map[string]demoInstance{}}
	if scene == "fresh" {
		if err := os.RemoveAll(d.dir); err != nil {
			return nil, nil, fmt.Errorf("start the inventory's demo world over: %w", err)
		}
	}
	for _, sub := range []string{"tenants", "appmixers"} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), 0o700); err != nil {
			return nil, nil, fmt.Errorf("create the demo folder: %w", err)
		}
	}
	restored, err := d.start(inv)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	base.StateDir = d.dir
	what := "a new world"
	if restored {
		what = "the world of the last run"
	}
	fmt.Fprintf(e.err, "Demo: %d tenant(s) and %d Appmixer(s) are simulated in this process at the inventory's own URLs (%s, kept in %s); nothing real is changed. Start over with --demo-scene fresh.\n",
		len(d.tenants), len(d.appmixers), what, d.dir)
	return d.options, func() {
		if err := d.save(); err != nil {
			fmt.Fprintln(e.err, "warning: the demo world was not saved:", err)
		}
		d.close()
	}, nil
}

// start runs the emulators the instances need, each restored from its
// snapshot when there is one, and builds the sealed client. It reports
// whether anything was restored.
func (d *demoInventory) start(inv *fleet.Inventory) (bool, error) {
	// Which Appmixer each instance is dialled at; an URL the demo cannot
	// serve, or one that would take a simulated tenant's name, fails only
	// its instance.
	hosts := map[string]string{}
	taken := map[string]bool{}
	for _, in := range inv.Instances {
		label := hostLabels(tenantKey(in))
		taken["login."+label+".demo.test:443"], taken["graph."+label+".demo.test:443"] = true, true
	}
	for _, in := range inv.Instances {
		host, err := instanceAppmixerHost(in.AppmixerURL)
		if err == nil && taken[host] {
			err = fmt.Errorf("the demo's simulated tenant answers at %s: give %s another appmixerUrl", host, in.Name)
		}
		if err != nil {
			d.instances[in.Name] = demoInstance{refused: err}
			continue
		}
		hosts[in.Name] = host
	}
	restored := false
	for _, in := range inv.Instances {
		host, ok := hosts[in.Name]
		if !ok {
			continue
		}
		t, r, err := d.tenant(tenantKey(in))
		if err != nil {
			return restored, err
		}
		a, r2, err := d.appmixer(host)
		if err != nil {
			return restored, err
		}
		restored = restored || r || r2
		di := demoInstance{tenant: t, appmixer: a}
		// The instance's user, after any restore (which replaces the users):
		// an admin with the demo's password, or a token of the seeded admin.
		if in.Username != "" {
			a.amx.AddUser(in.Username, demoInventoryPassword, true)
		} else if di.token = a.amx.IssueToken(appmixertest.DefaultAdminUsername); di.token == "" {
			return restored, worldError(a.file, errors.New("it has no "+appmixertest.DefaultAdminUsername))
		}
		d.instances[in.Name] = di
	}
	var routes []sealedRoute
	for _, t := range d.tenants {
		routes = append(routes, sealedRoute{[]string{t.login + ":443", t.graph + ":443"}, t.az.URL, t.az.CACertPEM()})
	}
	for _, a := range d.appmixers {
		routes = append(routes, sealedRoute{[]string{a.host}, a.amx.URL, a.amx.CACertPEM()})
	}
	d.client = sealedClient(routes...)
	return restored, nil
}

func tenantKey(in fleet.Instance) string { return strings.ToLower(strings.TrimSpace(in.Tenant)) }

// tenant is the tenant's emulated Entra ID + Graph, started (and restored)
// on first use; it reports whether it was restored then.
func (d *demoInventory) tenant(key string) (*demoTenant, bool, error) {
	if t := d.tenants[key]; t != nil {
		return t, false, nil
	}
	label := hostLabels(key)
	t := &demoTenant{file: filepath.Join(d.dir, "tenants", fileKey(key)+".json"),
		login: "login." + label + ".demo.test", graph: "graph." + label + ".demo.test"}
	snap, err := readSnapshot(t.file)
	if err != nil {
		return nil, false, err
	}
	var id []azuretest.Option
	if snap == nil && guidShape.MatchString(key) {
		id = append(id, azuretest.WithTenantID(key)) // a tenant ID in the file is the simulated tenant's (a restore keeps the saved one)
	}
	t.az = demoAzure(t.login, t.graph, id...)
	d.tenants[key] = t
	if snap == nil {
		return t, false, nil
	}
	if err := t.az.Restore(snap); err != nil {
		return nil, false, worldError(t.file, err)
	}
	return t, true, nil
}

// appmixer is the emulated Appmixer at host (host:port), started (and
// restored) on first use; it reports whether it was restored then.
func (d *demoInventory) appmixer(host string) (*demoAppmixer, bool, error) {
	if a := d.appmixers[host]; a != nil {
		return a, false, nil
	}
	name := strings.ReplaceAll(strings.TrimSuffix(host, ":443"), ":", "_")
	a := &demoAppmixer{file: filepath.Join(d.dir, "appmixers", fileKey(name)+".json"), host: host}
	snap, err := readSnapshot(a.file)
	if err != nil {
		return nil, false, err
	}
	hostname, _, _ := net.SplitHostPort(host)
	a.amx = appmixertest.NewServer(appmixertest.WithHostnames(hostname))
	d.appmixers[host] = a
	if snap == nil {
		return a, false, nil
	}
	if err := a.amx.Restore(snap); err != nil {
		return nil, false, worldError(a.file, err)
	}
	return a, true, nil
}

// options is the world's fleet.OptionsFunc: the instance's settings from the
// file, its URL served by its simulated Appmixer, its tenant's simulated
// Entra ID, simulated credentials, the resume file in the demo's folder.
func (d *demoInventory) options(base steps.Options, in fleet.Instance) (steps.Options, error) {
	o := fleet.Apply(base, in)
	di, ok := d.instances[in.Name]
	switch {
	case !ok:
		return o, fmt.Errorf("%s: the demo started no simulated services for this instance", in.Name)
	case di.refused != nil:
		return o, di.refused
	}
	t := di.tenant
	tenant := t.az.TenantID
	if k := strings.ToLower(in.Tenant); k == "organizations" || k == "common" {
		tenant = k // the simulated tenant answers to these as Entra does
	}
	sealOptions(&o, d.client, t.login, t.graph, tenant, d.dir)
	if di.token != "" {
		o.AppmixerToken, o.AppmixerPassword = steps.NewSecret(di.token), steps.Secret{}
	} else {
		o.AppmixerPassword, o.AppmixerToken = steps.NewSecret(demoInventoryPassword), steps.Secret{}
	}
	return o, nil
}

// save writes every snapshot (0600, atomically).
func (d *demoInventory) save() error {
	var errs []error
	for _, t := range d.tenants {
		b, err := t.az.Snapshot()
		if err == nil {
			err = privfile.Write(t.file, b)
		}
		errs = append(errs, err)
	}
	for _, a := range d.appmixers {
		b, err := a.amx.Snapshot()
		if err == nil {
			err = privfile.Write(a.file, b)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (d *demoInventory) close() {
	for _, t := range d.tenants {
		t.az.Close()
	}
	for _, a := range d.appmixers {
		a.amx.Close()
	}
}

// instanceAppmixerHost is the host:port an instance's Appmixer is dialled at.
// The simulated Appmixers speak https under a host name (their certificate
// names it), so a plain-http or IP-address URL is refused.
func instanceAppmixerHost(raw string) (string, error) {
	u, err := appmixer.ParseAPIURL(raw)
	if err != nil {
		return "", err
	}
	name := u.Hostname()
	switch {
	case u.Scheme != "https":
		return "", fmt.Errorf("the demo simulates an Appmixer at an https URL only; %s is plain http", u)
	case net.ParseIP(name) != nil:
		return "", fmt.Errorf("the demo simulates an Appmixer under a host name only; %s is an IP address", u)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(strings.ToLower(name), port), nil
}

// inventoryKey names an inventory file's world: its name and a hash of
// its absolute path, so the same file finds its world again.
func inventoryKey(path string) string {
	p, err := filepath.Abs(path)
	if err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
	} else {
		p = path
	}
	return hashedName(strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), p, "inventory")
}

// hashedName is name cleaned into a short file name (fallback when nothing
// is left of it) and made unique by a hash of key.
func hashedName(name, key, fallback string) string {
	sum := sha256.Sum256([]byte(key))
	name = strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-.")
	if len(name) > 40 {
		name = name[:40]
	}
	if name == "" {
		name = fallback
	}
	return name + "-" + hex.EncodeToString(sum[:6])
}

var (
	unsafeName  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	safeFileKey = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)
	notLabel    = regexp.MustCompile(`[^a-z0-9-]+`)
)

// fileKey is a file name for a key: the key itself when it is a plain name,
// else a cleaned one with a hash, so two keys never share a file.
func fileKey(key string) string {
	if safeFileKey.MatchString(key) && !strings.Contains(key, "..") {
		return key
	}
	return hashedName(strings.ToLower(key), key, "")
}

// hostLabels turns a tenant (a domain or an ID, lower case) into DNS
// labels: acme.onmicrosoft.com and a tenant ID stay as they are; anything
// else is made a valid name with a hash, so two tenants never share one.
func hostLabels(tenant string) string {
	var labels []string
	for _, l := range strings.Split(tenant, ".") {
		l = strings.Trim(notLabel.ReplaceAllString(l, "-"), "-")
		if len(l) > 54 {
			l = l[:54]
		}
		if l != "" {
			labels = append(labels, l)
		}
	}
	s := strings.Join(labels, ".")
	if s == tenant && s != "" && len(s) <= 200 {
		return s
	}
	sum := sha256.Sum256([]byte(tenant))
	if s == "" || len(s) > 200 {
		return "tenant-" + hex.EncodeToString(sum[:4])
	}
	return s + "-" + hex.EncodeToString(sum[:4])
}

// readSnapshot is a saved snapshot, nil when there is none.
func readSnapshot(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, worldError(path, err)
	}
	return b, nil
}

func worldError(path string, err error) error {
	return fmt.Errorf("the demo world in %s cannot be read (%v): start it over with --demo-scene fresh", path, err)
}
