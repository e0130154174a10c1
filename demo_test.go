package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// demoRun runs the real binary with --demo in its own home and state dir;
// nothing is inherited from the environment but PATH.
type demoRun struct {
	t        *testing.T
	home     string
	stateDir string
}

func newDemoRun(t *testing.T) *demoRun {
	wizardBinary(t)
	dir := t.TempDir()
	return &demoRun{t: t, home: filepath.Join(dir, "home"), stateDir: filepath.Join(dir, "state")}
}

func (d *demoRun) env(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + d.home, "XDG_CONFIG_HOME=" + filepath.Join(d.home, ".config"),
		"MSCONNECTOR_DEMO_PACE=fast"}, extra...)
}

// run runs `msconnector-wizard --demo --state-dir … args…` with stdin in.
func (d *demoRun) run(in string, args ...string) (code int, stdout, stderr string) {
	d.t.Helper()
	return d.exec(in, append([]string{"--demo", "--state-dir", d.stateDir}, args...)...)
}

// exec runs the binary with exactly args (no --demo added), stdin in.
func (d *demoRun) exec(in string, args ...string) (code int, stdout, stderr string) {
	d.t.Helper()
	return runBinary(d.t, d.env(), in, args...)
}

// jsonResult is the part of --json the demo tests read.
type jsonResult struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	ClientID string `json:"clientId"`
	Checks   []struct {
		Name, Level string
	} `json:"checks"`
	Steps []struct {
		Step    struct{ ID string }
		Changes []struct{ Kind, Subject, Name string }
	} `json:"steps"`
}

func (d *demoRun) json(args ...string) (int, jsonResult) {
	d.t.Helper()
	code, stdout, stderr := d.run("", append(args, "--json")...)
	var r jsonResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		d.t.Fatalf("%v: stdout is not one JSON object (%v)\n%s\n%s", args, err, stdout, stderr)
	}
	return code, r
}

// The demo world lasts: a second process finds the first one's setup, the
// lifecycle commands act on it, and the start menu is offered.
func TestDemoWorldLastsBetweenRuns(t *testing.T) {
	d := newDemoRun(t)
	code, setup := d.json("--yes")
	if code != 0 || !setup.OK || setup.ClientID == "" {
		t.Fatalf("first demo run: exit %d, %+v", code, setup)
	}
	code, status := d.json("status")
	if code != 0 || status.ClientID != setup.ClientID {
		t.Fatalf("status in a second process: exit %d, client %s (want %s)", code, status.ClientID, setup.ClientID)
	}
	// The accessible mode of a third process offers the start menu of that setup.
	code, out, _ := d.run(strings.Repeat("\n", 4)+strconv.Itoa(len(steps.Commands)+1)+"\n", "--accessible") // sign-in questions, then Quit at the menu (after every command)
	if code != 0 || !strings.Contains(out, "Appmixer uses the Microsoft app with client ID "+setup.ClientID) || !strings.Contains(out, "Rotate the secret") {
		t.Fatalf("third run: exit %d, no start menu for the lasting setup:\n%s", code, out)
	}
	for _, args := range [][]string{{"rotate-secret", "--yes"}, {"tenant", "on", "--yes"}, {"teardown", "--yes"}} {
		if code, r := d.json(args...); code != 0 || !r.OK {
			t.Fatalf("%v: exit %d, %+v", args, code, r)
		}
	}
	if code, r := d.json("status"); code == 0 || r.ClientID != "" {
		t.Fatalf("status after the demo's teardown: exit %d, client %q", code, r.ClientID)
	}
	// Starting over gives a fresh world, and every file stays in the demo's folder.
	if code, _, stderr := d.run("", "--demo-scene", "fresh", "status"); code == 0 || !strings.Contains(stderr, "scene fresh") {
		t.Fatalf("a fresh world's status: exit %d\n%s", code, stderr)
	}
	files := 0
	filepath.WalkDir(filepath.Dir(d.stateDir), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files++
			if !strings.HasPrefix(p, filepath.Join(d.stateDir, "demo")+string(filepath.Separator)) {
				t.Errorf("the demo wrote %s, outside its folder", p)
			}
			if info, _ := e.Info(); info.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v", p, info.Mode().Perm())
			}
		}
		return nil
	})
	if files == 0 {
		t.Fatal("the demo kept nothing")
	}
	if _, err := os.Stat(d.home); err == nil {
		t.Errorf("the demo wrote into the home directory")
	}
}

