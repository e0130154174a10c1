package main

import (
	"fmt"
	"os"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/fleet/fleetsim"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// startDemoInventory is the demo's hook for --inventory: it returns the
// OptionsFunc that points each instance at simulated services, and a stop.
// It starts fresh loopback emulators (one Entra ID + Graph per tenant, one
// Appmixer per instance) through fleetsim for this run only: unlike the
// single-instance demo, an inventory's simulated world does not last.
func startDemoInventory(inv *fleet.Inventory, base *steps.Options, e env) (fleet.OptionsFunc, func(), error) {
	dir := ""
	if base.StateDir == "" {
		d, err := os.MkdirTemp("", "msconnector-demo-*")
		if err != nil {
			return nil, nil, err
		}
		base.StateDir, dir = d, d
	}
	w := fleetsim.Start(inv, []azuretest.Option{azuretest.WithDeviceCodeAutoApprove(3 * time.Second),
		azuretest.WithReplicationDelay(1500 * time.Millisecond), azuretest.WithSecretPropagationDelay(time.Second)}, nil)
	fmt.Fprintf(e.err, "Demo: %d tenant(s) and %d Appmixer(s) are simulated in this process; nothing real is changed.\n", len(w.Tenants), len(w.Appmixers))
	return w.Options, func() {
		w.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}, nil
}
