package httpx

import (
	"context"
	"fmt"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// The one back-off of every wait loop (replication, secret propagation): the
// first retry after 100 ms, doubling, never more than 250 ms between tries, so
// a wait ends well within half a second of the condition coming true.
const (
	PollFirstWait = 100 * time.Millisecond
	PollMaxWait   = 250 * time.Millisecond
)

// Poll calls try until it says done, the timeout passes or ctx ends. try
// returns done=false with the error that says why not yet. Poll returns try's
// error when done, else a *WaitError (with a Retry hint) keeping the last error.
// Each wait is written to the trace.
func Poll(ctx context.Context, what string, timeout time.Duration, try func(context.Context) (done bool, err error)) error {
	start := time.Now()
	deadline := start.Add(timeout)
	wait := PollFirstWait
	for n := 1; ; n++ {
		done, err := try(ctx)
		if done {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			Tracef("wait", "%s: still not done after %s (%d tries): giving up", what, time.Since(start).Round(time.Millisecond), n)
			return hint.Wrap(&WaitError{What: what, Waited: timeout, Last: err}, hint.Retry(""))
		}
		d := min(wait, left)
		Tracef("wait", "%s: not yet (try %d: %s); next try in %s", what, n, errText(err), d)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return &WaitError{What: what, Waited: time.Since(start), Last: err, Stopped: context.Cause(ctx)}
		case <-t.C:
		}
		wait = min(wait*2, PollMaxWait)
	}
}

// WaitError is a Poll that ended before its condition came true.
type WaitError struct {
	What    string        // what was awaited
	Waited  time.Duration // how long
	Last    error         // the last try's error
	Stopped error         // the context's cause when it ended the wait; nil when the timeout did
}

func (e *WaitError) Error() string {
	if e.Stopped != nil {
		return fmt.Sprintf("gave up waiting for %s: %v", e.What, e.Stopped)
	}
	return fmt.Sprintf("%s; still waiting for %s after %s", errText(e.Last), e.What, e.Waited)
}

// Unwrap gives the last try's error (errors.As finds a Graph 404 in it), or
// only the context's cause when that ended the wait.
func (e *WaitError) Unwrap() []error {
	if e.Stopped != nil {
		return []error{e.Stopped}
	}
	if e.Last == nil {
		return nil
	}
	return []error{e.Last}
}

func errText(err error) string {
	if err == nil {
		return "not done"
	}
	return oneLine(err.Error())
}
