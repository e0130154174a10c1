package wizard

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// liveTUI is the real model, engine and Session on the emulators of a cmdEnv
// (an existing setup), under teatest + vt.
func liveTUI(t *testing.T, e *cmdEnv, first steps.Request) *screen {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	se := steps.NewSession(e.opts)
	eng := &engine{ctx: ctx, se: se}
	m := newModel(config{
		opts: e.opts, start: eng.start, setOptions: se.SetOptions, cancel: cancel,
		now: func() time.Time { return fixedNow }, first: first,
		signInNow: first.Command != "" && signInComplete(e.opts), // as RunTUI does
	})
	s := newScreen(t, m, 80, 24)
	eng.setSend(s.tm.Send)
	t.Cleanup(func() { cancel(); waitOrGiveUp(&eng.wg, 5*time.Second) })
	return s
}

// atTheMenu is an existing setup, signed in, at the start menu.
func atTheMenu(t *testing.T) (*cmdEnv, *screen) {
	t.Helper()
	e := newCmdEnv(t)
	s := liveTUI(t, e, steps.Request{})
	s.signInForm()
	s.waitFor("What would you like to do?")
	return e, s
}

// signInForm answers the pre-filled sign-in questions with Enter.
func (s *screen) signInForm() {
	s.t.Helper()
	for _, field := range []string{"┃ Appmixer API URL", "┃ Appmixer admin username", "┃ Appmixer admin password", "┃ Sign in to Azure with", "┃ Azure tenant"} {
		s.waitFor(field)
		s.key("enter")
	}
}

var (
	guidShape = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	dayShape  = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	daysShape = regexp.MustCompile(`in \d+ days`)
)

// scrub makes a live screen stable for a golden file: the emulators' URL,
// IDs, dates and the secret's random hint are replaced by fixed text.
func scrubber(e *cmdEnv) func(string) string {
	hint := e.secret()[:3] + "…" // taken now: teardown removes the secret
	return func(scr string) string { return scrub(e, hint, scr) }
}

func scrub(e *cmdEnv, hint, scr string) string {
	scr = strings.ReplaceAll(scr, e.amx.URL, "https://127.0.0.1:PORT")
	scr = strings.ReplaceAll(scr, hint, "***…")
	scr = guidShape.ReplaceAllString(scr, "00000000-0000-0000-0000-000000000000")
	scr = dayShape.ReplaceAllString(scr, "YYYY-MM-DD")
	return daysShape.ReplaceAllString(scr, "in N days")
}

