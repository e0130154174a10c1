package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// isolatedSignIns keeps a test's remembered sign-ins away from the real ones:
// its own cache directory and cache name (and so its own keyring key).
func isolatedSignIns(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	old := rememberCacheName
	rememberCacheName = fmt.Sprintf("msconnector-test-%d", time.Now().UnixNano())
	r := &azure.Remember{Dir: t.TempDir(), CacheName: rememberCacheName}
	t.Cleanup(func() {
		_, _ = r.Forget() // its keyring key too
		rememberCacheName = old
	})
}

// fleetWorld is one emulated Entra ID (its tenant, and "organizations" as a
// second sign-in group) and three Appmixers, the third with a user who is
// not an admin; the inventory file names them.
type fleetWorld struct {
	az       *azuretest.Server
	amx      map[string]*appmixertest.Server
	inv      string
	stateDir string
	vars     map[string]string
	client   *http.Client // trusts the emulators' CAs
}

func newFleetWorld(t *testing.T) *fleetWorld {
	isolatedSignIns(t)
	w := &fleetWorld{az: azuretest.NewServer(azuretest.WithDeviceCodeAutoApprove(time.Millisecond)), amx: map[string]*appmixertest.Server{}, stateDir: t.TempDir()}
	t.Cleanup(w.az.Close)
	pems := [][]byte{w.az.CACertPEM()}
	w.vars = map[string]string{"AZURE_AUTHORITY_HOST": w.az.URL}
	var b strings.Builder
	b.WriteString("instances:\n")
	for i, name := range []string{"acme", "globex", "initech"} {
		s := appmixertest.NewServer()
		t.Cleanup(s.Close)
		w.amx[name] = s
		pems = append(pems, s.CACertPEM())
		user, pw := "admin@"+name+".example", "pw-"+name+"-Secret-1"
		s.AddUser(user, pw, name != "initech")
		env := strings.ToUpper(name) + "_APPMIXER_PASSWORD"
		w.vars[env] = pw
		tenant := w.az.TenantID
		if i == 2 {
			tenant = "organizations" // another sign-in group in the same emulator
		}
		fmt.Fprintf(&b, "  - name: %s\n    appmixerUrl: %s\n    username: %s\n    passwordEnv: %s\n    tenant: %s\n", name, s.URL, user, env, tenant)
	}
	w.inv = filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(w.inv, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	w.client = trusting(t, pems...)
	return w
}

func (w *fleetWorld) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	base := []string{"--inventory", w.inv, "--auth", "device", "--graph-url", w.az.URL, "--state-dir", w.stateDir}
	return runWith(t, w.client, w.vars, false, append(args, base...)...)
}

