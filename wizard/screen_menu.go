package wizard

import (
	"fmt"
	"slices"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// menuScreen is the start menu of an existing setup: what the sign-in found
// and what can be done with it.
type menuScreen struct{}

// showMenu puts the Session's menu on screen.
func (m *model) showMenu(msg menuMsg) tea.Cmd {
	menu := msg.menu
	// The cursor stays on the command it was on, if the menu still offers it
	// (after a teardown it does not: back to the top).
	at := 0
	if m.menu != nil && m.cursor < len(m.menu.Items) {
		was := m.menu.Items[m.cursor].Command
		at = max(slices.IndexFunc(menu.Items, func(it steps.MenuItem) bool { return it.Command == was }), 0)
	}
	m.menu, m.menuReply = &menu, msg.reply
	m.phase, m.scroll, m.confirm, m.device = phaseMenu, 0, nil, nil
	m.cursor = at
	return nil
}

func (menuScreen) keys(m *model) []key.Binding {
	pick := m.keys.Pick
	n := len(m.menu.Items)
	ks := make([]string, n)
	for i := range ks {
		ks[i] = strconv.Itoa(i + 1)
	}
	pick.SetKeys(ks...)
	pick.SetHelp(fmt.Sprintf("1-%d", n), "pick")
	return []key.Binding{m.keys.Choose, m.keys.Select, pick, m.keys.Quit}
}

func (s menuScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	items := m.menu.Items
	return handled(m, s, k, func(b key.Binding) tea.Cmd {
		switch {
		case same(b, m.keys.Choose):
			switch k.String() {
			case "up", "shift+tab":
				m.cursor = (m.cursor + len(items) - 1) % len(items)
			default:
				m.cursor = (m.cursor + 1) % len(items)
			}
		case same(b, m.keys.Select):
			return m.choose(items[m.cursor])
		case same(b, m.keys.Quit):
			return m.leave()
		default: // a number
			m.cursor = int(k.String()[0] - '1')
			return m.choose(items[m.cursor])
		}
		return nil
	})
}

// choose answers the menu; the Session runs the command (asking the setup
// questions first for setup).
func (m *model) choose(it steps.MenuItem) tea.Cmd {
	m.menuReply <- menuReply{item: it}
	m.menuReply, m.menu = nil, nil
	m.phase, m.flash, m.log, m.chosen = phaseRun, "", nil, true
	m.activity, m.since = "Starting", m.cfg.now()
	return nil
}

// leave quits from the menu: a choice, not a failure. The last command's
// result stands; with none, the run ends cleanly with nothing done.
func (m *model) leave() tea.Cmd {
	if m.lastGood == nil {
		m.out = &steps.Outcome{}
	} else {
		m.out = m.lastGood
	}
	return m.quit(nil)
}

func (menuScreen) view(m *model, w int) ([]string, string) {
	menu := m.menu
	top := []string{m.st.title.Render("What would you like to do?")}
	if menu.ClientID != "" {
		top = append(top, "Appmixer uses the Microsoft app:", "  "+m.st.dim.Render("Client ID     ")+m.st.bold.Render(menu.ClientID))
	} else {
		top = append(top, "Appmixer holds no Microsoft app now: set up makes one.")
	}
	field := "off"
	if menu.TenantField {
		field = "on, users type " + orText(menu.TenantID, "your tenant ID")
	}
	top = append(top, "  "+m.st.dim.Render("Tenant field  ")+field, "")
	for i, it := range menu.Items {
		line := fmt.Sprintf("  %d  %s", i+1, it.Title)
		if i == m.cursor {
			line = m.st.current.Render(fmt.Sprintf("› %d  %s", i+1, it.Title))
		}
		top = append(top, line, "     "+m.st.dim.Render(it.About))
	}
	if m.flash != "" {
		top = append(top, "", m.st.note.Render(m.flash))
	}
	return top, ""
}
