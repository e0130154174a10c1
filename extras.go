package main

import (
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/appmixer-tools/msconnector-wizard/fleet"
)

// extraValues are the flags of issue 15: inventories, handover records,
// the trace. They live apart from values' own fields so each capability
// binds its flags in its own file.
type extraValues struct {
	// --inventory and friends (inventory_cli.go)
	inventory, only, expiring string
	parallel                  int
	window                    time.Duration
	inv                       *fleet.Inventory

	// handover records (report_cli.go)
	report, reportDir, reportICS string

	// the trace (debug_cli.go)
	debug     bool
	debugFile string
}

// bindExtras adds the flags and commands of issue 15 to the tree.
func (a *app) bindExtras(root *cobra.Command) {
	a.bindInventoryFlags(root)
	a.bindReportFlags(root)
	bindPersistent(root, &a.v, debugFlags)
	root.AddCommand(a.logoutCommand())
}

// checkExtras refuses mistakes in the issue-15 flags before anything runs.
func (a *app) checkExtras() error {
	if err := a.checkReports(); err != nil {
		return err
	}
	return a.checkTrace()
}

// bindPersistent binds flags that every command takes.
func bindPersistent(root *cobra.Command, v *values, defs map[string]flagDef) {
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		d := defs[name]
		d.name = name
		d.bind(root.PersistentFlags(), v, "", d)
	}
}
