package azure_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

const tokenRoute = "POST /{tenant}/oauth2/v2.0/token"

// A throttled, unavailable or cut answer while checking a secret is retried,
// not taken as a refusal of the secret.
func TestClientSecretCheckRetriesTransientFailures(t *testing.T) {
	for _, f := range []azuretest.Fault{
		{Route: tokenRoute, Status: http.StatusTooManyRequests},
		{Route: tokenRoute, Status: http.StatusServiceUnavailable},
		{Route: tokenRoute, Reset: true},
	} {
		srv := newEmulator(t)
		s := signInAutomation(t, srv)
		id, secret := srv.AutomationCredentials()
		srv.AddFault(f)
		if err := azure.CheckClientSecret(ctxT(t), s, id, secret); err != nil {
			t.Errorf("%+v: a working secret after one transient failure: %v", f, err)
		}
	}
}

// When the failures last, the check comes back transient: not a refusal, so
// a caller never replaces a working secret because Entra ID was busy.
func TestClientSecretCheckThatKeepsFailingIsTransientNotRefused(t *testing.T) {
	for _, f := range []azuretest.Fault{
		{Route: tokenRoute, Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 100, MayStayUnused: true},
		{Route: tokenRoute, Status: http.StatusServiceUnavailable, Times: 100, MayStayUnused: true},
		{Route: tokenRoute, Reset: true, Times: 100, MayStayUnused: true},
	} {
		srv := newEmulator(t)
		s := signInAutomation(t, srv)
		s.Timeout = 2 * time.Second
		id, secret := srv.AutomationCredentials()
		srv.AddFault(f)
		err := azure.CheckClientSecret(ctxT(t), s, id, secret)
		h, _ := hint.Of(err)
		if err == nil || !azure.IsTransient(err) || azure.IsSecretRefused(err) || azure.IsSecretNotYetValid(err) || !h.Retry {
			t.Errorf("%+v: got %v (%+v): want transient, not refused, with a retry hint", f, err, h)
		}
		if n := len(routeRequests(srv, tokenRoute)); n < 2 {
			t.Errorf("%+v: sent %d token requests, want retries", f, n)
		}
	}
}

func TestClientSecretRefusals(t *testing.T) {
	for _, c := range []struct {
		name            string
		status          int
		oauth           string
		code            int
		refused, transt bool
		cmd             string
	}{
		{"wrong secret", 401, "invalid_client", 7000215, true, false, "rotate-secret"},
		{"expired secret", 401, "invalid_client", 7000222, true, false, "rotate-secret"},
		{"no service principal", 400, "unauthorized_client", 7000229, false, false, ""},
		{"transient error", 400, "invalid_request", 90033, false, true, ""},
		{"temporarily unavailable", 400, "temporarily_unavailable", 50196, false, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeEntra(t, func(w http.ResponseWriter, r *http.Request, n int) {
				entraErr(w, c.status, c.oauth, c.code, "AADSTS: refused")
			})
			err := azure.CheckClientSecret(ctxT(t), f.session(), "app", "SECRET-VALUE")
			h, _ := hint.Of(err)
			if azure.IsSecretRefused(err) != c.refused || azure.IsTransient(err) != c.transt || h.Command != c.cmd {
				t.Fatalf("%v: refused %v transient %v hint %+v", err, azure.IsSecretRefused(err), azure.IsTransient(err), h)
			}
			if azure.IsNoServicePrincipal(err) != (c.code == 7000229) {
				t.Fatalf("IsNoServicePrincipal wrong for %v", err)
			}
		})
	}
}

// WaitClientSecret waits through a new secret's 7000215 and through transient
// answers alike, with the one back-off.
func TestWaitClientSecretWaitsOutTransientAnswers(t *testing.T) {
	f := newFakeEntra(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1, 2:
			entraErr(w, 400, "invalid_request", 90033, "AADSTS90033: A transient error has occurred. Please try again.")
		case 3:
			entraErr(w, 401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided.")
		default:
			okToken(w)
		}
	})
	if err := azure.WaitClientSecret(ctxT(t), f.session(), "app", "SECRET-VALUE", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if n := f.tokens.Load(); n != 4 {
		t.Fatalf("%d token requests, want 4", n)
	}
	// Anything else ends the wait at once.
	g := newFakeEntra(t, func(w http.ResponseWriter, r *http.Request, n int) {
		entraErr(w, 401, "invalid_client", 7000222, "AADSTS7000222: expired")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := azure.WaitClientSecret(ctx, g.session(), "app", "SECRET-VALUE", time.Minute); !azure.IsSecretRefused(err) || g.tokens.Load() != 1 {
		t.Fatalf("an expired secret: %v after %d requests", err, g.tokens.Load())
	}
}
