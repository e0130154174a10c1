package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// RunFleetTUI runs an inventory under a live table: one row per instance
// (its step, state and elapsed time), the device codes of the tenants'
// sign-ins, each plan put to the person (for one step, for the whole
// instance, or for every instance at once) and the selected row's error in
// full. The table stays in the terminal afterwards. It reports whether every
// instance succeeded.
func RunFleetTUI(ctx context.Context, r *fleet.Runner, instances []fleet.Instance, ui UI) ([]fleet.Result, bool) {
	ui = ui.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := newFleetModel(r.Command, instances, time.Now, cancel)
	m.demo = ui.Demo
	m.inv = ui.Inv
	p := tea.NewProgram(m, tea.WithInput(ui.In), tea.WithOutput(ui.Out), tea.WithContext(ctx))
	r.Observe = func(e fleet.Event) { p.Send(fleetEventMsg{e}) }
	r.Prompter = func(name string) steps.Prompter { return fleetPrompter{name: name, send: p.Send} }
	var results []fleet.Result
	var wg sync.WaitGroup
	wg.Go(func() {
		results = r.Run(ctx, instances)
		p.Send(fleetDoneMsg{results})
	})
	final, err := p.Run()
	cancel()
	if !waitOrGiveUp(&wg, stopWait) {
		return nil, false
	}
	if fm, ok := final.(*fleetModel); ok && fm != nil {
		m = fm
	}
	m.apply(fleetDoneMsg{results}) // the table as it ended, also after ctrl+c
	fmt.Fprintln(ui.Out, m.table(max(m.width, 80)))
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(ui.Err, "error: the terminal screen failed: "+err.Error()+": run again with --yes for plain output")
	}
	ok := len(results) > 0
	for _, x := range results {
		ok = ok && x.ExitErr() == nil
	}
	return results, ok
}

// Messages from the runner's goroutines.
type (
	fleetEventMsg struct{ e fleet.Event }
	fleetDoneMsg  struct{ results []fleet.Result }
	fleetAskMsg   struct {
		name  string
		q     steps.Question
		reply chan<- steps.Decision // buffered: answering never blocks
	}
	fleetTickMsg struct{}
)

// fleetPrompter puts one instance's plans to the table.
type fleetPrompter struct {
	name string
	send func(tea.Msg)
}

func (p fleetPrompter) Confirm(ctx context.Context, q steps.Question) (steps.Decision, error) {
	reply := make(chan steps.Decision, 1)
	d, err := await(ctx, p.send, fleetAskMsg{name: p.name, q: q, reply: reply}, reply)
	if err != nil {
		return steps.Quit, err
	}
	return d, nil
}

// An inventory has no start menu and no setup questions: the file answers them.
func (p fleetPrompter) Choose(context.Context, steps.Menu) (steps.MenuItem, error) {
	return steps.MenuItem{}, errors.New("an inventory run has no start menu")
}

func (fleetPrompter) Setup(_ context.Context, o steps.Options) (steps.Options, error) { return o, nil }

// rowState is where an instance is.
type rowState int

const (
	rowWaiting rowState = iota // not started (waiting for a free slot or its tenant's sign-in)
	rowRunning
	rowAsking // a plan waits for the person
	rowOK
	rowWarn // status found something
	rowFailed
)

func (s rowState) words() (string, string) {
	switch s {
	case rowRunning:
		return "●", "running"
	case rowAsking:
		return "?", "waiting for you"
	case rowOK:
		return "✓", "ok"
	case rowWarn:
		return "!", "needs attention"
	case rowFailed:
		return "x", "failed"
	}
	return "○", "waiting"
}

type fleetRow struct {
	name, step, note, err string
	state                 rowState
	start, end            time.Time
}

type deviceLine struct{ tenant, forWhom, url, code string }

type fleetModel struct {
	command string
	rows    []*fleetRow
	byName  map[string]*fleetRow
	codes   []deviceLine
	asks    []fleetAskMsg
	all     bool            // every plan of every instance is applied
	whole   map[string]bool // every plan of these instances is applied
	sel     int
	width   int
	done    bool
	demo    bool
	inv     invocation
	now     func() time.Time
	cancel  func()
	st      styles
}

func newFleetModel(command string, instances []fleet.Instance, now func() time.Time, cancel func()) *fleetModel {
	m := &fleetModel{command: command, byName: map[string]*fleetRow{}, whole: map[string]bool{}, now: now, cancel: cancel, st: newStyles(), width: 80}
	for _, in := range instances {
		r := &fleetRow{name: in.Name, step: "waiting to start"}
		m.rows = append(m.rows, r)
		m.byName[in.Name] = r
	}
	return m
}