// Each scene starts from its prepared world and shows its behaviour.
func TestDemoScenes(t *testing.T) {
	t.Run("existing", func(t *testing.T) {
		d := newDemoRun(t)
		if code, r := d.json("--demo-scene", "existing", "status"); code != 0 || r.ClientID == "" {
			t.Fatalf("status of the existing scene: exit %d, %+v", code, r)
		}
	})
	t.Run("drift", func(t *testing.T) {
		d := newDemoRun(t)
		code, r := d.json("--demo-scene", "drift", "--yes")
		if code != 0 {
			t.Fatalf("setup on the drift scene: exit %d, %+v", code, r)
		}
		var changed []string
		for _, s := range r.Steps {
			for _, c := range s.Changes {
				changed = append(changed, c.Subject+" "+c.Name)
			}
		}
		got := strings.Join(changed, "; ")
		for _, want := range []string{"redirect-uri https://api.demo.appmixer.test/plugins/appmixer/microsoft/onedrive/picker",
			"implicit-grant access tokens", "implicit-grant ID tokens", "permission offline_access"} {
			if !strings.Contains(got, want) {
				t.Errorf("the drift repair lacks %q: %s", want, got)
			}
		}
		if len(changed) != 4 {
			t.Errorf("setup changed more than the drift: %s", got)
		}
	})
	t.Run("expiring", func(t *testing.T) {
		d := newDemoRun(t)
		code, r := d.json("--demo-scene", "expiring", "status")
		warned := false
		for _, c := range r.Checks {
			warned = warned || c.Name == "Secret expiry" && c.Level == "warn"
		}
		if code != 1 || !warned {
			t.Fatalf("status on the expiring scene: exit %d, %+v", code, r.Checks)
		}
		if code, _ := d.json("rotate-secret", "--yes"); code != 0 {
			t.Fatalf("rotate-secret: exit %d", code)
		}
		if code, r := d.json("status"); code != 0 {
			t.Fatalf("status after the rotation: exit %d, %+v", code, r.Checks)
		}
	})
	t.Run("throttled", func(t *testing.T) {
		d := newDemoRun(t)
		code, stdout, stderr := d.run("", "--demo-scene", "throttled", "--yes")
		if code != 0 || !strings.Contains(stdout, "answered 429 Too Many Requests and asked to wait") || !strings.Contains(stdout, "The Microsoft connector is set up") {
			t.Fatalf("the throttled scene: exit %d\n%s\n%s", code, stdout, stderr)
		}
	})
	t.Run("not-admin", func(t *testing.T) {
		d := newDemoRun(t)
		code, r := d.json("--demo-scene", "not-admin", "--yes")
		if code != 1 || !strings.Contains(r.Error, "not an Appmixer admin") {
			t.Fatalf("the not-admin scene: exit %d, %+v", code, r)
		}
		for _, s := range r.Steps {
			if len(s.Changes) > 0 {
				t.Fatalf("something changed before the refusal: %+v", r.Steps)
			}
		}
		// What the error says to do works in the demo: sign in as the admin
		// (the demo knows its users' passwords), in the same world.
		if code, r := d.json("--appmixer-username", "admin@example.com", "--yes"); code != 0 || !r.OK {
			t.Fatalf("signing in as the demo's admin after the refusal: exit %d, %+v", code, r)
		}
		code, _, stderr := d.run("", "--appmixer-username", "someone@acme.com", "--yes")
		if code != 2 || !strings.Contains(stderr, "admin@example.com") || !strings.Contains(stderr, "user@example.com") {
			t.Fatalf("a user the demo does not have: exit %d\n%s", code, stderr)
		}
	})
}

// A value that would point the demo elsewhere is refused in one line; the
// same value from the environment (a consultant's shell) is not used at all.
func TestDemoRefusesValuesThatPointElsewhere(t *testing.T) {
	d := newDemoRun(t)
	for _, args := range [][]string{{"--appmixer-url", "https://api.acme.appmixer.cloud"}, {"--graph-url", "https://graph.microsoft.com"},
		{"--authority-host", "https://login.microsoftonline.com/"}, {"--cloud", "china"}, {"--tenant", "contoso.onmicrosoft.com"}} {
		code, _, stderr := d.run("", append(args, "--yes")...)
		if code != 2 || !strings.Contains(stderr, "the demo uses its own simulated services") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// The demo's handover record names a rotate command that works on the demo's
// world (never an empty --appmixer-url), and the "later" lines keep the state
// directory, so they find the same world.
func TestDemoCommandsItSuggestsFindTheSameWorld(t *testing.T) {
	d := newDemoRun(t)
	md := filepath.Join(t.TempDir(), "handover.md")
	code, stdout, stderr := d.run("", "--yes", "--report", md)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	want := "--demo --state-dir " + d.stateDir + " rotate-secret --yes"
	if !strings.Contains(string(b), want) || strings.Contains(string(b), "--appmixer-url  ") {
		t.Fatalf("the record's rotate command lacks %q:\n%s", want, b)
	}
	if !strings.Contains(stdout, "--demo --state-dir "+d.stateDir+" status") {
		t.Fatalf("the later lines lose the state directory:\n%s", stdout)
	}
	// An inventory's records too: without --demo, their rotate command
	// would reach the file's real Appmixers.
	inv, records := writeDemoInventory(t), t.TempDir()
	if code, stdout, stderr := d.run("", "--inventory", inv, "--yes", "--report-dir", records); code != 0 {
		t.Fatalf("inventory: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want = "--demo --state-dir " + d.stateDir + " rotate-secret --inventory " + inv + " --only acme --yes"
	if b := readPrivate(t, filepath.Join(records, "acme.md")); !strings.Contains(b, want) {
		t.Fatalf("the inventory record's rotate command lacks %q:\n%s", want, b)
	}
}

// A script rehearsed against the demo learns the real contract: a change
// without a terminal needs --yes, a teardown above all.
func TestDemoHeadlessNeedsYesLikeARealRun(t *testing.T) {
	d := newDemoRun(t)
	if code, r := d.json("--yes"); code != 0 || !r.OK {
		t.Fatalf("setup: exit %d, %+v", code, r)
	}
	for _, args := range [][]string{{"teardown"}, {"rotate-secret"}, {}} {
		code, stdout, stderr := d.run("", append(args, "--json")...)
		if code != 2 || !strings.Contains(stdout+stderr, "--yes") {
			t.Fatalf("%v without --yes: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
	}
	if code, r := d.json("status"); code != 0 || r.ClientID == "" {
		t.Fatalf("the setup did not survive the refused commands: exit %d, %+v", code, r)
	}
}
