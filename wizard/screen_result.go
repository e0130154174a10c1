package wizard

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// resultScreen is a command's report: facts, the status table, what changed,
// and what to run later.
type resultScreen struct{}

func (resultScreen) keys(m *model) []key.Binding {
	ks := []key.Binding{m.keys.Finish}
	if m.signedIn {
		ks = append(ks, m.keys.Menu)
	}
	return append(ks, m.keys.Scroll)
}

func (s resultScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	return handled(m, s, k, func(b key.Binding) tea.Cmd {
		switch {
		case same(b, m.keys.Finish):
			return m.quit(nil)
		case same(b, m.keys.Menu):
			return m.run(steps.Request{Menu: true}, "")
		}
		m.scrollBy(k)
		return nil
	})
}

func (resultScreen) view(m *model, w int) ([]string, string) {
	out := m.out
	r := out.Report
	top := []string{m.levelStyle(r.Level).Render(steps.StatusMark(r.Level) + " " + r.Headline), ""}
	var b strings.Builder
	labelW := 0
	for _, f := range r.Facts {
		labelW = max(labelW, len([]rune(f.Label)))
	}
	for _, f := range r.Facts {
		m.writeFact(&b, f, w, labelW)
	}
	// Problems first, so they are on screen without scrolling.
	for _, level := range []steps.StatusLevel{steps.StatusFail, steps.StatusWarn, steps.StatusOK} {
		for _, c := range r.Checks {
			if c.Level != level {
				continue
			}
			line := m.levelStyle(c.Level).Render(steps.StatusMark(c.Level)) + " " + m.st.bold.Render(c.Name+":") + " " + c.Detail
			if c.Fix != "" && c.Level != steps.StatusOK {
				line += m.st.dim.Render(" → " + m.fixWords(c.Fix))
			}
			b.WriteString(line + "\n")
		}
	}
	if len(r.Facts)+len(r.Checks) > 0 {
		b.WriteString("\n")
	}
	for _, l := range r.Lines {
		b.WriteString(l + "\n")
	}
	for _, n := range r.Notes {
		b.WriteString(m.st.note.Render("! "+n) + "\n")
	}
	if out.Command != "status" {
		m.writeChanges(&b, out)
	}
	if len(r.Later) > 0 {
		b.WriteString("\n" + m.st.bold.Render("Later") + "\n")
		for _, l := range r.Later {
			b.WriteString("  " + l.What + ":\n    " + m.cfg.inv.command(l.Command) + "\n")
		}
	}
	return top, strings.TrimRight(b.String(), "\n")
}

// writeFact is a "label  value" row; a value people copy that does not fit
// beside its label goes on its own line, never broken.
func (m *model) writeFact(b *strings.Builder, f steps.Fact, w, labelW int) {
	if f.Value == "" {
		return
	}
	v := f.Value
	if f.Copy {
		v = m.st.bold.Render(v)
	}
	if labelW+2+len([]rune(f.Value)) <= w {
		b.WriteString(m.st.dim.Render(padRight(f.Label, labelW)) + "  " + v + "\n")
		return
	}
	b.WriteString(m.st.dim.Render(f.Label) + "\n  " + v + "\n")
}

// writeChanges lists every change of a run by step.
func (m *model) writeChanges(b *strings.Builder, out *steps.Outcome) {
	b.WriteString("\n" + m.st.bold.Render("What changed") + "\n")
	any := false
	for _, r := range out.Steps {
		if len(r.Changes) == 0 || r.Status == steps.StatusPlanned {
			continue
		}
		any = true
		b.WriteString(r.Step.Title + "\n")
		for _, c := range r.Changes {
			b.WriteString("  " + m.st.renderChange(c) + "\n")
		}
	}
	if !any {
		nothing := "Nothing: everything was already as it should be."
		if slices.ContainsFunc(out.Steps, func(r steps.StepResult) bool { return r.Status == steps.StatusSkipped }) {
			nothing = "Nothing: what was skipped stays as it was."
		}
		b.WriteString(m.st.dim.Render(nothing) + "\n")
	}
}

// fixWords names a command the way the TUI offers it: the menu's entry.
func (m *model) fixWords(command string) string {
	name, _, _ := strings.Cut(command, " ")
	if c, ok := steps.LookupCommand(name); ok && m.signedIn {
		return "m, then " + c.Title
	}
	return "run " + m.cfg.inv.command(command)
}

func (m *model) levelStyle(l steps.StatusLevel) lipgloss.Style {
	switch l {
	case steps.StatusFail:
		return m.st.failed
	case steps.StatusWarn:
		return m.st.warn
	}
	return m.st.ok
}
