package wizard

import (
	"fmt"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// writeChanges lists every change of a run by step.
func (m *model) writeChanges(b *strings.Builder, s steps.Summary) {
	b.WriteString("\n" + m.st.bold.Render("What changed") + "\n")
	any := false
	for _, r := range s.Steps {
		if len(r.Changes) == 0 {
			continue
		}
		any = true
		b.WriteString(r.Step.Title + "\n")
		for _, c := range r.Changes {
			b.WriteString("  " + m.renderChange(c) + "\n")
		}
	}
	if !any {
		b.WriteString(m.st.dim.Render("Nothing: everything was already as it should be.") + "\n")
	}
}

// statusScreen is the ✓ / ! / x table: names in a column, details wrapped
// under their own column so each check reads as one row.
func (m *model) statusScreen(w int) ([]string, string) {
	r := m.report
	if r == nil {
		r = &steps.StatusReport{}
	}
	fails, warns := r.Counts()
	var head string
	switch {
	case len(r.Checks) == 0:
		head = m.st.warn.Render("! No checks ran")
	case fails+warns == 0:
		head = m.st.ok.Render(fmt.Sprintf("✓ All %d checks passed", len(r.Checks)))
	case fails == 0:
		head = m.st.warn.Render(fmt.Sprintf("! %d warning(s): the setup works, but needs attention soon", warns))
	default:
		head = m.st.failed.Render(fmt.Sprintf("x %d problem(s), %d warning(s)", fails, warns))
	}
	top := []string{head, m.st.dim.Render("Read-only: nothing was changed."), ""}

	// Problems first, so they are on screen without scrolling; each check is
	// "mark name: detail", wrapped under the name.
	var b strings.Builder
	for _, level := range []steps.StatusLevel{steps.StatusFail, steps.StatusWarn, steps.StatusOK} {
		for _, c := range r.Checks {
			if c.Level != level {
				continue
			}
			style := m.st.done
			switch c.Level {
			case steps.StatusWarn:
				style = m.st.warn
			case steps.StatusFail:
				style = m.st.failed
			}
			b.WriteString(style.Render(steps.StatusMark(c.Level)) + " " + m.st.bold.Render(c.Name+":") + " " + c.Detail + "\n")
		}
	}
	if fails+warns > 0 {
		b.WriteString("\n" + m.st.dim.Render("Each line says what to run; the menu (m) has rotate and set up.") + "\n")
	}
	return top, strings.TrimRight(b.String(), "\n")
}

// commandScreen is the result of rotate-secret, tenant on|off and teardown.
func (m *model) commandScreen(w int) ([]string, string) {
	s := m.summary
	var head string
	var b strings.Builder
	row := m.rowWriter(&b, w)
	switch m.action.Name {
	case "rotate-secret":
		head = m.st.ok.Render("✓ The secret is rotated")
		row("App", s.AppName)
		row("Client ID", m.st.bold.Render(s.ClientID))
		if s.SecretNew {
			row("Client secret", s.SecretHint+" expires "+s.SecretExpires.Format("2006-01-02")+" (new, stored in Appmixer)")
		}
	case "tenant":
		if s.TenantField {
			head = m.st.ok.Render("✓ Tenant field is on")
			b.WriteString("When users connect Microsoft in Appmixer they type this into the Tenant field:\n")
			b.WriteString("  " + m.st.bold.Render(cmpOr(s.TenantID, "your tenant ID")) + m.st.dim.Render("  (or common)") + "\n")
		} else {
			head = m.st.ok.Render("✓ Tenant field is off")
			b.WriteString("Users sign in through Microsoft's common endpoint; there is no tenant to type.\n")
		}
	case "teardown":
		head = m.st.ok.Render("✓ Torn down")
		if s.ClientID != "" {
			fmt.Fprintf(&b, "Removed app %q (client ID %s) and Appmixer's Microsoft keys; other keys are kept.\n", s.AppName, s.ClientID)
		} else {
			b.WriteString("No app registration was left to delete; Appmixer's Microsoft keys are cleared.\n")
		}
	}
	for _, n := range s.Notes {
		b.WriteString(m.st.note.Render("! "+n) + "\n")
	}
	m.writeChanges(&b, s)
	return []string{head, ""}, strings.TrimRight(b.String(), "\n")
}
