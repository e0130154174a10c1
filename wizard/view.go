package wizard

import (
	"fmt"
	"slices"
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

// showSidebar: the result keeps the whole width, and so does a screen with a
// token (a URL, an ID) too long for the pane beside the sidebar: what people
// copy gets a line of its own. It is worked out from the screen on show at
// each call, never kept: a form is sized by it before its first frame.
func (m *model) showSidebar() bool {
	if m.width < minSidebarTotal || m.phase == phaseResult {
		return false
	}
	if m.phase == phaseForm {
		return true // huh wraps the form to the pane it is given
	}
	top, body := m.component().view(m, m.besideSidebar())
	return longestWord(append(top, body)...) <= m.besideSidebar()-6
}

// besideSidebar is the pane's width next to the sidebar.
func (m *model) besideSidebar() int { return max(m.width-sidebarWidth-2, 10) }

func (m *model) paneWidth() int {
	if m.showSidebar() {
		return m.besideSidebar()
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
	return tea.WindowSizeMsg{Width: m.paneWidth(), Height: m.bodyHeight() - 1}
}

func (m *model) stepCounter() string {
	switch m.phase {
	case phaseForm:
		return "  · your answers"
	case phaseMenu:
		return "  · start menu"
	case phaseResult:
		return "  · done"
	}
	if !slices.ContainsFunc(m.infos, func(in steps.Info) bool { return !isSignIn(in.ID) }) {
		return "  · signing in" // the command is not known yet (setup or the menu): no count to give
	}
	for i, in := range m.infos {
		if in.ID == m.current.ID {
			return fmt.Sprintf("  · step %d of %d", i+1, len(m.infos))
		}
	}
	return ""
}

func (m *model) sidebarLines() []string {
	lines := []string{m.st.bold.Render("Steps"), ""}
	for _, in := range m.infos {
		s := m.status[in.ID]
		title := ansi.Truncate(in.Title, sidebarWidth-4, "…")
		if s == statusCurrent {
			title = m.st.current.Render(title)
		}
		lines = append(lines, m.st.forStatus(s).Render(s.icon())+" "+title)
	}
	return lines
}

// paneLines is the main pane cut to exactly bodyHeight lines of paneWidth.
// A pane taller than the window says so on its last line.
func (m *model) paneLines() []string {
	w, h := m.paneWidth(), m.bodyHeight()
	top, body := m.component().view(m, w)
	lines := wrapAll(top, w)
	if len(lines) > h {
		lines = append(lines[:h-1], m.st.note.Render("↓ more below: make the window taller"))
	}
	if body != "" {
		rest := wrapAll(strings.Split(body, "\n"), w)
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

// wrapAll wraps each line to width w at spaces (wrapWords). Continuation
// lines hang under the text after the line's indent and list marker ("+ ",
// "· ", "! "), so a long item still reads as one.
func wrapAll(lines []string, w int) []string {
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
		out = append(out, wrapWords(l, w, ind)...)
	}
	return out
}

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

// keyLine is the bottom row: exactly the keys the screen on show takes.
func (m *model) keyLine() string {
	m.help.SetWidth(m.width)
	return m.help.ShortHelpView(m.component().keys(m))
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
