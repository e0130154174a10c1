package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// noticesOf sends one call to a server that first answers status with a
// wait header, then 204, and returns what the pipeline said while waiting.
func noticesOf(t *testing.T, service, header, wait string, status int) []string {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set(header, wait)
			w.WriteHeader(status)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	p := New(Options{Service: service, HTTPClient: srv.Client(), Timeout: 5 * time.Second})
	var said []string
	ctx := WithNotice(context.Background(), func(msg string) { said = append(said, msg) })
	if resp, err := p.Send(ctx, Request{Method: http.MethodGet, URL: srv.URL}); err != nil || resp.Status != http.StatusNoContent {
		t.Fatalf("%v %v", resp, err)
	}
	return said
}

// A service that asks to wait is waited for, and the wait is said, so a
// person sees the run waiting rather than stuck.
func TestAWaitAServiceAskedForIsSaid(t *testing.T) {
	said := noticesOf(t, "Graph", "Retry-After", "1", http.StatusTooManyRequests)
	if len(said) != 1 || !strings.Contains(said[0], "Graph answered 429") || !strings.Contains(said[0], "wait 1s") {
		t.Fatalf("notices: %q", said)
	}
}

// A pipeline built without a Service name still says who asked to wait.
func TestAWaitNoticeNamesTheServerWithoutAServiceName(t *testing.T) {
	said := noticesOf(t, "", "Retry-After-Ms", "10", http.StatusServiceUnavailable)
	if len(said) != 1 || !strings.HasPrefix(said[0], "the server answered 503") {
		t.Fatalf("notices: %q", said)
	}
}
