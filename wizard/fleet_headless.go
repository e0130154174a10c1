package wizard

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// FleetHeadless renders an inventory run as plain lines, one per instance
// event, each starting with the instance's name, and a last line per
// instance; with JSON, one object on Out at the end.
type FleetHeadless struct {
	Out  io.Writer
	Err  io.Writer // device codes and, with JSON, the event lines
	JSON bool
	Inv  invocation
	// Window, when set (status --expiring-within), lists only the instances
	// that need action, and they alone decide the exit code.
	Window    time.Duration
	Now       func() time.Time
	Inventory string // the file, for the commands the lines suggest
}

// FleetResult is the --json object of an inventory run. Never a secret.
type FleetResult struct {
	OK        bool            `json:"ok"`
	Command   string          `json:"command"`
	Instances []FleetInstance `json:"instances"`
	Window    string          `json:"expiringWithin,omitempty"`
	Checked   int             `json:"checked,omitempty"` // with a window: how many instances were checked
}

// FleetInstance is one instance in FleetResult.
type FleetInstance struct {
	Name          string              `json:"name"`
	OK            bool                `json:"ok"`
	ClientID      string              `json:"clientId,omitempty"`
	TenantID      string              `json:"tenantId,omitempty"`
	SecretExpires time.Time           `json:"secretExpires,omitzero"`
	Changes       []string            `json:"changes"`
	Checks        []steps.StatusCheck `json:"checks,omitempty"`
	Error         string              `json:"error,omitempty"`
	Hint          string              `json:"hint,omitempty"`
}

// Run runs the inventory and prints it; it reports whether the run succeeded
// (every listed instance ok).
func (h FleetHeadless) Run(ctx context.Context, r *fleet.Runner, instances []fleet.Instance) ([]fleet.Result, bool) {
	if h.Now == nil {
		h.Now = time.Now
	}
	p := &fleetPrinter{w: h.lines(), device: h.Err, quiet: r.Command == "status"}
	r.Observe = p.event
	results := r.Run(ctx, instances)
	listed := h.listed(results)
	ok := true
	for _, x := range listed {
		ok = ok && h.instanceOK(x)
	}
	label := steps.Command{Name: r.Command}.Label(r.Arg)
	if h.JSON {
		res := FleetResult{OK: ok, Command: label, Instances: []FleetInstance{}}
		if h.Window > 0 {
			res.Window, res.Checked = fmt.Sprintf("%dd", int(h.Window.Hours()/24)), len(results)
		}
		for _, x := range listed {
			res.Instances = append(res.Instances, h.jsonInstance(x))
		}
		_ = EncodeJSON(h.Out, res)
	} else {
		for _, x := range listed {
			fmt.Fprintln(h.Out, h.lastLine(x))
		}
		h.tally(results, listed, ok)
	}
	return results, ok
}

// listed is every result, or with a window the ones that need action.
func (h FleetHeadless) listed(results []fleet.Result) []fleet.Result {
	if h.Window <= 0 {
		return results
	}
	var out []fleet.Result
	for _, x := range results {
		if fleet.NeedsAction(x, h.Window, h.Now()) {
			out = append(out, x)
		}
	}
	return out
}

func (h FleetHeadless) instanceOK(x fleet.Result) bool {
	if h.Window > 0 {
		return false // listed: it needs action
	}
	return x.ExitErr() == nil
}

func (h FleetHeadless) lines() io.Writer {
	if h.JSON {
		return h.Err
	}
	return h.Out
}

