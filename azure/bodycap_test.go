package azure_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// endless streams a body that never ends (until the client hangs up).
func endless(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	chunk := []byte(strings.Repeat(" ", 32<<10))
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// bodyCounter counts the answer bytes a client reads.
type bodyCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *bodyCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = countedBody{resp.Body, &c.n}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func wantTooLarge(t *testing.T, what string, err error, in hint.Input, read int64) {
	t.Helper()
	h, _ := hint.Of(err)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") || h.Input != in || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%s: want a one-line too-large error, got %v (%+v)", what, err, h)
	}
	// every try reads at most the cap (a too-large answer is not retried)
	if read > httpx.MaxBody+1 {
		t.Fatalf("%s: read %d bytes of an endless answer", what, read)
	}
}

// MSAL's metadata call goes through the capped transport too.
func TestEndlessEntraAnswerIsCapped(t *testing.T) {
	f := newFakeEntra(t, func(w http.ResponseWriter, r *http.Request, n int) { endless(w) })
	f.metadata = func(w http.ResponseWriter, r *http.Request) { endless(w) }
	bc := &bodyCounter{next: f.Client().Transport}
	t.Setenv("AZURE_TENANT_ID", fakeTenant)
	t.Setenv("AZURE_CLIENT_ID", "automation")
	t.Setenv("AZURE_CLIENT_SECRET", "s")
	_, err := azure.SignIn(ctxT(t), azure.SignInOptions{Method: azure.SignInEnvironment, AuthorityHost: f.URL, GraphURL: f.URL, HTTPClient: &http.Client{Transport: bc}, Timeout: 5 * time.Second})
	wantTooLarge(t, "sign-in metadata", err, hint.AuthorityHost, bc.n.Load())

	bc.n.Store(0)
	s := f.session()
	s.HTTPClient = &http.Client{Transport: bc}
	err = azure.CheckClientSecret(ctxT(t), s, "app", "s")
	wantTooLarge(t, "client secret check", err, hint.AuthorityHost, bc.n.Load())
}

func TestEndlessGraphAnswerIsCapped(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) { endless(w) })
	bc := &bodyCounter{next: sg.Client().Transport}
	s := &azure.Session{Credential: &staticCred{}, GraphURL: sg.URL, HTTPClient: &http.Client{Transport: bc}}
	_, err := azure.NewGraph(s, azure.GraphOptions{RetryDelay: time.Millisecond}).FindApplications(ctxT(t), azure.AppFilter{DisplayName: "x"})
	wantTooLarge(t, "graph", err, hint.GraphURL, bc.n.Load())
	if n := sg.calls("GET /v1.0/applications"); n != 1 {
		t.Fatalf("asked %d times: a too-large answer is not retried", n)
	}
}
