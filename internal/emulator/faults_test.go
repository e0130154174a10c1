package emulator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

func TestFaultQueueOrderTimesAndUnused(t *testing.T) {
	q := NewFaults()
	q.Add(Fault{Route: "GET /a", Status: 503, Times: 2})
	q.Add(Fault{Status: 429}) // any route
	q.Add(Fault{Route: "GET /b", Reset: true, MayStayUnused: true})
	if got := q.Unused(); len(got) != 2 || got[0].Times != 2 || got[1].Status != 429 {
		t.Fatalf("Unused before any request = %+v", got)
	}
	var statuses []int
	for _, route := range []string{"GET /a", "GET /b", "GET /a", "GET /a", "GET /b"} {
		f, ok := q.Take(route)
		if !ok {
			statuses = append(statuses, 0)
			continue
		}
		if f.Reset {
			statuses = append(statuses, -1)
			continue
		}
		statuses = append(statuses, f.Status)
	}
	// /a twice 503; /b hits the catch-all 429 first (queue order), then its own reset.
	if want := "[503 429 503 0 -1]"; fmt.Sprint(statuses) != want {
		t.Fatalf("statuses = %v, want %s", statuses, want)
	}
	if got := q.Unused(); len(got) != 0 {
		t.Fatalf("all used, Unused = %+v", got)
	}
	q.Add(Fault{Route: "GET /c", Status: 500, Times: 3})
	q.Take("GET /c")
	if got := q.Unused(); len(got) != 1 || got[0].Times != 2 {
		t.Fatalf("partly used: Unused = %+v, want 2 uses left", got)
	}
	q.Clear()
	if got := q.Unused(); len(got) != 0 {
		t.Fatalf("after Clear: %+v", got)
	}
}

type fakeTB struct {
	cleanups []func()
	errors   []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

type holder struct{ q *Faults }

func (h holder) UnusedFaults() []Fault { return h.q.Unused() }

func TestFailOnUnusedFaults(t *testing.T) {
	q := NewFaults()
	tb := &fakeTB{}
	FailOnUnusedFaults(tb, holder{q})
	q.Add(Fault{Route: "PUT /x", Status: 503, Times: 4})
	q.Add(Fault{Route: "GET /y", Status: 503, Times: 9, MayStayUnused: true})
	q.Take("PUT /x")
	tb.finish()
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "PUT /x: status 503, 3 use(s) left") || strings.Contains(tb.errors[0], "GET /y") {
		t.Fatalf("errors = %q", tb.errors)
	}
	clean := &fakeTB{}
	q.Clear()
	FailOnUnusedFaults(clean, holder{q})
	clean.finish()
	if len(clean.errors) != 0 {
		t.Fatalf("a cleared queue must pass: %q", clean.errors)
	}
}

func TestHangReleaseAndClose(t *testing.T) {
	q := NewFaults()
	done := make(chan bool, 2)
	for range 2 {
		go func() { done <- q.hold(context.Background()) }()
	}
	testwait.Until(t, 5*time.Second, "the condition", func() bool { return q.Hanging() == 2 })
	q.Release()
	for range 2 {
		if !<-done {
			t.Fatal("a released hold must report the client still there")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- q.hold(ctx) }()
	testwait.Until(t, 5*time.Second, "the condition", func() bool { return q.Hanging() == 1 })
	cancel()
	if <-done {
		t.Fatal("a hold whose client left must say so")
	}
	q.Close()
	q.Release() // after Close: a no-op, not a panic
	if !q.hold(context.Background()) {
		t.Fatal("after Close a hold returns at once")
	}
}

func TestFrontLogsFaultsAndRealAnswers(t *testing.T) {
	var applied atomic.Int32
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-replica" {
			MarkFaulted(r.Context())
			w.WriteHeader(http.StatusNotFound)
			return
		}
		applied.Add(1)
		w.WriteHeader(http.StatusCreated)
	})
	f := &Front{
		Faults: NewFaults(), Log: &Log{}, Next: next,
		Latency:  func() time.Duration { return 0 },
		Classify: func(r *http.Request) (string, bool) { return r.Method + " " + r.URL.Path, r.Method == http.MethodPost },
		ErrorBody: func(w http.ResponseWriter, _ *http.Request, status int) {
			w.WriteHeader(status)
		},
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	f.Faults.Add(Fault{Route: "POST /apps", Status: 429, RetryAfter: 1500 * time.Millisecond})
	f.Faults.Add(Fault{Route: "POST /apps", Status: 502, AfterApply: true})
	f.Faults.Add(Fault{Route: "POST /apps", Reset: true})

	resp, err := http.Post(srv.URL+"/apps", "text/plain", nil)
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("429 fault: %v %v", resp, err)
	}
	resp.Body.Close()
	if resp, err = http.Post(srv.URL+"/apps", "text/plain", nil); err != nil || resp.StatusCode != 502 || applied.Load() != 1 {
		t.Fatalf("after-apply fault: %v %v applied=%d", resp, err, applied.Load())
	}
	resp.Body.Close()
	if _, err := http.Post(srv.URL+"/apps", "text/plain", nil); err == nil {
		t.Fatal("reset fault: want a transport error")
	}
	if resp, err = http.Get(srv.URL + "/slow-replica"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = http.Post(srv.URL+"/apps", "text/plain", nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("no fault left: %v %v", resp, err)
	}
	resp.Body.Close()

	type row struct {
		Route   string
		Status  int
		Write   bool
		Faulted bool
	}
	var got []row
	for _, r := range f.Log.All() {
		got = append(got, row{r.Route, r.Status, r.Write, r.Faulted})
	}
	want := []row{{"POST /apps", 429, true, true}, {"POST /apps", 502, true, true}, {"POST /apps", 0, true, true},
		{"GET /slow-replica", 404, false, true}, {"POST /apps", 201, true, false}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("log = %+v\nwant  %+v", got, want)
	}
	f.Log.Reset()
	if n := len(f.Log.All()); n != 0 {
		t.Fatalf("after Reset: %d entries", n)
	}
}

// A held POST whose client hung up is never carried out, not even on a later
// Release: net/http notices the hang-up only once the body has been read.
func TestHeldPostOfAGoneClientIsNotCarriedOut(t *testing.T) {
	q := NewFaults()
	var applied atomic.Int32
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { applied.Add(1) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, sent := q.Play(w, r, Fault{Hang: true}, next, nil, nil); !sent {
			panic(http.ErrAbortHandler)
		}
	}))
	defer srv.Close()
	defer q.Close() // first: a hold that never ended must not keep srv.Close waiting
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(`{"passwordCredential":{}}`))
	go func() { _, _ = http.DefaultClient.Do(req) }()
	testwait.Until(t, 5*time.Second, "the condition", func() bool { return q.Hanging() == 1 })
	cancel() // the client gives up
	testwait.Until(t, 5*time.Second, "the condition", func() bool { return q.Hanging() == 0 })
	q.Release()
	if n := applied.Load(); n != 0 {
		t.Fatalf("a call whose client had gone was carried out %d time(s)", n)
	}
}