func (h FleetHeadless) jsonInstance(x fleet.Result) FleetInstance {
	fi := FleetInstance{Name: x.Instance.Name, OK: h.instanceOK(x), Changes: []string{}}
	if out := x.Outcome; out != nil {
		s := out.Summary
		fi.ClientID, fi.TenantID, fi.SecretExpires = s.ClientID, s.TenantID, s.SecretExpires
		for _, st := range out.Steps {
			if st.Status == steps.StatusDone || st.Status == steps.StatusPlanned {
				for _, c := range st.Changes {
					fi.Changes = append(fi.Changes, c.String())
				}
			}
		}
		if out.Status != nil {
			fi.Checks = out.Status.Checks
		}
	}
	if err := x.ExitErr(); err != nil {
		fi.Error = err.Error()
		if hn, ok := hint.Of(err); ok {
			fi.Hint = forShell(hn, h.Inv)
		}
	} else if h.Window > 0 {
		fi.Error = "the secret expires " + x.Outcome.Summary.SecretExpires.Format(time.DateOnly)
		fi.Hint = "run " + h.Inv.command("rotate-secret --inventory "+ShellQuote(h.Inventory)+" --only "+x.Instance.Name)
	}
	return fi
}

// lastLine is how one instance ended, in one line.
func (h FleetHeadless) lastLine(x fleet.Result) string {
	name := x.Instance.Name
	err := x.ExitErr()
	var s steps.Summary
	if x.Outcome != nil {
		s = x.Outcome.Summary
	}
	switch {
	case err != nil && statusFound(x):
		return "! " + name + ": " + errorLine(err, h.Inv)
	case err != nil:
		return "x " + name + ": error: " + errorLine(err, h.Inv)
	case h.Window > 0:
		return fmt.Sprintf("! %s: the secret expires %s: run %s", name, s.SecretExpires.Format(time.DateOnly),
			h.Inv.command("rotate-secret --inventory "+ShellQuote(h.Inventory)+" --only "+name))
	}
	var facts []string
	if s.ClientID != "" {
		facts = append(facts, "client ID "+s.ClientID)
	}
	if !s.SecretExpires.IsZero() {
		facts = append(facts, "secret expires "+s.SecretExpires.Format(time.DateOnly))
	}
	if n := len(x.Outcome.Changed()); n > 0 {
		facts = append(facts, fmt.Sprintf("%d step(s) changed something", n))
	} else if x.Outcome.Command != "status" {
		facts = append(facts, "nothing to change")
	}
	return fmt.Sprintf("✓ %s: %s (%s)", name, strings.Join(facts, ", "), x.Elapsed.Round(100*time.Millisecond))
}

// statusFound: the instance's status ran to the end and its checks found
// something; it did not fail. Both inventory front ends mark it "!".
func statusFound(x fleet.Result) bool {
	return x.Outcome != nil && x.Outcome.Err == nil && x.Outcome.Status != nil && x.ExitErr() != nil
}

// tally is the last line of all: how many succeeded.
func (h FleetHeadless) tally(results, listed []fleet.Result, ok bool) {
	switch {
	case h.Window > 0 && len(listed) == 0:
		// nothing needs action: a cron job stays quiet
	case h.Window > 0:
		fmt.Fprintf(h.Err, "error: %d of %d instance(s) need action\n", len(listed), len(results))
	case !ok:
		failed := 0
		for _, x := range results {
			if x.ExitErr() != nil {
				failed++
			}
		}
		fmt.Fprintf(h.Err, "error: %d of %d instance(s) failed; run the same command again to retry them (--only picks instances)\n", failed, len(results))
	}
}

// fleetPrinter writes one line per instance event.
type fleetPrinter struct {
	mu     sync.Mutex
	w      io.Writer
	device io.Writer
	quiet  bool // status: only failures and sign-in codes; its verdict is the last line
}

func (p *fleetPrinter) event(e fleet.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Kind == steps.EventDeviceCode {
		fmt.Fprintln(p.device, deviceWords(e.Device, e.Tenant, e.For))
		return
	}
	who := e.Instance
	if who == "" {
		who = "tenant " + e.Tenant
	}
	if p.quiet && e.Kind != steps.EventFailed {
		return
	}
	if l := stepLine(e.Event); l != "" {
		fmt.Fprintf(p.w, "%s: %s\n", who, l)
	}
}
