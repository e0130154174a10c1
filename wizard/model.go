package wizard

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// phase is which screen the main pane shows.
type phase int

const (
	phaseForm    phase = iota // the inputs
	phaseRun                  // steps running, plans to confirm, device code
	phaseError                // a step failed: retry or quit
	phaseSummary              // an action is done: its summary, status table or result
	phaseMenu                 // an existing setup was found: what to do with it
	phaseDone                 // quitting
)

// formKind is which of the two forms is on screen.
type formKind int

const (
	formSignIn formKind = iota // Appmixer and Azure sign-in
	formSetup                  // what the setup makes
)

// Messages from the runner's goroutine (sent with Program.Send, never blocking the loop).
type (
	eventMsg      struct{ ev steps.Event }
	deviceCodeMsg struct{ dc steps.DeviceCode }
	confirmMsg    struct {
		info  steps.Info
		plan  steps.Plan
		reply chan<- steps.Decision // buffered: answering never blocks
	}
	runDoneMsg struct {
		results []steps.StepResult
		summary steps.Summary
		report  *steps.StatusReport // status only
		err     error
	}
	// signedInMsg ends the sign-in: clientID is Appmixer's (non-empty: an existing setup).
	signedInMsg struct {
		clientID string
		summary  steps.Summary
	}
	openedMsg struct{ err error }
)

// config is what the model needs from outside; tests fill it with fakes.
type config struct {
	opts     steps.Options
	infos    []steps.Info                              // the sidebar, in flow order
	infosFor func(Command, steps.Options) []steps.Info // the sidebar of an action (admin consent adds a step)
	// start starts an action (actSignIn, actSetup or a lifecycle Command), or
	// retries the last one; its end arrives as signedInMsg or runDoneMsg.
	start     func(c Command, o steps.Options, retry bool) tea.Cmd
	cancel    context.CancelFunc // Ctrl-C: stop the runner
	openURL   func(string) error // the "open browser" key
	now       func() time.Time   // clock for elapsed times
	demo      bool               // banner: simulated services
	cmdName   string             // how the summary names the program
	skipForm  bool               // inputs complete: run the setup at once (tests, resumed runs)
	startWith Command            // a lifecycle command to run right after the sign-in (no menu)
	signInNow bool               // the sign-in inputs are complete: sign in without the form
}

type model struct {
	cfg config
	st  styles

	width, height int
	phase         phase

	ans *answers

	formPending bool              // the first form is being built (see formBuiltMsg)
	early       []tea.KeyPressMsg // keys typed before it was ready
	form        *huh.Form
	formKind    formKind
	urlStatus   string // last live check shown under the URL input
	opts        steps.Options

	action   Command     // what runs (or ran last): actSignIn, actSetup or a lifecycle command
	signedIn bool        // both sign-ins done: the menu can be offered
	found    signedInMsg // what the sign-in found
	fromMenu bool        // the action was chosen in the menu: quitting a plan returns there
	menu     int         // the menu's cursor
	report   *steps.StatusReport

	typed   string // teardown: the app name typed so far
	typedNo string // teardown: why the last typed name was refused

	status  map[steps.ID]stepStatus
	current steps.Info

	activity      string // "Checking what exists", "Applying the changes"
	activitySince time.Time
	progress      string
	log           []string // one line per finished step

	confirm *confirmMsg
	device  *steps.DeviceCode
	flash   string // short feedback: "code copied"

	results   []steps.StepResult
	summary   steps.Summary
	err       error // the run's final error (nil after a good summary)
	completed bool  // the run reached its end without error
	scroll    int

	spin spinner.Model
}

func newModel(cfg config) *model {
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.cmdName == "" {
		cfg.cmdName = "msconnector-wizard"
	}
	m := &model{
		cfg:    cfg,
		st:     newStyles(),
		width:  80,
		height: 24,
		opts:   cfg.opts,
		status: map[steps.ID]stepStatus{},
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	m.spin.Style = m.st.current
	m.ans = answersFrom(cfg.opts)
	switch {
	case cfg.skipForm:
		m.phase, m.action = phaseRun, Command{Name: actSetup}
	case cfg.signInNow:
		m.phase, m.action = phaseRun, Command{Name: actSignIn}
	default:
		m.formKind, m.formPending = formSignIn, true
	}
	return m
}

// formBuiltMsg carries the first form, built off the event loop: huh's forms
// take milliseconds to build, and the first frame should not wait for them.
type formBuiltMsg struct {
	f    *huh.Form
	kind formKind
}

func (m *model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.spin.Tick}
	if m.formPending {
		ans, kind := m.ans, m.formKind
		cmds = append(cmds, func() tea.Msg { return formBuiltMsg{newSignInForm(ans), kind} })
	} else {
		cmds = append(cmds, m.startRun())
	}
	return tea.Batch(cmds...)
}

// onFormBuilt shows the first form and replays the keys typed while it was built.
func (m *model) onFormBuilt(msg formBuiltMsg) tea.Cmd {
	m.formPending = false
	cmds := []tea.Cmd{m.showForm(msg.f, msg.kind)}
	for _, k := range m.early {
		cmds = append(cmds, m.updateForm(k))
	}
	m.early = nil
	return tea.Batch(cmds...)
}

