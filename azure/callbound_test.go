package azure_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// A Graph server that never answers costs one call's bound (timeout ×
// httpx.CallBoundFactor), not a timeout for each of azcore's four tries.
func TestGraphSilenceCostsTheCallBound(t *testing.T) {
	const timeout = 200 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
			// Answer nothing: returning would send an empty 200, which a
			// client whose try just timed out may still read.
			panic(http.ErrAbortHandler)
		case <-release:
		}
	})
	start := time.Now()
	_, err := sg.graph(azure.GraphOptions{Timeout: timeout}).Me(ctxT(t))
	took := time.Since(start)
	if !azure.IsTransient(err) {
		t.Fatalf("want a transient timeout, got %v", err)
	}
	if bound := httpx.CallBoundFactor * timeout; took > bound+250*time.Millisecond {
		t.Fatalf("took %s, want about %s", took, bound)
	}
	if n := sg.calls("GET /v1.0/me"); n < 2 {
		t.Fatalf("a timed-out read is retried within the bound; sent %d", n)
	}
}

// MSAL's calls share the bound: an authority host whose metadata never comes
// ends a device-code sign-in after the bound, not after four timeouts.
func TestEntraSilenceCostsTheCallBound(t *testing.T) {
	const timeout = 200 * time.Millisecond
	srv := newEmulator(t)
	srv.AddFault(azuretest.Fault{Route: "GET /{tenant}/v2.0/.well-known/openid-configuration", Hang: true, Times: 100, MayStayUnused: true})
	start := time.Now()
	_, err := azure.SignIn(ctxT(t), azure.SignInOptions{
		Method: azure.SignInDevice, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(), Timeout: timeout,
		OnDeviceCode: func(azure.DeviceCodePrompt) { t.Error("no code without metadata") },
	})
	took := time.Since(start)
	if !azure.IsTransient(err) {
		t.Fatalf("want a transient timeout, got %v", err)
	}
	if bound := httpx.CallBoundFactor * timeout; took > bound+400*time.Millisecond {
		t.Fatalf("took %s, want about %s", took, bound)
	}
}
