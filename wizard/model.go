package wizard

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// phase is which screen the main pane shows.
type phase int

const (
	phaseForm   phase = iota // the sign-in or the setup questions
	phaseRun                 // steps running; plans, device code and the name to type come up here
	phaseError               // a command failed: retry, change an answer, menu or quit
	phaseResult              // a command is done: its report
	phaseMenu                // the start menu of an existing setup
	phaseDone                // quitting
)

// formKind is which of the two forms is on screen.
type formKind int

const (
	formSignIn formKind = iota // Appmixer and Azure sign-in
	formSetup                  // what the setup makes
)

// Messages from the engine's goroutine (sent with Program.Send, never blocking the loop).
type (
	eventMsg   struct{ ev steps.Event }
	confirmMsg struct {
		q     steps.Question
		reply chan<- steps.Decision // buffered: answering never blocks
	}
	menuMsg struct {
		menu  steps.Menu
		reply chan<- menuReply
	}
	menuReply struct {
		item steps.MenuItem
		err  error
	}
	setupMsg struct {
		opts  steps.Options
		reply chan<- setupReply
	}
	setupReply struct {
		opts steps.Options
		err  error
	}
	doneMsg   struct{ out *steps.Outcome }
	openedMsg struct{ err error }
	// formBuiltMsg carries the first form, built off the event loop: huh's
	// forms take milliseconds to build, and the first frame should not wait.
	formBuiltMsg struct{ f *huh.Form }
)

// config is what the model needs from outside; tests fill it with fakes.
type config struct {
	opts       steps.Options
	start      func(steps.Request) tea.Cmd // runs a request on the Session; its end arrives as doneMsg
	setOptions func(steps.Options)         // gives the Session the sign-in answers
	cancel     context.CancelFunc          // ctrl+c: stop the engine
	openURL    func(string) error          // the "open browser" key
	now        func() time.Time            // clock for elapsed times
	demo       bool                        // banner: simulated services
	inv        invocation                  // how the person ran the program
	first      steps.Request               // what runs after the sign-in: a command, or the menu
	signInNow  bool                        // the sign-in inputs are complete: no sign-in form
}

type model struct {
	cfg  config
	st   styles
	keys keyMap
	help help.Model

	width, height int
	phase         phase

	ans         *answers
	opts        steps.Options
	formPending bool              // the first form is being built
	early       []tea.KeyPressMsg // keys typed before it was ready
	form        *huh.Form
	formKind    formKind
	urlStatus   string            // last live check shown under the URL input
	setupReply  chan<- setupReply // the Session waits for the setup answers
	formNote    string            // a line above the form: why it is back
	focusKey    string            // the field the next form opens on (an error's "r")

	req      steps.Request // what runs (or ran last)
	infos    []steps.Info  // the sidebar
	status   map[steps.ID]stepStatus
	current  steps.Info
	activity string
	since    time.Time
	progress string
	log      []string // one line per finished step

	confirm *confirmMsg
	typed   string // a plan that deletes: the name typed so far
	typedNo string // why the last typed name was refused
	device  *steps.DeviceCode

	menu      *steps.Menu
	menuReply chan<- menuReply
	cursor    int
	chosen    bool // the command running was chosen in the menu: q at a plan returns there

	flash    string         // a line on what just happened
	out      *steps.Outcome // the last command's end
	lastGood *steps.Outcome // the last command that succeeded: left on the terminal at the end
	signedIn bool           // both sign-ins succeeded once
	scroll   int
	spin     spinner.Model
}

