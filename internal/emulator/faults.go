package emulator

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault injects a failure into matching requests. Both emulators export it
// under their own name (azuretest.Fault, appmixertest.Fault).
type Fault struct {
	Route      string        // a route key (see Request.Route); "" matches every route
	Times      int           // how many matching requests are affected (0 = 1)
	Status     int           // e.g. 429, 503, 401: an error body in the service's format
	RetryAfter time.Duration // sets Retry-After (seconds, rounded up) when > 0
	Reset      bool          // cut the TCP connection without a response
	Hang       bool          // hold the request until Release() or the client gives up
	AfterApply bool          // apply the request for real, then fail/reset/hang (the response is lost)

	// MayStayUnused lets a test end with this fault not (fully) used, e.g. a
	// service that is "down" for more tries than the client makes. Without it,
	// a fault left in the queue fails the test (see Faults.Unused), as
	// cli/cli's httpmock fails a test that registered a stub it never hit.
	MayStayUnused bool
}

type queued struct {
	f         Fault
	remaining int
}

// Faults is the ordered queue of injected faults and the gate Hang faults
// wait at. The zero value is not usable; call NewFaults.
type Faults struct {
	mu      sync.Mutex
	queue   []*queued
	release chan struct{}
	hanging int
	closed  bool
}

// NewFaults returns an empty queue.
func NewFaults() *Faults { return &Faults{release: make(chan struct{})} }

// Add queues a fault; faults match in the order they were added.
func (q *Faults) Add(f Fault) {
	n := f.Times
	if n <= 0 {
		n = 1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, &queued{f: f, remaining: n})
}

// Clear drops every queued fault not yet used up.
func (q *Faults) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
}

// Unused lists the queued faults that still have uses left and are not
// marked MayStayUnused; Times is set to the uses left.
func (q *Faults) Unused() []Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Fault
	for _, e := range q.queue {
		if !e.f.MayStayUnused {
			f := e.f
			f.Times = e.remaining
			out = append(out, f)
		}
	}
	return out
}

// Take consumes one use of the first fault matching route.
func (q *Faults) Take(route string) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, e := range q.queue {
		if e.f.Route != "" && e.f.Route != route {
			continue
		}
		e.remaining--
		if e.remaining <= 0 {
			q.queue = append(q.queue[:i], q.queue[i+1:]...)
		}
		return e.f, true
	}
	return Fault{}, false
}

// Hanging is how many requests a Hang fault holds right now (tests poll it
// instead of guessing when a request has arrived).
func (q *Faults) Hanging() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.hanging
}

// Release unblocks every Hang fault in progress.
func (q *Faults) Release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	close(q.release)
	q.release = make(chan struct{})
}

// Close releases every hang for good: later Hang faults do not wait.
func (q *Faults) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.release)
	}
}

// hold waits for Release (or Close); false when the client went away first.
func (q *Faults) hold(ctx context.Context) bool {
	q.mu.Lock()
	ch := q.release
	q.hanging++
	q.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
	}
	q.mu.Lock()
	q.hanging--
	q.mu.Unlock()
	return ctx.Err() == nil
}

// Play answers r as fault f says and reports the status sent (0: none) and
// whether anything was sent: a hang the client walked away from sends
// nothing, and the caller must then abort rather than return (net/http
// would answer a returning handler with an empty 200).
// next is the emulator's real handler (run for AfterApply, or after a bare
// Hang); errorBody writes the service's error for a Status fault; beforeReset
// runs just before the connection is cut, so a request log is complete by the
// time the client sees the reset.
func (q *Faults) Play(w http.ResponseWriter, r *http.Request, f Fault, next http.Handler,
	errorBody func(w http.ResponseWriter, r *http.Request, status int), beforeReset func()) (int, bool) {
	var applied *httptest.ResponseRecorder
	if f.AfterApply {
		applied = httptest.NewRecorder()
		next.ServeHTTP(applied, r)
	}
	if f.Hang {
		// Read the body before holding: net/http notices a client that hung
		// up only once the body is read (its background read starts then), so
		// a held POST would otherwise outlive its client and be carried out
		// on Release, a call nobody waits for.
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return 0, false
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		if !q.hold(r.Context()) {
			return 0, false
		}
	}
	switch {
	case f.Reset:
		if beforeReset != nil {
			beforeReset()
		}
		ResetConn(w)
		return 0, true
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		}
		errorBody(w, r, f.Status)
		return f.Status, true
	case applied != nil:
		for k, v := range applied.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(applied.Code)
		_, _ = w.Write(applied.Body.Bytes())
		return applied.Code, true
	}
	rec := &StatusRecorder{ResponseWriter: w}
	next.ServeHTTP(rec, r)
	return rec.Status, true
}
