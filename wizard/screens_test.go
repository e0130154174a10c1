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
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

var registerPlan = steps.Plan{
	Found: []string{`no app registration named "Appmixer"`},
	Changes: []steps.Change{
		{What: "app registration", After: "Appmixer"},
		{What: "account types", After: "AzureADandPersonalMicrosoftAccount"},
		{What: "redirect URI", After: "https://api.acme.appmixer.cloud/auth/microsoft/callback"},
		{What: "clientSecret", Before: "abc…", After: "xyz…"},
	},
	Notes:     []string{"Personal accounts need access token version 2; it is set too."},
	Skippable: false,
}

func TestPlanScreenApplySkipQuit(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	waitUntil(t, "the run to start", func() bool { return f.count() == 1 })

	azure, amx, reg := testInfos[0], testInfos[1], testInfos[2]
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: amx, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: azure, Kind: steps.EventDone, Elapsed: 1200 * time.Millisecond}})
	s.tm.Send(eventMsg{steps.Event{Step: amx, Kind: steps.EventDone}})
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventChecking}})
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventProgress, Message: "looking for an app named Appmixer"}})
	scr := s.waitFor("Checking what exists", "looking for an app named Appmixer", "✓ Sign in to Azure: no change needed (1.2s)")
	s.golden("checking", scr)

	reply := make(chan steps.Decision, 1)
	s.tm.Send(confirmMsg{info: reg, plan: registerPlan, reply: reply})
	scr = s.waitFor("Will change", "+ app registration: Appmixer", "enter apply")
	s.golden("plan", scr)
	if strings.Contains(scr, "s skip") {
		t.Error("skip offered for a step that is not skippable")
	}

	s.key("s") // not skippable: ignored
	s.key("enter")
	if d := recv(t, reply); d != steps.Apply {
		t.Fatalf("decision = %v, want Apply", d)
	}
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventApplying}})
	s.waitFor("Applying the changes")

	skippable := registerPlan
	skippable.Skippable = true
	reply2 := make(chan steps.Decision, 1)
	s.tm.Send(confirmMsg{info: testInfos[3], plan: skippable, reply: reply2})
	s.waitFor("s skip")
	s.key("s")
	if d := recv(t, reply2); d != steps.Skip {
		t.Fatalf("decision = %v, want Skip", d)
	}
	s.tm.Send(eventMsg{steps.Event{Step: testInfos[3], Kind: steps.EventSkipped, Message: "skipped at your request"}})
	s.waitFor("! Redirect URIs: skipped at your request")

	reply3 := make(chan steps.Decision, 1)
	s.tm.Send(confirmMsg{info: testInfos[4], plan: registerPlan, reply: reply3})
	s.waitFor("Client secret", "Will change")
	s.key("q")
	if d := recv(t, reply3); d != steps.Quit {
		t.Fatalf("decision = %v, want Quit", d)
	}
	s.tm.Send(runDoneMsg{err: steps.ErrQuit})
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if !errors.Is(fm.err, steps.ErrQuit) || fm.completed {
		t.Fatalf("final err = %v completed = %v, want ErrQuit and not completed", fm.err, fm.completed)
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

	s.tm.Send(eventMsg{steps.Event{Step: testInfos[0], Kind: steps.EventChecking}})
	s.tm.Send(deviceCodeMsg{steps.DeviceCode{UserCode: "FQK7XWZ3P", VerificationURL: "https://microsoft.com/devicelogin", ExpiresOn: fixedNow.Add(15 * time.Minute)}})
	scr := s.waitFor("F Q K 7 X W Z 3 P", "https://microsoft.com/devicelogin", "c copy code", "o open browser")
	s.golden("device-code", scr)

	s.key("c")
	s.waitFor("Code copied")
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("FQK7XWZ3P"))
	waitUntil(t, "the OSC 52 clipboard sequence", func() bool {
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
	s.tm.Send(eventMsg{steps.Event{Step: testInfos[0], Kind: steps.EventDone}})
	scr = s.waitFor("Done so far")
	if strings.Contains(scr, "F Q K 7") {
		t.Error("device code still shown after sign-in finished")
	}
	s.key("ctrl+c")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if !errors.Is(fm.err, context.Canceled) {
		t.Fatalf("err after ctrl+c = %v", fm.err)
	}
}

func TestErrorRetryThenSummary(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	waitUntil(t, "the run to start", func() bool { return f.count() == 1 })

	reg := testInfos[2]
	fail := errors.New(`register the app: Graph answered 403 Authorization_RequestDenied: sign in as an Application Administrator, then retry`)
	s.tm.Send(eventMsg{steps.Event{Step: reg, Kind: steps.EventFailed, Err: fail}})
	s.tm.Send(runDoneMsg{err: fail})
	scr := s.waitFor("x Register the app failed", "Authorization_RequestDenied", "r retry")
	s.golden("error", scr)

	s.key("r")
	waitUntil(t, "the retry to start a run", func() bool { return f.count() == 2 })
	s.waitFor("Starting")

	sum := steps.Summary{
		AppName: "Appmixer", ClientID: "11111111-2222-3333-4444-555555555555", TenantID: "9188040d-6c67-4c5b-b112-36a304b66dad",
		Audience: "single-tenant", SecretHint: "Qx7…", SecretExpires: fixedNow.AddDate(2, 0, 0), SecretNew: true, TenantField: true,
		AppmixerURL: "https://api.acme.appmixer.cloud", CallbackURL: "https://api.acme.appmixer.cloud/auth/microsoft/callback",
		Steps: []steps.StepResult{{Step: reg, Status: "done", Changes: registerPlan.Changes[:2]}},
	}
	s.tm.Send(runDoneMsg{summary: sum, results: sum.Steps})
	scr = s.waitFor("The Microsoft connector is set up", "11111111-2222-3333-4444-555555555555", "more lines")
	s.golden("summary", scr)
	s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd})
	end := s.waitFor("rotate-secret", "(end; ↑ to scroll back)")
	s.golden("summary-end", end)
	flat := strings.Join(strings.Fields(paneText(scr)+" "+paneText(end)), " ")
	for _, want := range []string{"type this into the Tenant field: 9188040d-6c67-4c5b-b112-36a304b66dad", "expires 2028-11-27", "msconnector-wizard status", "+ account types: AzureADandPersonalMicrosoftAccount"} {
		if !strings.Contains(flat, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	s.key("enter")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if !fm.completed || fm.err != nil || fm.summary.ClientID != sum.ClientID {
		t.Fatalf("final: completed=%v err=%v client=%q", fm.completed, fm.err, fm.summary.ClientID)
	}
}

func TestCtrlCAtPlanAnswersQuitAndCancels(t *testing.T) {
	f := &fakeEngine{}
	cancelled := make(chan struct{})
	var once sync.Once
	s := newScreen(t, runningModel(f, func() { once.Do(func() { close(cancelled) }) }), 80, 24)
	reply := make(chan steps.Decision, 1)
	s.tm.Send(confirmMsg{info: testInfos[2], plan: registerPlan, reply: reply})
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
	if !errors.Is(fm.err, context.Canceled) {
		t.Fatalf("err = %v", fm.err)
	}
}

func TestResizeAndNarrowTerminal(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, runningModel(f, func() {}), 80, 24)
	s.tm.Send(eventMsg{steps.Event{Step: testInfos[2], Kind: steps.EventChecking}})
	scr := s.waitFor("Steps", "○ Summary")
	for i, l := range strings.Split(scr, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line %d is %d wide at 80 columns: %q", i, w, l)
		}
	}
	s.emu.Resize(50, 20)
	s.tm.Send(tea.WindowSizeMsg{Width: 50, Height: 20})
	scr = s.waitFor("step 3 of 6")
	if strings.Contains(scr, "○ Summary") {
		t.Error("sidebar still shown at 50 columns")
	}
	s.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	s.emu.Resize(100, 30)
	s.waitFor("○ Summary")
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestNoColorHonoured(t *testing.T) {
	run := func(t *testing.T, env []string) string {
		f := &fakeEngine{}
		s := newScreen(t, runningModel(f, func() {}), 80, 24, tea.WithEnvironment(env))
		s.tm.Send(confirmMsg{info: testInfos[2], plan: registerPlan, reply: make(chan steps.Decision, 1)})
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
