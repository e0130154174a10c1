package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// failFirst answers the first n requests with fail, the rest 200.
func failFirst(n int32, fail func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= n {
			fail(w)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	return srv, &hits
}

func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(code)
	}
}

// reset cuts the connection without an answer.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		if c, ok := tc.NetConn().(*net.TCPConn); ok {
			_ = c.SetLinger(0)
		}
	}
	_ = conn.Close()
}

func TestRetryRule(t *testing.T) {
	for _, c := range []struct {
		name      string
		kind      Kind
		fail      func(http.ResponseWriter)
		wantTries int32
		wantOK    bool
	}{
		{"read after 503", Idempotent, status(503), 2, true},
		{"read after 429", Idempotent, status(429), 2, true},
		{"read after a cut connection", Idempotent, reset, 2, true},
		{"create after 429: not processed, retried", Create, status(429), 2, true},
		{"create after 503: maybe applied, not retried", Create, status(503), 1, false},
		{"create after a cut connection: not retried", Create, reset, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, hits := failFirst(1, c.fail)
			defer srv.Close()
			p := New(Options{HTTPClient: srv.Client(), RetryDelay: 5 * time.Millisecond, Timeout: 5 * time.Second})
			resp, err := p.Send(ctxT(t), Request{Method: http.MethodPost, URL: srv.URL + "/x", Body: []byte(`{}`), ContentType: "application/json", Kind: c.kind})
			if n := hits.Load(); n != c.wantTries {
				t.Fatalf("sent %d times, want %d", n, c.wantTries)
			}
			ok := err == nil && resp.Status == http.StatusOK
			if ok != c.wantOK {
				t.Fatalf("ok = %v (%v, %+v), want %v", ok, err, resp, c.wantOK)
			}
			if ok && resp.Tries != int(c.wantTries) {
				t.Fatalf("Tries = %d, want %d", resp.Tries, c.wantTries)
			}
		})
	}
}

// hang holds a request until the client gives up; headersThenTrickle sends
// headers and then a byte now and then, never finishing the body.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func headersThenTrickle(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			// Never end the body cleanly: returning would send the last
			// chunk, and a client whose try timed out may still read it.
			panic(http.ErrAbortHandler)
		case <-tick.C:
			_, _ = w.Write([]byte(" "))
			w.(http.Flusher).Flush()
		}
	}
}

// A server whose headers or body never finish costs the call's bound
// (Timeout × CallBoundFactor), not a Timeout per try.
func TestWholeCallIsBounded(t *testing.T) {
	const timeout = 200 * time.Millisecond
	for name, h := range map[string]http.HandlerFunc{"no headers": hang, "endless body": headersThenTrickle} {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h(w, r) }))
			defer srv.Close()
			p := New(Options{Service: "Graph", URLInput: hint.GraphURL, HTTPClient: srv.Client(), Timeout: timeout, RetryDelay: 10 * time.Millisecond})
			start := time.Now()
			_, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: srv.URL + "/v1.0/me"})
			took := time.Since(start)
			// Without the bound: 4 tries × 200 ms plus back-off.
			if took > 3*timeout {
				t.Fatalf("took %s, want about %s (the bound), not a timeout per try", took, CallBoundFactor*timeout)
			}
			if !IsTransient(err) || !strings.Contains(err.Error(), "did not answer within") {
				t.Fatalf("want a transient timeout, got %v", err)
			}
			if hits.Load() < 2 {
				t.Fatalf("a timed-out read is retried within the bound; sent %d", hits.Load())
			}
			if h, ok := hint.Of(err); !ok || !h.Retry {
				t.Fatalf("hint %+v", h)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("the deadline must stay reachable with errors.Is")
			}
		})
	}
}

func TestCancelledCallSaysStopped(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		hang(w, r)
	}))
	defer srv.Close()
	p := New(Options{HTTPClient: srv.Client()})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := p.Send(ctx, Request{Method: http.MethodGet, URL: srv.URL})
		errc <- err
	}()
	<-arrived // cancel a call in flight, not one that never started
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) || IsTransient(err) {
		t.Fatalf("got %v", err)
	}
	if _, ok := hint.Of(err); ok {
		t.Fatal("an interruption needs no hint")
	}
}

// The caller's own deadline stops a call too: it is not the service timing
// out (no "did not answer within", no retry hint), whatever the cause.
func TestCallerDeadlineSaysStopped(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(hang))
	defer srv.Close()
	p := New(Options{Service: "Appmixer", HTTPClient: srv.Client(), Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Send(ctx, Request{Method: http.MethodGet, URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) || IsTransient(err) || !strings.HasPrefix(err.Error(), "stopped: ") {
		t.Fatalf("got %v", err)
	}
	if _, ok := hint.Of(err); ok {
		t.Fatal("a call the caller ended needs no hint")
	}
}

func TestNoAnswerHints(t *testing.T) {
	untrusted := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer untrusted.Close()
	cut, _ := failFirst(100, reset)
	defer cut.Close()
	for _, c := range []struct {
		name, url string
		client    *http.Client
		want      hint.Hint
		transient bool
		says      string
	}{
		{"untrusted CA", untrusted.URL, &http.Client{}, hint.Change(hint.CACertificate, "trust the CA that signed Appmixer's certificate"), false, "not trusted"},
		{"no such host", "https://no-such-host.invalid", nil, hint.Change(hint.AppmixerURL, "check the host name"), false, "no such host"},
		{"cut every time", cut.URL, cut.Client(), hint.Retry("if it keeps happening, check the network and the proxy"), true, "cut the connection"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New(Options{Service: "Appmixer", URLInput: hint.AppmixerURL, HTTPClient: c.client, MaxRetries: 1, RetryDelay: time.Millisecond})
			_, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: c.url + "/user"})
			h, _ := hint.Of(err)
			if h != c.want || IsTransient(err) != c.transient || !strings.Contains(err.Error(), c.says) || !strings.HasPrefix(err.Error(), "Appmixer at ") {
				t.Fatalf("got %q, hint %+v, transient %v", err, h, IsTransient(err))
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{http.Header{"Retry-After-Ms": {"1500"}}, 1500 * time.Millisecond},
		{http.Header{"Retry-After": {"99999999999999999"}}, 24 * time.Hour},
		{http.Header{"Retry-After": {"-3"}}, 0},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	} {
		if got := RetryAfter(c.h); got != c.want {
			t.Errorf("%v → %s, want %s", c.h, got, c.want)
		}
	}
}

// An untrusted certificate or a missing host does not change with another try.
func TestPermanentFailuresAreNotRetried(t *testing.T) {
	var hits atomic.Int32
	untrusted := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	var handshakes atomic.Int32
	untrusted.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	untrusted.StartTLS()
	defer untrusted.Close()
	p := New(Options{HTTPClient: &http.Client{}, RetryDelay: time.Millisecond})
	if _, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: untrusted.URL}); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	if n := handshakes.Load(); n != 1 {
		t.Fatalf("connected %d times, want 1", n)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the handler was reached %d times through an untrusted certificate", n)
	}
}