func (m *model) startRun() tea.Cmd { return m.launch(false) }

func (m *model) launch(retry bool) tea.Cmd {
	m.phase = phaseRun
	m.activity, m.activitySince, m.progress = "Starting", m.cfg.now(), ""
	if m.cfg.start == nil {
		return nil
	}
	return m.cfg.start(m.action, m.opts, retry)
}

// runAction starts an action with a fresh sidebar and log.
func (m *model) runAction(c Command) tea.Cmd {
	m.action, m.report, m.results, m.log, m.err, m.completed = c, nil, nil, nil, nil, false
	m.status = map[steps.ID]stepStatus{}
	m.current, m.scroll = steps.Info{}, 0
	if m.cfg.infosFor != nil {
		m.cfg.infos = m.cfg.infosFor(c, m.opts)
	}
	return m.startRun()
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.form != nil && m.phase == phaseForm {
			return m, m.updateForm(m.formSize())
		}
		return m, nil
	case tea.PasteMsg:
		if m.naming() {
			m.typed += msg.Content
		}
		return m, nil
	case formBuiltMsg:
		return m, m.onFormBuilt(msg)
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return m, m.quit(context.Canceled)
		}
		if m.formPending {
			m.early = append(m.early, msg)
			return m, nil
		}
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case eventMsg:
		m.onEvent(msg.ev)
		return m, nil
	case deviceCodeMsg:
		dc := msg.dc
		m.device, m.flash = &dc, ""
		return m, nil
	case confirmMsg:
		c := msg
		m.confirm, m.current, m.scroll = &c, msg.info, 0
		m.typed, m.typedNo = "", ""
		m.status[msg.info.ID] = statusCurrent
		return m, nil
	case signedInMsg:
		return m, m.onSignedIn(msg)
	case runDoneMsg:
		return m, m.onRunDone(msg)
	case openedMsg:
		if msg.err != nil {
			m.flash = "Could not open a browser: open the URL yourself."
		} else {
			m.flash = "Opened the sign-in page in your browser."
		}
		return m, nil
	}

	switch m.phase {
	case phaseForm:
		if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" && m.formKind == formSetup && m.fromMenu {
			// The setup questions were chosen in the menu: esc goes back there.
			m.form = nil
			m.openMenu("Setup cancelled: nothing was changed.")
			return m, nil
		}
		return m, m.updateForm(msg)
	case phaseRun:
		return m, m.updateRun(msg)
	case phaseError:
		return m, m.updateError(msg)
	case phaseSummary:
		return m, m.updateSummary(msg)
	case phaseMenu:
		return m, m.updateMenu(msg)
	}
	return m, nil
}

// quit stops everything: a pending question is answered Quit, the runner's
// context is cancelled, and the program exits (bubbletea restores the terminal).
func (m *model) quit(err error) tea.Cmd {
	if m.confirm != nil {
		m.confirm.reply <- steps.Quit
		m.confirm = nil
	}
	if m.cfg.cancel != nil {
		m.cfg.cancel()
	}
	if m.phase != phaseDone {
		m.err = err
	}
	m.phase = phaseDone
	return tea.Quit
}

// formRefresh makes huh rebuild its cached view after a description changed.
type formRefresh struct{}

func (m *model) updateForm(msg tea.Msg) tea.Cmd {
	if m.form == nil {
		return nil // still being built; keys were kept for it
	}
	fm, cmd := m.form.Update(msg)
	if f, ok := fm.(*huh.Form); ok {
		m.form = f
	}
	if m.form.State == huh.StateNormal && m.ans.refreshURLStatus(&m.urlStatus) {
		fm, cmd2 := m.form.Update(formRefresh{})
		if f, ok := fm.(*huh.Form); ok {
			m.form = f
		}
		cmd = tea.Batch(cmd, cmd2)
	}
	switch m.form.State {
	case huh.StateAborted:
		return m.quit(steps.ErrQuit)
	case huh.StateCompleted:
		opts, err := m.ans.apply(m.opts)
		if err != nil { // validators make this unreachable; stay safe anyway
			m.err = err
			return m.quit(err)
		}
		m.opts = opts
		m.form = nil
		if m.formKind == formSetup {
			return tea.Batch(cmd, m.runAction(Command{Name: actSetup}))
		}
		// The sidebar shows what the sign-in leads to: the command, or the setup.
		next := m.cfg.startWith
		if next.Name == "" {
			next.Name = actSetup
		}
		if m.cfg.infosFor != nil {
			m.cfg.infos = m.cfg.infosFor(next, opts)
		}
		m.action = Command{Name: actSignIn}
		return tea.Batch(cmd, m.startRun())
	}
	return cmd
}

// showForm puts a form on screen, sized to the pane.
func (m *model) showForm(f *huh.Form, k formKind) tea.Cmd {
	m.form, m.formKind, m.phase = f, k, phaseForm
	return tea.Batch(f.Init(), m.updateForm(m.formSize()))
}

