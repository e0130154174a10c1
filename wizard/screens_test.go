package wizard

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

var registerPlan = steps.Plan{
	Found: []string{`no app registration named "Appmixer"`},
	Changes: []steps.Change{
		{Kind: steps.Add, Subject: steps.SubjectApp, Name: "Appmixer"},
		{Kind: steps.Add, Subject: steps.SubjectAudience, After: "AzureADandPersonalMicrosoftAccount"},
		{Kind: steps.Add, Subject: steps.SubjectRedirectURI, Name: "https://api.acme.appmixer.cloud/auth/microsoft/callback"},
		{Kind: steps.Update, Subject: steps.SubjectConfigKey, Name: "clientSecret", Before: "abc…", After: "xyz…"},
	},
	Notes: []string{"Personal accounts need access token version 2; it is set too."},
}

func confirm(q steps.Info, p steps.Plan) (confirmMsg, chan steps.Decision) {
	reply := make(chan steps.Decision, 1)
	return confirmMsg{q: steps.Question{Step: q, Plan: p}, reply: reply}, reply
}

func TestPlanScreenApplySkipQuit(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	testwait.Until(t, 5*time.Second, "the run to start", func() bool { return f.count() == 1 })

	azure, amx, reg := info(steps.IDSignInAzure), info(steps.IDSignInAppmixer), info(steps.IDRegisterApp)
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: amx, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventDone, Elapsed: 1200 * time.Millisecond,
		Plan: steps.Plan{Found: []string{"signed in as ada@contoso.example, tenant 9188040d"}}}})
	s.tm.Send(eventMsg{steps.Event{Step: amx, Kind: steps.EventDone, Plan: steps.Plan{Found: []string{"signed in to https://api.acme.appmixer.cloud as admin"}}}})
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventProgress, Message: "looking for an app named Appmixer"}})
	// Each step says what it does; a sign-in says who signed in, not "no change needed".
	scr := s.waitFor("Looking for the app registration", "looking for an app named Appmixer", "✓ Sign in to Azure: signed in as ada@contoso.example")
	s.golden("checking", scr)
	if strings.Contains(scr, "no change needed") {
		t.Error("a sign-in says 'no change needed'")
	}

	msg, reply := confirm(reg, registerPlan)
	s.tm.Send(msg)
	scr = s.waitFor("Will change", "+ app registration: Appmixer", "enter apply", "s can't skip")
	s.golden("plan", scr)

	s.key("s") // not skippable: said so, nothing answered
	s.waitFor("This step cannot be skipped")
	select {
	case d := <-reply:
		t.Fatalf("s on an unskippable plan answered %v", d)
	default:
	}
	s.key("enter")
	if d := recv(t, reply); d != steps.Apply {
		t.Fatalf("decision = %v, want Apply", d)
	}
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventApplying}})
	s.waitFor("Applying the changes")

	skippable := registerPlan
	skippable.Skippable = true
	msg, reply2 := confirm(info(steps.IDRedirectURIs), skippable)
	s.tm.Send(msg)
	s.waitFor("s skip")
	s.key("s")
	if d := recv(t, reply2); d != steps.Skip {
		t.Fatalf("decision = %v, want Skip", d)
	}
	s.tm.Send(eventMsg{steps.Event{Step: info(steps.IDRedirectURIs), Kind: steps.EventSkipped, Message: "skipped at your request"}})
	s.waitFor("! Redirect URIs: skipped at your request")

	msg, reply3 := confirm(info(steps.IDClientSecret), registerPlan)
	s.tm.Send(msg)
	s.waitFor("Client secret", "Will change")
	s.key("q")
	if d := recv(t, reply3); d != steps.Quit {
		t.Fatalf("decision = %v, want Quit", d)
	}
	s.tm.Send(doneMsg{&steps.Outcome{Command: "setup", Err: steps.ErrQuit}})
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if out := fm.outcome(); !errors.Is(out.Err, steps.ErrQuit) {
		t.Fatalf("final outcome %v, want ErrQuit", out.Err)
	}
	if fm.status[steps.IDSignInAzure] != statusDone || fm.status[steps.IDRedirectURIs] != statusWarning {
		t.Fatalf("statuses = %v", fm.status)
	}
}