// Three instances on two sign-in groups, one Appmixer user not an admin:
// two ok, one error, exit 1, two device codes, one JSON object.
func TestInventorySetupTwoOKOneError(t *testing.T) {
	w := newFleetWorld(t)
	code, stdout, stderr := w.run(t, "--yes", "--json")
	if code != exitFail {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var res wizard.FleetResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if res.OK || res.Command != "setup" || len(res.Instances) != 3 {
		t.Fatalf("json: %+v", res)
	}
	for _, in := range res.Instances {
		wantOK := in.Name != "initech"
		if in.OK != wantOK {
			t.Errorf("%s: ok %v, want %v (%s)", in.Name, in.OK, wantOK, in.Error)
		}
		if wantOK && (in.ClientID == "" || in.TenantID != w.az.TenantID || in.SecretExpires.IsZero() || len(in.Changes) == 0 || in.Error != "") {
			t.Errorf("%s: %+v", in.Name, in)
		}
	}
	if in := res.Instances[2]; !strings.Contains(in.Error, "not an Appmixer admin") || in.Hint == "" {
		t.Errorf("initech: %+v", in)
	}
	if n := strings.Count(stderr, "To sign in to Azure for tenant"); n != 2 {
		t.Errorf("%d device codes shown, want 2 (one per tenant):\n%s", n, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(line, "acme: ") && !strings.HasPrefix(line, "globex: ") && !strings.HasPrefix(line, "initech: ") &&
			!strings.HasPrefix(line, "tenant ") && !strings.HasPrefix(line, "To sign in") && !strings.HasPrefix(line, "error: ") {
			t.Errorf("a line that names no instance: %q", line)
		}
	}
	for name, v := range w.vars {
		if strings.HasSuffix(name, "_PASSWORD") && strings.Contains(stdout+stderr, v) {
			t.Errorf("the output shows %s", name)
		}
	}
	// --only re-runs just the one that failed, now that its user is an admin.
	w.amx["initech"].AddUser("admin@initech.example", w.vars["INITECH_APPMIXER_PASSWORD"], true)
	code, stdout, stderr = w.run(t, "--yes", "--only", "initech")
	if code != exitOK || !strings.Contains(stdout, "✓ initech:") || strings.Contains(stdout, "acme") {
		t.Fatalf("--only initech: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// The second run was remembered: no device code was asked for again.
	if strings.Contains(stderr, "To sign in to Azure") && !strings.Contains(stderr, "will not be remembered") {
		t.Errorf("the second run asked for a device code although the first was remembered:\n%s", stderr)
	}
}

// status --inventory with --expiring-within lists only what needs action:
// a weekly cron line is silent when nothing does.
func TestInventoryStatusExpiringWithin(t *testing.T) {
	w := newFleetWorld(t)
	w.amx["initech"].AddUser("admin@initech.example", w.vars["INITECH_APPMIXER_PASSWORD"], true)
	if code, stdout, stderr := w.run(t, "--yes"); code != exitOK {
		t.Fatalf("setup: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr := w.run(t, "status", "--expiring-within", "60d")
	if code != exitOK || strings.TrimSpace(stdout) != "" {
		t.Fatalf("nothing expires within 60 days, yet: exit %d\nstdout: %q\nstderr: %s", code, stdout, stderr)
	}
	// Within 800 days every secret (24 months) expires: all three are listed.
	code, stdout, _ = w.run(t, "status", "--expiring-within", "800d", "--json")
	var res wizard.FleetResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != exitFail || res.OK || len(res.Instances) != 3 || res.Checked != 3 {
		t.Fatalf("exit %d, %+v (%v)", code, res, err)
	}
	if !strings.Contains(res.Instances[0].Hint, "rotate-secret --inventory") {
		t.Errorf("the hint does not say what to run: %q", res.Instances[0].Hint)
	}
	// A broken instance is listed whatever the window.
	w.amx["globex"].SetServiceConfig("appmixer:microsoft", map[string]any{})
	code, stdout, _ = w.run(t, "status", "--expiring-within", "14d")
	if code != exitFail || !strings.Contains(stdout, "globex") || strings.Contains(stdout, "acme") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
}

// A bad inventory is refused before anything runs: exit 2, one line per
// mistake, each with its line number; nothing reached a server.
func TestInventoryMistakesAreUsageErrors(t *testing.T) {
	w := newFleetWorld(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(`instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: a@acme.com
    password: Hunter2-In-The-File
    tenant: t1
  - name: acme
    appmixerUrl: https://api.acme2.appmixer.cloud
    username: a@acme.com
    passwordEnv: UNSET_VARIABLE
    tenant: t1
    colour: blue
`), 0o600)
	code, stdout, stderr := runWith(t, w.client, w.vars, false, "--inventory", bad, "--yes")
	if code != exitUsage || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{bad + ":5:5: instance 1: \"password\" would put a credential in the file", bad + ":12:5: instance 2: unknown key \"colour\"",
		bad + ":10:5: instance \"acme\": the environment variable UNSET_VARIABLE (passwordEnv) is not set"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "Hunter2") {
		t.Error("the password in the file was repeated")
	}
	if len(w.az.Requests()) != 0 {
		t.Error("a bad inventory reached Azure")
	}
	code, stdout, _ = runWith(t, w.client, w.vars, false, "--inventory", bad, "--yes", "--json")
	var res struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if code != exitUsage || json.Unmarshal([]byte(stdout), &res) != nil || res.OK || !strings.Contains(res.Error, ":12:5:") {
		t.Errorf("with --json: exit %d, %q", code, stdout)
	}
	for _, args := range [][]string{{"--only", "nobody"}, {"--parallel", "0"}, {"teardown"}, {"--expiring-within", "60d"}, {"status", "--expiring-within", "soon"}} {
		code, _, stderr := w.run(t, append(args, "--yes")...)
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
