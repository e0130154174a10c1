// Package wizard holds the program's three front ends on the steps.Session:
// the full-screen TUI (bubbletea screens, huh forms), the accessible mode
// (plain questions for screen readers) and headless (plain lines, --json).
// Each implements the Session's Prompter and renders its events and
// outcomes; none talks HTTP.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// UI is how the wizard meets the terminal.
type UI struct {
	In   io.Reader
	Out  io.Writer
	Err  io.Writer // where the last line goes after the full screen closes
	Demo bool      // show the banner: Azure and Appmixer are simulated
	Inv  invocation
}

// stopWait bounds how long RunTUI waits for the engine after a quit; steps
// honour ctx, so this is only a guard against a stuck request.
const stopWait = 5 * time.Second

func (ui UI) withDefaults() UI {
	if ui.In == nil {
		ui.In = os.Stdin
	}
	if ui.Out == nil {
		ui.Out = os.Stdout
	}
	if ui.Err == nil {
		ui.Err = os.Stderr
	}
	if ui.Inv.prog == "" {
		ui.Inv = invocation{prog: "msconnector-wizard"}
	}
	return ui
}

// signInComplete: flags or env give everything the sign-in needs, so a
// command given on the command line signs in without asking.
func signInComplete(o steps.Options) bool {
	if validateURL(o.AppmixerURL) != nil {
		return false
	}
	return !o.AppmixerToken.IsZero() || (o.AppmixerUsername != "" && !o.AppmixerPassword.IsZero())
}

// RunTUI runs the full-screen wizard: the sign-in questions (unless flags
// answered them and a command was given), then the command, or the start
// menu of an existing setup, or the setup questions. It returns the last
// command's outcome and leaves its result (or error) in the terminal.
func RunTUI(ctx context.Context, se *steps.Session, req steps.Request, ui UI) *steps.Outcome {
	ui = ui.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	eng := &engine{ctx: ctx, se: se}
	o := se.Options()
	m := newModel(config{
		opts: o, start: eng.start, setOptions: se.SetOptions, cancel: cancel, openURL: browserOpener(ui.Demo),
		demo: ui.Demo, inv: ui.Inv, first: req, signInNow: req.Command != "" && signInComplete(o),
	})
	// 120 fps: bubbletea draws on its ticker, so its first frame waits at most ~8 ms.
	p := tea.NewProgram(m, tea.WithInput(ui.In), tea.WithOutput(ui.Out), tea.WithContext(ctx), tea.WithFPS(120))
	eng.setSend(p.Send)
	final, err := p.Run()
	cancel()
	stopped := waitOrGiveUp(&eng.wg, stopWait)
	if fm, ok := final.(*model); ok && fm != nil {
		m = fm
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return &steps.Outcome{Err: fmt.Errorf("the terminal screen failed (%w): run again with --yes for plain output", err)}
	}
	out := m.outcome()
	if stopped {
		m.leaveResult(ui, out)
	}
	return out
}

// leaveResult writes the result as plain lines once the full screen has gone
// with the alternate screen: the client ID and the tenant ID people type must
// stay in the terminal. Lines fit the terminal's width without breaking a
// token. Never the secret.
func (m *model) leaveResult(ui UI, out *steps.Outcome) {
	err := out.ExitErr()
	switch {
	case out.Err == nil && out.Command != "":
		var b strings.Builder
		printReport(&b, out, m.cfg.inv)
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			for _, w := range wrapWords(l, max(m.width, 40), 2) {
				fmt.Fprintln(ui.Out, w)
			}
		}
	case errors.Is(err, steps.ErrQuit):
		fmt.Fprintln(ui.Err, stoppedLine(out))
		return
	}
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, steps.ErrQuit) {
		// Wrapped here, at words: the terminal would cut a URL in the error.
		for _, l := range wrapWords("error: "+errorLine(err, m.cfg.inv), max(m.width, 40), 2) {
			fmt.Fprintln(ui.Err, l)
		}
	}
}

// waitOrGiveUp reports whether the work finished within d.
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

// IsTerminal reports whether both ends are a terminal.
func IsTerminal(in, out any) bool {
	fi, ok1 := in.(*os.File)
	fo, ok2 := out.(*os.File)
	return ok1 && ok2 && term.IsTerminal(fi.Fd()) && term.IsTerminal(fo.Fd())
}
