//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"testing"
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
	vars := trapEnv(trap)
	for _, m := range []string{"device", "browser", "azure-cli", "environment"} {
		t.Run("state-dir/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			inv := writeDemoInventory(t)
			for _, args := range [][]string{{"--inventory", inv, "--auth", m, "--yes"}, {"status", "--inventory", inv, "--auth", m}} {
				checkSealed(t, straced(t, d, vars, "", append([]string{"--demo", "--state-dir", d.stateDir}, args...)...), d)
			}
			checkNoEnvSecret(t, d, vars)
		})
	}
	t.Run("default-dir", func(t *testing.T) {
		d := newDemoRun(t)
		inv := writeDemoInventory(t)
		// No --state-dir: the demo's folder is the config directory's.
		d.stateDir = filepath.Join(d.home, ".config", "appmixer-msconnector")
		for _, args := range [][]string{{"--demo", "--inventory", inv, "--yes"}, {"--demo", "status", "--inventory", inv},
			{"--demo", "--demo-scene", "fresh", "--inventory", inv, "--yes"}} {
			checkSealed(t, straced(t, d, vars, "", args...), d)
		}
		if m, _ := filepath.Glob(filepath.Join(d.stateDir, "demo", "inventory", "customers-*", "tenants", "*.json")); len(m) != 2 {
			t.Errorf("the world of two tenants is not in the default demo folder: %v", m)
		}
		checkNoEnvSecret(t, d, vars)
	})
	if n := contacted.Load(); n > 0 {
		t.Fatalf("the trap named in the environment was contacted %d time(s)", n)
	}
}
