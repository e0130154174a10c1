package wizard

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Action names the engine runs besides the lifecycle commands of CommandFlow.
const (
	actSignIn = "sign-in" // the two sign-ins only; then the menu or the setup questions
	actSetup  = "setup"   // steps.SetupFlow
)

// engine runs steps.Runner in its own goroutine and talks to the program only
// through messages: events and device codes are sent, plan questions are sent
// with a reply channel the model answers. The Update loop never waits on it.
//
// The sign-in state is kept for the whole program: every action chosen later
// (setup, status, rotate, tenant, teardown) gets a fresh State carrying its
// sessions, so one action's leftovers (status turns dry run on, rotate's new
// secret) never leak into the next. A retry reuses the action's state and
// flow: a minted secret must not be lost.
type engine struct {
	ctx context.Context

	sendMu  sync.Mutex // orders messages; never held by the Update loop
	send    func(tea.Msg)
	pending []tea.Msg // posted before the program was there (tests start it later)

	mu      sync.Mutex
	base    *steps.State // the signed-in sessions
	cur     *steps.State // the current (or last) action's state
	curAct  Command
	curFlow []steps.Stage
	curRep  *steps.StatusReport
	wg      sync.WaitGroup
}

func (e *engine) setSend(f func(tea.Msg)) {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	e.send = f
	for _, msg := range e.pending {
		f(msg)
	}
	e.pending = nil
}

// post hands a message to the program. Only the runner's goroutines call it,
// so holding sendMu while Program.Send waits for the loop cannot deadlock.
func (e *engine) post(msg tea.Msg) {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	if e.send == nil {
		e.pending = append(e.pending, msg)
		return
	}
	e.send(msg)
}

// start launches an action (or a retry of the last one) and returns at once.
// Its end arrives as signedInMsg (sign-in) or runDoneMsg (everything else).
func (e *engine) start(c Command, o steps.Options, retry bool) tea.Cmd {
	o.OnDeviceCode = func(dc steps.DeviceCode) { e.post(deviceCodeMsg{dc}) }
	e.mu.Lock()
	s, flow, rep, err := e.prepare(c, o, retry)
	e.mu.Unlock()
	if err != nil {
		return func() tea.Msg { return runDoneMsg{err: err} }
	}
	rn := &steps.Runner{
		Stages:  flow,
		Prompt:  prompter{e},
		Observe: func(ev steps.Event) { e.post(eventMsg{ev}) },
		DryRun:  s.Opts.DryRun,
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		results, err := rn.Run(e.ctx, s)
		if c.Name == actSignIn && err == nil {
			e.post(signedIn(s))
			return
		}
		done := runDoneMsg{results: results, summary: s.Summarize(results), err: err}
		if rep != nil {
			r := *rep // a copy: the model reads it while a retry could refill the original
			done.report = &r
		}
		e.post(done)
	}()
	return nil
}

// prepare picks the state and stages for an action; e.mu is held.
func (e *engine) prepare(c Command, o steps.Options, retry bool) (*steps.State, []steps.Stage, *steps.StatusReport, error) {
	if c.Name == actSignIn {
		if e.base == nil {
			e.base = steps.NewState(o)
		} else if !retry {
			// The person corrected the sign-in form: new inputs, and whichever
			// sign-in already succeeded is kept.
			e.base.Opts = steps.NewState(o).Opts
		}
		return e.base, steps.SetupFlow(e.base.Opts)[:1], nil, nil
	}
	if retry && e.cur != nil && e.curAct == c {
		return e.cur, e.curFlow, e.curRep, nil
	}
	var flow []steps.Stage
	var rep *steps.StatusReport
	if c.Name == actSetup {
		flow = steps.SetupFlow(o)
	} else {
		var err error
		cc := c
		cc.Yes = true // the TUI confirms each plan itself (teardown: by the app's typed name)
		if flow, rep, err = CommandFlow(cc, &o); err != nil {
			return nil, nil, nil, err
		}
	}
	s := steps.NewState(o)
	if b := e.base; b != nil { // signed in already: the flow's sign-in stage only re-reads Appmixer's config
		s.ShareSignIn(b)
	} else {
		e.base = s
	}
	e.cur, e.curAct, e.curFlow, e.curRep = s, c, flow, rep
	return s, flow, rep, nil
}

// signedIn says what the sign-in found: an existing setup is a clientId in Appmixer.
func signedIn(s *steps.State) signedInMsg {
	sum := s.Summarize(nil)
	return signedInMsg{clientID: s.Config["clientId"], summary: sum}
}

// summary is the outcome so far, for a run stopped before its end.
func (e *engine) summary() steps.Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.cur != nil:
		return e.cur.Summarize(nil)
	case e.base != nil:
		return e.base.Summarize(nil)
	}
	return steps.Summary{}
}

// prompter asks the model and waits for the person's answer (or a cancel).
type prompter struct{ e *engine }

func (p prompter) Confirm(ctx context.Context, info steps.Info, plan steps.Plan) (steps.Decision, error) {
	reply := make(chan steps.Decision, 1)
	p.e.post(confirmMsg{info: info, plan: plan, reply: reply})
	select {
	case d := <-reply:
		return d, nil
	case <-ctx.Done():
		return steps.Quit, ctx.Err()
	}
}
