package wizard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Headless renders a run as plain lines (azd's console without a TTY: ✓ / x / !
// step lines, no spinner) and, with JSON, one object on Out at the end. Every
// plan is applied (the caller checked --yes, or --dry-run).
type Headless struct {
	Out  io.Writer // step lines and the result, or the JSON object
	Err  io.Writer // device-code instructions, the error line and, with JSON, the step lines
	JSON bool
	Inv  invocation
}

// Run runs one command in the session and prints it; the outcome decides the exit code.
func (h Headless) Run(ctx context.Context, se *steps.Session, req steps.Request) *steps.Outcome {
	p := &plainPrinter{w: h.lines(), device: h.Err, statusOnly: req.Command == "status"}
	out := se.Run(ctx, req, steps.Yes{Command: req.Command}, p.event)
	switch {
	case h.JSON:
		_ = writeJSON(h.Out, out, h.Inv)
	case out.Err == nil:
		printReport(h.lines(), out, h.Inv)
	}
	if err := out.ExitErr(); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(h.Err, "error: "+errorLine(err, h.Inv))
	}
	return out
}

// lines is where step lines go: stdout, or stderr with --json so stdout stays one object.
func (h Headless) lines() io.Writer {
	if h.JSON {
		return h.Err
	}
	return h.Out
}

// Result is the --json object of every command: the summary, status's
// checks, or the error with what to do. It never holds a secret.
type Result struct {
	OK      bool                `json:"ok"`
	Command string              `json:"command"`
	Error   string              `json:"error,omitempty"`
	Hint    string              `json:"hint,omitempty"` // what to do, for scripts
	Checks  []steps.StatusCheck `json:"checks,omitempty"`
	steps.Summary
}

func writeJSON(w io.Writer, out *steps.Outcome, inv invocation) error {
	res := Result{OK: out.ExitErr() == nil, Command: orText(out.Label, out.Command), Summary: out.Summary}
	if out.Status != nil {
		res.Checks = out.Status.Checks
	}
	if err := out.ExitErr(); err != nil {
		res.Error = err.Error()
		if h, ok := hint.Of(err); ok {
			res.Hint = forShell(h, inv)
		}
	}
	return EncodeJSON(w, res)
}

// EncodeJSON prints the run's one JSON object.
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// plainPrinter writes one line per event.
type plainPrinter struct {
	mu         sync.Mutex
	w          io.Writer
	device     io.Writer
	statusOnly bool // status prints its table at the end; only who signed in heads it
}

func (p *plainPrinter) event(e steps.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.statusOnly && e.Kind != steps.EventFailed && e.Kind != steps.EventProgress && e.Kind != steps.EventDeviceCode &&
		!(e.Kind == steps.EventDone && isSignIn(e.Step.ID)) {
		return
	}
	switch e.Kind {
	case steps.EventDeviceCode:
		fmt.Fprintln(p.device, deviceWords(e.Device, "", nil))
	case steps.EventPlanned:
		if e.Plan.Empty() {
			return
		}
		fmt.Fprintf(p.w, "  %s (%s)\n", e.Step.Title, e.Step.Screen)
		for _, c := range e.Plan.Changes {
			fmt.Fprintf(p.w, "    %s\n", c)
		}
	case steps.EventProgress, steps.EventDone, steps.EventSkipped, steps.EventFailed:
		fmt.Fprintln(p.w, stepLine(e))
		if e.Kind == steps.EventDone || e.Kind == steps.EventSkipped {
			for _, n := range e.Plan.Notes {
				fmt.Fprintf(p.w, "! %s\n", n)
			}
		}
	}
}

// stepLine is a step's progress, end, skip or failure as one plain line;
// an inventory's lines are the same, after the instance's name.
func stepLine(e steps.Event) string {
	switch e.Kind {
	case steps.EventProgress:
		return fmt.Sprintf("… %s: %s", e.Step.Title, e.Message)
	case steps.EventDone:
		return fmt.Sprintf("✓ %s%s", e.Step.Title, detail(e))
	case steps.EventSkipped:
		return fmt.Sprintf("- %s: %s", e.Step.Title, e.Message)
	case steps.EventFailed:
		return fmt.Sprintf("x %s", e.Err)
	}
	return ""
}

// deviceWords is the device-code sign-in as one sentence, the same in
// every plain front end; an inventory's names the tenant and its instances.
func deviceWords(dc *steps.DeviceCode, tenant string, forWhom []string) string {
	who := ""
	if tenant != "" {
		who = fmt.Sprintf(" for tenant %s (%s)", tenant, strings.Join(forWhom, ", "))
	}
	return fmt.Sprintf("To sign in to Azure%s, open %s and enter the code %s", who, dc.VerificationURL, dc.UserCode)
}

// isSignIn tells the two sign-in steps from the rest.
func isSignIn(id steps.ID) bool { return id == steps.IDSignInAzure || id == steps.IDSignInAppmixer }

// detail is the short text after a ✓: what changed, or what was found.
func detail(e steps.Event) string {
	switch {
	case len(e.Changed) == 1:
		return ": " + strings.TrimPrefix(e.Changed[0].String(), "+ ")
	case len(e.Changed) > 1:
		return fmt.Sprintf(": %d changes", len(e.Changed))
	case len(e.Plan.Found) > 0:
		return ": " + strings.Join(e.Plan.Found, "; ")
	}
	return ": nothing to change"
}

// printReport writes a command's result as plain lines: the headline, the
// facts aligned, sentences, warnings, the status table, and what to run later.
func printReport(w io.Writer, out *steps.Outcome, inv invocation) {
	r := out.Report
	fmt.Fprintln(w)
	fmt.Fprintln(w, steps.StatusMark(r.Level)+" "+r.Headline)
	width := 0
	for _, f := range r.Facts {
		width = max(width, len(f.Label))
	}
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, f := range r.Facts {
		if f.Value != "" {
			fmt.Fprintf(w, "%-*s  %s\n", width+1, f.Label+":", f.Value)
		}
	}
	for _, c := range r.Checks {
		line := fmt.Sprintf("%s %-*s  %s", steps.StatusMark(c.Level), width, c.Name, c.Detail)
		if c.Fix != "" && c.Level != steps.StatusOK {
			line += ": run " + inv.command(c.Fix)
		}
		fmt.Fprintln(w, line)
	}
	for _, l := range r.Lines {
		fmt.Fprintln(w, l)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "! "+n)
	}
	if out.Summary.DryRun {
		fmt.Fprintf(w, "Nothing was changed: run %s without --dry-run to apply the plan above.\n", inv.command(out.Label))
	}
	// Each command on a line of its own, so no wrapping can split one.
	for _, l := range r.Later {
		fmt.Fprintf(w, "%s:\n  %s\n", l.What, inv.command(l.Command))
	}
}

func orText(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}
