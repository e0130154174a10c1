package azure_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// fakeToken is what staticCred hands out; tests check it never leaks into errors.
const fakeToken = "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0.sig-SECRET-TOKEN"

type staticCred struct{ calls atomic.Int32 }

func (c *staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	return azcore.AccessToken{Token: fakeToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// stubGraph is an httptest TLS server with a handler per test and a request count.
type stubGraph struct {
	*httptest.Server
	mu    sync.Mutex
	count map[string]int
}

func newStubGraph(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *stubGraph {
	t.Helper()
	sg := &stubGraph{count: map[string]int{}}
	sg.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fakeToken {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		sg.mu.Lock()
		sg.count[r.Method+" "+r.URL.Path]++
		n := sg.count[r.Method+" "+r.URL.Path]
		sg.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(sg.Close)
	return sg
}

func (sg *stubGraph) calls(key string) int {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return sg.count[key]
}

func (sg *stubGraph) graph(o azure.GraphOptions) *azure.Graph {
	if o.RetryDelay == 0 {
		o.RetryDelay = 10 * time.Millisecond
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	s := &azure.Session{Credential: &staticCred{}, GraphURL: sg.URL, HTTPClient: sg.Client(), TenantID: "t"}
	return azure.NewGraph(s, o)
}

// cut closes the connection without an answer.
func cut(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	c, _, err := hj.Hijack()
	if err == nil {
		_ = c.Close()
	}
}

func graphErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("request-id", "req-123")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":{"code":"` + code + `","message":"` + msg + `","innerError":{"request-id":"req-123"}}}`))
}

func newPlainStub(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fakeToken {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"id":"u1","displayName":"Ada","userPrincipalName":"ada@x"}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// isStatus reports whether err is a Graph error with that status.
func isStatus(err error, status int) bool {
	ge, ok := azure.AsGraphError(err)
	return ok && ge.StatusCode == status
}
