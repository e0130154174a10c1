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

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// runAccessible is the screen-reader mode: one question per line, no
// redrawing, no colours, every state said in words. As in the TUI, the
// sign-in questions come first; an existing setup then gets the start menu,
// anything else the setup questions.
func runAccessible(ctx context.Context, o steps.Options, ui UI) (steps.Summary, error) {
	p, base, err := plainSignIn(ctx, appTitle, o, ui)
	if err != nil {
		return summarize(base), err
	}
	if base.Config["clientId"] != "" {
		c, err := p.askMenu(ctx, base)
		if err != nil {
			return summarize(base), err
		}
		if c.Name != actSetup {
			return summarize(base), p.runCommand(ctx, c, base)
		}
	}
	if err := askAccessible(ctx, p.ans, p.out, p.in, askSetup); err != nil {
		return summarize(base), err
	}
	opts, err := p.ans.apply(base.Opts)
	if err != nil {
		return summarize(base), err
	}
	s := steps.NewState(opts)
	s.ShareSignIn(base)
	results, err := p.run(ctx, s, steps.SetupFlow(opts), p.prompter())
	sum := s.Summarize(results)
	if err != nil {
		return sum, err
	}
	writePlainSummary(p.out, sum, programName())
	return sum, nil
}

// plainSession is one accessible run: where it writes and reads, and the
// answers so far.
type plainSession struct {
	out      io.Writer
	in       io.Reader
	ans      *answers
	signedIn bool // both sign-ins were said
}

// plainSignIn writes the title, asks the sign-in questions and signs in to
// both services; the state it returns holds the sessions the next flow shares.
func plainSignIn(ctx context.Context, title string, o steps.Options, ui UI) (*plainSession, *steps.State, error) {
	// Plain text only: huh's field titles carry styles, which a screen
	// reader would read out or a log would keep as escape codes.
	out := &lockedWriter{w: &colorprofile.Writer{Forward: ui.Out, Profile: colorprofile.NoTTY}}
	fmt.Fprintln(out, title)
	if ui.Demo {
		fmt.Fprintln(out, "DEMO: simulated Azure and Appmixer, nothing real changes.")
	}
	p := &plainSession{out: out, in: ui.In, ans: answersFrom(o)}
	if err := askAccessible(ctx, p.ans, out, ui.In, askSignIn); err != nil {
		return p, nil, err
	}
	opts, err := p.ans.apply(o)
	if err != nil {
		return p, nil, err
	}
	opts.OnDeviceCode = func(dc steps.DeviceCode) {
		fmt.Fprintf(out, "To sign in to Azure, open %s and enter the code %s\n", dc.VerificationURL, spaced(dc.UserCode))
	}
	base := steps.NewState(opts)
	_, err = p.run(ctx, base, steps.SetupFlow(opts)[:1], p.prompter())
	return p, base, err
}

func (p *plainSession) prompter() linePrompter { return linePrompter{w: p.out, r: p.in} }

// run runs a flow on s, each event a line, each plan asked by prompt.
func (p *plainSession) run(ctx context.Context, s *steps.State, flow []steps.Stage, prompt steps.Prompter) ([]steps.StepResult, error) {
	rn := &steps.Runner{
		Stages: flow,
		Prompt: prompt,
		Observe: func(ev steps.Event) {
			if p.signedIn && isSignIn(ev.Step.ID) && ev.Kind != steps.EventFailed {
				return // said once already: the next flow only re-reads Appmixer's configuration
			}
			fmt.Fprint(p.out, eventLine(ev))
		},
		DryRun: s.Opts.DryRun,
	}
	results, err := rn.Run(ctx, s)
	p.signedIn = p.signedIn || s.Graph != nil && s.Appmixer != nil
	return results, err
}

// askMenu is the start menu as one question; Enter keeps "Set up".
func (p *plainSession) askMenu(ctx context.Context, base *steps.State) (Command, error) {
	items := startMenu(base.Summarize(nil).TenantField)
	fmt.Fprintf(p.out, "Appmixer already uses the Microsoft app with client ID %s.\n", base.Config["clientId"])
	opts := make([]huh.Option[int], len(items))
	for i, it := range items {
		opts[i] = huh.NewOption(it.title+": "+it.about, i)
	}
	choice := 0
	ask := func() error {
		return huh.NewSelect[int]().Title("What would you like to do?").Options(opts...).Value(&choice).RunAccessible(p.out, p.in)
	}
	if err := interruptible(ctx, ask); err != nil {
		return Command{}, fmt.Errorf("reading your answers: %w", err)
	}
	fmt.Fprintln(p.out)
	return items[choice].cmd, nil
}

func summarize(s *steps.State) steps.Summary {
	if s == nil {
		return steps.Summary{}
	}
	return s.Summarize(nil)
}

