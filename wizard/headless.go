package wizard

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Headless renders a run as plain lines (azd's console without a TTY: ✓ / x / !
// step lines, no spinner) and, with JSON, one object on Out at the end.
type Headless struct {
	Out  io.Writer // step lines, or the JSON object
	Err  io.Writer // device-code instructions and, with JSON, the step lines
	JSON bool
}

// RunHeadless runs the flow with every plan applied (the caller checked --yes or
// --dry-run) and prints it. The returned error is already one line.
func RunHeadless(ctx context.Context, o steps.Options, flow []steps.Stage, h Headless) (steps.Summary, error) {
	p := &plainPrinter{w: h.lines()}
	st, results, err := runPlain(ctx, o, flow, h, p.event)
	sum := st.Summarize(results)
	if h.JSON {
		res := CommandResult{OK: err == nil, Command: "setup", Summary: sum} // one shape for every command
		if err != nil {
			res.Error = err.Error()
		}
		return sum, encodeJSON(h.Out, res, err)
	}
	if err == nil {
		printSummary(h.Out, sum)
	}
	return sum, err
}

// lines is where step lines go: stdout, or stderr with --json so stdout stays one object.
func (h Headless) lines() io.Writer {
	if h.JSON {
		return h.Err
	}
	return h.Out
}

// runPlain walks flow with every plan applied; the device code goes to Err.
func runPlain(ctx context.Context, o steps.Options, flow []steps.Stage, h Headless, observe func(steps.Event)) (*steps.State, []steps.StepResult, error) {
	userDevice := o.OnDeviceCode
	o.OnDeviceCode = func(dc steps.DeviceCode) {
		fmt.Fprintf(h.Err, "To sign in to Azure, open %s and enter the code %s\n", dc.VerificationURL, dc.UserCode)
		if userDevice != nil {
			userDevice(dc)
		}
	}
	st := steps.NewState(o)
	rn := &steps.Runner{Stages: flow, Observe: observe, DryRun: o.DryRun}
	results, err := rn.Run(ctx, st)
	return st, results, err
}

// encodeJSON prints the run's one JSON object; failing to print counts only
// when the run itself succeeded.
func encodeJSON(w io.Writer, v any, runErr error) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil && runErr == nil {
		return err
	}
	return runErr
}

type plainPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *plainPrinter) event(e steps.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case steps.EventPlanned:
		if e.Plan.Empty() {
			return
		}
		fmt.Fprintf(p.w, "  %s (%s)\n", e.Step.Title, e.Step.Screen)
		for _, c := range e.Plan.Changes {
			fmt.Fprintf(p.w, "    %s\n", c)
		}
	case steps.EventProgress:
		fmt.Fprintf(p.w, "… %s: %s\n", e.Step.Title, e.Message)
	case steps.EventDone:
		fmt.Fprintf(p.w, "✓ %s%s\n", e.Step.Title, detail(e))
		for _, n := range e.Plan.Notes {
			fmt.Fprintf(p.w, "! %s\n", n)
		}
	case steps.EventSkipped:
		fmt.Fprintf(p.w, "- %s: %s\n", e.Step.Title, e.Message)
		for _, n := range e.Plan.Notes {
			fmt.Fprintf(p.w, "! %s\n", n)
		}
	case steps.EventFailed:
		fmt.Fprintf(p.w, "x %s\n", e.Err)
	}
}

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
	return ""
}

func printSummary(w io.Writer, s steps.Summary) {
	if s.DryRun {
		fmt.Fprintln(w, "Dry run: nothing was changed. Run again without --dry-run to apply the plan above.")
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Client ID (Appmixer clientId):  %s\n", s.ClientID)
	fmt.Fprintf(w, "Tenant ID:                      %s\n", s.TenantID)
	if !s.SecretExpires.IsZero() {
		fmt.Fprintf(w, "Client secret:                  %s expires %s (%s)\n", s.SecretHint, s.SecretExpires.Format("2006-01-02"), until(s.SecretExpires))
	}
	if s.TenantField {
		fmt.Fprintf(w, "Tenant field:                   on; users type %s (or common)\n", s.TenantID)
	} else {
		fmt.Fprintln(w, "Tenant field:                   off")
	}
	fmt.Fprintln(w, laterLine(programName()))
}

// laterLine is what every plain summary ends with: how to check and renew.
func laterLine(cmd string) string {
	return fmt.Sprintf("Check it later with: %s status. Renew the secret before it expires with: %s rotate-secret.", cmd, cmd)
}

func until(t time.Time) string {
	d := time.Until(t)
	if d < 0 {
		return "expired"
	}
	return fmt.Sprintf("in %d days", int(d.Hours()/24))
}
