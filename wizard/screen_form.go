package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// formScreen is the sign-in or the setup questions (a huh form). Typing goes
// to the form; the footer names the keys that move through it.
type formScreen struct{}

func (formScreen) keys(m *model) []key.Binding {
	ks := []key.Binding{m.keys.FormNext}
	if m.form != nil { // the choosing keys of the focused field: none for a text input
		switch m.form.GetFocusedField().(type) {
		case *huh.Select[string]:
			ks = append(ks, m.keys.FormChoose)
		case *huh.Confirm:
			ks = append(ks, m.keys.FormToggle)
		}
	}
	ks = append(ks, m.keys.FormBack)
	if m.formKind == formSetup {
		ks = append(ks, m.keys.FormMenu)
	}
	return append(ks, m.keys.Interrupt)
}

func (formScreen) update(m *model, k tea.KeyPressMsg) tea.Cmd {
	if m.formKind == formSetup && key.Matches(k, m.keys.FormMenu) {
		m.form = nil
		m.reply(setupReply{err: steps.ErrBack}) // the Session offers the menu again
		m.phase, m.activity, m.since = phaseRun, "Back to the menu", m.cfg.now()
		m.flash = "Setup cancelled: nothing was changed."
		return nil
	}
	return m.updateForm(k)
}

func (formScreen) view(m *model, w int) ([]string, string) {
	var top []string
	if m.formNote != "" {
		top = append(top, m.st.note.Render(m.formNote), "")
	}
	if m.form != nil {
		top = append(top, strings.Split(m.form.View(), "\n")...)
	}
	return top, ""
}

// reply answers the Session's setup question once.
func (m *model) reply(r setupReply) {
	if m.setupReply != nil {
		m.setupReply <- r
		m.setupReply = nil
	}
}

// onFormBuilt shows the first form and replays the keys typed while it was built.
func (m *model) onFormBuilt(f *huh.Form) tea.Cmd {
	m.formPending = false
	cmds := []tea.Cmd{m.showForm(f, formSignIn)}
	for _, k := range m.early {
		cmds = append(cmds, m.updateForm(k))
	}
	m.early = nil
	return tea.Batch(cmds...)
}

// showForm puts a form on screen, sized to the pane.
func (m *model) showForm(f *huh.Form, k formKind) tea.Cmd {
	m.form, m.formKind, m.phase = f, k, phaseForm
	m.ans.rewrap(m.formSize().Width)
	init := f.Init()
	focusOn(f, m.focusKey) // the field an error's "r" leads back to
	m.focusKey = ""
	return tea.Batch(init, m.updateForm(m.formSize()))
}

// focusOn moves the focus forward to the field with key (not there: it stays
// where the form stopped, at a field that does not validate or at the end).
func focusOn(f *huh.Form, key string) {
	for range 16 {
		at := f.GetFocusedField()
		if key == "" || at == nil || at.GetKey() == key {
			return
		}
		f.NextField()
		if f.GetFocusedField() == at {
			f.NextGroup() // the last field of its group
		}
	}
}

// formRefresh makes huh rebuild its cached view after a description changed.
type formRefresh struct{}

func (m *model) updateForm(msg tea.Msg) tea.Cmd {
	if m.form == nil {
		return nil // still being built; keys were kept for it
	}
	fm, cmd := m.form.Update(msg)
	if f, ok := fm.(*huh.Form); ok {
		m.form = f
	}
	if m.form.State == huh.StateNormal && m.ans.refreshURLStatus(&m.urlStatus) {
		fm, cmd2 := m.form.Update(formRefresh{})
		if f, ok := fm.(*huh.Form); ok {
			m.form = f
		}
		cmd = tea.Batch(cmd, cmd2)
	}
	switch m.form.State {
	case huh.StateAborted:
		return m.quit(steps.ErrQuit)
	case huh.StateCompleted:
		opts, err := m.ans.apply(m.opts)
		if err != nil { // validators make this unreachable; stay safe anyway
			return m.quit(err)
		}
		m.opts, m.form, m.formNote = opts, nil, ""
		if m.formKind == formSetup {
			m.reply(setupReply{opts: opts})
			m.phase, m.activity, m.since = phaseRun, "Starting", m.cfg.now()
			return cmd
		}
		if m.cfg.setOptions != nil {
			m.cfg.setOptions(opts)
		}
		req := m.cfg.first
		if m.out != nil { // a corrected sign-in: what failed runs again
			req = steps.Request{Command: m.req.Command, Arg: m.req.Arg, Menu: m.req.Menu}
		}
		return tea.Batch(cmd, m.run(req, ""))
	}
	return cmd
}
