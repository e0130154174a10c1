package wizard

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// formModel starts at the sign-in form; set records what it hands the Session.
func formModel(o steps.Options, f *fakeEngine, set *[]steps.Options) *model {
	return newModel(config{
		opts:       o,
		start:      f.start,
		setOptions: func(o steps.Options) { *set = append(*set, o) },
		cancel:     func() {},
		now:        func() time.Time { return fixedNow },
	})
}

func TestFormValidatesURLAsTyped(t *testing.T) {
	f := &fakeEngine{}
	var set []steps.Options
	s := newScreen(t, formModel(steps.Options{}, f, &set), 80, 24)
	scr := s.waitFor("Appmixer API URL", "e.g. https://api.acme.appmixer.cloud", "> https://api.YOUR_TENANT.appmixer.cloud", "not even its length")
	s.golden("empty", scr)

	s.key("http://api.acme.appmixer.cloud")
	scr = s.waitFor("✗ the Appmixer API URL")
	if !strings.Contains(paneText(scr), "plain http") {
		t.Errorf("live check does not say why:\n%s", scr)
	}
	s.key("enter") // invalid: stays on the field
	for range len("http://api.acme.appmixer.cloud") {
		s.tm.Send(backspace)
	}
	s.key("api.acme.appmixer.cloud")
	scr = s.waitFor("✓ https://api.acme.appmixer.cloud")
	s.golden("valid", scr)
	if f.count() != 0 {
		t.Fatal("a run started before the form was complete")
	}
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestFormWalkthroughFillsOptions(t *testing.T) {
	f := &fakeEngine{}
	o := steps.Options{
		AppmixerURL: "api.acme.appmixer.cloud", AppmixerUsername: "admin@acme.com",
		AppmixerPassword: steps.NewSecret("hunter2-secret"), Permissions: "User.Read,Files.Read.All",
	}
	var set []steps.Options
	s := newScreen(t, formModel(o, f, &set), 80, 24)
	s.waitFor("✓ https://api.acme.appmixer.cloud")
	s.key("enter")
	s.waitFor("┃ Appmixer admin username")
	s.key("enter")
	scr := s.waitFor("┃ Appmixer admin password")
	if strings.Contains(scr, "hunter2") || strings.Contains(scr, "*****") {
		t.Fatal("the password, or its length, is visible on screen")
	}
	s.key("enter")
	// Then how to sign in to Azure; the sign-in runs before the setup questions.
	scr = s.waitFor("Sign in to Azure with", "Device code")
	s.golden("azure", scr)
	s.key("enter")
	s.waitFor("┃ Azure tenant (optional)")
	s.key("contoso.onmicrosoft.com")
	s.key("enter")
	testwait.Until(t, 5*time.Second, "the sign-in to start", func() bool { return f.count() == 1 })
	if r := f.req(0); r.Command != "" || r.Retry {
		t.Fatalf("first request = %+v, want the sign-in and then the menu or setup", r)
	}
	if got := set[0]; got.AuthMethod != "device" || got.Tenant != "contoso.onmicrosoft.com" || got.AppmixerPassword.Reveal() != "hunter2-secret" {
		t.Fatalf("sign-in options: auth %q tenant %q", got.AuthMethod, got.Tenant)
	}
	reply := make(chan setupReply, 1)
	s.tm.Send(setupMsg{opts: set[0], reply: reply}) // no clientId in Appmixer: the Session asks the setup questions

	scr = s.waitFor("App registration name", "Client secret expiry", "24 months")
	s.golden("app", scr)
	s.key("enter")
	s.waitFor("┃ Client secret expiry")
	s.key("enter")
	scr = s.waitFor("Supported account types", "Only your organisation (single tenant)")
	s.golden("audience", scr)
	s.key("down")
	s.key("down")
	s.key("enter")
	scr = s.waitFor("API permissions", "Custom list")
	s.golden("permissions", scr)
	s.key("enter") // custom stays selected (pre-filled from the comma list)
	s.waitFor("Custom permissions (comma list)", "User.Read,Files.Read.All")
	s.key("enter")
	scr = s.waitFor("Tenant field in Appmixer", "Grant admin consent now?")
	s.golden("tenant", scr)
	s.key("down")
	s.key("down") // Off, with a single-tenant app: refused at the question
	s.key("enter")
	s.waitFor("needs the Tenant field")
	s.key("up")
	s.key("enter")
	s.waitFor("┃ Grant admin consent now?")
	s.tm.Type("y") // huh's confirm: y = yes, and moves on

	var r setupReply
	select {
	case r = <-reply:
	case <-time.After(5 * time.Second):
		t.Fatal("the setup answers never reached the Session")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := r.opts
	want := map[string][2]string{
		"url":         {got.AppmixerURL, "https://api.acme.appmixer.cloud"},
		"user":        {got.AppmixerUsername, "admin@acme.com"},
		"password":    {got.AppmixerPassword.Reveal(), "hunter2-secret"},
		"app":         {got.AppName, "Appmixer"},
		"audience":    {got.Audience, "single-tenant"},
		"permissions": {got.Permissions, "User.Read,Files.Read.All"},
		"expiry":      {got.SecretExpiry.String(), "24 months"},
		"tenantField": {string(got.TenantField), "on"},
		"auth":        {got.AuthMethod, "device"},
		"tenant":      {got.Tenant, "contoso.onmicrosoft.com"},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	if !got.AdminConsent {
		t.Error("admin consent not taken from the form")
	}
	s.waitFor("Starting")
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	s.pump()
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.Contains(s.raw.String(), "hunter2") {
		t.Fatal("the pre-filled password reached the terminal in some frame")
	}
}

// The key line names the choosing keys of the focused field only.
func TestKeyLineFollowsTheFocusedField(t *testing.T) {
	var s string
	var yes bool
	for _, c := range []struct {
		field     huh.Field
		want, not string
	}{
		{huh.NewInput().Value(&s), "enter next", "choose"},
		{huh.NewSelect[string]().Options(huh.NewOptions("a", "b")...).Value(&s), "↑/↓ choose", "←/→"},
		{huh.NewConfirm().Value(&yes), "←/→ choose", "↑/↓"},
	} {
		m := newModel(config{})
		m.phase, m.form = phaseForm, huh.NewForm(huh.NewGroup(c.field))
		m.form.Init()
		line := ansi.Strip(m.keyLine())
		if !strings.Contains(line, c.want) || strings.Contains(line, c.not) {
			t.Errorf("%T: key line %q", c.field, line)
		}
	}
}

// The admin-consent buttons sit under their question, at the same column
// whether the question has the focus or not (they used to shift).
func TestConsentButtonsStayPut(t *testing.T) {
	column := func(focus bool) int {
		a := &answers{}
		f := newSetupForm(a)
		f.Init()
		for f.GetFocusedField().GetKey() != "tenantField" {
			f.NextGroup()
		}
		if focus {
			f.NextField()
		}
		if got := f.GetFocusedField().GetKey(); focus && got != "consent" {
			t.Fatalf("focused %q", got)
		}
		for _, line := range strings.Split(ansi.Strip(f.View()), "\n") {
			if i := strings.Index(line, "Yes"); i >= 0 && strings.Contains(line, "No") {
				return ansi.StringWidth(line[:i])
			}
		}
		t.Fatalf("no Yes/No buttons in\n%s", ansi.Strip(f.View()))
		return -1
	}
	blurred, focused := column(false), column(true)
	if blurred != focused {
		t.Errorf("the buttons move from column %d to %d when focused", blurred, focused)
	}
	if focused > 8 {
		t.Errorf("the buttons start at column %d, adrift from their question", focused)
	}
}

// A description never splits a token at its dots or dashes (huh's own wrap
// does: "Files." / "ReadWrite.All", "2027-" / "12-31"), at any width.
func TestFormDescriptionsKeepTokensWhole(t *testing.T) {
	for _, c := range []struct{ field, token string }{
		{"expiry", "2027-12-31."}, {"permissions", "Files.ReadWrite.All,"}, {"permissions", "Files.Read.All,"},
	} {
		for w := 70; w <= 120; w++ {
			m := newModel(config{})
			m.width, m.height = w, 30
			m.showForm(newSetupForm(m.ans), formSetup)
			focusOn(m.form, c.field)
			m.ans.rewrap(m.formSize().Width)
			m.updateForm(m.formSize())
			if screen := ansi.Strip(m.render()); !strings.Contains(screen, c.token) {
				t.Fatalf("width %d: %q is not whole:\n%s", w, c.token, screen)
			}
		}
	}
}

// Pasted answers land in their fields (a URL, a username, a password are
// pasted more often than typed); the pasted password never shows.
func TestFormTakesPastedAnswers(t *testing.T) {
	f := &fakeEngine{}
	var set []steps.Options
	s := newScreen(t, formModel(steps.Options{}, f, &set), 80, 24)
	const password = "pasted-pa55word"
	s.waitFor("┃ Appmixer API URL")
	s.tm.Send(tea.PasteMsg{Content: "api.acme.appmixer.cloud"})
	s.waitFor("✓ https://api.acme.appmixer.cloud")
	s.key("enter")
	s.waitFor("┃ Appmixer admin username")
	s.tm.Send(tea.PasteMsg{Content: "admin@acme.com"})
	s.waitFor("admin@acme.com")
	s.key("enter")
	s.waitFor("┃ Appmixer admin password")
	s.tm.Send(tea.PasteMsg{Content: password})
	// Back to the username and on again: the frames drawn meanwhile show the
	// password field holding the paste (the check at the end needs a frame).
	s.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	s.waitFor("┃ Appmixer admin username")
	s.key("enter")
	s.waitFor("┃ Appmixer admin password")
	s.key("enter")
	s.waitFor("┃ Sign in to Azure with")
	s.key("enter")
	s.waitFor("┃ Azure tenant")
	s.key("enter")
	testwait.Until(t, 5*time.Second, "the sign-in to start", func() bool { return f.count() == 1 })
	if got := set[0]; got.AppmixerURL != "https://api.acme.appmixer.cloud" || got.AppmixerUsername != "admin@acme.com" || got.AppmixerPassword.Reveal() != password {
		t.Fatalf("sign-in options from pasted answers: url %q user %q password given %v", got.AppmixerURL, got.AppmixerUsername, !got.AppmixerPassword.IsZero())
	}
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	s.pump()
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.Contains(s.raw.String(), password) {
		t.Fatal("the pasted password reached the terminal")
	}
}
