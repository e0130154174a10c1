package wizard

import (
	"context"
	"fmt"
	"io"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Command is a lifecycle command: status, rotate-secret, tenant on|off, teardown.
type Command struct {
	Name    string // status | rotate-secret | tenant | teardown
	Arg     string // on|off for tenant
	Yes     bool   // teardown needs it headless
	KeepOld bool   // rotate-secret: keep the old secrets
}

// UsageError is a wrong or missing input to a command (main exits 2 for these).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// CommandResult is the --json object of every command (setup too): the
// summary, or the error and the steps so far. It never holds a secret.
type CommandResult struct {
	OK      bool                `json:"ok"`
	Command string              `json:"command"`
	Error   string              `json:"error,omitempty"`
	Checks  []steps.StatusCheck `json:"checks,omitempty"` // status only
	steps.Summary
}

// CommandFlow returns the stages of a lifecycle command and, for status, the
// report its check fills. o is adjusted for the command (tenant on|off). The
// TUI's start menu can run these flows with its own prompter.
func CommandFlow(c Command, o *steps.Options) ([]steps.Stage, *steps.StatusReport, error) {
	switch c.Name {
	case "status":
		rep := &steps.StatusReport{}
		return steps.StatusFlow(rep), rep, nil
	case "rotate-secret":
		return steps.RotateFlow(c.KeepOld), nil, nil
	case "tenant":
		switch c.Arg {
		case "on":
			o.TenantField = steps.TenantFieldOn
		case "off":
			o.TenantField = steps.TenantFieldOff
		default:
			return nil, nil, UsageError{fmt.Sprintf("tenant needs on or off (got %q): `tenant on` shows the Tenant field, `tenant off` hides it", c.Arg)}
		}
		return steps.TenantFlow(), nil, nil
	case "teardown":
		if !c.Yes && !o.DryRun {
			return nil, nil, UsageError{"teardown deletes the app registration and Appmixer's Microsoft keys: pass --yes to confirm (or --dry-run to see what it would remove)"}
		}
		return steps.TeardownFlow(), nil, nil
	}
	return nil, nil, UsageError{fmt.Sprintf("unknown command %q: use status, rotate-secret, tenant on|off or teardown", c.Name)}
}

// RunCommand runs a lifecycle command headless. The returned error is one line;
// for status it is non-nil when any check failed or warned.
func RunCommand(ctx context.Context, c Command, o steps.Options, h Headless) error {
	flow, report, err := CommandFlow(c, &o)
	if err != nil {
		return err
	}
	lines := h.lines()
	p := &plainPrinter{w: lines}
	observe := p.event
	if report != nil {
		observe = func(e steps.Event) { // status prints a table instead of step lines; who signed in where heads it
			if e.Kind == steps.EventFailed || e.Kind == steps.EventProgress || e.Kind == steps.EventDone && isSignIn(e.Step.ID) {
				p.event(e)
			}
		}
	}
	st, results, err := runPlain(ctx, o, flow, h, observe)
	if err == nil && report != nil {
		err = report.Err()
	}
	sum := st.Summarize(results)
	if h.JSON {
		res := CommandResult{OK: err == nil, Command: lifecycleLabel(c), Summary: sum}
		if report != nil {
			res.Checks = report.Checks
		}
		if err != nil {
			res.Error = err.Error()
		}
		return encodeJSON(h.Out, res, err)
	}
	if report != nil {
		printStatus(lines, report)
		return err
	}
	if err == nil {
		printCommandSummary(lines, c, sum, st)
	}
	return err
}

// isSignIn tells the two sign-in steps from the rest: status and a second
// accessible flow say them once.
func isSignIn(id steps.ID) bool { return id == steps.IDSignInAzure || id == steps.IDSignInAppmixer }

func lifecycleLabel(c Command) string {
	if c.Name == "tenant" && c.Arg != "" {
		return "tenant " + c.Arg
	}
	return c.Name
}

// printStatus renders the ✓ / ! / x table, names aligned.
func printStatus(w io.Writer, r *steps.StatusReport) {
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%s %-*s  %s\n", steps.StatusMark(c.Level), width, c.Name, c.Detail)
	}
	if len(r.Checks) == 0 {
		return
	}
	switch fails, warns := r.Counts(); {
	case fails+warns == 0:
		fmt.Fprintln(w, "All checks passed.")
	default:
		fmt.Fprintf(w, "%d problem(s), %d warning(s).\n", fails, warns)
	}
}

func printCommandSummary(w io.Writer, c Command, s steps.Summary, st *steps.State) {
	if s.DryRun {
		fmt.Fprintf(w, "Dry run: nothing was changed. Run %s again without --dry-run to apply the plan above.\n", lifecycleLabel(c))
		return
	}
	fmt.Fprintln(w)
	switch c.Name {
	case "rotate-secret":
		fmt.Fprintf(w, "Client ID (Appmixer clientId):  %s\n", s.ClientID)
		if s.SecretNew {
			fmt.Fprintf(w, "New client secret:              %s expires %s (%s), stored in Appmixer\n", s.SecretHint, s.SecretExpires.Format("2006-01-02"), until(s.SecretExpires))
		}
	case "tenant":
		if st.TenantFieldIsOn() {
			fmt.Fprintf(w, "Tenant field: on. Users type this tenant ID into the Tenant field: %s (or common)\n", s.TenantID)
		} else {
			fmt.Fprintln(w, "Tenant field: off. Users sign in through Microsoft's common endpoint.")
		}
	case "teardown":
		if s.ClientID != "" {
			fmt.Fprintf(w, "Removed app %q (client ID %s) and Appmixer's Microsoft keys.\n", s.AppName, s.ClientID)
		} else {
			fmt.Fprintln(w, "No app registration was left to delete; Appmixer's Microsoft keys are cleared.")
		}
	}
}
