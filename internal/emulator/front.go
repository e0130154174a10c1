package emulator

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Front is the outer handler both emulators share: latency, then an injected
// fault or the real handler, and one request-log entry per request.
type Front struct {
	Faults  *Faults
	Log     *Log
	Latency func() time.Duration // read per request, so a knob can change it
	// Classify names the request's route (the key faults match) and says
	// whether it writes the service's data.
	Classify func(r *http.Request) (route string, write bool)
	// ErrorBody writes the service's error for an injected Status fault.
	ErrorBody func(w http.ResponseWriter, r *http.Request, status int)
	Next      http.Handler
}

type faultedKey struct{}

type faultedFlag struct {
	mu  sync.Mutex
	set bool
}

// MarkFaulted flags the request's log entry as produced by an emulated
// failure (e.g. replication delay) though no queued fault matched it.
func MarkFaulted(ctx context.Context) {
	if f, ok := ctx.Value(faultedKey{}).(*faultedFlag); ok {
		f.mu.Lock()
		f.set = true
		f.mu.Unlock()
	}
}

func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	route, write := f.Classify(r)
	flag := &faultedFlag{}
	r = r.WithContext(context.WithValue(r.Context(), faultedKey{}, flag))
	entry := Request{Method: r.Method, Path: r.URL.Path, Route: route, Query: r.URL.RawQuery, Write: write, Time: start}
	var once sync.Once
	logNow := func(status int) {
		once.Do(func() {
			flag.mu.Lock()
			entry.Faulted = entry.Faulted || flag.set
			flag.mu.Unlock()
			entry.Status = status
			f.Log.Add(entry)
		})
	}
	if d := f.Latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			logNow(0)
			// Never the implicit empty 200 a returning handler gets: the
			// client that may still hear it must see no answer at all.
			panic(http.ErrAbortHandler)
		}
	}
	if fault, ok := f.Faults.Take(route); ok {
		entry.Faulted = true
		status, answered := f.Faults.Play(w, r, fault, f.Next, f.ErrorBody, func() { logNow(0) })
		logNow(status)
		if !answered {
			panic(http.ErrAbortHandler) // no answer: never an implicit empty 200
		}
		return
	}
	rec := &StatusRecorder{ResponseWriter: w}
	f.Next.ServeHTTP(rec, r)
	logNow(rec.Status)
}