func (m *model) onEvent(ev steps.Event) {
	id := ev.Step.ID
	if m.device != nil && id == steps.IDSignInAzure && ev.Kind != steps.EventChecking && ev.Kind != steps.EventProgress {
		m.device = nil // signed in (or failed): the code is no longer needed
	}
	switch ev.Kind {
	case steps.EventChecking:
		m.status[id] = statusCurrent
		m.setActivity(ev.Step, "Checking what exists")
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
		m.log = append(m.log, m.st.done.Render(statusDone.icon())+" "+ev.Step.Title+": "+changeCount(ev.Changed)+elapsed(ev.Elapsed))
	case steps.EventSkipped:
		m.status[id] = statusWarning
		m.log = append(m.log, m.st.warn.Render(statusWarning.icon())+" "+ev.Step.Title+": "+cmpOr(ev.Message, "skipped"))
	case steps.EventFailed:
		m.status[id] = statusFailed
		m.current = ev.Step
	}
	if ev.Kind != steps.EventProgress && ev.Kind != steps.EventChecking {
		m.progress = ""
	}
}

func (m *model) setActivity(step steps.Info, what string) {
	if m.confirm == nil {
		m.current = step
	}
	m.activity, m.activitySince, m.progress = what, m.cfg.now(), ""
}

func (m *model) onRunDone(msg runDoneMsg) tea.Cmd {
	m.confirm, m.device = nil, nil
	m.results, m.summary, m.err, m.report = msg.results, msg.summary, msg.err, msg.report
	switch {
	case msg.err == nil:
		m.phase, m.scroll, m.completed = phaseSummary, 0, true
		m.status[steps.IDSummary] = statusDone
		m.afterAction(msg.summary)
		return nil
	case errors.Is(msg.err, steps.ErrQuit) && m.fromMenu:
		m.err = nil // stopped at a plan chosen from the menu: back to the menu
		m.openMenu(stoppedFlash(m.action, msg.results))
		return nil
	case errors.Is(msg.err, steps.ErrQuit), errors.Is(msg.err, context.Canceled):
		return m.quit(msg.err)
	default:
		m.phase, m.scroll = phaseError, 0
		return nil
	}
}

func (m *model) updateRun(msg tea.Msg) tea.Cmd {
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if m.naming() {
		return m.updateTyped(key)
	}
	if m.confirm != nil {
		switch key.String() {
		case "enter", "a", "y":
			return m.answer(steps.Apply)
		case "s":
			if m.confirm.plan.Skippable {
				return m.answer(steps.Skip)
			}
		case "q", "esc":
			return m.answer(steps.Quit)
		}
		m.scrollKeys(key)
		return nil
	}
	if m.device != nil {
		switch key.String() {
		case "c":
			m.flash = "Code copied to the clipboard."
			return tea.SetClipboard(m.device.UserCode)
		case "o":
			url, open := m.device.VerificationURL, m.cfg.openURL
			if open == nil {
				return nil
			}
			return func() tea.Msg { return openedMsg{open(url)} }
		}
	}
	// While a step runs, "q" does nothing: the key line offers ctrl+c, which
	// stops the run; a stray "q" must not end a run chosen from the menu.
	return nil
}

func (m *model) answer(d steps.Decision) tea.Cmd {
	m.confirm.reply <- d
	id := m.confirm.info.ID
	m.confirm = nil
	if d == steps.Quit {
		m.status[id] = statusWarning
		m.activity, m.activitySince = "Stopping", m.cfg.now()
	}
	return nil
}

func (m *model) updateError(msg tea.Msg) tea.Cmd {
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch key.String() {
	case "r", "enter":
		for id, s := range m.status {
			if s == statusFailed || s == statusCurrent {
				m.status[id] = statusPending
			}
		}
		m.err = nil
		if m.action.Name == actSignIn && m.ans != nil {
			// A sign-in failure is usually a wrong URL, password or tenant:
			// show the answers again to fix them.
			return m.showForm(newSignInForm(m.ans), formSignIn)
		}
		return m.launch(true)
	case "q", "esc":
		return m.quit(m.err)
	case "m":
		if m.signedIn && m.action.Name != actSignIn {
			m.openMenu(actionTitle(m.action) + " failed: " + errString(m.err))
			return nil
		}
	}
	m.scrollKeys(key)
	return nil
}

func (m *model) updateSummary(msg tea.Msg) tea.Cmd {
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch key.String() {
	case "enter", "q", "esc":
		m.phase = phaseDone
		return tea.Quit
	case "m":
		if m.signedIn {
			m.openMenu("")
			return nil
		}
	}
	m.scrollKeys(key)
	return nil
}

func (m *model) scrollKeys(key tea.KeyPressMsg) {
	switch key.String() {
	case "up", "k":
		m.scroll--
	case "down", "j":
		m.scroll++
	case "pgup":
		m.scroll -= m.bodyHeight() / 2
	case "pgdown", "space":
		m.scroll += m.bodyHeight() / 2
	case "home":
		m.scroll = 0
	case "end":
		m.scroll = 1 << 20 // the view clamps it to the last page
	}
	m.scroll = max(m.scroll, 0) // the view clamps the bottom
}
