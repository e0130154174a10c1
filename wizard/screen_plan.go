package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// planScreen shows a step's plan and asks: apply, skip (where that leaves a
// working setup), or quit.
type planScreen struct{}

func (planScreen) keys(m *model) []key.Binding {
	ks := []key.Binding{m.keys.Apply}
	if m.confirm.q.Plan.Skippable {
		ks = append(ks, m.keys.Skip)
	} else {
		ks = append(ks, m.keys.NoSkip)
	}
	if m.chosen {
		ks = append(ks, m.keys.QuitToMenu)
	} else {
		ks = append(ks, m.keys.Quit)
	}
	return append(ks, m.keys.Scroll)
}

func (s planScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	return handled(m, s, k, func(b key.Binding) tea.Cmd {
		switch {
		case same(b, m.keys.Apply):
			return m.answer(steps.Apply)
		case same(b, m.keys.Skip):
			return m.answer(steps.Skip)
		case same(b, m.keys.NoSkip):
			m.flash = cannotSkip + " Press enter to apply it, or " + m.keys.quitWord(m.chosen) + "."
		case same(b, m.keys.Quit), same(b, m.keys.QuitToMenu):
			return m.answer(steps.Quit)
		default:
			m.scrollBy(k)
		}
		return nil
	})
}

func (planScreen) view(m *model, w int) ([]string, string) {
	c := m.confirm
	top := m.stepHeader(c.q.Step)
	if m.flash != "" {
		top = append(top, m.st.note.Render(m.flash), "")
	}
	return top, m.st.planBody(c.q.Plan)
}

// planBody is a plan's found lines, changes and notes: the plan screen's
// body, and the fleet table's plan under its instance.
func (st styles) planBody(p steps.Plan) string {
	var b strings.Builder
	if len(p.Found) > 0 {
		b.WriteString(st.bold.Render("Found now") + "\n")
		for _, f := range p.Found {
			b.WriteString("  · " + f + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(st.bold.Render("Will change") + "\n")
	for _, ch := range p.Changes {
		b.WriteString("  " + st.renderChange(ch) + "\n")
	}
	notes := p.Notes
	if p.Skippable && p.SkipNote != "" {
		notes = append(notes[:len(notes):len(notes)], p.SkipNote)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString(st.note.Render("! "+n) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// renderChange colours a change by what it does, never by its text.
func (st styles) renderChange(c steps.Change) string {
	switch c.Kind {
	case steps.Add:
		return st.add.Render(c.String())
	case steps.Remove:
		return st.remove.Render(c.String())
	}
	return st.modify.Render(c.String())
}

// answer replies to the plan on screen.
func (m *model) answer(d steps.Decision) tea.Cmd {
	m.confirm.reply <- d
	id := m.confirm.q.Step.ID
	m.confirm, m.flash = nil, ""
	if d == steps.Quit {
		m.status[id] = statusWarning
		m.activity, m.since = "Stopping", m.cfg.now()
	}
	return nil
}
