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
// redrawing, no colours, every state said in words.
func runAccessible(ctx context.Context, o steps.Options, ui UI) (steps.Summary, error) {
	// Plain text only: huh's field titles carry styles, which a screen
	// reader would read out or a log would keep as escape codes.
	w := &colorprofile.Writer{Forward: ui.Out, Profile: colorprofile.NoTTY}
	r := ui.In
	out := &lockedWriter{w: w}
	fmt.Fprintln(out, appTitle)
	if ui.Demo {
		fmt.Fprintln(out, "DEMO: simulated Azure and Appmixer, nothing real changes.")
	}
	a := answersFrom(o)
	if err := askAccessible(a, out, r, true); err != nil {
		return steps.Summary{}, err
	}
	opts, err := a.apply(o)
	if err != nil {
		return steps.Summary{}, err
	}
	opts.OnDeviceCode = func(dc steps.DeviceCode) {
		fmt.Fprintf(out, "To sign in to Azure, open %s and enter the code %s\n", dc.VerificationURL, spaced(dc.UserCode))
	}
	s := steps.NewState(opts)
	rn := &steps.Runner{
		Stages:  steps.SetupFlow(opts),
		Prompt:  linePrompter{w: out, r: r},
		Observe: func(ev steps.Event) { fmt.Fprint(out, eventLine(ev)) },
		DryRun:  opts.DryRun,
	}
	results, err := rn.Run(ctx, s)
	sum := s.Summarize(results)
	if err != nil {
		return sum, err
	}
	writePlainSummary(out, sum, programName())
	return sum, nil
}

// askAccessible asks the inputs with huh's accessible fields: the sign-in
// ones, and with setup also what the setup makes. Enter keeps the value shown
// in brackets (from flags or env).
func askAccessible(a *answers, w io.Writer, r io.Reader, setup bool) error {
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
		setupOnly bool
		run       func() error
	}
	asks := []ask{
		{false, func() error {
			return input("Appmixer API URL", "The REST API base, e.g. https://api.acme.appmixer.cloud", &a.URL, validateURL)
		}},
		{false, func() error {
			if a.hasToken {
				return nil
			}
			return input("Appmixer admin username", "", &a.Username, required("the username"))
		}},
		{false, func() error { return askPassword(a, w, r) }},
		{true, func() error {
			return input("App registration name", "", &a.AppName, required("the app name"))
		}},
		{true, func() error {
			return input("Client secret expiry", "24 months is the portal's furthest; or 730d, 2y, 2027-12-31.", &a.Expiry, validateExpiry)
		}},
		{true, func() error { return choose("Supported account types", audienceHelp, &a.Audience, audienceOptions) }},
		{true, func() error { return choose("API permissions", permissionHelp, &a.Permissions, permissionOptions) }},
		{true, func() error {
			if a.Permissions != customPermissions {
				return nil
			}
			return input("Custom permissions (comma list)", "", &a.Custom, a.validateCustom)
		}},
		{true, func() error { return choose("Tenant field in Appmixer", "", &a.TenantField, tenantFieldOptions) }},
		{true, func() error {
			return huh.NewConfirm().Title("Grant admin consent now?").Value(&a.AdminConsent).RunAccessible(w, r)
		}},
		{false, func() error { return choose("Sign in to Azure with", "", &a.Auth, authOptions) }},
		{false, func() error {
			return input("Azure tenant (optional, Enter for your home tenant)", "", &a.Tenant, func(string) error { return nil })
		}},
	}
	for _, q := range asks {
		if q.setupOnly && !setup {
			continue
		}
		if err := q.run(); err != nil {
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
	choices := "a to apply, q to quit"
	if plan.Skippable {
		choices = "a to apply, s to skip, q to quit"
	}
	for {
		if err := ctx.Err(); err != nil {
			return steps.Quit, err
		}
		fmt.Fprintf(p.w, "Apply? Type %s, then Enter: ", choices)
		line, err := readLine(p.r)
		if err != nil {
			return steps.Quit, nil // end of input: stop safely
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
			fmt.Fprintln(p.w, "Please type a, s or q.")
		}
	}
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
		fmt.Fprintf(w, "Client secret %s expires %s\n", s.SecretHint, s.SecretExpires.Format("2006-01-02"))
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
	fmt.Fprintf(w, "Check later with: %s status. New secret: %s rotate-secret. Running again is safe.\n", cmd, cmd)
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
