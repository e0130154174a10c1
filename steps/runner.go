package steps

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// EventKind is where a step is in its life.
type EventKind string

const (
	EventChecking   EventKind = "checking"    // reading what exists
	EventPlanned    EventKind = "planned"     // Plan is set; the prompter may be asked next
	EventApplying   EventKind = "applying"    // making the change
	EventDone       EventKind = "done"        // Changed lists what changed (empty: nothing to do)
	EventSkipped    EventKind = "skipped"     // the person chose to skip, a dry run, or a sibling failed
	EventFailed     EventKind = "failed"      // Err is set
	EventProgress   EventKind = "progress"    // Message: something slow is going on
	EventDeviceCode EventKind = "device-code" // Device: the code to enter to sign in to Azure
	EventFlow       EventKind = "flow"        // Flow: the steps coming next (a sidebar); Message: the command
)

// Event is what the runner reports; every front end renders it.
type Event struct {
	Step    Info
	Kind    EventKind
	Plan    Plan
	Changed []Change
	Message string
	Err     error
	Device  *DeviceCode
	Flow    []Info
	// Elapsed is the step's own time: the time a person spent reading a
	// plan or answering a question is not counted.
	Elapsed time.Duration
}

// StepResult is what happened to one step.
type StepResult struct {
	Step    Info     `json:"step"`
	Status  string   `json:"status"` // done | unchanged | checked | skipped | planned | failed
	Changes []Change `json:"changes,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Step result statuses.
const (
	StatusDone      = "done"      // changed something
	StatusUnchanged = "unchanged" // nothing to change
	StatusChecked   = "checked"   // a read-only step (sign-in, check, verification) did its reading
	StatusSkipped   = "skipped"
	StatusPlanned   = "planned" // dry run: would change
	StatusFailed    = "failed"
)

// Runner walks the stages: Check → Plan → confirm → Apply → Verify.
type Runner struct {
	Stages  []Stage
	Prompt  Prompter    // nil: every plan is applied
	Observe func(Event) // called from the runner's goroutines; must not block for long
	DryRun  bool
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

// checkAll runs the Checks of one stage side by side. The first failure stops
// the others (no point finishing a device-code sign-in when the Appmixer
// password is wrong) and is returned; a sibling stopped that way is reported
// as skipped, with why, and one that had already finished as done.
func (rn *Runner) checkAll(ctx context.Context, s *State, stage Stage) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var firstErr error
	var failed Info
	fail := func(in Info, err error) bool {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil {
			return false
		}
		firstErr, failed = err, in
		cancel()
		return true
	}
	type passed struct {
		st      Step
		elapsed time.Duration
	}
	var ok []passed
	var wg sync.WaitGroup
	for _, st := range stage {
		wg.Go(func() {
			in := st.Info()
			start := time.Now()
			rn.emit(Event{Step: in, Kind: EventChecking})
			err := st.Check(rn.noticing(sctx, in), s)
			if err == nil {
				mu.Lock()
				ok = append(ok, passed{st, time.Since(start)})
				mu.Unlock()
				return
			}
			err = fmt.Errorf("%s: %w", in.Title, err)
			if !fail(in, err) && sctx.Err() != nil && ctx.Err() == nil {
				mu.Lock()
				why := "stopped: " + failed.Title + " failed"
				mu.Unlock()
				rn.emit(Event{Step: in, Kind: EventSkipped, Message: why, Elapsed: time.Since(start)})
				return
			}
			rn.emit(Event{Step: in, Kind: EventFailed, Err: err, Elapsed: time.Since(start)})
		})
	}
	wg.Wait()
	if firstErr != nil {
		// The stage stops here, so these never reach walk: say they finished,
		// or they would look still in progress beside the failure.
		for _, p := range ok {
			rn.emit(Event{Step: p.st.Info(), Kind: EventDone, Plan: p.st.Plan(s), Elapsed: p.elapsed})
		}
	}
	return firstErr
}

func (rn *Runner) walk(ctx context.Context, s *State, st Step) (StepResult, error) {
	info := st.Info()
	start := time.Now()
	plan := st.Plan(s)
	res := StepResult{Step: info, Notes: plan.Notes}
	rn.emit(Event{Step: info, Kind: EventPlanned, Plan: plan})
	if plan.Empty() {
		res.Status = StatusUnchanged
		if info.ReadOnly {
			res.Status = StatusChecked
		}
		rn.emit(Event{Step: info, Kind: EventDone, Plan: plan, Elapsed: time.Since(start)})
		return res, nil
	}
	if rn.DryRun {
		if p, ok := st.(Projector); ok {
			p.Project(s, plan)
		}
		res.Status, res.Changes = StatusPlanned, plan.Changes
		rn.emit(Event{Step: info, Kind: EventSkipped, Plan: plan, Message: "dry run: nothing changed"})
		return res, nil
	}
	decision := Apply
	if rn.Prompt != nil {
		asked := time.Now()
		var err error
		if decision, err = rn.Prompt.Confirm(ctx, Question{Step: info, Plan: plan}); err != nil {
			res.Status = StatusSkipped
			return res, err
		}
		start = start.Add(time.Since(asked)) // reading the plan is not the step's time
	}
	switch decision {
	case Quit:
		res.Status = StatusSkipped
		return res, ErrQuit
	case Skip:
		res.Status = StatusSkipped
		rn.emit(Event{Step: info, Kind: EventSkipped, Plan: plan, Message: "skipped at your request"})
		return res, nil
	}
	rn.emit(Event{Step: info, Kind: EventApplying, Plan: plan})
	actx := rn.noticing(ctx, info)
	changed, err := st.Apply(actx, s, plan)
	if err == nil {
		if v, ok := st.(Verifier); ok {
			err = v.Verify(actx, s)
		}
	}
	res.Changes = changed
	if err != nil {
		err = fmt.Errorf("%s: %w", info.Title, err)
		res.Status = StatusFailed
		rn.emit(Event{Step: info, Kind: EventFailed, Plan: plan, Changed: changed, Err: err, Elapsed: time.Since(start)})
		return res, err
	}
	res.Status = StatusDone
	if len(changed) == 0 {
		res.Status = StatusUnchanged
	}
	rn.emit(Event{Step: info, Kind: EventDone, Plan: plan, Changed: changed, Elapsed: time.Since(start)})
	return res, nil
}

// noticing makes a step's calls report, as progress, a wait a service asked
// for (throttling): the person sees the run waiting, not stuck.
func (rn *Runner) noticing(ctx context.Context, in Info) context.Context {
	return httpx.WithNotice(ctx, func(msg string) { rn.emit(Event{Step: in, Kind: EventProgress, Message: msg}) })
}

func (rn *Runner) emit(e Event) {
	if rn.Observe != nil {
		rn.Observe(e)
	}
}
