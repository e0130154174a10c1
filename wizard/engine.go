package wizard

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// engine runs the Session in its own goroutine and talks to the program only
// through messages: events are sent, questions are sent with a reply channel
// the model answers. The Update loop never waits on it.
type engine struct {
	ctx context.Context
	se  *steps.Session

	sendMu  sync.Mutex // orders messages; never held by the Update loop
	send    func(tea.Msg)
	pending []tea.Msg // posted before the program was there (tests start it later)

	wg sync.WaitGroup
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

// post hands a message to the program. Only the engine's goroutines call it,
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

// start runs one request and returns at once; its end arrives as doneMsg.
func (e *engine) start(req steps.Request) tea.Cmd {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		out := e.se.Run(e.ctx, req, prompter{e}, func(ev steps.Event) { e.post(eventMsg{ev}) })
		e.post(doneMsg{out})
	}()
	return nil
}

// prompter asks the model and waits for the person's answer (or a cancel).
type prompter struct{ e *engine }

func (p prompter) Confirm(ctx context.Context, q steps.Question) (steps.Decision, error) {
	reply := make(chan steps.Decision, 1)
	d, err := await(ctx, p.e.post, confirmMsg{q: q, reply: reply}, reply)
	if err != nil {
		return steps.Quit, err
	}
	return d, nil
}

func (p prompter) Choose(ctx context.Context, m steps.Menu) (steps.MenuItem, error) {
	reply := make(chan menuReply, 1)
	r, err := await(ctx, p.e.post, menuMsg{menu: m, reply: reply}, reply)
	if err != nil {
		return steps.MenuItem{}, err
	}
	return r.item, r.err
}

func (p prompter) Setup(ctx context.Context, o steps.Options) (steps.Options, error) {
	reply := make(chan setupReply, 1)
	r, err := await(ctx, p.e.post, setupMsg{opts: o, reply: reply}, reply)
	if err != nil {
		return o, err
	}
	return r.opts, r.err
}

// await puts a question on screen and waits for its answer, or for ctx.
// The fleet table's prompter asks through it too.
func await[R any](ctx context.Context, post func(tea.Msg), question tea.Msg, reply <-chan R) (R, error) {
	post(question)
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		var none R
		return none, ctx.Err()
	}
}
