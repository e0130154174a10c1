package main

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// demoInventoryFile is an inventory as a presenter writes it: two tenants
// (a domain and an ID), a password and a token instance, a URL with a port.
// None of its variables is set: the demo's credentials are simulated.
const demoInventoryFile = `defaults:
  tenant: acme.onmicrosoft.com
instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: admin@acme.com
    passwordEnv: ACME_APPMIXER_PASSWORD
  - name: globex
    appmixerUrl: https://api.globex.appmixer.cloud
    tokenEnv: GLOBEX_APPMIXER_TOKEN
    tenant: 7f3c1a2b-1111-4222-8333-444455556666
  - name: initech
    appmixerUrl: https://appmixer.initech.example:8443
    username: ops@initech.example
    passwordEnv: INITECH_APPMIXER_PASSWORD
    appName: Appmixer Initech
`

// demoInventoryURLs are the file's Appmixer URLs, by instance.
var demoInventoryURLs = map[string]string{
	"acme": "https://api.acme.appmixer.cloud", "globex": "https://api.globex.appmixer.cloud",
	"initech": "https://appmixer.initech.example:8443",
}

func writeDemoInventory(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "customers.yaml")
	if err := os.WriteFile(path, []byte(demoInventoryFile), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fleetJSON runs the demo with --json and decodes its one object.
func (d *demoRun) fleetJSON(args ...string) (int, wizard.FleetResult, string) {
	d.t.Helper()
	return d.decodeFleet(args, func() (int, string, string) { return d.run("", append(args, "--json")...) })
}

func (d *demoRun) decodeFleet(args []string, run func() (int, string, string)) (int, wizard.FleetResult, string) {
	d.t.Helper()
	code, stdout, stderr := run()
	var r wizard.FleetResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		d.t.Fatalf("%v: stdout is not one JSON object (%v)\n%s\n%s", args, err, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "127.0.0.1") || strings.Contains(stdout+stderr, "localhost") {
		d.t.Errorf("%v: a loopback address is shown to the audience:\n%s\n%s", args, stdout, stderr)
	}
	return code, r, stderr
}

func clientIDs(t *testing.T, r wizard.FleetResult) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, in := range r.Instances {
		if !in.OK || in.ClientID == "" {
			t.Errorf("instance %s: ok %v, client ID %q, error %q", in.Name, in.OK, in.ClientID, in.Error)
		}
		ids[in.Name] = in.ClientID
	}
	if len(ids) != len(demoInventoryURLs) {
		t.Errorf("%d instance(s) in the result, want %d: %+v", len(ids), len(demoInventoryURLs), r.Instances)
	}
	return ids
}

// The inventory demo's world lasts: a second process finds every instance
// set up with the same apps, a third setup has nothing to change, and the
// audience sees the file's URLs, never a loopback address.
func TestDemoInventoryLastsBetweenRuns(t *testing.T) {
	d := newDemoRun(t)
	inv := writeDemoInventory(t)

	code, setup, lines := d.fleetJSON("--inventory", inv, "--yes")
	if code != 0 || !setup.OK {
		t.Fatalf("first run: exit %d, %+v\n%s", code, setup, lines)
	}
	first := clientIDs(t, setup)
	if m, _ := filepath.Glob(filepath.Join(d.stateDir, "demo", "inventory", "customers-*", "state.json")); len(m) != 1 {
		t.Errorf("the instances' resume file is not in the inventory's demo folder: %v", m)
	}
	for name, u := range demoInventoryURLs {
		for _, want := range []string{name + ": ✓ Redirect URIs: " + u + "/auth/microsoft/callback; " + u + "/plugins/appmixer/microsoft/onedrive/picker",
			name + ": ✓ Sign in to Appmixer: signed in to " + u} {
			if !strings.Contains(lines, want) {
				t.Errorf("the lines lack %q:\n%s", want, lines)
			}
		}
	}
	for _, want := range []string{"open https://login.acme.onmicrosoft.com.demo.test/devicelogin",
		"open https://login.7f3c1a2b-1111-4222-8333-444455556666.demo.test/devicelogin", "tenant 7f3c1a2b-1111-4222-8333-444455556666"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the lines lack %q:\n%s", want, lines)
		}
	}

	code, status, lines := d.fleetJSON("status", "--inventory", inv)
	if code != 0 || !status.OK {
		t.Fatalf("status in a second process: exit %d, %+v\n%s", code, status, lines)
	}
	if got := clientIDs(t, status); !maps.Equal(got, first) {
		t.Fatalf("status found other apps: %v, the setup made %v", got, first)
	}

	code, again, lines := d.fleetJSON("--inventory", inv, "--yes")
	if code != 0 || !again.OK || !maps.Equal(clientIDs(t, again), first) {
		t.Fatalf("a second setup: exit %d, %+v\n%s", code, again, lines)
	}
	for _, in := range again.Instances {
		if len(in.Changes) != 0 {
			t.Errorf("a second setup of %s changed %v: it should find its setup", in.Name, in.Changes)
		}
	}

	// --demo-scene fresh starts the inventory's world over.
	code, fresh, lines := d.fleetJSON("--demo-scene", "fresh", "status", "--inventory", inv)
	if code == 0 || fresh.OK {
		t.Fatalf("status of a fresh inventory world: exit %d, %+v\n%s", code, fresh, lines)
	}
	for _, in := range fresh.Instances {
		if in.OK || in.ClientID != "" {
			t.Errorf("a fresh world still holds %s's setup: %+v", in.Name, in)
		}
	}
	// Only fresh is a scene of an inventory: the others are refused in one line.
	code, _, stderr := d.run("", "--demo-scene", "drift", "--inventory", inv, "--yes")
	if code != exitUsage || !strings.Contains(stderr, "the only scene is fresh") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("--demo-scene drift --inventory: exit %d, %q", code, stderr)
	}

	// Every file is in the demo's folder: 0600 files, 0700 folders; the
	// world is kept per tenant and per Appmixer.
	inside := filepath.Join(d.stateDir, "demo", "inventory") + string(filepath.Separator)
	kept := map[string]bool{}
	filepath.WalkDir(filepath.Dir(d.stateDir), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		info, _ := e.Info()
		if e.IsDir() {
			if strings.HasPrefix(p, d.stateDir) && info.Mode().Perm() != 0o700 {
				t.Errorf("folder %s has mode %v", p, info.Mode().Perm())
			}
			return nil
		}
		if !strings.HasPrefix(p, inside) {
			t.Errorf("the demo wrote %s, outside its folder", p)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, info.Mode().Perm())
		}
		rel, _ := filepath.Rel(inside, p)
		_, rest, _ := strings.Cut(filepath.ToSlash(rel), "/")
		kept[rest] = true
		return nil
	})
	for _, want := range []string{"tenants/acme.onmicrosoft.com.json", "tenants/7f3c1a2b-1111-4222-8333-444455556666.json",
		"appmixers/api.acme.appmixer.cloud.json", "appmixers/api.globex.appmixer.cloud.json", "appmixers/appmixer.initech.example_8443.json"} {
		if !kept[want] {
			t.Errorf("the demo's folder lacks %s: %v", want, kept)
		}
	}
	if _, err := os.Stat(d.home); err == nil {
		t.Errorf("the demo wrote into the home directory")
	}
}