func (m *fleetModel) Init() tea.Cmd { return fleetTick() }

func fleetTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return fleetTickMsg{} })
}

func (m *fleetModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case fleetTickMsg:
		if !m.done {
			return m, fleetTick()
		}
	case fleetEventMsg:
		m.event(msg.e)
	case fleetAskMsg:
		if m.all || m.whole[msg.name] {
			msg.reply <- steps.Apply
			return m, nil
		}
		m.asks = append(m.asks, msg)
		m.row(msg.name).state = rowAsking
	case fleetDoneMsg:
		m.apply(msg)
	case tea.KeyPressMsg:
		return m, m.key(msg.String())
	}
	return m, nil
}

func (m *fleetModel) row(name string) *fleetRow {
	if r := m.byName[name]; r != nil {
		return r
	}
	return &fleetRow{} // an event of an instance the table does not show
}

// event moves a row on.
func (m *fleetModel) event(e fleet.Event) {
	if e.Kind == steps.EventDeviceCode {
		m.codes = append(m.codes, deviceLine{e.Tenant, strings.Join(e.For, ", "), e.Device.VerificationURL, e.Device.UserCode})
	}
	names := []string{e.Instance}
	if e.Instance == "" {
		names = e.For // the tenant's sign-in, for every instance that waits for it
	}
	for _, n := range names {
		r := m.row(n)
		if r.start.IsZero() {
			r.start = m.now()
		}
		if r.state == rowWaiting {
			r.state = rowRunning
		}
		switch e.Kind {
		case steps.EventProgress:
			if e.Step.Title != "" {
				r.step = e.Step.Title
			}
			r.note = e.Message
		case steps.EventFailed:
			r.err = errorLine(e.Err, m.inv)
		default:
			if e.Step.Title != "" {
				r.step, r.note = e.Step.Title, ""
			}
		}
	}
}

// apply sets every row from the results.
func (m *fleetModel) apply(d fleetDoneMsg) {
	if d.results == nil {
		return
	}
	m.done = true
	for _, x := range d.results {
		r := m.row(x.Instance.Name)
		if r.start.IsZero() {
			r.start = m.now().Add(-x.Elapsed)
		}
		r.end = r.start.Add(x.Elapsed)
		err := x.ExitErr()
		switch {
		case err == nil:
			r.state, r.err, r.step = rowOK, "", "done"
		case statusFound(x):
			r.state, r.err, r.step = rowWarn, errorLine(err, m.inv), "checked"
		default:
			r.state, r.err = rowFailed, errorLine(err, m.inv)
		}
	}
	for _, a := range m.asks {
		a.reply <- steps.Quit
	}
	m.asks = nil
}

// key handles a key press: the plan's answers first, then moving and quitting.
func (m *fleetModel) key(k string) tea.Cmd {
	if k == "ctrl+c" {
		m.cancel()
		return tea.Quit
	}
	if len(m.asks) > 0 {
		head := m.asks[0]
		switch k {
		case "enter", "y":
			m.answer(steps.Apply)
		case "i":
			m.whole[head.name] = true
			m.answerWhere(func(a fleetAskMsg) bool { return a.name == head.name })
		case "a":
			m.all = true
			m.answerWhere(func(fleetAskMsg) bool { return true })
		case "s":
			if head.q.Plan.Skippable {
				m.answer(steps.Skip)
			}
		case "n":
			m.answer(steps.Quit)
		}
		return nil
	}
	switch k {
	case "up", "k":
		m.sel = max(m.sel-1, 0)
	case "down", "j":
		m.sel = min(m.sel+1, len(m.rows)-1)
	case "q", "esc", "enter":
		if m.done {
			return tea.Quit
		}
	}
	return nil
}

func (m *fleetModel) answer(d steps.Decision) {
	a := m.asks[0]
	m.asks = m.asks[1:]
	a.reply <- d
	if r := m.row(a.name); r.state == rowAsking {
		r.state = rowRunning
	}
}

// answerWhere applies every waiting plan that matches.
func (m *fleetModel) answerWhere(match func(fleetAskMsg) bool) {
	var keep []fleetAskMsg
	for _, a := range m.asks {
		if match(a) {
			a.reply <- steps.Apply
			if r := m.row(a.name); r.state == rowAsking {
				r.state = rowRunning
			}
			continue
		}
		keep = append(keep, a)
	}
	m.asks = keep
}

