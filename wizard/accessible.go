package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// RunAccessible is the screen-reader mode: one question per line, no
// redrawing, no colours, every state said in words. It reads answers from any
// input (a terminal, a pipe, a script) and writes to any output (a terminal, a
// log). As in the TUI, the sign-in questions come first; an existing setup then
// gets the start menu, anything else the setup questions; after each command
// the menu is offered again until the person quits.
func RunAccessible(ctx context.Context, se *steps.Session, req steps.Request, ui UI) *steps.Outcome {
	ui = ui.withDefaults()
	defer keepTerminal(ui.In)()
	out := &lockedWriter{w: &colorprofile.Writer{Forward: ui.Out, Profile: colorprofile.NoTTY}}
	title := appTitle
	if req.Command != "" {
		title += ": " + req.Command
	}
	fmt.Fprintln(out, title)
	if ui.Demo {
		fmt.Fprintln(out, "DEMO: simulated Azure and Appmixer, nothing real changes.")
	}
	p := &plainSession{out: out, in: ui.In, ans: answersFrom(se.Options()), demo: ui.Demo, inv: ui.Inv}
	if ui.Demo {
		p.ans.forDemo(se.Options())
	}
	var last *steps.Outcome
	for {
		if !se.SignedIn() {
			if err := askAccessible(ctx, p.ans, out, ui.In, askSignIn); err != nil {
				return &steps.Outcome{Command: req.Command, Err: err}
			}
			o, err := p.ans.apply(se.Options())
			if err != nil {
				return &steps.Outcome{Command: req.Command, Err: err}
			}
			se.SetOptions(o)
		}
		o := se.Run(ctx, req, p, p.event)
		if errors.Is(o.Err, steps.ErrQuit) && o.FromMenu && o.Command == "" {
			// "Quit" at the menu is a choice, not a failure: the last
			// command's outcome stands, or nothing was asked of the run.
			if last == nil {
				last = &steps.Outcome{Summary: o.Summary}
			}
			return last
		}
		if errors.Is(o.Err, errEndOfInput) && last != nil && last.Err == nil {
			// The answers piped in ran out at the next question: the session
			// ends there, the last command's outcome stands.
			fmt.Fprintln(out, "The input ended: nothing more was done.")
			return last
		}
		last = o
		p.sayOutcome(o)
		if o.Err != nil && (errors.Is(o.Err, steps.ErrQuit) || errors.Is(o.Err, errEndOfInput) || errors.Is(o.Err, context.Canceled) || ctx.Err() != nil) {
			return o
		}
		if !se.SignedIn() {
			if !p.askAgain(ctx) {
				return o
			}
			continue
		}
		req = steps.Request{Menu: true}
	}
}

// plainSession is one accessible run: where it writes and reads, and the
// answers so far.
type plainSession struct {
	out  io.Writer
	in   io.Reader
	ans  *answers
	demo bool
	inv  invocation

	mu       sync.Mutex
	signedIn bool // both sign-ins were said; later commands do not repeat them
}

// event says one runner event as a line.
func (p *plainSession) event(ev steps.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Kind == steps.EventDeviceCode {
		// The code whole (to copy), then letter by letter (a screen reader spells it).
		fmt.Fprintf(p.out, "%s (spelled: %s)\n", deviceWords(ev.Device, "", nil), spaced(ev.Device.UserCode))
		if p.demo {
			fmt.Fprintln(p.out, "The demo approves the code by itself in a few seconds.")
		}
		return
	}
	if p.signedIn && isSignIn(ev.Step.ID) && ev.Kind != steps.EventFailed {
		return // said once already: later commands only read Appmixer's configuration again
	}
	if ev.Kind == steps.EventDone && ev.Step.ID == steps.IDSignInAppmixer {
		defer func() { p.signedIn = true }()
	}
	fmt.Fprint(p.out, eventLine(ev))
}

// sayOutcome says how a command ended: its report, or what failed and what to do.
func (p *plainSession) sayOutcome(o *steps.Outcome) {
	if o.Err != nil {
		if errors.Is(o.Err, steps.ErrQuit) {
			fmt.Fprintln(p.out, stoppedLine(o))
			return
		}
		fmt.Fprintln(p.out, "The run failed: "+o.Err.Error())
		if h, ok := hint.Of(o.Err); ok {
			if s := forQuestions(h, p.inv); s != "" {
				fmt.Fprintln(p.out, "What to do: "+s+".")
			}
		}
		return
	}
	sayReport(p.out, o, p.inv)
}

// askAgain offers to answer the sign-in questions again after a failed sign-in.
func (p *plainSession) askAgain(ctx context.Context) bool {
	again := true
	ask := func() error { return askYesNo(p.out, p.in, "Answer the sign-in questions again?", &again) }
	if err := interruptible(ctx, ask); err != nil {
		return false
	}
	fmt.Fprintln(p.out)
	return again
}