// Without --state-dir the inventory's world lives in the demo's folder of
// the config directory, never in the user's real state (or a temp folder).
func TestDemoInventoryDefaultFolder(t *testing.T) {
	d := newDemoRun(t)
	inv := writeDemoInventory(t)
	d.stateDir = filepath.Join(d.home, ".config", "appmixer-msconnector") // what --state-dir would be by default
	code, stdout, stderr := d.exec("", "--demo", "--inventory", inv, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	inside := filepath.Join(d.stateDir, "demo", "inventory") + string(filepath.Separator)
	files := 0
	filepath.WalkDir(d.home, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files++
			if !strings.HasPrefix(p, inside) {
				t.Errorf("the demo wrote %s, outside %s", p, inside)
			}
		}
		return nil
	})
	if files == 0 {
		t.Fatal("the demo kept nothing")
	}
	args := []string{"--demo", "status", "--inventory", inv, "--json"}
	if code, r, _ := d.decodeFleet(args, func() (int, string, string) { return d.exec("", args...) }); code != 0 || !r.OK {
		t.Fatalf("status in a second process: exit %d, %+v", code, r)
	}
}

// The names the inventory demo gives its services and files: the file's
// own where they are valid, made valid (and kept apart) where not; an
// Appmixer URL the simulated one cannot answer at is refused with why.
func TestDemoInventoryNames(t *testing.T) {
	for tenant, want := range map[string]string{
		"acme.onmicrosoft.com":                 "acme.onmicrosoft.com",
		"7f3c1a2b-1111-4222-8333-444455556666": "7f3c1a2b-1111-4222-8333-444455556666",
		"organizations":                        "organizations",
	} {
		if got := hostLabels(tenant); got != want {
			t.Errorf("hostLabels(%q) = %q, want %q", tenant, got, want)
		}
	}
	a, b := hostLabels("acme_corp"), hostLabels("acme-corp")
	if a == b || !strings.HasPrefix(a, "acme-corp-") {
		t.Errorf("hostLabels: acme_corp → %q, acme-corp → %q: two tenants share a name, or it is unreadable", a, b)
	}
	if l := hostLabels(strings.Repeat("x", 300)); len(l) > 63 {
		t.Errorf("hostLabels of a long tenant is %d characters", len(l))
	}
	if fileKey("acme.onmicrosoft.com") != "acme.onmicrosoft.com" || fileKey("../etc") == "../etc" || strings.ContainsAny(fileKey("a/b\\c"), `/\`) {
		t.Errorf("fileKey: %q %q %q", fileKey("acme.onmicrosoft.com"), fileKey("../etc"), fileKey("a/b\\c"))
	}
	dir := t.TempDir()
	k1, k2 := inventoryKey(filepath.Join(dir, "customers.yaml")), inventoryKey(filepath.Join(dir, "x", "customers.yaml"))
	if k1 == k2 || !strings.HasPrefix(k1, "customers-") || k1 != inventoryKey(filepath.Join(dir, ".", "customers.yaml")) {
		t.Errorf("inventoryKey: %q %q", k1, k2)
	}
	for raw, want := range map[string]string{
		"https://api.acme.appmixer.cloud":        "api.acme.appmixer.cloud:443",
		"api.acme.appmixer.cloud":                "api.acme.appmixer.cloud:443",
		"https://API.Initech.example:8443/":      "api.initech.example:8443",
		"http://localhost:2200":                  "error: plain http",
		"https://10.0.0.5":                       "error: an IP address",
		"https://[2001:db8::1]:8443":             "error: an IP address",
		"https://backoffice.acme.appmixer.cloud": "error: Backoffice",
	} {
		got, err := instanceAppmixerHost(raw)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != want && !(strings.HasPrefix(want, "error: ") && strings.Contains(got, strings.TrimPrefix(want, "error: "))) {
			t.Errorf("instanceAppmixerHost(%q) = %q, want %q", raw, got, want)
		}
	}
}
