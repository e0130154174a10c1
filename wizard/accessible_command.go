package wizard

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// runAccessibleCommand is a lifecycle command for screen readers: the sign-in
// questions, each plan in words, and the result as RunCommand prints it.
func runAccessibleCommand(ctx context.Context, c Command, o steps.Options, ui UI) error {
	p, base, err := plainSignIn(ctx, appTitle+": "+lifecycleLabel(c), o, ui)
	if err != nil {
		return err
	}
	return p.runCommand(ctx, c, base)
}

// runCommand runs a lifecycle command on base's sessions, asking before each
// change (teardown: by the app's typed name).
func (p *plainSession) runCommand(ctx context.Context, c Command, base *steps.State) error {
	opts := base.Opts
	c.Yes = true // every plan is asked below
	flow, report, err := CommandFlow(c, &opts)
	if err != nil {
		return err
	}
	st := steps.NewState(opts)
	st.ShareSignIn(base)
	results, err := p.run(ctx, st, flow, namePrompter{p.prompter()})
	if err != nil {
		return err
	}
	if report != nil {
		printStatus(p.out, report)
		return report.Err()
	}
	printCommandSummary(p.out, c, st.Summarize(results), st)
	return nil
}

// namePrompter asks for the app's exact name before a teardown deletes it;
// anything else keeps the app and stops.
type namePrompter struct{ linePrompter }

func (p namePrompter) Confirm(ctx context.Context, info steps.Info, plan steps.Plan) (steps.Decision, error) {
	name := steps.DeleteAppName(plan)
	if info.ID != steps.IDDeleteApp || name == "" {
		return p.linePrompter.Confirm(ctx, info, plan)
	}
	showPlan(p.w, info, plan)
	fmt.Fprintf(p.w, "To delete it, type the app's name, %s, then Enter. Anything else keeps the app: ", name)
	line, err := readLineCtx(ctx, p.r)
	if cerr := ctx.Err(); cerr != nil {
		return steps.Quit, cerr // ctrl+c: nothing was deleted
	}
	if err != nil || strings.TrimSpace(line) != name {
		fmt.Fprintln(p.w, "That is not the app's name: the app is kept and nothing was deleted.")
		return steps.Quit, nil
	}
	return steps.Apply, nil
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
}