func recv(t *testing.T, ch <-chan steps.Decision) steps.Decision {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no decision was sent to the runner")
		return 0
	}
}

func TestDeviceCodeScreenCopyAndOpen(t *testing.T) {
	f := &fakeEngine{}
	var mu sync.Mutex
	var opened []string
	m := runningModel(f, func() {})
	m.cfg.openURL = func(u string) error { mu.Lock(); opened = append(opened, u); mu.Unlock(); return nil }
	s := newScreen(t, m, 80, 24)

	azure := info(steps.IDSignInAzure)
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventDeviceCode,
		Device: &steps.DeviceCode{UserCode: "FQK7XWZ3P", VerificationURL: "https://microsoft.com/devicelogin", ExpiresOn: fixedNow.Add(15 * time.Minute)}}})
	scr := s.waitFor("F Q K 7 X W Z 3 P", "https://microsoft.com/devicelogin", "c copy code", "o open browser")
	s.golden("device-code", scr)

	s.key("c")
	s.waitFor("Sent the code to your terminal's clipboard")
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("FQK7XWZ3P"))
	testwait.Until(t, 5*time.Second, "the OSC 52 clipboard sequence", func() bool {
		s.pump()
		s.mu.Lock()
		defer s.mu.Unlock()
		return strings.Contains(s.raw.String(), osc52)
	})

	s.key("o")
	s.waitFor("Opened the sign-in page")
	mu.Lock()
	if len(opened) != 1 || opened[0] != "https://microsoft.com/devicelogin" {
		t.Errorf("opened = %v", opened)
	}
	mu.Unlock()

	// Signed in: the code screen goes away.
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventDone}})
	scr = s.waitFor("Done so far")
	if strings.Contains(scr, "F Q K 7") {
		t.Error("device code still shown after sign-in finished")
	}
	s.key("ctrl+c")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if out := fm.outcome(); !errors.Is(out.Err, context.Canceled) {
		t.Fatalf("outcome after ctrl+c = %v", out.Err)
	}
}

// setupReport is a finished setup's report as steps makes it.
func setupOutcome() *steps.Outcome {
	sum := steps.Summary{
		AppName: "Appmixer", ClientID: "11111111-2222-3333-4444-555555555555", TenantID: "9188040d-6c67-4c5b-b112-36a304b66dad",
		Audience: "single-tenant", SecretHint: "Qx7…", SecretExpires: fixedNow.AddDate(2, 0, 0), SecretNew: true, TenantField: true,
		AppmixerURL: "https://api.acme.appmixer.cloud", CallbackURL: "https://api.acme.appmixer.cloud/auth/microsoft/callback",
		PickerURL: "https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker",
	}
	results := append(append([]steps.StepResult(nil), signedInSteps...), steps.StepResult{Step: info(steps.IDRegisterApp), Status: steps.StatusDone, Changes: registerPlan.Changes[:2]})
	sum.Steps = results
	return &steps.Outcome{Command: "setup", Label: "setup", Summary: sum, Steps: results, Report: steps.Report{
		Headline: "The Microsoft connector is set up", Level: steps.StatusOK,
		Facts: []steps.Fact{{Label: "App", Value: "Appmixer"}, {Label: "Client ID", Value: sum.ClientID, Copy: true},
			{Label: "Tenant ID", Value: sum.TenantID, Copy: true}, {Label: "Client secret", Value: "Qx7… (new, stored in Appmixer), expires 2028-11-27"},
			{Label: "Callback URL", Value: sum.CallbackURL, Copy: true}, {Label: "Picker URL", Value: sum.PickerURL, Copy: true},
			{Label: "Admin consent", Value: "skipped: each user consents when they first connect"}},
		Lines: []string{"Tenant field is on: when users connect Microsoft in Appmixer they type 9188040d-6c67-4c5b-b112-36a304b66dad (or common) into it."},
		Later: []steps.Later{{What: "Check it later", Command: "status"}, {What: "Renew the secret before it expires", Command: "rotate-secret"}},
	}}
}