func TestMenuStatusThenTeardownTypingTheName(t *testing.T) {
	e := newCmdEnv(t)
	app := e.az.Applications()[0]
	scrub := scrubber(e)
	s := liveTUI(t, e, steps.Request{})
	s.signInForm()

	// An existing setup: the start menu, not the setup questions.
	scr := s.waitFor("What would you like to do?", "Client ID     "+app.AppID, menuKey("teardown")+"  Tear down", "› 1  Set up")
	s.golden("menu", scrub(scr))

	s.key("down")
	scr = s.waitFor("› 2  Check status")
	s.key("enter")
	scr = s.waitFor("✓ All", "checks passed", "✓ Admin consent", "m menu")
	s.golden("status", scrub(scr))
	for range 6 {
		s.key("down")
	}
	s.waitFor("✓ Secret works", "✓ Tenant field")
	if n := e.writes(); n != 0 {
		t.Fatalf("status wrote %d times", n)
	}

	// Back to the menu; tear down; a wrong name is refused and keeps the app.
	s.key("m")
	s.waitFor("What would you like to do?")
	s.key(menuKey("teardown"))
	scr = s.waitFor("Delete the app", "To delete it, type the app's name: Appmixer", "esc keep the app")
	s.golden("teardown-confirm", scrub(scr))
	s.key("appmixer") // wrong case: not the exact name
	s.key("enter")
	scr = s.waitFor(`"appmixer" is not the app's name`)
	s.golden("teardown-refused", scrub(scr))
	s.key("y") // the plan screen's apply keys are just letters here
	s.key("enter")
	s.waitFor(`"y" is not the app's name`)
	if len(e.az.Applications()) != 1 || e.writes() != 0 {
		t.Fatalf("a refused name changed something: %d apps, %d writes", len(e.az.Applications()), e.writes())
	}

	// esc keeps the app and returns to the menu.
	s.key("esc")
	s.waitFor("What would you like to do?", "Tear down stopped at your request")
	if len(e.az.Applications()) != 1 || e.writes() != 0 {
		t.Fatal("esc at the teardown changed something")
	}

	// The right name proceeds; the Appmixer plan is an ordinary confirm.
	s.key(menuKey("teardown"))
	s.waitFor("To delete it, type the app's name: Appmixer")
	s.key("Appmixer")
	s.key("enter")
	s.waitFor("Clear Appmixer's keys", "appmixer:microsoft clientSecret", "Kept in appmixer:microsoft: customerKey", "enter apply")
	s.key("enter")
	scr = s.waitFor("✓ Torn down", "Removed the app \"Appmixer\"")
	s.golden("teardown-done", scrub(scr))

	// Without an app the menu offers only what can work: set up and status.
	s.key("m")
	scr = s.waitFor("Appmixer holds no Microsoft app now", "› 1  Set up", "Register the app and store it in Appmixer.", "2  Check status", "1-2 pick")
	if strings.Contains(scr, "Rotate") || strings.Contains(scr, "Tear down") {
		t.Fatalf("the menu offers what needs an app:\n%s", scr)
	}
	s.key(menuKey("teardown")) // not on the menu: ignored
	s.key("q")

	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	if out := fm.outcome(); out.Err != nil || out.Command != "teardown" {
		t.Fatalf("final outcome: %q, %v", out.Command, out.Err)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if n := len(e.az.Applications()); n != 0 || len(cfg) != 1 || cfg["customerKey"] != "keep me" {
		t.Fatalf("after teardown: %d apps, config keys %d (want only customerKey)", n, len(cfg))
	}
	for _, sp := range e.az.ServicePrincipals() { // the seeded ones (Graph, the automation app) stay
		if sp.AppID == app.AppID {
			t.Fatal("the app's service principal is left")
		}
	}
}

func TestStatusCommandInTUIOnExpiredSecret(t *testing.T) {
	e := newCmdEnv(t)
	e.expireSecret()
	s := liveTUI(t, e, steps.Request{Command: "status"}) // flags complete: no sign-in form
	scr := s.waitFor("problem(s)", "Secret expiry", "expired on")
	if strings.Contains(scr, "What would you like to do?") {
		t.Fatal("a command given on the command line must not show the menu")
	}
	s.key("enter")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	err := fm.outcome().ExitErr()
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("outcome = %v, want the status error naming the expired secret (exit 1)", err)
	}
	if e.writes() != 0 {
		t.Fatal("status wrote")
	}
}

func TestMenuTenantToggleAndRotate(t *testing.T) {
	e := newCmdEnv(t)
	old := e.secret()
	s := liveTUI(t, e, steps.Request{})
	s.signInForm()
	s.waitFor(menuKey("tenant") + "  Tenant field: turn on")
	s.key(menuKey("tenant"))
	s.waitFor("Tenant field", "enter apply")
	s.key("enter")
	s.waitFor("✓ Tenant field is on", e.az.TenantID)
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if cfg["microsoftTenant"] != "true" {
		t.Fatalf("microsoftTenant = %v after turning the field on", cfg["microsoftTenant"])
	}
	s.key("m")
	s.waitFor(menuKey("tenant") + "  Tenant field: turn off") // the menu follows what Appmixer now holds

	s.key(menuKey("rotate-secret"))
	s.applyUntil("The secret is rotated")
	now := e.secret()
	app := e.az.Applications()[0]
	if now == old || !e.az.SecretWorks(app.AppID, now) || len(app.PasswordCredentials) != 1 {
		t.Fatalf("after rotation: new secret stored %v, works %v, %d credentials", now != old, e.az.SecretWorks(app.AppID, now), len(app.PasswordCredentials))
	}
	s.pump()
	if raw := s.raw.String(); strings.Contains(raw, now[:4]) || strings.Contains(raw, old[:4]) {
		t.Fatal("more than a secret's 3-character hint reached the terminal")
	}
	s.key("enter")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestAccessibleTeardownNeedsTheExactName(t *testing.T) {
	e := newCmdEnv(t)
	run := func(typed string) (string, *steps.Outcome) {
		// URL, username, sign-in method, tenant: Enter keeps each; then the name;
		// then apply the Appmixer plan; the menu that follows gets the end of input.
		in := strings.Repeat("\n", 4) + typed + "\n" + "a\n"
		var out bytes.Buffer
		o := RunAccessible(context.Background(), steps.NewSession(e.opts), steps.Request{Command: "teardown"},
			UI{In: oneByteReader{strings.NewReader(in)}, Out: &out})
		return out.String(), o
	}
	out, o := run("Appmixer app")
	if !errors.Is(o.Err, steps.ErrQuit) || !strings.Contains(out, "That is not the app's name: the app is kept") {
		t.Fatalf("wrong name: err %v\n%s", o.Err, out)
	}
	if len(e.az.Applications()) != 1 || e.writes() != 0 {
		t.Fatal("a wrong name changed something")
	}
	out, o = run("Appmixer")
	if o.Err != nil {
		t.Fatalf("right name: %v\n%s", o.Err, out)
	}
	cfg, _ := e.amx.ServiceConfig(appmixer.ServiceID)
	if len(e.az.Applications()) != 0 || len(cfg) != 1 || !strings.Contains(out, `Removed the app "Appmixer"`) {
		t.Fatalf("after teardown: %d apps, %d keys\n%s", len(e.az.Applications()), len(cfg), out)
	}
}

func TestMenuQuitAfterAStoppedTeardownIsClean(t *testing.T) {
	e, s := atTheMenu(t)
	s.key(menuKey("teardown"))
	s.waitFor("To delete it, type the app's name")
	s.key("esc")
	s.waitFor("What would you like to do?", "Tear down stopped at your request: nothing was changed.")
	s.key("q")
	fm := s.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*model)
	out := fm.outcome()
	if out.ExitErr() != nil {
		t.Fatalf("quitting at the menu: %v, want a clean exit", out.ExitErr())
	}
	var left, leftErr bytes.Buffer
	fm.leaveResult(UI{Out: &left, Err: &leftErr}, out) // as RunTUI does
	if left.Len()+leftErr.Len() != 0 {
		t.Fatalf("the stopped teardown left a result in the terminal: %q %q", left.String(), leftErr.String())
	}
	if len(e.az.Applications()) != 1 || e.writes() != 0 {
		t.Fatal("the stopped teardown changed something")
	}
}