// askPhase is which questions askAccessible asks.
type askPhase int

const (
	askSignIn askPhase = iota // Appmixer URL and account, Azure sign-in
	askSetup                  // what the setup makes
)

// askAccessible asks one phase's inputs with huh's accessible fields. Enter
// keeps the value shown in brackets (from flags or env).
func askAccessible(ctx context.Context, a *answers, w io.Writer, r io.Reader, phase askPhase) error {
	input := func(title, about string, v *string, check func(string) error) error {
		if about != "" {
			fmt.Fprintln(w, about)
		}
		if *v != "" {
			title += " [" + *v + "]"
		}
		keep := func(s string) error {
			if strings.TrimSpace(s) == "" {
				s = *v
			}
			return check(s)
		}
		return huh.NewInput().Title(title+":").Value(v).Validate(keep).RunAccessible(w, r)
	}
	choose := func(title, about string, v *string, opts []huh.Option[string]) error {
		if about != "" {
			fmt.Fprintln(w, about)
		}
		return huh.NewSelect[string]().Title(title).Options(opts...).Value(v).RunAccessible(w, r)
	}
	type ask struct {
		phase askPhase
		run   func() error
	}
	asks := []ask{
		{askSignIn, func() error {
			return input("Appmixer API URL", "The REST API base, e.g. https://api.acme.appmixer.cloud", &a.URL, validateURL)
		}},
		{askSignIn, func() error {
			if a.hasToken {
				return nil
			}
			return input("Appmixer admin username", "", &a.Username, required("the username"))
		}},
		{askSignIn, func() error { return askPassword(a, w, r) }},
		{askSignIn, func() error { return choose("Sign in to Azure with", "", &a.Auth, authOptions) }},
		{askSignIn, func() error {
			return input("Azure tenant (optional, Enter for your home tenant)", "", &a.Tenant, func(string) error { return nil })
		}},
		{askSetup, func() error {
			return input("App registration name", "", &a.AppName, required("the app name"))
		}},
		{askSetup, func() error {
			return input("Client secret expiry", "24 months is the portal's furthest; or 730d, 2y, 2027-12-31.", &a.Expiry, validateExpiry)
		}},
		{askSetup, func() error { return choose("Supported account types", audienceHelp, &a.Audience, audienceOptions) }},
		{askSetup, func() error { return choose("API permissions", permissionHelp, &a.Permissions, permissionOptions) }},
		{askSetup, func() error {
			if a.Permissions != customPermissions {
				return nil
			}
			return input("Custom permissions (comma list)", "", &a.Custom, a.validateCustom)
		}},
		{askSetup, func() error { return choose("Tenant field in Appmixer", "", &a.TenantField, tenantFieldOptions) }},
		{askSetup, func() error {
			return huh.NewConfirm().Title("Grant admin consent now?").Value(&a.AdminConsent).RunAccessible(w, r)
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

func (p linePrompter) Confirm(ctx context.Context, info steps.Info, plan steps.Plan) (steps.Decision, error) {
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
			fmt.Fprintln(p.w, "This step cannot be skipped: the setup would not work without it.")
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
		return t + ": checking what exists…\n"
	case steps.EventApplying:
		return t + ": applying…\n"
	case steps.EventProgress:
		return t + ": " + ev.Message + "\n"
	case steps.EventDone:
		return "Done: " + t + ", " + changeCount(ev.Changed) + ".\n"
	case steps.EventSkipped:
		return "Skipped: " + t + ", " + cmpOr(ev.Message, "skipped") + ".\n"
	case steps.EventFailed:
		return "Failed: " + errString(ev.Err) + "\n"
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func writePlainSummary(w io.Writer, s steps.Summary, cmd string) {
	fmt.Fprintln(w)
	if s.DryRun {
		fmt.Fprintln(w, "Dry run: nothing was changed.")
	} else {
		fmt.Fprintln(w, "The Microsoft connector is set up.")
	}
	fmt.Fprintf(w, "Client ID (Appmixer clientId): %s\n", s.ClientID)
	fmt.Fprintf(w, "Tenant ID: %s\n", s.TenantID)
	if !s.SecretExpires.IsZero() {
		fmt.Fprintf(w, "Client secret: %s, expires %s\n", s.SecretHint, s.SecretExpires.Format("2006-01-02"))
	}
	if s.TenantField {
		fmt.Fprintf(w, "Tenant field is on: users type %s into the Tenant field when they connect.\n", s.TenantID)
	} else {
		fmt.Fprintln(w, "Tenant field is off.")
	}
	for _, r := range s.Steps {
		for _, c := range r.Changes {
			fmt.Fprintf(w, "Changed, %s: %s\n", r.Step.Title, c)
		}
	}
	fmt.Fprintln(w, laterLine(cmd)+" Running again is safe.")
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
