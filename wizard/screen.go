package wizard

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// component is one of the TUI's screens. keys lists the bindings it takes: the
// footer shows exactly those, and update is called only for a key among them.
type component interface {
	keys(m *model) []key.Binding
	update(m *model, k tea.KeyPressMsg) tea.Cmd
	// view returns the fixed top lines and a body that scrolls under them.
	view(m *model, w int) (top []string, body string)
}

// component is the screen on show now.
func (m *model) component() component {
	switch m.phase {
	case phaseForm:
		return formScreen{}
	case phaseError:
		return errorScreen{}
	case phaseResult:
		return resultScreen{}
	case phaseMenu:
		return menuScreen{}
	case phaseRun:
		switch {
		case m.naming():
			return nameScreen{}
		case m.confirm != nil:
			return planScreen{}
		case m.device != nil:
			return deviceScreen{}
		}
	}
	return runScreen{}
}

// handled runs update only for a key the screen shows.
func handled(m *model, s component, k tea.KeyPressMsg, update func(key.Binding) tea.Cmd) tea.Cmd {
	for _, b := range s.keys(m) {
		if key.Matches(k, b) {
			return update(b)
		}
	}
	return nil
}

// scroll moves the body of a screen.
func (m *model) scrollBy(k tea.KeyPressMsg) {
	switch k.String() {
	case "up":
		m.scroll--
	case "down":
		m.scroll++
	case "pgup":
		m.scroll -= m.bodyHeight() / 2
	case "pgdown":
		m.scroll += m.bodyHeight() / 2
	case "home":
		m.scroll = 0
	case "end":
		m.scroll = 1 << 20 // the view clamps it to the last page
	}
	m.scroll = max(m.scroll, 0) // the view clamps the bottom
}

// same reports whether two bindings are the same key map entry.
func same(a, b key.Binding) bool {
	ak, bk := a.Keys(), b.Keys()
	if len(ak) != len(bk) || a.Help() != b.Help() {
		return false
	}
	for i := range ak {
		if ak[i] != bk[i] {
			return false
		}
	}
	return true
}
