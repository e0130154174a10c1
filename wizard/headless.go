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

// Result is the --json object: the summary, or the error and the steps so far.
type Result struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	steps.Summary
}

// RunHeadless runs the flow with every plan applied (the caller checked --yes or
// --dry-run) and prints it. The returned error is already one line.
func RunHeadless(ctx context.Context, o steps.Options, flow []steps.Stage, h Headless) (steps.Summary, error) {
	lines := h.Out
	if h.JSON {
		lines = h.Err
	}
	p := &plainPrinter{w: lines}
	userDevice := o.OnDeviceCode
	o.OnDeviceCode = func(dc steps.DeviceCode) {
		fmt.Fprintf(h.Err, "To sign in to Azure, open %s and enter the code %s\n", dc.VerificationURL, dc.UserCode)
		if userDevice != nil {
			userDevice(dc)
		}
	}
	st := steps.NewState(o)
	rn := &steps.Runner{Stages: flow, Observe: p.event, DryRun: o.DryRun}
	results, err := rn.Run(ctx, st)
	sum := st.Summarize(results)
	if h.JSON {
		res := Result{OK: err == nil, Summary: sum}
		if err != nil {
			res.Error = err.Error()
		}
		enc := json.NewEncoder(h.Out)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(res); encErr != nil && err == nil {
			err = encErr
		}
	} else if err == nil {
		printSummary(lines, sum)
	}
	return sum, err
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
	fmt.Fprintln(w, "Check it later with `status`; renew the secret before it expires with `rotate-secret`.")
}

func until(t time.Time) string {
	d := time.Until(t)
	if d < 0 {
		return "expired"
	}
	return fmt.Sprintf("in %d days", int(d.Hours()/24))
}