// "Set up" chosen in the menu: esc on its questions goes back to the menu,
// nothing changed.
func TestEscOnSetupQuestionsReturnsToTheMenu(t *testing.T) {
	e := newCmdEnv(t)
	s := liveTUI(t, e, steps.Request{})
	s.signInForm()
	s.waitFor("What would you like to do?", "› 1  Set up")
	s.key("enter")
	s.waitFor("┃ App registration name", "esc menu")
	s.key("esc")
	s.waitFor("What would you like to do?", "Setup cancelled: nothing was changed.")
	if n := e.writes(); n != 0 {
		t.Fatalf("%d writes after cancelling the setup questions", n)
	}
}

// A rotation quit after its new secret was made says so: "nothing changed"
// would be untrue.
func TestMenuRotationStoppedAfterTheNewSecretSaysSo(t *testing.T) {
	e, s := atTheMenu(t)
	s.key(menuKey("rotate-secret"))
	s.waitFor("New client secret", "enter apply")
	s.key("enter")
	s.waitFor("Saves clientId", "Will change", "enter apply") // the Store in Appmixer plan itself
	s.key("esc")
	s.waitFor("Rotate the secret stopped at your request after: New client", "Nothing else was changed", "What would you like to do?")
	if n := len(e.az.Applications()[0].PasswordCredentials); n != 2 {
		t.Fatalf("want the old and the unused new secret, got %d", n)
	}
	// Run again to finish: the unused secret goes too.
	s.key(menuKey("rotate-secret"))
	s.applyUntil("The secret is rotated")
	app := e.az.Applications()[0]
	if len(app.PasswordCredentials) != 1 || !e.az.SecretWorks(app.AppID, e.secret()) {
		t.Fatalf("after the second rotation: %d credentials, stored secret works %v", len(app.PasswordCredentials), e.az.SecretWorks(app.AppID, e.secret()))
	}
}

// applyUntil applies each plan once (enter) until the screen shows done.
func (s *screen) applyUntil(done string) {
	s.t.Helper()
	last := ""
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.pump()
		if strings.Contains(scr, done) {
			return
		}
		if strings.Contains(scr, "r retry") {
			s.t.Fatalf("the run failed:\n%s", scr)
		}
		if title := paneTitle(scr); strings.Contains(scr, "enter apply") && title != last {
			last = title
			s.key("enter")
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never saw %q:\n%s", done, scr)
		}
		time.Sleep(5 * time.Millisecond) // polling interval
	}
}

// menuKey is the start menu's digit for a command, when the menu offers
// every command of the table (an existing setup).
func menuKey(command string) string {
	for i, c := range steps.Commands {
		if c.Name == command {
			return strconv.Itoa(i + 1)
		}
	}
	panic("no command " + command)
}
