package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// nameScreen is a plan that deletes: it applies only when the app's exact
// name is typed; anything else is refused and keeps the app, esc keeps it
// and stops.
type nameScreen struct{}

// naming: a plan that deletes is on screen and waits for the name.
func (m *model) naming() bool {
	return m.phase == phaseRun && m.confirm != nil && m.confirm.q.Plan.ConfirmName != ""
}

func (nameScreen) keys(m *model) []key.Binding {
	return []key.Binding{m.keys.Delete, m.keys.Keep, m.keys.Scroll}
}

func (s nameScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	name := m.confirm.q.Plan.ConfirmName
	switch {
	case key.Matches(k, m.keys.Delete):
		typed := strings.TrimSpace(m.typed)
		if typed == name {
			m.typed, m.typedNo = "", ""
			return m.answer(steps.Apply)
		}
		if typed == "" {
			m.typedNo = "Type the app's name first; esc keeps the app."
		} else {
			m.typedNo = fmt.Sprintf("%q is not the app's name: nothing was deleted. Type it exactly, or esc to keep the app.", typed)
		}
		m.typed = ""
	case key.Matches(k, m.keys.Keep):
		m.typed, m.typedNo = "", ""
		return m.answer(steps.Quit)
	case key.Matches(k, m.keys.Scroll):
		m.scrollBy(k)
	case k.String() == "backspace":
		if r := []rune(m.typed); len(r) > 0 {
			m.typed = string(r[:len(r)-1])
		}
	case k.String() == "ctrl+u":
		m.typed = ""
	case k.Text != "":
		m.typed += k.Text // typing is this screen's input, as in a text field
	}
	return nil
}

func (nameScreen) view(m *model, w int) ([]string, string) {
	c := m.confirm
	top := m.stepHeader(c.q.Step)
	top = append(top,
		m.st.bold.Render("To delete it, type the app's name: ")+m.st.remove.Render(c.q.Plan.ConfirmName),
		m.st.current.Render("› ")+m.typed+m.st.dim.Render("▏"))
	if m.typedNo != "" {
		top = append(top, m.st.err.Render(statusFailed.icon()+" "+m.typedNo))
	}
	return append(top, ""), m.st.planBody(c.q.Plan)
}
