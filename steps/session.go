package steps

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// Session is one person's (or script's) time with the program: it signs in
// once and runs commands on that sign-in. The TUI, the accessible mode and
// headless all drive it; they differ only in their Prompter and in how they
// render events and outcomes.
type Session struct {
	mu     sync.Mutex
	opts   Options
	signed *SignedIn
	last   *attempt // the last command run, for Retry
}

// attempt is one command's run: its state and flow are kept, so a retry
// neither loses a minted secret nor asks the setup questions again.
type attempt struct {
	cmd      Command
	arg      string
	st       *State
	flow     []Stage
	fromMenu bool
	signIn   []StepResult
}

// Request says what Run should do.
type Request struct {
	Command string // a command of the table; "" = the start menu for an existing setup, else setup
	Arg     string // its word (tenant on|off)
	Menu    bool   // with Command "": offer the start menu even when Appmixer holds no app
	Retry   bool   // run the last command again on its own state
}

// NewSession starts a session with the run's inputs; nothing is signed in yet.
func NewSession(o Options) *Session { return &Session{opts: o.withDefaults(), signed: &SignedIn{}} }

// Options are the session's inputs as they stand (a form may have changed them).
func (se *Session) Options() Options {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.opts
}

// SetOptions replaces the inputs (a corrected sign-in form): a sign-in whose
// inputs changed is done again on the next Run; the other is kept.
func (se *Session) SetOptions(o Options) {
	se.mu.Lock()
	defer se.mu.Unlock()
	se.opts = o.withDefaults()
}

// SignedIn reports whether both sign-ins succeeded.
func (se *Session) SignedIn() bool {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.signed.Graph != nil && se.signed.Appmixer != nil
}

// Signed is what the sign-ins established (nil parts until they succeed).
func (se *Session) Signed() SignedIn {
	se.mu.Lock()
	defer se.mu.Unlock()
	return *se.signed
}

// SignInAzure signs in to Azure alone, before any command: an inventory signs
// in once per tenant this way and hands the sign-in on with ShareAzure.
// observe gets the sign-in's events (the device code among them).
func (se *Session) SignInAzure(ctx context.Context, observe func(Event)) error {
	rn := &Runner{Stages: []Stage{{SignInAzure{}}}, Observe: observe}
	_, err := rn.Run(ctx, se.newState(se.Options()))
	return err
}

// ShareAzure gives this session the Azure sign-in of from (signed in with
// the same AzureKey), so its commands sign in to Appmixer only.
func (se *Session) ShareAzure(from *Session) {
	src := from.Signed()
	se.mu.Lock()
	defer se.mu.Unlock()
	sg := se.signed
	sg.Azure, sg.Graph, sg.TenantID, sg.AzureUser, sg.azureWith = src.Azure, src.Graph, src.TenantID, src.AzureUser, src.azureWith
	sg.azureShared = true
}

// AzureKey is what an Azure sign-in depends on: sessions whose options have
// the same key can share one sign-in.
func AzureKey(o Options) string { return azureInputs(o.withDefaults()) }

// Infos is the sidebar of a command: the sign-ins, then its flow.
func Infos(name string, o Options) []Info {
	infos := FlowInfo([]Stage{SignInStage()})
	if c, ok := LookupCommand(name); ok {
		infos = append(infos, FlowInfo(c.Flow(o))...)
	}
	return infos
}