func newModel(cfg config) *model {
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.inv.prog == "" {
		cfg.inv = invocation{prog: "msconnector-wizard"}
	}
	m := &model{
		cfg:    cfg,
		st:     newStyles(),
		keys:   newKeyMap(),
		help:   help.New(),
		width:  80,
		height: 24,
		opts:   cfg.opts,
		status: map[steps.ID]stepStatus{},
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	m.spin.Style = m.st.current
	m.help.Styles.ShortKey, m.help.Styles.ShortDesc, m.help.Styles.ShortSeparator = m.st.keyName, m.st.keyDesc, m.st.dim
	m.help.ShortSeparator = "  ·  "
	m.ans = answersFrom(cfg.opts)
	if cfg.demo {
		m.ans.forDemo(cfg.opts)
	}
	m.infos = steps.Infos(orText(cfg.first.Command, "setup"), cfg.opts) // the likeliest flow; the Session's EventFlow corrects it
	if cfg.signInNow {
		m.phase, m.req = phaseRun, cfg.first
	} else {
		m.formKind, m.formPending = formSignIn, true
	}
	return m
}

func (m *model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.spin.Tick}
	if m.formPending {
		ans := m.ans
		cmds = append(cmds, func() tea.Msg { return formBuiltMsg{newSignInForm(ans)} })
	} else {
		cmds = append(cmds, m.run(m.cfg.first, ""))
	}
	return tea.Batch(cmds...)
}

// run starts a request with a fresh log; flash is a line on what led here.
func (m *model) run(req steps.Request, flash string) tea.Cmd {
	m.req, m.phase, m.flash, m.scroll, m.chosen = req, phaseRun, flash, 0, false
	m.log, m.confirm, m.device, m.menu, m.form = nil, nil, nil, nil, nil
	m.activity, m.since, m.progress = "Starting", m.cfg.now(), ""
	if !req.Retry {
		m.status = map[steps.ID]stepStatus{}
	}
	for id, s := range m.status {
		if s == statusFailed || s == statusCurrent {
			m.status[id] = statusPending
		}
	}
	if m.cfg.start == nil {
		return nil
	}
	return m.cfg.start(req)
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.form != nil && m.phase == phaseForm {
			m.ans.rewrap(m.formSize().Width)
			return m, m.updateForm(m.formSize())
		}
		return m, nil
	case tea.PasteMsg:
		if m.naming() {
			m.typed += msg.Content
			return m, nil
		}
		// Otherwise on to the form below: URLs and passwords are pasted more than typed.
	case formBuiltMsg:
		return m, m.onFormBuilt(msg.f)
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return m, m.quit(context.Canceled)
		}
		if m.formPending {
			m.early = append(m.early, msg)
			return m, nil
		}
		return m, m.component().update(m, msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case eventMsg:
		m.onEvent(msg.ev)
		return m, nil
	case confirmMsg:
		c := msg
		m.confirm, m.current, m.scroll, m.flash = &c, msg.q.Step, 0, ""
		m.typed, m.typedNo = "", ""
		m.status[msg.q.Step.ID] = statusCurrent
		return m, nil
	case menuMsg:
		return m, m.showMenu(msg)
	case setupMsg:
		m.setupReply = msg.reply
		m.opts = msg.opts
		return m, m.showForm(newSetupForm(m.ans), formSetup)
	case doneMsg:
		return m, m.onDone(msg.out)
	case openedMsg:
		if msg.err != nil {
			m.flash = "Could not open a browser: open the address yourself."
		} else {
			m.flash = "Opened the sign-in page in your browser."
		}
		return m, nil
	}
	if m.phase == phaseForm {
		return m, m.updateForm(msg)
	}
	return m, nil
}

// quit stops everything: a pending question is answered, the engine's
// context is cancelled, and the program exits (bubbletea restores the terminal).
func (m *model) quit(err error) tea.Cmd {
	if m.confirm != nil {
		m.confirm.reply <- steps.Quit
		m.confirm = nil
	}
	if m.menuReply != nil {
		m.menuReply <- menuReply{err: steps.ErrQuit}
		m.menuReply = nil
	}
	if m.setupReply != nil {
		m.setupReply <- setupReply{err: err}
		m.setupReply = nil
	}
	if m.cfg.cancel != nil {
		m.cfg.cancel()
	}
	if m.phase != phaseDone && err != nil && (m.out == nil || m.out.Err == nil) {
		m.out = &steps.Outcome{Command: m.req.Command, Err: err}
	}
	m.phase = phaseDone
	return tea.Quit
}