// Confirm asks about a plan; a plan that deletes wants the exact name typed.
func (p *plainSession) Confirm(ctx context.Context, q steps.Question) (steps.Decision, error) {
	lp := linePrompter{w: p.out, r: p.in}
	if q.Plan.ConfirmName == "" {
		return lp.Confirm(ctx, q)
	}
	showPlan(p.out, q.Step, q.Plan)
	name := q.Plan.ConfirmName
	fmt.Fprintf(p.out, "To delete it, type the app's name, %s, then Enter. Anything else keeps the app: ", name)
	line, err := readLineCtx(ctx, p.in)
	if cerr := ctx.Err(); cerr != nil {
		return steps.Quit, cerr // ctrl+c: nothing was deleted
	}
	if err != nil || strings.TrimSpace(line) != name {
		fmt.Fprintln(p.out, "That is not the app's name: the app is kept and nothing was deleted.")
		return steps.Quit, nil
	}
	return steps.Apply, nil
}

// Choose is the start menu as one numbered question, with Quit last; Enter
// keeps the first choice.
func (p *plainSession) Choose(ctx context.Context, m steps.Menu) (steps.MenuItem, error) {
	if m.ClientID != "" {
		fmt.Fprintf(p.out, "Appmixer uses the Microsoft app with client ID %s.\n", m.ClientID)
	} else {
		fmt.Fprintln(p.out, "Appmixer holds no Microsoft app now: set up makes one.")
	}
	opts := make([]huh.Option[int], 0, len(m.Items)+1)
	for i, it := range m.Items {
		opts = append(opts, huh.NewOption(it.Title+": "+it.About, i))
	}
	opts = append(opts, huh.NewOption("Quit", -1))
	choice := 0
	ask := func() error { return askChoice(p.out, p.in, "What would you like to do?", &choice, opts) }
	if err := interruptible(ctx, ask); errors.Is(err, errEndOfInput) {
		return steps.MenuItem{}, steps.ErrQuit // the answers ran out: leave as a person would
	} else if err != nil {
		return steps.MenuItem{}, fmt.Errorf("reading your answers: %w", err)
	}
	fmt.Fprintln(p.out)
	if choice < 0 {
		return steps.MenuItem{}, steps.ErrQuit
	}
	return m.Items[choice], nil
}

// Setup asks the setup questions.
func (p *plainSession) Setup(ctx context.Context, o steps.Options) (steps.Options, error) {
	if err := askAccessible(ctx, p.ans, p.out, p.in, askSetup); err != nil {
		return o, err
	}
	return p.ans.apply(o)
}

// askPhase is which questions askAccessible asks.
type askPhase int

const (
	askSignIn askPhase = iota // Appmixer URL and account, Azure sign-in
	askSetup                  // what the setup makes
)