// Run signs in (or, signed in, reads Appmixer's configuration again), offers
// the start menu where there is a setup, asks the setup questions for setup,
// runs the command's flow and returns its outcome. observe gets every event,
// from the runner's goroutines; EventFlow says which steps are coming.
func (se *Session) Run(ctx context.Context, req Request, p Prompter, observe func(Event)) *Outcome {
	if observe == nil {
		observe = func(Event) {}
	}
	if req.Retry && se.last != nil {
		return se.runFlow(ctx, se.last, p, observe)
	}
	opts := se.Options()
	base := se.newState(opts)
	if c, ok := LookupCommand(req.Command); ok {
		observe(Event{Kind: EventFlow, Flow: Infos(c.Name, opts), Message: c.Label(req.Arg)})
	} else {
		observe(Event{Kind: EventFlow, Flow: FlowInfo([]Stage{SignInStage()})})
	}
	rn := &Runner{Stages: []Stage{SignInStage()}, Prompt: p, Observe: observe}
	signIn, err := rn.Run(ctx, base)
	if err != nil {
		se.last = nil
		return &Outcome{Command: req.Command, Steps: signIn, Err: err, Summary: base.Summarize(signIn)}
	}
	cmd, arg, opts, fromMenu, err := se.choose(ctx, req, base, p)
	if err != nil {
		return &Outcome{Command: cmd.Name, Steps: signIn, Err: err, FromMenu: fromMenu, Summary: base.Summarize(signIn)}
	}
	st := se.newState(opts)
	st.readOnly = cmd.ReadOnly
	st.Found.Config, st.Found.ConfigExists, st.Found.Held = base.Found.Config, base.Found.ConfigExists, base.Found.Held
	a := &attempt{cmd: cmd, arg: arg, st: st, flow: cmd.Flow(opts), fromMenu: fromMenu, signIn: signIn}
	se.last = a
	observe(Event{Kind: EventFlow, Flow: append(FlowInfo([]Stage{SignInStage()}), FlowInfo(a.flow)...), Message: cmd.Label(arg)})
	return se.runFlow(ctx, a, p, observe)
}

// choose settles the command: the one asked for, the start menu's choice, or
// setup; setup's questions are asked here (esc goes back to the menu).
func (se *Session) choose(ctx context.Context, req Request, base *State, p Prompter) (Command, string, Options, bool, error) {
	name, arg, fromMenu := req.Command, req.Arg, false
	menu := req.Menu
	for {
		if name == "" && (menu || base.config()["clientId"] != "") {
			it, err := p.Choose(ctx, buildMenu(base))
			if err != nil {
				return Command{}, "", Options{}, true, err
			}
			name, arg, fromMenu = it.Command, it.Arg, true
		}
		cmd, ok := LookupCommand(cmp.Or(name, "setup"))
		if !ok {
			return Command{}, "", Options{}, fromMenu, hint.Errorf(hint.Hint{Text: "see --help for the commands"}, "unknown command %q", name)
		}
		o := se.Options()
		if cmd.Arg != nil && arg != "" {
			cmd.Arg.Set(&o, arg)
		}
		if cmd.Name != "setup" {
			return cmd, arg, o, fromMenu, nil
		}
		o, err := p.Setup(ctx, o)
		if errors.Is(err, ErrBack) {
			name, arg, menu = "", "", true
			continue
		}
		if err != nil {
			return cmd, "", o, fromMenu, err
		}
		se.SetOptions(o)
		return cmd, "", se.Options(), fromMenu, nil
	}
}

func (se *Session) newState(o Options) *State {
	st := NewState(o)
	se.mu.Lock()
	st.Signed = se.signed
	se.mu.Unlock()
	return st
}

// runFlow walks an attempt's flow and gathers its outcome.
func (se *Session) runFlow(ctx context.Context, a *attempt, p Prompter, observe func(Event)) *Outcome {
	rn := &Runner{Stages: a.flow, Prompt: p, Observe: observe, DryRun: a.st.dryRun()}
	res, err := rn.Run(ctx, a.st)
	steps := append(append([]StepResult(nil), a.signIn...), res...)
	out := &Outcome{Command: a.cmd.Name, Label: a.cmd.Label(a.arg), Steps: steps, Err: err, FromMenu: a.fromMenu, Status: a.st.Made.Status}
	out.Summary = a.st.Summarize(steps)
	if err == nil {
		out.Report = a.cmd.report(a.st, out)
	}
	return out
}

// Usage checks a request against the table before anything runs: an unknown
// command or a word the command does not take is a usage error.
func Usage(command, arg string) error {
	c, ok := LookupCommand(command)
	switch {
	case !ok:
		return fmt.Errorf("unknown command %q", command)
	case c.Arg == nil && arg != "":
		return fmt.Errorf("%s takes no word after it (got %q)", command, arg)
	case c.Arg != nil && !slices.Contains(c.Arg.Values, arg):
		return fmt.Errorf("%s needs %s (got %q)", command, strings.Join(c.Arg.Values, " or "), arg)
	}
	return nil
}
