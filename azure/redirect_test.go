package azure_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// An authority host answering the token request with a 307 to another origin
// (or to plain http) would receive client_id, client_secret, grant_type and
// scope again there. Neither MSAL's sign-in nor our own check follows it.
func TestTokenRequestsNeverFollowRedirects(t *testing.T) {
	const secret = "CLIENT-SECRET-never-elsewhere"
	for _, tls := range []bool{false, true} {
		other := stealer(t, tls)
		f := newFakeEntra(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, other.URL+"/collect", http.StatusTemporaryRedirect)
		})

		t.Setenv("AZURE_TENANT_ID", fakeTenant)
		t.Setenv("AZURE_CLIENT_ID", "automation")
		t.Setenv("AZURE_CLIENT_SECRET", secret)
		_, err := azure.SignIn(ctxT(t), azure.SignInOptions{Method: azure.SignInEnvironment, AuthorityHost: f.URL, GraphURL: f.URL, HTTPClient: f.Client(), Timeout: 5 * time.Second})
		wantRedirectRefused(t, "sign-in", err, secret)

		err = azure.CheckClientSecret(ctxT(t), f.session(), "app", secret)
		wantRedirectRefused(t, "client secret check", err, secret)
		if n := f.tokens.Load(); n != 2 {
			t.Fatalf("%d token requests, want one each (a redirect is not retried)", n)
		}
	}
}

func wantRedirectRefused(t *testing.T, what string, err error, secret string) {
	t.Helper()
	h, _ := hint.Of(err)
	if err == nil || !strings.Contains(err.Error(), "307") || !strings.Contains(err.Error(), "not followed") || h.Input != hint.AuthorityHost {
		t.Fatalf("%s: want a refused redirect naming the status, got %v (%+v)", what, err, h)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%s: %q", what, err)
	}
}

func TestGraphNeverFollowsRedirects(t *testing.T) {
	other := stealer(t, true)
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/v1.0/applications", http.StatusTemporaryRedirect)
	})
	_, err := sg.graph(azure.GraphOptions{}).CreateApplication(ctxT(t), azure.Application{DisplayName: "x"})
	h, _ := hint.Of(err)
	if err == nil || !strings.Contains(err.Error(), "307") || h.Input != hint.GraphURL || strings.Contains(err.Error(), fakeToken) {
		t.Fatalf("got %v (%+v)", err, h)
	}
}
