package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// A 307 keeps the method and body: following one would hand a client secret to
// whatever origin the Location names. No redirect is followed, to any origin.
func TestRedirectIsNeverFollowed(t *testing.T) {
	var stolen atomic.Int32
	steal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		b, _ := io.ReadAll(r.Body)
		t.Errorf("the redirect was followed to %s %s with body %q", r.Method, r.URL, b)
	})
	plain := httptest.NewServer(steal)
	defer plain.Close()
	tls := httptest.NewTLSServer(steal) // trusted by the same client: httptest shares one certificate
	defer tls.Close()

	for _, target := range []string{
		plain.URL + "/collect?code=Q-SECRET",                               // another origin, plain http
		strings.Replace(tls.URL, "https://", "https://user:PW-SECRET@", 1), // another origin, https, user info
		"/same-origin", // even the same origin
	} {
		t.Run(target, func(t *testing.T) {
			var hits atomic.Int32
			auth := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					http.Redirect(w, r, target, http.StatusTemporaryRedirect)
					return
				}
				w.WriteHeader(http.StatusOK) // the same-origin target
			}))
			defer auth.Close()
			p := New(Options{Service: "Entra ID", URLInput: hint.AuthorityHost, HTTPClient: auth.Client()})
			_, err := p.Send(ctxT(t), Request{Method: http.MethodPost, URL: auth.URL + "/t/oauth2/v2.0/token",
				Body: []byte("grant_type=client_credentials&client_id=app&client_secret=BODY-SECRET&scope=x"), ContentType: "application/x-www-form-urlencoded"})
			var re *RedirectError
			if !errors.As(err, &re) || re.Status != http.StatusTemporaryRedirect {
				t.Fatalf("want a RedirectError for 307, got %v", err)
			}
			if h, ok := hint.Of(err); !ok || h.Input != hint.AuthorityHost {
				t.Fatalf("hint %+v", h)
			}
			msg := err.Error()
			for _, secret := range []string{"BODY-SECRET", "PW-SECRET", "Q-SECRET"} {
				if strings.Contains(msg, secret) {
					t.Fatalf("error shows %s: %q", secret, msg)
				}
			}
			if !strings.Contains(msg, "307") || !strings.Contains(msg, "not followed") {
				t.Fatalf("error does not say what happened: %q", msg)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("the authority was asked %d times, want 1 (a redirect is not retried)", n)
			}
		})
	}
	if stolen.Load() != 0 {
		t.Fatal("another origin received the request")
	}
}

// An endless answer costs the cap, not memory without end: the client reads at
// most MaxBody+1 bytes and the call fails with one line.
func TestEndlessBodyIsCapped(t *testing.T) {
	var hits atomic.Int32
	done := make(chan struct{}, 4)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		defer func() { done <- struct{}{} }()
		chunk := []byte(strings.Repeat("x", 32<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up
			}
		}
	}))
	defer srv.Close()
	ct := &countingTransport{next: srv.Client().Transport}
	p := New(Options{Service: "Graph", URLInput: hint.GraphURL, HTTPClient: &http.Client{Transport: ct}})
	_, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: srv.URL + "/v1.0/applications"})
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != "Graph's answer is larger than 8 MiB" {
		t.Fatalf("want a too-large error, got %v", err)
	}
	if h, ok := hint.Of(err); !ok || h.Input != hint.GraphURL {
		t.Fatalf("hint %+v", h)
	}
	if n := ct.read.Load(); n > MaxBody+1 {
		t.Fatalf("read %d bytes of an endless answer, want at most %d", n, MaxBody+1)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("sent %d times: a too-large answer is not retried", n)
	}
	<-done // the server's writes fail: the connection was dropped, nothing keeps streaming
}

func TestDeclaredLengthOverTheCapIsNotRead(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	ct := &countingTransport{next: srv.Client().Transport}
	p := New(Options{Service: "Appmixer", HTTPClient: &http.Client{Transport: ct}, MaxBody: 64 << 10})
	_, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: srv.URL + "/user"})
	if err == nil || err.Error() != "Appmixer's answer is larger than 64 KiB" {
		t.Fatalf("got %v", err)
	}
	if n := ct.read.Load(); n > 4<<10 {
		t.Fatalf("read %d bytes of an answer declared too large", n)
	}
}

func TestBodyAtTheCapIsRead(t *testing.T) {
	const max = 1000
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("y", max)))
	}))
	defer srv.Close()
	p := New(Options{HTTPClient: srv.Client(), MaxBody: max})
	resp, err := p.Send(ctxT(t), Request{Method: http.MethodGet, URL: srv.URL})
	if err != nil || len(resp.Body) != max {
		t.Fatalf("a body of exactly the cap: %v, %d bytes", err, len(resp.Body))
	}
}
