package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// The inventory budgets (issue 15).
const (
	inventoryInstances   = 50
	inventoryParallel    = 50
	budgetInventoryRatio = 2.0
	budgetInventoryPeak  = 60 << 20
)

// inventoryRun is one run of the binary over an inventory file.
type inventoryRun struct {
	Wall time.Duration
	RSS  int64
}

// inventoryBench measures an inventory of n instances on two sign-in groups
// against one instance alone, both headless with a device-code sign-in that
// the emulator approves at once. azuretest emulates one directory per
// server and an inventory has one authority host for all its tenants, so the
// two tenants are the directory's ID and "organizations": two sign-ins, two
// device codes, one directory. Each instance has its own Appmixer and app name.
func inventoryBench(bin, dir string, latency, repl time.Duration) (one, many inventoryRun, err error) {
	az := azuretest.NewServer(azuretest.WithLatency(latency), azuretest.WithReplicationDelay(repl), azuretest.WithDeviceCodeAutoApprove(time.Millisecond))
	defer az.Close()
	pems := append([]byte(nil), az.CACertPEM()...)
	var amxs []*appmixertest.Server
	defer func() {
		for _, s := range amxs {
			s.Close()
		}
	}()
	file := func(name string, from, to int) (string, error) {
		var b strings.Builder
		b.WriteString("instances:\n")
		for i := from; i < to; i++ {
			s := appmixertest.NewServer(appmixertest.WithLatency(latency))
			amxs = append(amxs, s)
			pems = append(pems, s.CACertPEM()...)
			tenant := az.TenantID
			if i%2 == 1 {
				tenant = "organizations"
			}
			fmt.Fprintf(&b, "  - {name: i%02d, appmixerUrl: %q, username: %q, passwordEnv: AMX_PASSWORD, tenant: %s, appName: \"Appmixer i%02d\"}\n",
				i, s.URL, appmixertest.DefaultAdminUsername, tenant, i)
		}
		p := filepath.Join(dir, name)
		return p, os.WriteFile(p, []byte(b.String()), 0o600)
	}
	oneFile, err := file("one.yaml", 0, 1)
	if err != nil {
		return one, many, err
	}
	manyFile, err := file("many.yaml", 1, 1+inventoryInstances)
	if err != nil {
		return one, many, err
	}
	bundle := filepath.Join(dir, "inventory-ca.pem")
	if err := os.WriteFile(bundle, pems, 0o600); err != nil {
		return one, many, err
	}
	env := append(baseEnv(dir), "SSL_CERT_FILE="+bundle, "AZURE_AUTHORITY_HOST="+az.URL, "AMX_PASSWORD="+appmixertest.DefaultAdminPassword,
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	run := func(inv, state string) (inventoryRun, error) {
		cmd := exec.Command(bin, "--inventory", inv, "--auth", "device", "--graph-url", az.URL, "--yes", "--json",
			"--parallel", fmt.Sprint(inventoryParallel), "--state-dir", filepath.Join(dir, state))
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
		start := time.Now()
		err := cmd.Run()
		r := inventoryRun{Wall: time.Since(start)}
		if err != nil {
			return r, fmt.Errorf("inventory run failed (%v): %s", err, strings.TrimSpace(lastBytes(stderr.Bytes(), 400)))
		}
		r.RSS, err = maxRSS(cmd)
		return r, err
	}
	// Each run signs in afresh (its own state directory, so no remembered sign-in).
	if one, err = run(oneFile, "state-one"); err != nil {
		return one, many, err
	}
	many, err = run(manyFile, "state-many")
	return one, many, err
}

// inventoryRows are the bench table's inventory lines.
func inventoryRows(bin, dir string, latency, repl time.Duration) []row {
	one, many, err := inventoryBench(bin, dir, latency, repl)
	name := fmt.Sprintf("inventory: %d instances, 2 tenants", inventoryInstances)
	if err != nil {
		return []row{{name, "error: " + err.Error(), "", pass(false)}}
	}
	ratio := many.Wall.Seconds() / one.Wall.Seconds()
	return []row{
		{name + ": wall time", fmt.Sprintf("%.2f s (--parallel %d); one instance alone %.2f s; ratio %.2f", many.Wall.Seconds(), inventoryParallel, one.Wall.Seconds(), ratio),
			"≤ 2 × one instance", pass(ratio <= budgetInventoryRatio)},
		{name + ": peak memory", fmt.Sprintf("%.1f MiB (one instance alone %.1f MiB)", float64(many.RSS)/mib, float64(one.RSS)/mib), "≤ 60 MiB", pass(many.RSS <= budgetInventoryPeak)},
	}
}
