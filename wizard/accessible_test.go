package wizard

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// oneByteReader hands out one byte per Read, as a line-buffered terminal
// would hand out one line: huh's accessible prompts each wrap the reader in
// their own scanner, so a bigger read would swallow the next answer.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func demoOptions(t *testing.T) steps.Options {
	t.Helper()
	az := azuretest.NewServer(azuretest.WithDeviceCodeAutoApprove(100*time.Millisecond),
		azuretest.WithReplicationDelay(100*time.Millisecond), azuretest.WithSecretPropagationDelay(100*time.Millisecond))
	amx := appmixertest.NewServer()
	t.Cleanup(func() { az.Close(); amx.Close() })
	return steps.Options{
		AzureHTTP: az.Client(), AppmixerHTTP: amx.Client(),
		AuthorityHost: az.URL, GraphURL: az.URL, Tenant: az.TenantID, AuthMethod: "device", Cloud: "public",
		AppmixerUsername: appmixertest.DefaultAdminUsername,
		AppmixerPassword: steps.NewSecret(appmixertest.DefaultAdminPassword),
		AppmixerURL:      amx.URL,
		StateDir:         t.TempDir(),
	}
}

func TestAccessibleRunAgainstEmulators(t *testing.T) {
	o := demoOptions(t)
	url := o.AppmixerURL
	o.AppmixerURL = "" // typed, first wrong, then right
	answers := strings.Join([]string{
		"http://api.acme.appmixer.cloud", // refused: plain http to a non-loopback host
		url,
		"",  // username (pre-filled)
		"",  // sign-in: device code
		"",  // tenant: pre-filled
		"",  // app name
		"",  // expiry
		"",  // account types: default
		"",  // permissions: default
		"2", // tenant field: on
		"",  // admin consent: no
	}, "\n") + "\n" + strings.Repeat("a\n", 20)
	var out bytes.Buffer
	res := RunAccessible(context.Background(), steps.NewSession(o), steps.Request{}, UI{In: oneByteReader{strings.NewReader(answers)}, Out: &out, Demo: true})
	text := out.String()
	if res.Err != nil {
		t.Fatalf("RunAccessible: %v\n%s", res.Err, text)
	}
	sum := res.Summary
	for _, want := range []string{
		"plain http",                // the URL was checked as given
		"To sign in to Azure, open", // the device code, in words
		"The demo approves the code by itself",
		"Done: Sign in to Azure, signed in as", // who signed in
		"Will change:",                         // a plan was shown
		"Apply? Type a",                        // and asked
		"The Microsoft connector is set up.",
		"Client ID: " + sum.ClientID,
		"Done: Verify, Entra ID issued a token for client " + sum.ClientID, // what the verification proved
		"they type " + sum.TenantID,
		"rotate-secret",
		"What would you like to do?", // then the start menu's actions
		"Rotate the secret",
		"Shown to users on Microsoft's consent screen.", // the app-name question has its description
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if sum.ClientID == "" || !sum.TenantField || !sum.SecretNew {
		t.Errorf("summary = %+v", sum)
	}
	if strings.Contains(text, "Summary: checking") {
		t.Error("a step with nothing to say was said")
	}
	if strings.Contains(text, appmixertest.DefaultAdminPassword) {
		t.Error("the password was printed")
	}
	if m := clientSecretShape.FindString(text); m != "" {
		t.Errorf("a client secret was printed (hint %s…)", m[:3])
	}
	if strings.Contains(text, "\x1b[") {
		t.Errorf("accessible output has escape sequences:\n%q", text[:min(len(text), 1500)])
	}
}

func TestAccessibleQuitAtPlan(t *testing.T) {
	o := demoOptions(t)
	answers := strings.Repeat("\n", 10) + "q\n"
	var out bytes.Buffer
	res := RunAccessible(context.Background(), steps.NewSession(o), steps.Request{}, UI{In: oneByteReader{strings.NewReader(answers)}, Out: &out})
	if !errors.Is(res.Err, steps.ErrQuit) {
		t.Fatalf("err = %v, want steps.ErrQuit\n%s", res.Err, out.String())
	}
}

func TestLinePrompterSkipOnlyWhenSkippable(t *testing.T) {
	var out bytes.Buffer
	p := linePrompter{w: &out, r: oneByteReader{strings.NewReader("s\nx\na\n")}}
	d, err := p.Confirm(context.Background(), steps.Question{Step: testInfos[2], Plan: registerPlan})
	if err != nil || d != steps.Apply {
		t.Fatalf("decision %v, %v; want Apply after refusing skip", d, err)
	}
	if !strings.Contains(out.String(), "cannot be skipped") || !strings.Contains(out.String(), "Please type a or q") {
		t.Errorf("output:\n%s", out.String())
	}
	sk := registerPlan
	sk.Skippable = true
	p = linePrompter{w: &out, r: oneByteReader{strings.NewReader("skip\n")}}
	if d, _ := p.Confirm(context.Background(), steps.Question{Step: testInfos[3], Plan: sk}); d != steps.Skip {
		t.Fatalf("decision %v, want Skip", d)
	}
	p = linePrompter{w: &out, r: strings.NewReader("")}
	if d, _ := p.Confirm(context.Background(), steps.Question{Step: testInfos[3], Plan: sk}); d != steps.Quit {
		t.Fatalf("at end of input: decision %v, want Quit", d)
	}
}

// An existing setup gets the start menu after the sign-in, as in the TUI:
// Enter keeps "Set up"; a number picks a command, run on the same sign-in.
func TestAccessibleStartMenu(t *testing.T) {
	// Signed in by device code, so each Azure sign-in says so once.
	e := newCmdEnv(t, azuretest.WithDeviceCodeAutoApprove(50*time.Millisecond))
	e.opts.AuthMethod = "device"
	app := e.az.Applications()[0]
	signIn := strings.Repeat("\n", 4) // URL, username, sign-in method, tenant: Enter keeps each
	run := func(in string) (string, steps.Summary, error) {
		var out bytes.Buffer
		res := RunAccessible(context.Background(), steps.NewSession(e.opts), steps.Request{}, UI{In: oneByteReader{strings.NewReader(in)}, Out: &out})
		return out.String(), res.Summary, res.Err
	}

	out, _, err := run(signIn + "2\n")
	if err != nil {
		t.Fatalf("status from the menu: %v\n%s", err, out)
	}
	for _, want := range []string{"Appmixer uses the Microsoft app with client ID " + app.AppID, "What would you like to do?",
		"Check status", "Tear down", "OK, Secret works", "checks passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "App registration name") {
		t.Error("status asked the setup questions")
	}
	if n := strings.Count(out, "Done: Sign in to Azure"); n != 1 {
		t.Errorf("the sign-in was said %d times", n)
	}
	if n := strings.Count(out, "To sign in to Azure"); n != 1 {
		t.Errorf("%d device codes for one sign-in", n)
	}
	if n := e.writes(); n != 0 {
		t.Fatalf("status from the menu wrote %d times", n)
	}

	// Enter: set up, with its questions, on the existing app.
	out, sum, err := run(signIn + "\n" + strings.Repeat("\n", 6) + strings.Repeat("a\n", 10))
	if err != nil {
		t.Fatalf("setup from the menu: %v\n%s", err, out)
	}
	if !strings.Contains(out, "App registration name") || sum.ClientID != app.AppID || len(e.az.Applications()) != 1 {
		t.Fatalf("setup from the menu: client ID %s (want %s), %d apps\n%s", sum.ClientID, app.AppID, len(e.az.Applications()), out)
	}
	// With auth "environment" this count was always 0 and "> 1" could not
	// fail; by device code, a second sign-in in the run shows a second code.
	if n := strings.Count(out, "To sign in to Azure"); n != 1 {
		t.Errorf("signed in to Azure %d times in one run", n)
	}
}

// ctrl+c at a question ends the run at once (not after the next Enter), as
// an interruption: main turns context.Canceled into exit 130.
func TestAccessibleCtrlCAtAQuestionStopsAtOnce(t *testing.T) {
	o := demoOptions(t)
	in, typing := io.Pipe()
	defer typing.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunAccessible(ctx, steps.NewSession(o), steps.Request{}, UI{In: oneByteReader{in}, Out: out}).Err
	}()
	io.WriteString(typing, "\n") // the URL; the username question is next
	testwait.Until(t, 10*time.Second, "the username question", func() bool { return strings.Contains(out.String(), "Appmixer admin username") })
	cancel() // what SIGINT does in main
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl+c at a question did not stop the run")
	}
	if strings.Contains(out.String(), "App registration name") {
		t.Fatal("went on asking after ctrl+c")
	}
}

// syncBuffer is a bytes.Buffer a test reads while the run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Piped answers that run out at a question end the session there: the last
// command's outcome stands, and the menu is not offered again to nobody.
func TestAccessibleInputEndingAtAQuestionEndsTheSession(t *testing.T) {
	e := newCmdEnv(t)
	signIn := strings.Repeat("\n", 4)
	var out bytes.Buffer
	res := RunAccessible(context.Background(), steps.NewSession(e.opts), steps.Request{},
		UI{In: oneByteReader{strings.NewReader(signIn + "2\n" + "1\n")}, Out: &out})
	if res.Err != nil || res.Command != "status" {
		t.Fatalf("outcome %q, %v\n%s", res.Command, res.Err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "The input ended: nothing more was done.") || strings.Contains(text, "The run failed") {
		t.Fatalf("output:\n%s", text)
	}
	if n := strings.Count(text, "What would you like to do?"); n != 2 {
		t.Fatalf("the menu was offered %d times, want 2 (before status, before setup):\n%s", n, text)
	}
}