func (m *model) onEvent(ev steps.Event) {
	id := ev.Step.ID
	if m.device != nil && id == steps.IDSignInAzure && ev.Kind != steps.EventChecking && ev.Kind != steps.EventProgress && ev.Kind != steps.EventDeviceCode {
		m.device = nil // signed in (or failed): the code is no longer needed
	}
	switch ev.Kind {
	case steps.EventFlow:
		m.infos = ev.Flow
	case steps.EventDeviceCode:
		dc := *ev.Device
		m.device, m.flash, m.current = &dc, "", ev.Step
	case steps.EventChecking:
		m.status[id] = statusCurrent
		m.setActivity(ev.Step, orText(ev.Step.Checking, "Reading what exists"))
	case steps.EventPlanned:
		m.status[id] = statusCurrent
		m.setActivity(ev.Step, "Planning")
	case steps.EventApplying:
		m.status[id] = statusCurrent
		m.setActivity(ev.Step, "Applying the changes")
	case steps.EventProgress:
		m.progress = ev.Message
	case steps.EventDone:
		m.status[id] = statusDone
		m.log = append(m.log, m.st.done.Render(statusDone.icon())+" "+ev.Step.Title+": "+doneWords(ev)+elapsed(ev.Elapsed))
	case steps.EventSkipped:
		s := statusWarning
		if ev.Step.ReadOnly || isSignIn(id) {
			s = statusStopped // stopped because a sibling failed: not a warning of its own
		}
		m.status[id] = s
		m.log = append(m.log, m.st.forStatus(s).Render(s.icon())+" "+ev.Step.Title+": "+orText(ev.Message, "skipped"))
	case steps.EventFailed:
		m.status[id] = statusFailed
		m.current = ev.Step
	}
	if ev.Kind != steps.EventProgress && ev.Kind != steps.EventChecking && ev.Kind != steps.EventDeviceCode {
		m.progress = ""
	}
}

func (m *model) setActivity(step steps.Info, what string) {
	if m.confirm == nil {
		m.current = step
	}
	m.activity, m.since, m.progress = what, m.cfg.now(), ""
}

// onDone leads on from a finished command.
func (m *model) onDone(out *steps.Outcome) tea.Cmd {
	if m.phase == phaseDone {
		return nil // the person left already: what they left with stands
	}
	m.confirm, m.device = nil, nil
	m.out = out
	m.signedIn = m.signedIn || m.signedInAt(out)
	switch {
	case out.Err == nil:
		m.lastGood, m.phase, m.scroll = out, phaseResult, 0
		return nil
	case errors.Is(out.Err, steps.ErrQuit) && out.FromMenu && out.Command != "":
		// Stopped at a plan chosen in the menu: back to the menu.
		return m.run(steps.Request{Menu: true}, stoppedLine(out))
	case errors.Is(out.Err, steps.ErrQuit), errors.Is(out.Err, context.Canceled):
		return m.quit(out.Err)
	}
	m.phase, m.scroll = phaseError, 0
	return nil
}

// signedInAt reports whether both sign-ins succeeded in a run.
func (m *model) signedInAt(out *steps.Outcome) bool {
	ok := 0
	for _, r := range out.Steps {
		if isSignIn(r.Step.ID) && r.Status == steps.StatusChecked {
			ok++
		}
	}
	return ok == 2
}

// outcome is what the program ends with: the last command that succeeded when
// the person left afterwards, else the last outcome (an error, a stop).
func (m *model) outcome() *steps.Outcome {
	switch {
	case m.out != nil && m.out.Err != nil && !(errors.Is(m.out.Err, steps.ErrQuit) && m.lastGood != nil):
		return m.out
	case m.lastGood != nil:
		return m.lastGood
	case m.out != nil:
		return m.out
	}
	return &steps.Outcome{Err: context.Canceled}
}
