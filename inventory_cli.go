package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// inventoryCommands are the commands that take --inventory.
var inventoryCommands = []string{"setup", "status", "rotate-secret", "tenant"}

// inventoryFlags are the flags of an inventory run.
var inventoryFlags = map[string]flagDef{
	"inventory": {usage: "run the command for every instance of this YAML file (see the README's Inventory section)",
		bind: str(func(v *values) *string { return &v.extra.inventory }, "")},
	"only": {usage: "with --inventory: only these instances (a comma list of names)",
		bind: str(func(v *values) *string { return &v.extra.only }, "")},
	"parallel": {usage: "with --inventory: how many instances run at once",
		bind: func(fs *pflag.FlagSet, v *values, _ string, d flagDef) {
			fs.IntVar(&v.extra.parallel, d.name, fleet.DefaultParallel, d.usage)
		}},
}

// statusInventoryFlags are status's own.
var statusInventoryFlags = map[string]flagDef{
	"expiring-within": {usage: "with --inventory: list only the instances that need action, counting a secret that expires within this span (60d, 8w)",
		bind: str(func(v *values) *string { return &v.extra.expiring }, "")},
}

// checkInventory replaces the single-instance input checks: the inventory
// gives the Appmixer inputs, and a bad file is a usage error, one line per
// mistake with its line number, before anything runs.
func (a *app) checkInventory(c steps.Command) error {
	x := &a.v.extra
	if x.parallel < 1 || x.parallel > 64 {
		return usageError{msg: fmt.Sprintf("--parallel %d: give a number from 1 to 64", x.parallel)}
	}
	if x.expiring != "" {
		if c.Name != "status" {
			return usageError{msg: "--expiring-within belongs to status --inventory"}
		}
		w, err := fleet.ParseWindow(x.expiring)
		if err != nil {
			return usageOf("--expiring-within", err)
		}
		x.window = w
	}
	if a.v.demo {
		if err := inventoryScene(a.v.demoScene); err != nil {
			return usageError{msg: err.Error()}
		}
	}
	if a.v.extra.report != "" || a.v.extra.reportICS != "" {
		return usageError{msg: "with --inventory, reports go to --report-dir DIR (one file per instance and an index)"}
	}
	if a.v.accessible && !a.v.yes && !a.v.opts.DryRun && !a.v.json {
		return usageError{msg: "--inventory has no plain-question mode: add --yes to apply every plan (one line per event), or --dry-run to see them"}
	}
	inv, err := fleet.Load(x.inventory, fleet.LoadOptions{Getenv: a.env.getenv, SkipEnv: a.v.demo})
	if err != nil {
		// One line per mistake, each an error line of its own.
		return usageError{msg: strings.ReplaceAll(err.Error(), "\n", "\nerror: "), err: err}
	}
	if x.only != "" {
		if err := inv.Only(strings.Split(x.only, ",")); err != nil {
			return usageError{msg: err.Error()}
		}
	}
	x.inv = inv
	if a.v.demo || a.interactive() {
		return nil
	}
	return a.needYes(c, nil)
}

// runInventory runs the command for every instance and returns the exit code.
func (a *app) runInventory(ctx context.Context, c steps.Command, arg string) int {
	x := &a.v.extra
	// main trades memory for a fast first frame (GC at 400%); many sessions
	// side by side want the usual collector back.
	debug.SetGCPercent(100)
	optionsFor := fleet.FromEnv(a.env.getenv)
	base := a.v.opts
	if a.v.demo {
		opts, stop, err := startDemoInventory(x.inv, &base, a.v.demoScene, a.env)
		if err != nil {
			fmt.Fprintln(a.env.err, "error: start the demo: "+err.Error())
			return exitFail
		}
		defer stop()
		optionsFor = opts
	} else if a.env.client != nil {
		base.AzureHTTP, base.AppmixerHTTP = a.env.client, a.env.client
	}
	r := &fleet.Runner{Command: c.Name, Arg: arg, Base: base, Options: optionsFor, Parallel: x.parallel}
	inv := wizard.Invocation(a.v.demo, a.v.opts.StateDir)
	var results []fleet.Result
	ok := false
	if a.interactive() {
		results, ok = wizard.RunFleetTUI(ctx, r, x.inv.Instances, wizard.UI{In: a.env.in, Out: a.env.out, Err: a.env.err, Demo: a.v.demo, Inv: inv})
	} else {
		h := wizard.FleetHeadless{Out: a.env.out, Err: a.env.err, JSON: a.v.json, Inv: inv, Window: x.window, Inventory: x.inventory}
		results, ok = h.Run(ctx, r, x.inv.Instances)
	}
	if err := a.writeFleetReports(results); err != nil {
		fmt.Fprintln(a.env.err, "error: "+err.Error())
		return exitFail
	}
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		fmt.Fprintln(a.env.err, "interrupted: run the same command again; each instance resumes where it stopped")
		return exitInterrupted
	case ok:
		return exitOK
	}
	return exitFail
}

// bindInventoryFlags adds the inventory flags to the commands that take them.
func (a *app) bindInventoryFlags(root *cobra.Command) {
	for _, cmd := range commandsNamed(root, inventoryCommands) {
		bindAll(cmd.Flags(), &a.v, inventoryFlags)
		if cmd.Name() == "status" {
			bindAll(cmd.Flags(), &a.v, statusInventoryFlags)
		}
	}
}
