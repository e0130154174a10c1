package steps

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// EventKind is where a step is in its life.
type EventKind string

const (
	EventChecking EventKind = "checking" // reading current state
	EventPlanned  EventKind = "planned"  // Plan is set; a Prompter may be asked next
	EventApplying EventKind = "applying" // making the change
	EventDone     EventKind = "done"     // Changed lists what changed (empty: nothing to do)
	EventSkipped  EventKind = "skipped"  // the person chose to skip, or dry run
	EventFailed   EventKind = "failed"   // Err is set
	EventProgress EventKind = "progress" // Message: something slow is going on (waiting for replication…)
)

// Event is what the runner reports; the TUI and the headless output render it.
type Event struct {
	Step    Info
	Kind    EventKind
	Plan    Plan
	Changed []Change
	Message string
	Err     error
	Elapsed time.Duration
}

// Decision is the person's answer to a plan.
type Decision int

const (
	Apply Decision = iota
	Skip
	Quit
)

// Prompter asks whether to apply a step's plan. Headless --yes always applies.
type Prompter interface {
	Confirm(ctx context.Context, step Info, plan Plan) (Decision, error)
}

// ErrQuit is returned when the person chose to quit at a prompt.
var ErrQuit = errors.New("stopped at your request; nothing else was changed, run again to continue")

// Stage is a group of steps whose Checks are independent and run concurrently
// (the two sign-ins); their plans are then walked in order.
type Stage []Step

// Runner walks the stages: Check → Plan → confirm → Apply → Verify.
type Runner struct {
	Stages  []Stage
	Prompt  Prompter
	Observe func(Event) // called from the runner's goroutine(s); must not block for long
	DryRun  bool
}

// StepResult is what happened to one step.
type StepResult struct {
	Step    Info     `json:"step"`
	Status  string   `json:"status"` // done | unchanged | skipped | planned | failed
	Changes []Change `json:"changes,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Run executes the stages against s. On error the results so far are returned too.
func (rn *Runner) Run(ctx context.Context, s *State) ([]StepResult, error) {
	s.mu.Lock()
	s.observe = rn.emit
	s.mu.Unlock()
	var results []StepResult
	for _, stage := range rn.Stages {
		if err := rn.checkAll(ctx, s, stage); err != nil {
			return results, err
		}
		for _, st := range stage {
			res, err := rn.walk(ctx, s, st)
			results = append(results, res)
			if err != nil {
				return results, err
			}
		}
	}
	return results, nil
}

// checkAll runs the Checks of one stage concurrently. The first failure stops
// the others (no point finishing a device-code sign-in when the Appmixer
// password is wrong) and is returned; siblings stopped that way are reported
// as skipped, not as failures of their own.
func (rn *Runner) checkAll(ctx context.Context, s *State, stage Stage) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var firstErr error
	// fail records err as the stage's failure if it is the first; it stops the siblings.
	fail := func(err error) bool {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil {
			return false
		}
		firstErr = err
		cancel()
		return true
	}
	var wg sync.WaitGroup
	for _, st := range stage {
		wg.Go(func() {
			start := time.Now()
			rn.emit(Event{Step: st.Info(), Kind: EventChecking})
			err := st.Check(sctx, s)
			if err == nil {
				return
			}
			err = fmt.Errorf("%s: %w", st.Info().Title, err)
			if !fail(err) && sctx.Err() != nil && ctx.Err() == nil {
				rn.emit(Event{Step: st.Info(), Kind: EventSkipped, Message: "stopped: another sign-in failed", Elapsed: time.Since(start)})
				return
			}
			rn.emit(Event{Step: st.Info(), Kind: EventFailed, Err: err, Elapsed: time.Since(start)})
		})
	}
	wg.Wait()
	return firstErr
}

func (rn *Runner) walk(ctx context.Context, s *State, st Step) (StepResult, error) {
	info := st.Info()
	start := time.Now()
	plan := st.Plan(s)
	res := StepResult{Step: info, Notes: plan.Notes}
	rn.emit(Event{Step: info, Kind: EventPlanned, Plan: plan})
	if plan.Empty() {
		res.Status = "unchanged"
		rn.emit(Event{Step: info, Kind: EventDone, Plan: plan, Elapsed: time.Since(start)})
		return res, nil
	}
	if rn.DryRun {
		if p, ok := st.(Projector); ok {
			p.Project(s)
		}
		res.Status, res.Changes = "planned", plan.Changes
		rn.emit(Event{Step: info, Kind: EventSkipped, Plan: plan, Message: "dry run: nothing changed"})
		return res, nil
	}
	decision := Apply
	if rn.Prompt != nil {
		var err error
		if decision, err = rn.Prompt.Confirm(ctx, info, plan); err != nil {
			return res, err
		}
	}
	switch decision {
	case Quit:
		res.Status = "skipped"
		return res, ErrQuit
	case Skip:
		res.Status = "skipped"
		rn.emit(Event{Step: info, Kind: EventSkipped, Plan: plan, Message: "skipped at your request"})
		return res, nil
	}
	rn.emit(Event{Step: info, Kind: EventApplying, Plan: plan})
	changed, err := st.Apply(ctx, s)
	if err == nil {
		if v, ok := st.(Verifier); ok {
			err = v.Verify(ctx, s)
		}
	}
	res.Changes = changed
	if err != nil {
		err = fmt.Errorf("%s: %w", info.Title, err)
		res.Status = "failed"
		rn.emit(Event{Step: info, Kind: EventFailed, Plan: plan, Changed: changed, Err: err, Elapsed: time.Since(start)})
		return res, err
	}
	res.Status = "done"
	if len(changed) == 0 {
		res.Status = "unchanged"
	}
	rn.emit(Event{Step: info, Kind: EventDone, Plan: plan, Changed: changed, Elapsed: time.Since(start)})
	return res, nil
}

func (rn *Runner) emit(e Event) {
	if rn.Observe != nil {
		rn.Observe(e)
	}
}