func TestErrorRetryThenSummary(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	testwait.Until(t, 5*time.Second, "the run to start", func() bool { return f.count() == 1 })

	reg := info(steps.IDRegisterApp)
	fail := hint.Wrap(errors.New(`register the app: Graph answered 503 serviceNotAvailable`), hint.Retry("Graph is having trouble"))
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventFailed, Err: fail}})
	s.tm.Send(doneMsg{&steps.Outcome{Command: "setup", Err: fail, Steps: signedInSteps}})
	scr := s.waitFor("x Register the app failed", "serviceNotAvailable", "What to do: Graph is having trouble; press r to try again", "r retry", "m menu")
	s.golden("error", scr)

	s.key("r")
	testwait.Until(t, 5*time.Second, "the retry to start a run", func() bool { return f.count() == 2 })
	if r := f.req(1); !r.Retry {
		t.Fatalf("r started %+v, want a retry", r)
	}
	s.waitFor("Starting")

	out := setupOutcome()
	s.tm.Send(doneMsg{out})
	scr = s.waitFor("The Microsoft connector is set up", "11111111-2222-3333-4444-555555555555")
	s.golden("summary", scr)
	s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd})
	end := s.waitFor("rotate-secret", "(end; ↑ to scroll back)")
	s.golden("summary-end", end)
	// Copyable tokens stand whole on their lines.
	for _, tok := range []string{out.Summary.PickerURL, out.Summary.ClientID, out.Summary.TenantID, "msconnector-wizard rotate-secret"} {
		if !strings.Contains(scr+end, tok) {
			t.Errorf("the result breaks or lacks %q", tok)
		}
	}
	if !strings.Contains(scr+end, "Admin consent") || !strings.Contains(scr+end, "skipped: each user consents") {
		t.Error("the result does not say admin consent was skipped")
	}
	s.key("enter")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if got := fm.outcome(); got.Err != nil || got.Summary.ClientID != out.Summary.ClientID {
		t.Fatalf("final outcome: err=%v client=%q", got.Err, got.Summary.ClientID)
	}
}

