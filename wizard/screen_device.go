package wizard

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// deviceScreen is the device-code sign-in: the address, the code large, a
// copy key (OSC 52) and an open-the-browser key.
type deviceScreen struct{}

func (deviceScreen) keys(m *model) []key.Binding {
	if m.cfg.openURL == nil {
		return []key.Binding{m.keys.Copy, m.keys.Interrupt} // the demo opens no browser
	}
	return []key.Binding{m.keys.Copy, m.keys.Open, m.keys.Interrupt}
}

func (s deviceScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	return handled(m, s, k, func(b key.Binding) tea.Cmd {
		switch {
		case same(b, m.keys.Copy):
			// OSC 52 is not honoured everywhere, and nothing tells us: say what was sent.
			m.flash = "Sent the code to your terminal's clipboard; if it is not there, type it."
			return tea.SetClipboard(m.device.UserCode)
		case same(b, m.keys.Open):
			url, open := m.device.VerificationURL, m.cfg.openURL
			if open == nil {
				return nil
			}
			return func() tea.Msg { return openedMsg{open(url)} }
		}
		return nil
	})
}

func (deviceScreen) view(m *model, w int) ([]string, string) {
	dc := m.device
	top := m.stepHeader(m.current)
	top = append(top, "Open this page and enter the code:", "  "+m.st.bold.Render(dc.VerificationURL), "")
	// The code large: spaced letters in a double box, readable across a room.
	code := m.st.codeBox.Render(m.st.code.Render(spaced(dc.UserCode)))
	top = append(top, strings.Split(code, "\n")...)
	top = append(top, "  To paste: "+dc.UserCode+m.st.dim.Render(" (c sends it to the clipboard)"), "") // the box's spaces would paste too
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
	return top, ""
}

func spaced(code string) string {
	return strings.Join(strings.Split(code, ""), " ")
}
