package wizard

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// fixedNow keeps elapsed times and expiry countdowns stable in golden screens.
var fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// testInfos is the setup's sidebar: the sign-ins, then the setup steps.
var testInfos = steps.Infos("setup", steps.Options{})

// info finds a step of the sidebar by ID.
func info(id steps.ID) steps.Info {
	for _, in := range testInfos {
		if in.ID == id {
			return in
		}
	}
	panic("no step " + string(id))
}

// screen runs a model under teatest and replays its output through a vt
// terminal emulator, so assertions are on what a person would see.
type screen struct {
	t   *testing.T
	tm  *teatest.TestModel
	emu *vt.Emulator
	raw bytes.Buffer // every byte the program wrote
	mu  sync.Mutex
}

func newScreen(t *testing.T, m tea.Model, w, h int, opts ...tea.ProgramOption) *screen {
	t.Helper()
	s := &screen{t: t, emu: vt.NewEmulator(w, h)}
	// A real tty's ONLCR turns the renderer's "\n" into CR LF; LNM mode
	// (CSI 20 h) makes the emulator do the same for this non-tty output.
	_, _ = s.emu.Write([]byte("\x1b[20h"))
	// The emulator answers terminal queries on its input pipe; drain it so
	// those answers never block a Write.
	go func() { _, _ = io.Copy(io.Discard, s.emu) }()
	// Closing the pipe's writer ends the drain; Emulator.Close would race
	// with the reader on its unguarded closed flag.
	t.Cleanup(func() { _ = s.emu.InputPipe().(io.Closer).Close() })
	s.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(opts...))
	return s
}

// pump moves new program output into the emulator; returns the screen text.
func (s *screen) pump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := io.ReadAll(s.tm.Output())
	s.raw.Write(b)
	_, _ = s.emu.Write(b)
	return normalize(s.emu.String())
}

// waitFor polls the screen until it contains every want, or fails with the
// last screen after a deadline.
func (s *screen) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		scr := s.pump()
		flat := flatPane(scr)
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) && !strings.Contains(flat, w) {
				ok = false
				break
			}
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", want, scr)
		}
		<-tick.C
	}
}

func (s *screen) key(k string) {
	switch k {
	case "enter":
		s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	case "ctrl+c":
		s.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	case "ctrl+u":
		s.tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	case "down":
		s.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	case "up":
		s.tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	case "esc":
		s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	default:
		s.tm.Type(k)
	}
}

// golden compares the screen with testdata/<test>/<name>.golden (-update rewrites).
func (s *screen) golden(name, scr string) {
	s.t.Helper()
	s.t.Run(name, func(t *testing.T) { golden.RequireEqual(t, scr) })
}

// normalize makes spinner frames stable: any braille glyph becomes "*".
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x2800 && r <= 0x28FF {
			return '*'
		}
		return r
	}, s)
}

// fakeEngine records the requests the model starts.
type fakeEngine struct {
	mu   sync.Mutex
	reqs []steps.Request
}

func (f *fakeEngine) start(req steps.Request) tea.Cmd {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	return nil
}

func (f *fakeEngine) req(i int) steps.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[i]
}

func (f *fakeEngine) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// runningModel is a model past the sign-in form, running setup, driven by
// hand-made messages.
func runningModel(f *fakeEngine, cancel func()) *model {
	return newModel(config{
		opts:      steps.Options{AppmixerURL: "https://api.acme.appmixer.cloud", AppmixerUsername: "admin@acme.com"},
		start:     f.start,
		cancel:    cancel,
		now:       func() time.Time { return fixedNow },
		first:     steps.Request{Command: "setup"},
		signInNow: true,
	})
}

// signedInSteps are the results of two sign-ins that succeeded.
var signedInSteps = []steps.StepResult{
	{Step: info(steps.IDSignInAzure), Status: steps.StatusChecked},
	{Step: info(steps.IDSignInAppmixer), Status: steps.StatusChecked},
}

// flatPane is the pane's text as one line: wrapped sentences read on.
func flatPane(scr string) string { return strings.Join(strings.Fields(paneText(scr)), " ") }

// paneText drops the sidebar from each line, so wrapped pane text reads on.
func paneText(scr string) string {
	var b strings.Builder
	for _, l := range strings.Split(scr, "\n") {
		if _, after, ok := strings.Cut(l, "│"); ok {
			l = after
		}
		b.WriteString(strings.TrimSpace(l) + "\n")
	}
	return b.String()
}

var backspace = tea.KeyPressMsg{Code: tea.KeyBackspace}
