package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/handover"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// reportCommands are the commands that write handover records.
var reportCommands = []string{"setup", "status", "rotate-secret"}

var reportFlags = map[string]flagDef{
	"report": {usage: "write a handover record (Markdown, never the secret) to this file",
		bind: str(func(v *values) *string { return &v.extra.report }, "")},
	"report-ics": {usage: "write a calendar reminder (.ics) two weeks before the secret expires",
		bind: str(func(v *values) *string { return &v.extra.reportICS }, "")},
	"report-dir": {usage: "with --inventory: a handover record (and reminder) per instance, and an index, in this directory",
		bind: str(func(v *values) *string { return &v.extra.reportDir }, "")},
}

func (a *app) bindReportFlags(root *cobra.Command) {
	for _, cmd := range commandsNamed(root, reportCommands) {
		bindAll(cmd.Flags(), &a.v, reportFlags)
	}
}

// checkReports refuses report paths that could only fail after the run.
func (a *app) checkReports() error {
	x := a.v.extra
	if x.reportDir != "" && x.inventory == "" {
		return usageError{msg: "--report-dir is for --inventory runs; a single run writes --report FILE.md"}
	}
	for flag, p := range map[string]string{"--report": x.report, "--report-ics": x.reportICS} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
			return usageError{msg: fmt.Sprintf("%s %s: its directory does not exist", flag, p)}
		}
	}
	if x.reportDir != "" {
		if err := os.MkdirAll(x.reportDir, 0o700); err != nil {
			return usageError{msg: fmt.Sprintf("--report-dir %s: %v", x.reportDir, err)}
		}
	}
	return nil
}

// writeReports writes a single run's record and reminder, when asked, once
// the command succeeded (a status with findings included).
func (a *app) writeReports(out *steps.Outcome) error {
	x := a.v.extra
	if (x.report == "" && x.reportICS == "") || out == nil || out.Err != nil || out.Command == "" {
		return nil
	}
	rec := handover.Record{Written: time.Now(), Version: version(), Outcome: out, Rotate: a.rotateLine(out.Summary)}
	if x.report != "" {
		if err := handover.WriteFile(x.report, handover.Markdown(rec)); err != nil {
			return err
		}
	}
	if x.reportICS != "" {
		data, err := handover.ICS(rec)
		if err != nil {
			return fmt.Errorf("--report-ics: %w", err)
		}
		return handover.WriteFile(x.reportICS, data)
	}
	return nil
}

// rotateLine is the command that rotates this setup's secret, from what the
// run signed in to (the TUI's answers included); never a credential. It is
// for whoever looks after the setup later, so it names the program as
// installed; the demo's line names the demo and its world instead.
func (a *app) rotateLine(s steps.Summary) string {
	if a.v.demo {
		return wizard.Invocation(true, a.v.opts.StateDir).Command("rotate-secret --yes")
	}
	parts := []string{"msconnector-wizard", "rotate-secret", "--appmixer-url", s.AppmixerURL}
	if s.AppmixerUser != "" {
		parts = append(parts, "--appmixer-username", s.AppmixerUser)
	}
	if s.TenantID != "" {
		parts = append(parts, "--tenant", s.TenantID)
	}
	if m := a.v.opts.AuthMethod; m != "" && m != "device" {
		parts = append(parts, "--auth", m)
	}
	return strings.Join(append(parts, "--yes"), " ")
}

// fleetRotateLine is the command that rotates one instance's secret from
// the inventory; like rotateLine, the demo's names the demo and its world
// (without --demo it would reach the file's real Appmixers).
func (a *app) fleetRotateLine(name string) string {
	cmd := "rotate-secret --inventory " + wizard.ShellQuote(a.v.extra.inventory) + " --only " + name + " --yes"
	if a.v.demo {
		return wizard.Invocation(true, a.v.opts.StateDir).Command(cmd)
	}
	return "msconnector-wizard " + cmd
}

// writeFleetReports writes one record (and reminder) per instance that ran,
// and an index, into --report-dir.
func (a *app) writeFleetReports(results []fleet.Result) error {
	dir := a.v.extra.reportDir
	if dir == "" {
		return nil
	}
	now := time.Now()
	var idx strings.Builder
	fmt.Fprintf(&idx, "# Microsoft connector handover records\n\nWritten %s by msconnector-wizard %s from `%s`.\n\n",
		now.UTC().Format("2006-01-02 15:04 MST"), version(), a.v.extra.inventory)
	idx.WriteString("| instance | result | client ID | tenant ID | secret expires | rotate before | record |\n|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		name, out := r.Instance.Name, r.Outcome
		result := "ok"
		if err := r.ExitErr(); err != nil {
			result = "needs attention"
		}
		if out == nil || out.Err != nil {
			fmt.Fprintf(&idx, "| %s | failed: no record | | | | | |\n", name)
			continue
		}
		rec := handover.Record{Written: now, Version: version(), Instance: name, Outcome: out, Rotate: a.fleetRotateLine(name)}
		if err := handover.WriteFile(filepath.Join(dir, name+".md"), handover.Markdown(rec)); err != nil {
			return err
		}
		s := out.Summary
		expires, by := "", ""
		if data, err := handover.ICS(rec); err == nil {
			if err := handover.WriteFile(filepath.Join(dir, name+".ics"), data); err != nil {
				return err
			}
			expires, by = s.SecretExpires.UTC().Format(time.DateOnly), handover.RotateBy(s.SecretExpires).UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(&idx, "| %s | %s | `%s` | `%s` | %s | %s | [%s.md](%s.md) |\n", name, result, s.ClientID, s.TenantID, expires, by, name, name)
	}
	return handover.WriteFile(filepath.Join(dir, "index.md"), []byte(idx.String()))
}
