package wizard

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// menuItem is one line of the start menu.
type menuItem struct {
	cmd          Command
	title, about string
}

func (m *model) menuItems() []menuItem {
	items := startMenu(m.found.summary.TenantField)
	if m.found.clientID == "" {
		// No app (after a teardown): rotating, the tenant field and tearing
		// down could only say "run setup first".
		items = items[:2]
	}
	return items
}

// startMenu is what an existing setup can be asked to do (the TUI's menu and
// the accessible mode's question). The tenant item flips the field from what
// Appmixer holds now.
func startMenu(tenantOn bool) []menuItem {
	tenant := menuItem{Command{Name: "tenant", Arg: "on"}, "Tenant field: turn on", "Users type your tenant ID when connecting."}
	if tenantOn {
		tenant = menuItem{Command{Name: "tenant", Arg: "off"}, "Tenant field: turn off", "Users sign in through the common endpoint."}
	}
	return []menuItem{
		{Command{Name: actSetup}, "Set up", "Check every setting, fix what drifted."},
		{Command{Name: "status"}, "Check status", "Read-only: settings, secret, Appmixer's keys."},
		{Command{Name: "rotate-secret"}, "Rotate the secret", "New secret in, proven, then the old one out."},
		tenant,
		{Command{Name: "teardown"}, "Tear down", "Delete the app and Appmixer's Microsoft keys."},
	}
}

// stoppedFlash is the menu's line after a plan was quit: what the action had
// already changed (a rotation may have made its new secret), so "nothing
// changed" is never said when something did.
func stoppedFlash(c Command, results []steps.StepResult) string {
	var done []string
	for _, r := range results {
		if r.Status == "done" && len(r.Changes) > 0 {
			done = append(done, r.Step.Title)
		}
	}
	if len(done) == 0 {
		return actionTitle(c) + " stopped at your request: nothing was changed."
	}
	return fmt.Sprintf("%s stopped at your request after: %s. Nothing else was changed; run it again to finish.", actionTitle(c), strings.Join(done, ", "))
}

// actionTitle names an action in messages.
func actionTitle(c Command) string {
	switch c.Name {
	case actSetup:
		return "Setup"
	case "status":
		return "Status"
	case "rotate-secret":
		return "Rotation"
	case "tenant":
		return "Tenant field " + c.Arg
	case "teardown":
		return "Teardown"
	}
	return "The run"
}

// onSignedIn leads on from the sign-in: the command asked for, the menu for
// an existing setup (Appmixer holds a clientId), or the setup questions.
func (m *model) onSignedIn(msg signedInMsg) tea.Cmd {
	m.signedIn, m.found, m.device = true, msg, nil
	switch {
	case m.cfg.startWith.Name != "":
		m.fromMenu = false
		return m.runAction(m.cfg.startWith)
	case msg.clientID != "":
		m.openMenu("")
		return nil
	}
	return m.showForm(newSetupForm(m.ans), formSetup)
}

// openMenu shows the start menu; flash is a line on what just happened.
func (m *model) openMenu(flash string) {
	m.phase, m.flash, m.scroll = phaseMenu, flash, 0
	m.menu = min(m.menu, len(m.menuItems())-1) // the menu is shorter without an app
	m.confirm, m.device, m.current = nil, nil, steps.Info{}
	if m.cfg.infosFor != nil {
		m.cfg.infos = m.cfg.infosFor(Command{Name: actSignIn}, m.opts)
	}
	m.status = map[steps.ID]stepStatus{}
	for _, in := range m.cfg.infos {
		m.status[in.ID] = statusDone
	}
}

func (m *model) updateMenu(msg tea.Msg) tea.Cmd {
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	items := m.menuItems()
	switch k := key.String(); k {
	case "up", "k", "shift+tab":
		m.menu = (m.menu + len(items) - 1) % len(items)
	case "down", "j", "tab":
		m.menu = (m.menu + 1) % len(items)
	case "1", "2", "3", "4", "5":
		if i := int(k[0] - '1'); i < len(items) {
			m.menu = i
			return m.choose(items[m.menu])
		}
	case "enter":
		return m.choose(items[m.menu])
	case "q", "esc":
		// Leaving the menu is a choice, not a failure: a failed action's error
		// stands, else the last result (or what the sign-in found) is the outcome.
		if m.err == nil && !m.completed {
			// Nothing ran to its end since the menu opened: the outcome is what
			// the sign-in found, and no action's result is left on screen.
			m.completed, m.summary, m.report = true, m.found.summary, nil
			m.action = Command{Name: actSignIn}
		}
		m.phase = phaseDone
		return tea.Quit
	}
	return nil
}

