//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The inventory demo is sealed like the single one: under strace, setup
// (every sign-in choice) and a status that restores the lasting world make
// no connection but to loopback, look no name up, start no program and
// write no file outside the demo's folder, with --state-dir and without.
// The environment names a proxy and Azure/Appmixer endpoints that are all
// a trap: none is ever contacted.
func TestDemoInventoryTouchesNothingOutside(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed (.ci/run installs it)")
	}
	wizardBinary(t)
	trap, contacted := proxyTrap(t)
	vars := append(proxyEnv(trap), "AZURE_AUTHORITY_HOST=https://"+trap, "AZURE_TENANT_ID=7f3c1a2b-1111-4222-8333-444455556666",
		"AZURE_CLIENT_ID=00000000-0000-0000-0000-000000000001", "AZURE_CLIENT_SECRET=not-a-secret", "APPMIXER_URL=https://"+trap,
		"ACME_APPMIXER_PASSWORD=not-used", "GLOBEX_APPMIXER_TOKEN=not-used")
	for _, m := range []string{"device", "browser", "azure-cli", "environment"} {
		t.Run("state-dir/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			inv := writeDemoInventory(t)
			for _, args := range [][]string{{"--inventory", inv, "--auth", m, "--yes"}, {"status", "--inventory", inv, "--auth", m}} {
				checkSealed(t, stracedWith(t, d, vars, append([]string{"--demo", "--state-dir", d.stateDir}, args...)...), d)
			}
		})
	}
	t.Run("default-dir", func(t *testing.T) {
		d := newDemoRun(t)
		inv := writeDemoInventory(t)
		// No --state-dir: the demo's folder is the config directory's.
		d.stateDir = filepath.Join(d.home, ".config", "appmixer-msconnector")
		for _, args := range [][]string{{"--demo", "--inventory", inv, "--yes"}, {"--demo", "status", "--inventory", inv},
			{"--demo", "--demo-scene", "fresh", "--inventory", inv, "--yes"}} {
			checkSealed(t, stracedWith(t, d, vars, args...), d)
		}
		if m, _ := filepath.Glob(filepath.Join(d.stateDir, "demo", "inventory", "customers-*", "tenants", "*.json")); len(m) != 2 {
			t.Errorf("the world of two tenants is not in the default demo folder: %v", m)
		}
	})
	if n := contacted.Load(); n > 0 {
		t.Fatalf("the trap named in the environment was contacted %d time(s)", n)
	}
}

// stracedWith runs the binary with exactly args under strace, in d's
// environment plus vars, and returns the trace.
func stracedWith(t *testing.T, d *demoRun, vars []string, args ...string) string {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "strace.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "strace", append([]string{"-f", "-qq", "-e", "trace=connect,execve,openat,open", "-o", trace, wizardBinary(t)}, args...)...)
	cmd.Env = append(d.env(), vars...)
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo run %v: %v\n%s", args, err, out)
	}
	if strings.Contains(string(out), "127.0.0.1") {
		t.Errorf("demo run %v shows a loopback address:\n%s", args, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "O_CREAT") {
			t.Log("DEBUG", l)
		}
	}
	return string(b)
}
