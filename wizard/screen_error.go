package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// errorScreen is a failed command: what failed, what to do about it in this
// screen's words (the field to change, the key to press), and the keys.
type errorScreen struct{}

// fixForm is the form holding the input an error's hint names, if any.
func (m *model) fixForm() (formField, bool) {
	h, _ := hint.Of(m.out.Err)
	f, ok := formFields[h.Input]
	if !ok && !m.signedIn {
		return formField{kind: formSignIn}, true // a failed sign-in: its answers are the thing to fix
	}
	return f, ok
}

func (errorScreen) keys(m *model) []key.Binding {
	ks := []key.Binding{m.keys.Retry}
	if _, ok := m.fixForm(); ok {
		ks[0] = m.keys.Fix
	}
	if m.signedIn {
		ks = append(ks, m.keys.Menu)
	}
	return append(ks, m.keys.Quit, m.keys.Scroll)
}

func (s errorScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	return handled(m, s, k, func(b key.Binding) tea.Cmd {
		switch {
		case same(b, m.keys.Fix):
			f, _ := m.fixForm()
			m.formNote = "Change " + orText(f.label, "your answers") + ", then press enter."
			m.focusKey = f.key
			if f.kind == formSignIn {
				return m.showForm(newSignInForm(m.ans), formSignIn)
			}
			return m.run(steps.Request{Command: "setup"}, "")
		case same(b, m.keys.Retry):
			return m.run(steps.Request{Retry: true}, "")
		case same(b, m.keys.Menu):
			return m.run(steps.Request{Menu: true}, "")
		case same(b, m.keys.Quit):
			return m.quit(nil)
		}
		m.scrollBy(k)
		return nil
	})
}

func (errorScreen) view(m *model, w int) ([]string, string) {
	top := []string{m.st.failed.Render(statusFailed.icon() + " " + orText(m.current.Title, "The run") + " failed"), ""}
	var b strings.Builder
	b.WriteString(m.st.err.Render(errString(m.out.Err)) + "\n\n")
	if h, ok := hint.Of(m.out.Err); ok {
		if s := m.forTUI(h); s != "" {
			b.WriteString(m.st.bold.Render("What to do: ") + s + "\n")
		}
	} else if _, fix := m.fixForm(); fix {
		b.WriteString(m.st.bold.Render("What to do: ") + "press r to check your sign-in answers.\n")
	} else {
		b.WriteString(m.st.bold.Render("What to do: ") + "fix the cause above, then press r: steps already done are checked again and left as they are.\n")
	}
	if m.cfg.demo {
		b.WriteString("The demo's simulated services keep what was done so far.")
	} else {
		b.WriteString("If you quit, running the wizard again resumes from here.")
	}
	return top, b.String()
}

// forTUI phrases a hint for the full-screen UI: the field to change and the
// key to press; inputs with no field are flags to run again with.
func (m *model) forTUI(h hint.Hint) string {
	var parts []string
	if h.Text != "" {
		parts = append(parts, h.Text)
	}
	if h.Input != "" {
		if f, ok := formFields[h.Input]; ok {
			parts = append(parts, "press r to change \""+f.label+"\"")
		} else if fl, ok := InputFlags[h.Input]; ok {
			parts = append(parts, "quit (q) and run again with "+inputWords(fl, h.Value))
		}
	}
	if h.Command != "" {
		parts = append(parts, m.fixWords(h.Command))
	}
	if h.Retry && h.Input == "" {
		parts = append(parts, "press r to try again")
	}
	return strings.Join(parts, "; ")
}