// A wrong custom permission list: r leads back to that question, not to the
// same error again.
func TestErrorOnAnAnswerLeadsBackToItsQuestion(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	testwait.Until(t, 5*time.Second, "the run to start", func() bool { return f.count() == 1 })
	bad := hint.Wrap(errors.New(`Register the app: permissions: "Files.Reed.All" is not a Microsoft Graph delegated permission`),
		hint.Change(hint.Permissions, "give Microsoft Graph delegated permission names"))
	s.tm.Send(doneMsg{&steps.Outcome{Command: "setup", Err: bad, Steps: signedInSteps}})
	s.waitFor(`press r to change "API permissions"`, "r change answer")
	s.key("r")
	testwait.Until(t, 5*time.Second, "setup to run again", func() bool { return f.count() == 2 })
	if r := f.req(1); r.Retry || r.Command != "setup" {
		t.Fatalf("r started %+v, want setup asked again", r)
	}
	reply := make(chan setupReply, 1)
	s.tm.Send(setupMsg{opts: steps.Options{}, reply: reply})
	s.waitFor("Change API permissions, then press enter.", "┃ API permissions") // the focus is on that question
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// A sign-in error about the username: r opens the sign-in form on that field.
func TestSignInErrorFocusesTheFieldItNames(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	testwait.Until(t, 5*time.Second, "the run to start", func() bool { return f.count() == 1 })
	notAdmin := hint.Wrap(errors.New("user@example.com is not an Appmixer admin"), hint.Change(hint.AppmixerUsername, "sign in as an Appmixer admin"))
	s.tm.Send(doneMsg{&steps.Outcome{Command: "setup", Err: notAdmin}})
	s.waitFor(`press r to change "Appmixer admin username"`)
	s.key("r")
	s.waitFor("Change Appmixer admin username, then press enter.", "┃ Appmixer admin username")
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestCtrlCAtPlanAnswersQuitAndCancels(t *testing.T) {
	f := &fakeEngine{}
	cancelled := make(chan struct{})
	var once sync.Once
	s := newScreen(t, runningModel(f, func() { once.Do(func() { close(cancelled) }) }), 80, 24)
	msg, reply := confirm(info(steps.IDRegisterApp), registerPlan)
	s.tm.Send(msg)
	s.waitFor("Will change")
	s.key("ctrl+c")
	if d := recv(t, reply); d != steps.Quit {
		t.Fatalf("decision = %v, want Quit", d)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("ctrl+c did not cancel the run")
	}
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if out := fm.outcome(); !errors.Is(out.Err, context.Canceled) {
		t.Fatalf("outcome = %v", out.Err)
	}
}

func TestResizeAndNarrowTerminal(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	s.tm.Send(eventMsg{steps.Event{Step: info(steps.IDRegisterApp), Kind: steps.EventChecking}})
	scr := s.waitFor("Steps", "○ Verify")
	for i, l := range strings.Split(scr, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line %d is %d wide at 80 columns: %q", i, w, l)
		}
	}
	// The emulator cannot hold a line wider than itself, so the check above
	// alone could never fail: the frame the model draws must fit as well.
	frame := runningModel(&fakeEngine{}, func() {})
	frame.onEvent(steps.Event{Step: info(steps.IDRegisterApp), Kind: steps.EventChecking})
	for _, size := range [][2]int{{80, 24}, {50, 20}, {100, 30}} {
		frame.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(frame.render(), "\n")
		if len(lines) > size[1] {
			t.Errorf("%d lines at %dx%d", len(lines), size[0], size[1])
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("line %d of the frame is %d wide at %d columns: %q", i, w, size[0], ansi.Strip(l))
			}
		}
	}
	s.emu.Resize(50, 20)
	s.tm.Send(tea.WindowSizeMsg{Width: 50, Height: 20})
	scr = s.waitFor("step 3 of 10")
	if strings.Contains(scr, "○ Verify") {
		t.Error("sidebar still shown at 50 columns")
	}
	s.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	s.emu.Resize(100, 30)
	s.waitFor("○ Verify")
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// A pane taller than a small window says there is more below.
func TestATallPaneSaysMoreIsBelow(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 70, 14)
	azure := info(steps.IDSignInAzure)
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventDeviceCode,
		Device: &steps.DeviceCode{UserCode: "FQK7XWZ3P", VerificationURL: "https://microsoft.com/devicelogin"}}})
	s.waitFor("more below: make the window taller")
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestNoColorHonoured(t *testing.T) {
	run := func(t *testing.T, env []string) string {
		f := &fakeEngine{}
		s := newScreen(t, runningModel(f, func() {}), 80, 24, tea.WithEnvironment(env))
		msg, _ := confirm(info(steps.IDRegisterApp), registerPlan)
		s.tm.Send(msg)
		s.waitFor("Will change")
		s.key("ctrl+c")
		s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		s.pump()
		return s.raw.String()
	}
	base := []string{"TERM=xterm-256color", "TTY_FORCE=1"}
	colored := run(t, base)
	if !strings.Contains(colored, "38;5;") {
		t.Fatal("expected 256-colour output without NO_COLOR; the test cannot tell the difference otherwise")
	}
	plain := run(t, append(base, "NO_COLOR=1"))
	for _, sgr := range []string{"38;5;", "38;2;", "48;5;"} {
		if strings.Contains(plain, sgr) {
			t.Errorf("NO_COLOR output contains colour sequence %q", sgr)
		}
	}
}

// The error screen drops the sidebar for a token too long beside it; the
// form its r opens has the sidebar again, and is sized to the pane beside
// it, not to the width the error screen had.
func TestFormAfterAWideErrorFitsBesideTheSidebar(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	testwait.Until(t, 5*time.Second, "the run to start", func() bool { return f.count() == 1 })
	long := "https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive"
	notAdmin := hint.Wrap(errors.New("user@example.com is not an Appmixer admin at "+long), hint.Change(hint.AppmixerUsername, "sign in as an Appmixer admin"))
	s.tm.Send(doneMsg{&steps.Outcome{Command: "setup", Err: notAdmin}})
	if scr := s.waitFor(`press r to change "Appmixer admin username"`, long); strings.Contains(scr, "○ Verify") {
		t.Fatalf("the error screen keeps the sidebar beside a token too long for it:\n%s", scr)
	}
	s.key("r")
	scr := s.waitFor("┃ Appmixer admin username", "○ Verify", "┃ the admin scope.") // the description wrapped inside its field
	if strings.Contains(scr, "…") {
		t.Errorf("the form is cut at the pane's edge:\n%s", scr)
	}
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
