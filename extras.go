package main

import (
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	bindAll(root.PersistentFlags(), &a.v, debugFlags)
	root.AddCommand(a.logoutCommand())
}

// checkExtras refuses mistakes in the issue-15 flags before anything runs.
func (a *app) checkExtras() error {
	if err := a.checkReports(); err != nil {
		return err
	}
	return a.checkTrace()
}

// bindAll binds a set of flags to a flag set, in a stable order.
func bindAll(fs *pflag.FlagSet, v *values, defs map[string]flagDef) {
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		d := defs[name]
		d.name = name
		d.bind(fs, v, "", d)
	}
}

// commandsNamed are the commands of the tree that names lists; the root is
// setup.
func commandsNamed(root *cobra.Command, names []string) []*cobra.Command {
	var out []*cobra.Command
	for _, cmd := range append([]*cobra.Command{root}, root.Commands()...) {
		name := cmd.Name()
		if cmd == root {
			name = "setup"
		}
		if slices.Contains(names, name) {
			out = append(out, cmd)
		}
	}
	return out
}
