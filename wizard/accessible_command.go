package wizard

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/colorprofile"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// runAccessibleCommand is a lifecycle command for screen readers: the sign-in
// questions, each plan in words, and the result as RunCommand prints it.
func runAccessibleCommand(ctx context.Context, c Command, o steps.Options, ui UI) error {
	out := &lockedWriter{w: &colorprofile.Writer{Forward: ui.Out, Profile: colorprofile.NoTTY}}
	fmt.Fprintln(out, appTitle+": "+lifecycleLabel(c))
	if ui.Demo {
		fmt.Fprintln(out, "DEMO: simulated Azure and Appmixer, nothing real changes.")
	}
	a := answersFrom(o)
	if err := askAccessible(a, out, ui.In, false); err != nil {
		return err
	}
	opts, err := a.apply(o)
	if err != nil {
		return err
	}
	c.Yes = true // every plan is asked below; teardown by the app's typed name
	flow, report, err := CommandFlow(c, &opts)
	if err != nil {
		return err
	}
	opts.OnDeviceCode = func(dc steps.DeviceCode) {
		fmt.Fprintf(out, "To sign in to Azure, open %s and enter the code %s\n", dc.VerificationURL, spaced(dc.UserCode))
	}
	st := steps.NewState(opts)
	rn := &steps.Runner{
		Stages:  flow,
		Prompt:  namePrompter{linePrompter{w: out, r: ui.In}},
		Observe: func(ev steps.Event) { fmt.Fprint(out, eventLine(ev)) },
	}
	results, err := rn.Run(ctx, st)
	if err != nil {
		return err
	}
	if report != nil {
		printStatus(out, report)
		return report.Err()
	}
	printCommandSummary(out, c, st.Summarize(results), st)
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
	line, err := readLine(p.r)
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
