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
// It returns steps.ErrQuit when the person quits at a prompt and
// context.Canceled on Ctrl-C; the summary then holds what was done so far.
func RunTUI(ctx context.Context, o steps.Options, ui UI) (steps.Summary, error) {
	if ui.In == nil {
		ui.In = os.Stdin
	}
	if ui.Out == nil {
		ui.Out = os.Stdout
	}
	if ui.Accessible {
		return runAccessible(ctx, o, ui)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	eng := &engine{ctx: ctx}
	m := newModel(config{
		opts:     o,
		infos:    steps.FlowInfo(steps.SetupFlow(o)),
		infosFor: func(o steps.Options) []steps.Info { return steps.FlowInfo(steps.SetupFlow(o)) },
		start:    eng.start,
		cancel:   cancel,
		openURL:  openBrowser,
		demo:     ui.Demo,
		cmdName:  programName(),
	})
	p := tea.NewProgram(m, tea.WithInput(ui.In), tea.WithOutput(ui.Out), tea.WithContext(ctx))
	eng.send = p.Send

	final, err := p.Run()
	cancel()
	waitOrGiveUp(&eng.wg, stopWait)
	if fm, ok := final.(*model); ok && fm != nil {
		m = fm
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return eng.summary(), fmt.Errorf("the terminal screen failed (%w): run again with --yes for plain output", err)
	}
	switch {
	case m.completed:
		return m.summary, nil
	case m.err != nil:
		return eng.summary(), m.err
	default: // the program ended without an answer: the parent ctx was cancelled
		return eng.summary(), context.Canceled
	}
}

func waitOrGiveUp(wg interface{ Wait() }, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
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
