package wizard

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// runScreen is a step at work: a spinner with what it does, and what is done.
// Only ctrl+c works here: a stray "q" must not end a run.
type runScreen struct{}

func (runScreen) keys(m *model) []key.Binding { return []key.Binding{m.keys.Interrupt} }

func (runScreen) update(*model, tea.KeyPressMsg) tea.Cmd { return nil }

func (runScreen) view(m *model, w int) ([]string, string) {
	top := m.stepHeader(m.current)
	el := m.cfg.now().Sub(m.since).Truncate(time.Second)
	top = append(top, m.spin.View()+" "+m.activity+"… "+m.st.dim.Render(el.String()))
	if m.progress != "" {
		top = append(top, "  "+m.st.dim.Render(m.progress))
	}
	if m.flash != "" {
		top = append(top, m.st.note.Render(m.flash))
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
