package wizard

import (
	"fmt"
	"io"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// sayReport says a command's result as "Label: value." sentences, the way a
// screen reader reads best.
func sayReport(w io.Writer, out *steps.Outcome, inv invocation) {
	r := out.Report
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.Headline+".")
	for _, f := range r.Facts {
		if f.Value != "" {
			fmt.Fprintf(w, "%s: %s\n", f.Label, f.Value)
		}
	}
	for _, c := range r.Checks {
		line := fmt.Sprintf("%s, %s: %s", levelWord(c.Level), c.Name, c.Detail)
		if c.Fix != "" && c.Level != steps.StatusOK {
			line += ". To fix it, run " + inv.command(c.Fix)
		}
		fmt.Fprintln(w, line+".")
	}
	for _, l := range r.Lines {
		fmt.Fprintln(w, l)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "Note: "+n)
	}
	for _, r := range out.Steps {
		for _, c := range r.Changes {
			if r.Status == steps.StatusDone {
				fmt.Fprintf(w, "Changed, %s: %s\n", r.Step.Title, c)
			}
		}
	}
	for _, l := range r.Later {
		fmt.Fprintf(w, "%s with: %s.\n", l.What, inv.command(l.Command))
	}
}

func levelWord(l steps.StatusLevel) string {
	switch l {
	case steps.StatusFail:
		return "Problem"
	case steps.StatusWarn:
		return "Warning"
	}
	return "OK"
}

// stoppedLine says what a command stopped at the person's request had
// already changed, so "nothing was changed" is never said when something was.
func stoppedLine(o *steps.Outcome) string {
	title := "The run"
	if c, ok := steps.LookupCommand(o.Command); ok {
		title = c.Title
	}
	if done := o.Changed(); len(done) > 0 {
		return fmt.Sprintf("%s stopped at your request after: %s. Nothing else was changed; run it again to finish.", title, strings.Join(done, ", "))
	}
	return title + " stopped at your request: nothing was changed."
}

// showPlan writes a plan as plain lines.
func showPlan(w io.Writer, info steps.Info, plan steps.Plan) {
	fmt.Fprintf(w, "\n%s. %s\n", info.Title, info.About)
	if info.Screen != "" {
		fmt.Fprintf(w, "Replaces: %s\n", info.Screen)
	}
	for _, f := range plan.Found {
		fmt.Fprintf(w, "Found: %s\n", f)
	}
	fmt.Fprintln(w, "Will change:")
	for _, c := range plan.Changes {
		fmt.Fprintf(w, "  %s\n", c)
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	if plan.Skippable && plan.SkipNote != "" {
		fmt.Fprintf(w, "Note: %s\n", plan.SkipNote)
	}
}

// forQuestions phrases a hint for the accessible mode: inputs it asks are
// named by their question, the rest by their flag.
func forQuestions(h hint.Hint, inv invocation) string {
	f, asked := formFields[h.Input]
	if !asked {
		return forShell(h, inv)
	}
	parts := []string{}
	if h.Text != "" {
		parts = append(parts, h.Text)
	}
	parts = append(parts, "answer the question \""+f.label+"\" again")
	if h.Command != "" {
		parts = append(parts, "then choose "+h.Command+" in the menu")
	}
	return strings.Join(parts, "; ")
}
