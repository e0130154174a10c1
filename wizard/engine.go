package wizard

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// engine runs steps.Runner in its own goroutine and talks to the program only
// through messages: events and device codes are sent, plan questions are sent
// with a reply channel the model answers. The Update loop never waits on it.
type engine struct {
	ctx  context.Context
	send func(tea.Msg)

	mu    sync.Mutex
	state *steps.State // kept across retries: a minted secret must not be lost
	wg    sync.WaitGroup
}

// start launches a run (or a retry on the same state) and returns at once.
func (e *engine) start(o steps.Options) tea.Cmd {
	e.mu.Lock()
	if e.state == nil {
		o.OnDeviceCode = func(dc steps.DeviceCode) { e.send(deviceCodeMsg{dc}) }
		e.state = steps.NewState(o)
	}
	s := e.state
	e.mu.Unlock()

	rn := &steps.Runner{
		Stages:  steps.SetupFlow(s.Opts),
		Prompt:  prompter{e},
		Observe: func(ev steps.Event) { e.send(eventMsg{ev}) },
		DryRun:  s.Opts.DryRun,
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		results, err := rn.Run(e.ctx, s)
		e.send(runDoneMsg{results: results, summary: s.Summarize(results), err: err})
	}()
	return nil
}

// summary is the outcome so far, for a run stopped before its end.
func (e *engine) summary() steps.Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == nil {
		return steps.Summary{}
	}
	return e.state.Summarize(nil)
}

// prompter asks the model and waits for the person's answer (or a cancel).
type prompter struct{ e *engine }

func (p prompter) Confirm(ctx context.Context, info steps.Info, plan steps.Plan) (steps.Decision, error) {
	reply := make(chan steps.Decision, 1)
	p.e.send(confirmMsg{info: info, plan: plan, reply: reply})
	select {
	case d := <-reply:
		return d, nil
	case <-ctx.Done():
		return steps.Quit, ctx.Err()
	}
}
