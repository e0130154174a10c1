// Package wizard is the interactive face of the setup: a bubbletea program
// with a sidebar of steps, huh forms for the inputs, a plan to confirm per
// step, the device-code sign-in screen, errors with retry, and a summary.
// It never talks HTTP itself: it drives package steps.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// UI is how the wizard meets the terminal.
type UI struct {
	In         io.Reader
	Out        io.Writer
	Demo       bool // show the banner: Azure and Appmixer are simulated
	Accessible bool // --accessible or ACCESSIBLE=1: plain line prompts for screen readers
}

// stopWait bounds how long RunTUI waits for the runner after a quit; steps
// honour ctx, so this is only a guard against a stuck request.
const stopWait = 5 * time.Second

// RunTUI runs the whole wizard on a terminal and returns what was set up.
// After the sign-in, an existing setup (Appmixer holds a clientId) gets the
// start menu: set up, check status, rotate the secret, flip the tenant field,
// tear down. It returns steps.ErrQuit when the person quits at a prompt and
// context.Canceled on Ctrl-C; the summary then holds what was done so far.
func RunTUI(ctx context.Context, o steps.Options, ui UI) (steps.Summary, error) {
	if ui.Accessible {
		ui = ui.withDefaults()
		defer keepTerminal(ui.In)()
		return runAccessible(ctx, o, ui)
	}
	return runProgram(ctx, o, ui, Command{})
}

// RunTUICommand runs a lifecycle command (status, rotate-secret, tenant on|off,
// teardown) on a terminal with the wizard's screens: the sign-in questions,
// then each plan to confirm (teardown: by typing the app's name), a spinner,
// and the result; status shows its ✓ / ! / x table. The error is what
// RunCommand would return (for status: non-nil when a check failed or warned).
// With ui.Accessible it runs headless-style plain lines, asking before each change.
func RunTUICommand(ctx context.Context, c Command, o steps.Options, ui UI) error {
	probe := o
	if _, _, err := CommandFlow(Command{Name: c.Name, Arg: c.Arg, Yes: true}, &probe); err != nil {
		return err // a usage error, before any screen
	}
	if ui.Accessible {
		ui = ui.withDefaults()
		defer keepTerminal(ui.In)()
		return runAccessibleCommand(ctx, c, o, ui)
	}
	_, err := runProgram(ctx, o, ui, Command{Name: c.Name, Arg: c.Arg, KeepOld: c.KeepOld})
	return err
}

// signInComplete: flags or env give everything the sign-in needs, so a
// command given on the command line signs in without asking (Azure's method
// defaults to the device code).
func signInComplete(o steps.Options) bool {
	if validateURL(o.AppmixerURL) != nil {
		return false
	}
	return !o.AppmixerToken.IsZero() || (o.AppmixerUsername != "" && !o.AppmixerPassword.IsZero())
}

func (ui UI) withDefaults() UI {
	if ui.In == nil {
		ui.In = os.Stdin
	}
	if ui.Out == nil {
		ui.Out = os.Stdout
	}
	return ui
}

// flowInfos is the sidebar of an action.
func flowInfos(c Command, o steps.Options) []steps.Info {
	switch c.Name {
	case actSignIn:
		return steps.FlowInfo(steps.SetupFlow(o)[:1])
	case actSetup, "":
		return steps.FlowInfo(steps.SetupFlow(o))
	}
	c.Yes = true
	flow, _, err := CommandFlow(c, &o)
	if err != nil {
		return nil
	}
	return steps.FlowInfo(flow)
}

// runProgram runs the bubbletea program; startWith is a lifecycle command to
// run after the sign-in (empty: the menu or the setup).
func runProgram(ctx context.Context, o steps.Options, ui UI, startWith Command) (steps.Summary, error) {
	ui = ui.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	eng := &engine{ctx: ctx}
	first := startWith
	if first.Name == "" {
		first.Name = actSetup
	}
	m := newModel(config{
		opts:      o,
		infos:     flowInfos(first, o),
		infosFor:  flowInfos,
		start:     eng.start,
		cancel:    cancel,
		openURL:   openBrowser,
		demo:      ui.Demo,
		cmdName:   programName(),
		startWith: startWith,
		signInNow: startWith.Name != "" && signInComplete(o),
	})
	painted := prepaint(ui.Out, m)
	// 120 fps: bubbletea draws on its ticker, so its first frame waits at most ~8 ms.
	p := tea.NewProgram(m, tea.WithInput(ui.In), tea.WithOutput(ui.Out), tea.WithContext(ctx), tea.WithFPS(120))
	eng.setSend(p.Send)

	final, err := p.Run()
	if err != nil && painted && final == nil {
		unprepaint(ui.Out) // bubbletea never took the screen over
	}
	cancel()
	stopped := waitOrGiveUp(&eng.wg, stopWait)
	if fm, ok := final.(*model); ok && fm != nil {
		m = fm
	}
	// A runner that did not stop in time may still write its state: then the
	// summary is left empty rather than read while it changes.
	var sum steps.Summary
	if stopped {
		sum = eng.summary()
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return sum, fmt.Errorf("the terminal screen failed (%w): run again with --yes for plain output", err)
	}
	sum, err = m.outcome(sum)
	if m.completed && stopped {
		m.leaveResult(ui.Out, sum, eng.cur)
	}
	return sum, err
}

// leaveResult writes the last action's result as plain lines once the
// full-screen view has gone with the alternate screen: the client ID and the
// tenant ID people type must stay in the terminal. Never the secret.
func (m *model) leaveResult(w io.Writer, sum steps.Summary, st *steps.State) {
	switch {
	case m.action.Name == actSignIn: // left at the menu: nothing ran to its end
	case m.action.Name == actSetup:
		printSummary(w, sum)
	case m.report != nil:
		printStatus(w, m.report)
	case st != nil:
		printCommandSummary(w, m.action, sum, st)
	}
}

// outcome is what the program ends with: the last action's summary, or its
// error; a status table with problems is an error too, so exit codes match
// the headless command.
func (m *model) outcome(sofar steps.Summary) (steps.Summary, error) {
	switch {
	case m.completed && m.report != nil && m.action.Name == "status":
		return m.summary, m.report.Err()
	case m.completed:
		return m.summary, nil
	case m.err != nil:
		return sofar, m.err
	default: // the program ended without an answer: the parent ctx was cancelled
		return sofar, context.Canceled
	}
}

// It reports whether the work finished.
func waitOrGiveUp(wg interface{ Wait() }, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// programName is how the summary tells people to run the program again.
func programName() string {
	if len(os.Args) > 0 {
		if n := filepath.Base(os.Args[0]); n != "" && n != "." && filepath.Ext(n) != ".test" {
			return n
		}
	}
	return "msconnector-wizard"
}