func (m *model) choose(it menuItem) tea.Cmd {
	m.fromMenu, m.flash = true, ""
	if it.cmd.Name == actSetup {
		if m.cfg.infosFor != nil {
			m.cfg.infos = m.cfg.infosFor(it.cmd, m.opts)
		}
		m.status = map[steps.ID]stepStatus{steps.IDSignInAzure: statusDone, steps.IDSignInAppmixer: statusDone}
		return m.showForm(newSetupForm(m.ans), formSetup)
	}
	return m.runAction(it.cmd)
}

// afterAction keeps the menu's picture of the setup up to date.
func (m *model) afterAction(sum steps.Summary) {
	switch m.action.Name {
	case "teardown":
		m.found.clientID = ""
	case actSetup, "status", "rotate-secret":
		if sum.ClientID != "" {
			m.found.clientID = sum.ClientID
		}
	}
	m.found.summary.TenantField = sum.TenantField
	m.found.summary.TenantID = cmpOr(sum.TenantID, m.found.summary.TenantID)
}

func (m *model) menuScreen() ([]string, string) {
	s := m.found.summary
	top := []string{m.st.title.Render("What would you like to do?")}
	if m.found.clientID != "" {
		top = append(top, "Appmixer already uses a Microsoft app:",
			"  "+m.st.dim.Render("Client ID     ")+m.st.bold.Render(m.found.clientID))
	} else {
		top = append(top, "Appmixer holds no Microsoft app now: set up makes one.")
	}
	field := "off"
	if s.TenantField {
		field = "on, users type " + cmpOr(s.TenantID, "your tenant ID")
	}
	top = append(top, "  "+m.st.dim.Render("Tenant field  ")+field, "")
	for i, it := range m.menuItems() {
		line := fmt.Sprintf("  %d  %s", i+1, it.title)
		if i == m.menu {
			line = m.st.current.Render(fmt.Sprintf("› %d  %s", i+1, it.title))
		}
		top = append(top, line, "     "+m.st.dim.Render(it.about))
	}
	if m.flash != "" {
		top = append(top, "", m.st.note.Render(m.flash))
	}
	return top, ""
}

// naming: the teardown's delete plan is on screen and waits for the app's name.
func (m *model) naming() bool {
	return m.phase == phaseRun && m.confirm != nil && m.confirm.info.ID == steps.IDDeleteApp &&
		steps.DeleteAppName(m.confirm.plan) != ""
}

// updateTyped is the type-the-name confirmation: only the exact name deletes;
// anything else is refused and keeps the app, esc keeps it and stops.
func (m *model) updateTyped(key tea.KeyPressMsg) tea.Cmd {
	name := steps.DeleteAppName(m.confirm.plan)
	switch key.String() {
	case "enter":
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
		return nil
	case "esc":
		m.typed, m.typedNo = "", ""
		return m.answer(steps.Quit)
	case "backspace":
		if r := []rune(m.typed); len(r) > 0 {
			m.typed = string(r[:len(r)-1])
		}
		return nil
	case "ctrl+u":
		m.typed = ""
		return nil
	case "up", "down", "pgup", "pgdown", "home", "end":
		m.scrollKeys(key)
		return nil
	}
	if key.Text != "" {
		m.typed += key.Text
	}
	return nil
}

// typedPrompt is the fixed part of the delete screen: the name to type and the input.
func (m *model) typedPrompt() []string {
	name := steps.DeleteAppName(m.confirm.plan)
	lines := []string{
		m.st.bold.Render("To delete it, type the app's name: ") + m.st.remove.Render(name),
		m.st.current.Render("› ") + m.typed + m.st.dim.Render("▏"),
	}
	if m.typedNo != "" {
		lines = append(lines, m.st.err.Render(statusFailed.icon()+" "+m.typedNo))
	}
	return append(lines, "")
}
