package wizard

import (
	"charm.land/huh/v2"
	"fmt"
	"regexp"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

const (
	sidebarWidth    = 24 // 22 columns of text + padding + border
	minSidebarTotal = 64 // narrower terminals drop the sidebar
	appTitle        = "Appmixer × Microsoft connector setup"
)

func (m *model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = appTitle
	if m.phase == phaseDone {
		return v
	}
	v.SetContent(m.render())
	return v
}

// render draws the whole screen: banner, header, sidebar + pane, key line.
func (m *model) render() string {
	var rows []string
	if m.cfg.demo {
		rows = append(rows, m.fit(m.st.banner.Render("DEMO: simulated Azure and Appmixer, nothing real changes"), m.width))
	}
	title := appTitle
	if m.width < minSidebarTotal {
		title = "Connector setup"
	}
	rows = append(rows, m.fit(m.st.header.Render(title)+m.st.dim.Render(m.stepCounter()), m.width))

	body := m.paneLines()
	if m.showSidebar() {
		side := m.sidebarLines()
		for i := range body {
			s := ""
			if i < len(side) {
				s = side[i]
			}
			body[i] = m.st.sidebar.Render(padRight(s, sidebarWidth-2)) + "  " + body[i]
		}
	}
	rows = append(rows, body...)
	rows = append(rows, m.fit(m.keyLine(), m.width))
	return strings.Join(rows, "\n")
}

func (m *model) showSidebar() bool { return m.width >= minSidebarTotal }

func (m *model) paneWidth() int {
	if m.showSidebar() {
		return max(m.width-sidebarWidth-2, 10)
	}
	return max(m.width, 10)
}

func (m *model) bodyHeight() int {
	h := m.height - 2 // header + key line
	if m.cfg.demo {
		h--
	}
	return max(h, 3)
}

// formSize is the window the huh form gets: the pane, not the terminal.
func (m *model) formSize() tea.WindowSizeMsg {
	return tea.WindowSizeMsg{Width: m.paneWidth(), Height: m.bodyHeight()}
}

func (m *model) stepCounter() string {
	switch m.phase {
	case phaseForm:
		return "  · your answers"
	case phaseMenu:
		return "  · start menu"
	}
	for i, in := range m.cfg.infos {
		if in.ID == m.current.ID {
			return fmt.Sprintf("  · step %d of %d", i+1, len(m.cfg.infos))
		}
	}
	return ""
}

func (m *model) sidebarLines() []string {
	lines := []string{m.st.bold.Render("Steps"), ""}
	for _, in := range m.cfg.infos {
		s := m.status[in.ID]
		if in.ID == steps.IDSummary && m.phase == phaseSummary {
			s = statusDone
		}
		title := ansi.Truncate(in.Title, sidebarWidth-4, "…")
		if s == statusCurrent {
			title = m.st.current.Render(title)
		}
		lines = append(lines, m.st.forStatus(s).Render(s.icon())+" "+title)
	}
	return lines
}

// paneLines is the main pane cut to exactly bodyHeight lines of paneWidth.
func (m *model) paneLines() []string {
	w, h := m.paneWidth(), m.bodyHeight()
	var top []string
	var body string
	switch m.phase {
	case phaseForm:
		if m.form != nil {
			top = strings.Split(m.form.View(), "\n")
		}
	case phaseRun:
		top, body = m.runScreen(w)
	case phaseError:
		top, body = m.errorScreen(w)
	case phaseSummary:
		top, body = m.summaryScreen(w)
	case phaseMenu:
		top, body = m.menuScreen()
	}
	lines := m.wrapAll(top, w)
	if body != "" {
		rest := m.wrapAll(strings.Split(body, "\n"), w)
		room := max(h-len(lines), 1)
		if len(rest) > room && room > 1 {
			room-- // the last row says there is more
		}
		maxScroll := max(len(rest)-room, 0)
		m.scroll = min(m.scroll, maxScroll)
		end := min(m.scroll+room, len(rest))
		window := append([]string(nil), rest[m.scroll:end]...)
		switch {
		case maxScroll == 0:
		case end < len(rest):
			window = append(window, m.st.dim.Render(fmt.Sprintf("… %d more lines (↓ to scroll)", len(rest)-end)))
		default:
			window = append(window, m.st.dim.Render("(end; ↑ to scroll back)"))
		}
		lines = append(lines, window...)
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = m.fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return out
}

// wrapAll wraps each line to width w (keeping styles), so nothing wraps on
// screen. Continuation lines hang under the text after the line's indent and
// list marker ("+ ", "· ", "! "), so a long change still reads as one item.
func (m *model) wrapAll(lines []string, w int) []string {
	var out []string
	for _, l := range lines {
		if ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		ind := hangingIndent(ansi.Strip(l))
		if ind > w/2 {
			ind = 0
		}
		first, rest, _ := strings.Cut(ansi.Wrap(keepIDs(l), w, " /,"), "\n")
		out = append(out, unkeepIDs(first))
		if rest == "" {
			continue
		}
		rest = strings.ReplaceAll(rest, "\n", " ")
		pad := strings.Repeat(" ", ind)
		for _, r := range strings.Split(ansi.Wrap(rest, w-ind, " /,"), "\n") {
			out = append(out, pad+unkeepIDs(strings.TrimLeft(r, " ")))
		}
	}
	return out
}

// IDs (client, tenant, object) are what people copy: wrapping never breaks
// one at its hyphens (ansi.Wrap always may), so each stays on one line.
var idShape = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

const nbHyphen = "\u2011" // one column wide, and not a break point

func keepIDs(s string) string {
	return idShape.ReplaceAllStringFunc(s, func(id string) string { return strings.ReplaceAll(id, "-", nbHyphen) })
}

func unkeepIDs(s string) string { return strings.ReplaceAll(s, nbHyphen, "-") }

func hangingIndent(plain string) int {
	n := len(plain) - len(strings.TrimLeft(plain, " "))
	for _, mk := range []string{"+ ", "- ", "~ ", "· ", "! ", "✓ ", "x "} {
		if strings.HasPrefix(plain[n:], mk) {
			return n + ansi.StringWidth(mk)
		}
	}
	return n
}

// fit pads or truncates a styled line to exactly w columns.
func (m *model) fit(s string, w int) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return padRight(s, w)
}

func padRight(s string, w int) string {
	if d := w - ansi.StringWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func (m *model) stepHeader(in steps.Info) []string {
	top := []string{m.st.title.Render(in.Title)}
	if in.Screen != "" {
		top = append(top, m.st.screen.Render("Replaces: "+in.Screen))
	}
	if in.About != "" {
		top = append(top, m.st.about.Render(in.About))
	}
	return append(top, "")
}

func (m *model) runScreen(w int) ([]string, string) {
	switch {
	case m.confirm != nil:
		return m.planScreen()
	case m.device != nil:
		return m.deviceScreen(w), ""
	}
	top := m.stepHeader(m.current)
	el := m.cfg.now().Sub(m.activitySince).Truncate(time.Second)
	top = append(top, m.spin.View()+" "+m.activity+"… "+m.st.dim.Render(el.String()))
	if m.progress != "" {
		top = append(top, "  "+m.st.dim.Render(m.progress))
	}
	top = append(top, "")
	var b strings.Builder
	if len(m.log) > 0 {
		b.WriteString(m.st.bold.Render("Done so far") + "\n")
		for _, l := range m.log {
			b.WriteString(l + "\n")
		}
	}
	return top, strings.TrimRight(b.String(), "\n")
}

func (m *model) planScreen() ([]string, string) {
	c := m.confirm
	top := m.stepHeader(c.info)
	if m.naming() {
		top = append(top, m.typedPrompt()...)
	}
	var b strings.Builder
	if len(c.plan.Found) > 0 {
		b.WriteString(m.st.bold.Render("Found now") + "\n")
		for _, f := range c.plan.Found {
			b.WriteString("  · " + f + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(m.st.bold.Render("Will change") + "\n")
	for _, ch := range c.plan.Changes {
		b.WriteString("  " + m.renderChange(ch) + "\n")
	}
	if len(c.plan.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range c.plan.Notes {
			b.WriteString(m.st.note.Render("! "+n) + "\n")
		}
	}
	return top, strings.TrimRight(b.String(), "\n")
}

func (m *model) renderChange(c steps.Change) string {
	s := c.String() // never holds a secret: steps mask before building a Change
	switch {
	case strings.HasPrefix(s, "+"):
		return m.st.add.Render(s)
	case strings.HasPrefix(s, "-"):
		return m.st.remove.Render(s)
	default:
		return m.st.modify.Render(s)
	}
}

func (m *model) deviceScreen(w int) []string {
	dc := m.device
	top := m.stepHeader(m.current)
	top = append(top, "Open this page and enter the code:", "  "+m.st.bold.Render(dc.VerificationURL), "")
	// The code large: spaced letters in a double box, readable across a room.
	code := m.st.codeBox.Render(m.st.code.Render(spaced(dc.UserCode)))
	top = append(top, strings.Split(code, "\n")...)
	top = append(top, "")
	wait := m.spin.View() + " Waiting for you to sign in"
	if !dc.ExpiresOn.IsZero() {
		left := dc.ExpiresOn.Sub(m.cfg.now()).Truncate(time.Second)
		wait += m.st.dim.Render(fmt.Sprintf(" (code expires in %s)", max(left, 0)))
	}
	top = append(top, wait)
	if m.cfg.demo {
		top = append(top, m.st.dim.Render("  (the demo signs you in by itself in a few seconds)"))
	}
	if m.flash != "" {
		top = append(top, m.st.ok.Render(m.flash))
	}
	_ = w
	return top
}

func spaced(code string) string {
	return strings.Join(strings.Split(code, ""), " ")
}

func (m *model) errorScreen(w int) ([]string, string) {
	top := []string{m.st.failed.Render(statusFailed.icon() + " " + cmpOr(m.current.Title, "The run") + " failed"), ""}
	var b strings.Builder
	msg := "unknown error"
	if m.err != nil {
		msg = m.err.Error()
	}
	b.WriteString(m.st.err.Render(msg) + "\n\n")
	b.WriteString("Fix the cause above, then retry: steps already done are checked again and left as they are.\n")
	if m.cfg.demo {
		b.WriteString("In the demo each run starts with a fresh simulated world.")
	} else {
		b.WriteString("If you quit, running the wizard again resumes from here.")
	}
	_ = w
	return top, b.String()
}

func (m *model) summaryScreen(w int) ([]string, string) {
	switch m.action.Name {
	case "status":
		return m.statusScreen(w)
	case "rotate-secret", "tenant", "teardown":
		return m.commandScreen(w)
	}
	return m.setupSummary(w)
}

func (m *model) setupSummary(w int) ([]string, string) {
	s := m.summary
	head := m.st.ok.Render(statusDone.icon() + " The Microsoft connector is set up")
	if s.DryRun {
		head = m.st.warn.Render("Dry run: nothing was changed. This is what a real run would do.")
	}
	top := []string{head, ""}
	var b strings.Builder
	row := m.rowWriter(&b, w)
	row("App", s.AppName)
	row("Client ID", m.st.bold.Render(s.ClientID))
	if s.ClientID != "" {
		b.WriteString(m.st.dim.Render("  = Appmixer clientId (Application ID, not a secret ID)") + "\n")
	}
	row("Tenant ID", m.st.bold.Render(s.TenantID))
	if s.SecretHint != "" || !s.SecretExpires.IsZero() {
		sec := s.SecretHint
		if !s.SecretExpires.IsZero() {
			sec += " expires " + s.SecretExpires.Format("2006-01-02")
		}
		if s.SecretNew {
			sec += " (new)"
		}
		row("Client secret", strings.TrimSpace(sec))
	}
	row("Account types", s.Audience)
	row("Appmixer", s.AppmixerURL)
	row("Callback URL", s.CallbackURL)
	b.WriteString("\n")
	if s.TenantField {
		b.WriteString(m.st.bold.Render("Tenant field is on.") + " When users connect Microsoft in Appmixer they type this into the Tenant field:\n")
		b.WriteString("  " + m.st.bold.Render(cmpOr(s.TenantID, "your tenant ID")) + "\n")
	} else {
		b.WriteString("Tenant field is off: users sign in with any allowed Microsoft account, no tenant to type.\n")
	}
	for _, n := range s.Notes {
		b.WriteString(m.st.note.Render("! "+n) + "\n")
	}
	m.writeChanges(&b, s)
	n := m.cfg.cmdName
	b.WriteString("\n" + m.st.bold.Render("Later") + "\n")
	b.WriteString("  Check:   " + n + " status\n")
	b.WriteString("  Rotate:  " + n + " rotate-secret\n")
	b.WriteString("  Re-run:  " + n + m.st.dim.Render("  (safe to repeat)") + "\n")
	_ = w
	return top, strings.TrimRight(b.String(), "\n")
}

// keyLine is the bottom row: the keys that work on this screen.
func (m *model) keyLine() string {
	type k struct{ key, what string }
	var ks []k
	switch m.phase {
	case phaseForm:
		ks = []k{{"enter", "next"}}
		if m.form != nil { // the choosing keys of the focused field: none for a text input
			switch m.form.GetFocusedField().(type) {
			case *huh.Select[string]:
				ks = append(ks, k{"↑/↓", "choose"})
			case *huh.Confirm:
				ks = append(ks, k{"←/→", "choose"})
			}
		}
		ks = append(ks, k{"shift+tab", "back"})
		if m.formKind == formSetup && m.fromMenu {
			ks = append(ks, k{"esc", "menu"})
		}
		ks = append(ks, k{"ctrl+c", "quit"})
	case phaseRun:
		switch {
		case m.naming():
			ks = []k{{"enter", "delete"}, {"esc", "keep the app"}, {"↑/↓", "scroll"}}
		case m.confirm != nil:
			ks = append(ks, k{"enter", "apply"})
			if m.confirm.plan.Skippable {
				ks = append(ks, k{"s", "skip"})
			}
			if m.fromMenu { // quitting a plan chosen in the menu returns there
				ks = append(ks, k{"q", "menu"}, k{"↑/↓", "scroll"})
			} else {
				ks = append(ks, k{"q", "quit"}, k{"↑/↓", "scroll"})
			}
		case m.device != nil:
			ks = []k{{"c", "copy code"}, {"o", "open browser"}, {"ctrl+c", "quit"}}
		default:
			ks = []k{{"ctrl+c", "quit"}}
		}
	case phaseError:
		ks = []k{{"r", "retry"}, {"q", "quit"}}
		if m.signedIn && m.action.Name != actSignIn {
			ks = append(ks, k{"m", "menu"})
		}
	case phaseSummary:
		ks = []k{{"enter", "finish"}}
		if m.signedIn {
			ks = append(ks, k{"m", "menu"})
		}
		ks = append(ks, k{"↑/↓", "scroll"})
	case phaseMenu:
		ks = []k{{"↑/↓", "choose"}, {"enter", "select"}, {fmt.Sprintf("1-%d", len(m.menuItems())), "pick"}, {"q", "quit"}}
	}
	parts := make([]string, len(ks))
	for i, x := range ks {
		parts[i] = m.st.keyName.Render(x.key) + " " + m.st.keyDesc.Render(x.what)
	}
	return strings.Join(parts, m.st.dim.Render("  ·  "))
}

func changeCount(cs []steps.Change) string {
	switch len(cs) {
	case 0:
		return "no change needed"
	case 1:
		return "1 change"
	default:
		return fmt.Sprintf("%d changes", len(cs))
	}
}

func elapsed(d time.Duration) string {
	if d < 100*time.Millisecond { // "(0.0s)" says nothing
		return ""
	}
	return fmt.Sprintf(" (%.1fs)", d.Seconds())
}

// rowWriter writes "label  value" rows into b. IDs are what people copy: a
// value that does not fit beside its label goes on its own line rather than
// being broken at a "-". Empty values are left out.
func (m *model) rowWriter(b *strings.Builder, w int) func(k, v string) {
	return func(k, v string) {
		if v == "" {
			return
		}
		if 15+ansi.StringWidth(v) <= w {
			fmt.Fprintf(b, "%s %s\n", m.st.dim.Render(padRight(k, 14)), v)
			return
		}
		fmt.Fprintf(b, "%s\n  %s\n", m.st.dim.Render(k), v)
	}
}