// askAccessible asks one phase's inputs as plain line questions. Enter keeps
// the value shown in brackets (from flags or env).
func askAccessible(ctx context.Context, a *answers, w io.Writer, r io.Reader, phase askPhase) error {
	input := func(title, about string, v *string, check func(string) error) error {
		if about != "" {
			fmt.Fprintln(w, about)
		}
		return askText(w, r, title, v, check)
	}
	choose := func(title, about string, v *string, opts []huh.Option[string]) error {
		if about != "" {
			fmt.Fprintln(w, about)
		}
		return askChoice(w, r, title, v, opts)
	}
	type ask struct {
		phase askPhase
		run   func() error
	}
	asks := []ask{
		{askSignIn, func() error {
			return input("Appmixer API URL", "The REST API base, e.g. https://api.acme.appmixer.cloud", &a.URL, a.checkURL)
		}},
		{askSignIn, func() error {
			if a.hasToken {
				return nil
			}
			return input("Appmixer admin username", a.usernameHelp(), &a.Username, required("the username"))
		}},
		{askSignIn, func() error { return askPassword(a, w, r) }},
		{askSignIn, func() error { return choose("Sign in to Azure with", authHelp, &a.Auth, authOptions) }},
		{askSignIn, func() error {
			return input("Azure tenant (optional)", tenantHelp, &a.Tenant, a.checkTenant)
		}},
		{askSetup, func() error {
			return input("App registration name", appNameHelp, &a.AppName, required("the app name"))
		}},
		{askSetup, func() error {
			return input("Client secret expiry", steps.ExpiryRule, &a.Expiry, validateExpiry)
		}},
		{askSetup, func() error { return choose("Supported account types", audienceHelp, &a.Audience, audienceOptions) }},
		{askSetup, func() error { return choose("API permissions", permissionHelp, &a.Permissions, permissionOptions) }},
		{askSetup, func() error {
			if a.Permissions != customPermissions {
				return nil
			}
			return input("Custom permissions (comma list)", customHelp, &a.Custom, a.validateCustom)
		}},
		{askSetup, func() error {
			for {
				if err := choose("Tenant field in Appmixer", tenantFieldHelp, &a.TenantField, tenantFieldOptions); err != nil {
					return err
				}
				if err := a.validateTenantField(a.TenantField); err != nil {
					fmt.Fprintln(w, err)
					continue
				}
				return nil
			}
		}},
		{askSetup, func() error {
			fmt.Fprintln(w, consentHelp)
			return askYesNo(w, r, "Grant admin consent now?", &a.AdminConsent)
		}},
	}
	for _, q := range asks {
		if q.phase != phase {
			continue
		}
		if err := interruptible(ctx, q.run); err != nil {
			return fmt.Errorf("reading your answers: %w", err)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// askPassword asks without echo on a terminal; from a pipe it reads a line.
func askPassword(a *answers, w io.Writer, r io.Reader) error {
	if a.Password != "" || a.hasToken {
		return nil
	}
	if f, ok := r.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return huh.NewInput().Title("Appmixer admin password (hidden):").EchoMode(huh.EchoModePassword).
			Value(&a.Password).Validate(a.validatePassword).RunAccessible(w, r)
	}
	for {
		fmt.Fprint(w, "Appmixer admin password: ")
		line, err := readLine(r)
		if err != nil {
			return fmt.Errorf("the password: %w", err)
		}
		if err := a.validatePassword(line); err != nil {
			fmt.Fprintln(w, err)
			continue
		}
		a.Password = line
		return nil
	}
}

// linePrompter shows a plan as plain lines and reads apply / skip / quit.
type linePrompter struct {
	w io.Writer
	r io.Reader
}

func (p linePrompter) Confirm(ctx context.Context, q steps.Question) (steps.Decision, error) {
	info, plan := q.Step, q.Plan
	showPlan(p.w, info, plan)
	choices, letters := "a (or just Enter) to apply, q to quit", "a or q"
	if plan.Skippable {
		choices, letters = "a (or just Enter) to apply, s to skip, q to quit", "a, s or q"
	}
	for {
		if err := ctx.Err(); err != nil {
			return steps.Quit, err
		}
		fmt.Fprintf(p.w, "Apply? Type %s, then Enter: ", choices)
		line, err := readLineCtx(ctx, p.r)
		if err != nil {
			return steps.Quit, ctx.Err() // interrupted; or end of input: stop safely
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "a", "apply", "y", "yes", "":
			return steps.Apply, nil
		case "s", "skip":
			if plan.Skippable {
				return steps.Skip, nil
			}
			fmt.Fprintln(p.w, cannotSkip+" Type a to apply it, or q to stop.")
		case "q", "quit", "n", "no":
			return steps.Quit, nil
		default:
			fmt.Fprintf(p.w, "Please type %s.\n", letters)
		}
	}
}

// keepTerminal saves a terminal's mode and returns what puts it back: a
// question left unanswered by ctrl+c may have turned echo off (the password).
func keepTerminal(in io.Reader) func() {
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return func() {}
	}
	st, err := term.GetState(f.Fd())
	if err != nil {
		return func() {}
	}
	return func() { term.Restore(f.Fd(), st) }
}

// interruptible runs a blocking question and returns at once when ctx ends
// (ctrl+c), instead of after the next Enter; the read it leaves behind ends
// with the process.
func interruptible(ctx context.Context, ask func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- ask() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readLineCtx is readLine that gives up when ctx ends.
func readLineCtx(ctx context.Context, r io.Reader) (line string, err error) {
	err = interruptible(ctx, func() error {
		var e error
		line, e = readLine(r)
		return e
	})
	return line, err
}

// readLine reads up to a newline one byte at a time, so nothing after the
// line is taken from r (huh's accessible prompts read the same input).
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			return "", err
		}
	}
}

// eventLine is one event in words, or "" when it says nothing new.
func eventLine(ev steps.Event) string {
	t := ev.Step.Title
	switch ev.Kind {
	case steps.EventChecking:
		return orText(ev.Step.Checking, t+": checking what exists") + "…\n"
	case steps.EventApplying:
		return t + ": applying…\n"
	case steps.EventProgress:
		return t + ": " + ev.Message + "\n"
	case steps.EventDone:
		return "Done: " + t + ", " + doneWords(ev) + ".\n"
	case steps.EventSkipped:
		return "Skipped: " + t + ", " + orText(ev.Message, "skipped") + ".\n"
	case steps.EventFailed:
		return "Failed: " + errString(ev.Err) + "\n"
	}
	return ""
}

// doneWords says what a finished step did: its changes, or for a read-only
// step (a sign-in, a check, the verification) what it found.
func doneWords(ev steps.Event) string {
	if ev.Step.ReadOnly && len(ev.Plan.Found) > 0 {
		return strings.Join(ev.Plan.Found, "; ")
	}
	return changeCount(ev.Changed)
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// lockedWriter serialises writes from the runner's concurrent checks.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
