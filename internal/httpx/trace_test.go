package httpx

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestTraceHasEachExchangeAndNoSecret(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "req-42")
		w.Header().Set("client-request-id", "creq-7")
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"BODY-TOKEN-SECRET"}`))
	}))
	defer srv.Close()
	var trace bytes.Buffer
	stop := StartTrace(&trace)
	p := New(Options{Service: "Graph", HTTPClient: srv.Client(), RetryDelay: time.Millisecond})
	_, err := p.Send(ctxT(t), Request{Method: http.MethodPost, URL: srv.URL + "/t/oauth2/v2.0/token?code=CODE-SECRET&$filter=displayName",
		Header: http.Header{"Authorization": {"Bearer HEADER-TOKEN-SECRET"}}, Body: []byte("client_secret=FORM-SECRET"), ContentType: "application/x-www-form-urlencoded"})
	Tracef("wait", "polling with password=PW-SECRET")
	stop()
	Tracef("wait", "after stop")
	if err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	for _, want := range []string{"[Graph] POST " + srv.URL + "/t/oauth2/v2.0/token?", "503 Service Unavailable", "200 OK", "request-id=req-42",
		"client-request-id=creq-7", "[retry] try 1 failed: next try in", "%24filter=displayName", "[wait] polling with password=REDACTED"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET") || strings.Contains(out, "after stop") {
		t.Fatalf("trace leaks or outlives stop:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n < 4 {
		t.Fatalf("want a line per exchange, retry decision and wait:\n%s", out)
	}
}