func (m *fleetModel) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = appTitle
	v.SetContent(m.render())
	return v
}

func (m *fleetModel) render() string {
	w := max(m.width, 40)
	var b strings.Builder
	if m.demo {
		b.WriteString(m.st.banner.Render("DEMO: simulated Azure and Appmixer") + "\n")
	}
	b.WriteString(m.st.header.Render(fmt.Sprintf("%s: %s for %d instance(s)", appTitle, m.command, len(m.rows))) + "\n\n")
	for _, c := range m.codes {
		line := fmt.Sprintf("Sign in to Azure for tenant %s (%s): open %s and enter the code %s", c.tenant, c.forWhom, c.url, m.st.code.Render(c.code))
		b.WriteString(strings.Join(wrapWords(line, w, 2), "\n") + "\n")
	}
	if len(m.codes) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(m.table(w) + "\n")
	if len(m.asks) > 0 {
		b.WriteString(m.askView(w))
		return b.String()
	}
	if r := m.selected(); r != nil && r.err != "" {
		b.WriteString("\n" + m.st.err.Render(r.name+":") + "\n")
		for _, l := range wrapWords(r.err, w-2, 2) {
			b.WriteString("  " + strings.TrimLeft(l, " ") + "\n")
		}
	}
	keys := "↑/↓ select a row (its error shows in full) · ctrl+c stop every instance"
	if m.done {
		keys = "↑/↓ select a row · q quit"
	}
	b.WriteString("\n" + m.st.dim.Render(keys))
	return b.String()
}

func (m *fleetModel) selected() *fleetRow {
	if m.sel >= 0 && m.sel < len(m.rows) {
		return m.rows[m.sel]
	}
	return nil
}

// table is the instances, one line each: name, state, step, elapsed.
func (m *fleetModel) table(w int) string {
	nameW := len("instance")
	for _, r := range m.rows {
		nameW = max(nameW, len(r.name))
	}
	stepW := max(w-nameW-2-18-10-6, 12)
	var b strings.Builder
	fmt.Fprintf(&b, "  %-*s  %-17s  %-*s  %s\n", nameW, "instance", "state", stepW, "step", "elapsed")
	for i, r := range m.rows {
		icon, words := r.state.words()
		step := r.step
		if r.note != "" {
			step += ": " + r.note
		}
		if r.state == rowFailed && r.err != "" {
			step = r.err
		}
		step = ansi.Truncate(step, stepW, "…")
		cursor := "  "
		if i == m.sel && !m.done || i == m.sel && r.err != "" {
			cursor = "> "
		}
		state := m.rowStyle(r.state).Render(fmt.Sprintf("%s %-15s", icon, words))
		fmt.Fprintf(&b, "%s%-*s  %s  %-*s  %s\n", cursor, nameW, r.name, state, stepW, step, m.elapsed(r))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (m *fleetModel) rowStyle(s rowState) lipgloss.Style {
	switch s {
	case rowRunning:
		return m.st.current
	case rowAsking, rowWarn:
		return m.st.warn
	case rowOK:
		return m.st.done
	case rowFailed:
		return m.st.failed
	}
	return m.st.dim
}

func (m *fleetModel) elapsed(r *fleetRow) string {
	switch {
	case r.start.IsZero():
		return ""
	case !r.end.IsZero():
		return r.end.Sub(r.start).Round(100 * time.Millisecond).String()
	}
	return m.now().Sub(r.start).Round(time.Second).String()
}

// askView is the plan at the head of the queue and its answers.
func (m *fleetModel) askView(w int) string {
	a := m.asks[0]
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s %s\n", m.st.title.Render(a.name+": "+a.q.Step.Title), m.st.screen.Render("("+a.q.Step.Screen+")"))
	// The single run's plan body (found, changes, notes, what a skip means),
	// indented under the instance's name.
	for _, l := range wrapAll(strings.Split(m.st.planBody(a.q.Plan), "\n"), w-2) {
		if l != "" {
			l = "  " + l
		}
		b.WriteString(l + "\n")
	}
	more := ""
	if n := len(m.asks) - 1; n > 0 {
		more = fmt.Sprintf(" · %d more plan(s) waiting", n)
	}
	keys := "y apply · i apply all of " + a.name + " · a apply all, every instance · n stop " + a.name
	if a.q.Plan.Skippable {
		keys += " · s skip"
	}
	b.WriteString("\n" + m.st.dim.Render(keys+more))
	return b.String()
}
