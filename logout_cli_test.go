package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A device-code sign-in is remembered between runs until logout; logout
// needs no sign-in and no Appmixer.
func TestLogoutForgetsTheRememberedSignIn(t *testing.T) {
	w := newFleetWorld(t)
	if _, err := os.Stat("/proc/keys"); err != nil {
		t.Skip("no kernel keyring: sign-ins are not remembered here (the azure package covers that case)")
	}
	status := func() string {
		t.Helper()
		code, stdout, stderr := w.run(t, "status", "--only", "acme")
		if code == exitUsage {
			t.Fatalf("status: usage error: %s", stderr)
		}
		return stdout + stderr
	}
	if out := status(); !strings.Contains(out, "To sign in to Azure") {
		t.Fatalf("the first run did not ask for a device code:\n%s", out)
	} else if strings.Contains(out, "will not be remembered") {
		t.Skip("the keyring is not usable here")
	}
	if out := status(); strings.Contains(out, "To sign in to Azure") {
		t.Fatalf("the second run asked for a device code again:\n%s", out)
	}
	records, _ := filepath.Glob(filepath.Join(w.stateDir, "signin-*.json"))
	if len(records) != 1 {
		t.Fatalf("want one sign-in record in the state directory, have %v", records)
	}
	code, stdout, stderr := runMain(t, nil, false, "logout", "--state-dir", w.stateDir)
	if code != exitOK || !strings.Contains(stdout, "Forgot the remembered Azure sign-in") {
		t.Fatalf("logout: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if records, _ := filepath.Glob(filepath.Join(w.stateDir, "signin-*.json")); len(records) != 0 {
		t.Errorf("records left: %v", records)
	}
	if out := status(); !strings.Contains(out, "To sign in to Azure") {
		t.Errorf("after logout the run did not ask for a device code:\n%s", out)
	}
	// Twice is fine, and --json says what it did.
	runMain(t, nil, false, "logout", "--state-dir", w.stateDir)
	code, stdout, _ = runMain(t, nil, false, "logout", "--state-dir", w.stateDir, "--json")
	var res struct {
		OK      bool `json:"ok"`
		Removed int  `json:"removed"`
	}
	if code != exitOK || json.Unmarshal([]byte(stdout), &res) != nil || !res.OK || res.Removed != 0 {
		t.Errorf("logout --json: exit %d, %q", code, stdout)
	}
}

// The demo remembers nothing: logout says so, exit 0, one object with --json.
func TestLogoutInTheDemo(t *testing.T) {
	code, stdout, stderr := runMain(t, nil, false, "--demo", "logout", "--state-dir", t.TempDir())
	if code != exitOK || !strings.Contains(stdout, "nothing to forget") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runMain(t, nil, false, "--demo", "logout", "--json")
	var res struct {
		OK      bool   `json:"ok"`
		Command string `json:"command"`
	}
	if code != exitOK || json.Unmarshal([]byte(stdout), &res) != nil || !res.OK || res.Command != "logout" {
		t.Fatalf("--json: exit %d, %q", code, stdout)
	}
}
