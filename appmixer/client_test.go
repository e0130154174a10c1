package appmixer_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

const (
	adminUser = appmixertest.DefaultAdminUsername
	adminPass = appmixertest.DefaultAdminPassword
)

func newClient(t *testing.T, srv *appmixertest.Server, timeout time.Duration) *appmixer.Client {
	t.Helper()
	api, err := appmixer.ParseAPIURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return appmixer.New(api, appmixer.Options{HTTPClient: srv.Client(), Timeout: timeout})
}

func startServer(t *testing.T, opts ...appmixertest.Option) *appmixertest.Server {
	t.Helper()
	srv := appmixertest.NewServer(opts...)
	t.Cleanup(srv.Close)
	emulator.FailOnUnusedFaults(t, srv)
	return srv
}

// countRoute counts log entries for route, and those with the given status.
func countRoute(reqs []appmixertest.Request, route string) (n int, statuses []int) {
	for _, r := range reqs {
		if r.Route == route {
			n++
			statuses = append(statuses, r.Status)
		}
	}
	return n, statuses
}

func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("error %q leaks a secret", msg)
		}
	}
}

func TestLoginAndRequireAdmin(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	u, err := c.RequireAdmin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != adminUser || !u.IsAdmin() || len(u.ID) != 24 {
		t.Fatalf("user = %+v", u)
	}
}

func TestNonAdminIsRefusedWithAdminHint(t *testing.T) {
	srv := startServer(t, appmixertest.WithUser("bob@example.com", "bobs-password", false))
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, "bob@example.com", "bobs-password"); err != nil {
		t.Fatal(err)
	}
	u, err := c.RequireAdmin(ctx)
	if h, _ := hint.Of(err); !errors.Is(err, appmixer.ErrNotAdmin) || !strings.Contains(err.Error(), "not an Appmixer admin") || !strings.Contains(h.Text, "sign in as an Appmixer admin") {
		t.Fatalf("RequireAdmin err = %v (%+v)", err, h)
	}
	if u == nil || u.Username != "bob@example.com" {
		t.Fatalf("RequireAdmin user = %+v, want bob", u)
	}
	// The service-config endpoints themselves answer 403, and the error says why.
	_, _, err = c.GetServiceConfig(ctx, appmixer.ServiceID)
	var apiErr *appmixer.APIError
	if h, _ := hint.Of(err); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || !strings.Contains(h.Text, "Appmixer admin") {
		t.Fatalf("GetServiceConfig as non-admin err = %v (%+v)", err, h)
	}
	assertNoSecrets(t, err, "bobs-password")
}

func TestWrongPassword(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	err := c.Login(context.Background(), adminUser, "not-the-password")
	if err == nil || !strings.Contains(err.Error(), "wrong username or password") {
		t.Fatalf("Login err = %v", err)
	}
	assertNoSecrets(t, err, "not-the-password")
	if _, err := c.CurrentUser(context.Background()); !errors.Is(err, appmixer.ErrNotSignedIn) {
		t.Fatalf("CurrentUser without sign-in err = %v, want ErrNotSignedIn", err)
	}
}

func TestExpiredTokenReloginsOnceAndSucceeds(t *testing.T) {
	srv := startServer(t)
	srv.SetServiceConfig(appmixer.ServiceID, map[string]any{"clientId": "abc"})
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	srv.ExpireAllTokens()
	srv.ResetRequests()
	cfg, ok, err := c.GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil || !ok || cfg["clientId"] != "abc" {
		t.Fatalf("GetServiceConfig = %v, %v, %v", cfg, ok, err)
	}
	reqs := srv.Requests()
	if n, _ := countRoute(reqs, "POST /user/auth"); n != 1 {
		t.Errorf("sign-ins after expiry = %d, want exactly 1", n)
	}
	if n, st := countRoute(reqs, "GET /service-config/{id}"); n != 2 || st[0] != 401 || st[1] != 200 {
		t.Errorf("GET attempts = %d with statuses %v, want [401 200]", n, st)
	}
	if len(reqs) != 3 {
		t.Errorf("requests = %+v, want 401, sign-in, 200", reqs)
	}
}

func TestTokensDyingAfterEveryRequestStillWork(t *testing.T) {
	srv := startServer(t)
	srv.ExpireTokensAfter(1)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // each call after the first needs exactly one re-login
		if _, err := c.RequireAdmin(ctx); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n, _ := countRoute(srv.Requests(), "POST /user/auth"); n != 3 {
		t.Errorf("sign-ins = %d, want 3 (initial + 2 re-logins)", n)
	}
}

func TestReloginRejectedTwiceGivesError(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(appmixertest.Fault{Route: "GET /user", Status: 401, Times: 5, MayStayUnused: true})
	_, err := c.CurrentUser(ctx)
	if err == nil || !strings.Contains(err.Error(), "freshly issued token") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, err, adminPass)
	if n, _ := countRoute(srv.Requests(), "GET /user"); n != 2 {
		t.Errorf("GET /user attempts = %d, want 2 (no retry loop)", n)
	}
}

func TestTokenOnlyExpiry(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	tok := srv.IssueToken(adminUser)
	c.UseToken(tok)
	ctx := context.Background()
	if _, err := c.RequireAdmin(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ExpireAllTokens()
	_, err := c.CurrentUser(ctx)
	if h, _ := hint.Of(err); !errors.Is(err, appmixer.ErrTokenExpired) || !strings.HasPrefix(err.Error(), "the Appmixer token was rejected") || h.Input != hint.AppmixerPassword {
		t.Fatalf("err = %v (%+v)", err, h)
	}
	assertNoSecrets(t, err, tok)
	if n, _ := countRoute(srv.Requests(), "POST /user/auth"); n != 0 {
		t.Errorf("token-only client tried to sign in %d times", n)
	}
}

func TestServiceConfigLifecycleKeepsCustomerKeys(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	cfg, existed, err := c.GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil || existed || cfg != nil {
		t.Fatalf("absent config: %v %v %v", cfg, existed, err)
	}
	if err := c.SaveServiceConfig(ctx, appmixer.ServiceID, false, appmixer.Config{"clientId": "id-1", "clientSecret": "secret-1"}); err != nil {
		t.Fatal(err)
	}
	// The customer adds keys in the Backoffice, some not strings.
	stored, _ := srv.ServiceConfig(appmixer.ServiceID)
	stored["callbackUrl"] = "https://cb.example/cb"
	stored["sandbox"] = true
	stored["retries"] = 3
	srv.SetServiceConfig(appmixer.ServiceID, stored)

	old, existed, err := c.GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil || !existed {
		t.Fatal(existed, err)
	}
	if old["sandbox"] != "true" || old["retries"] != "3" || old["callbackUrl"] != "https://cb.example/cb" {
		t.Fatalf("read config = %v", old)
	}
	if _, has := old["serviceId"]; has {
		t.Fatalf("serviceId must not be in Config: %v", old)
	}
	next := appmixer.Merge(old, map[string]string{"clientSecret": "secret-2", "microsoftTenant": "true"})
	if err := c.SaveServiceConfig(ctx, appmixer.ServiceID, true, next); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.ServiceConfig(appmixer.ServiceID)
	want := map[string]any{"clientId": "id-1", "clientSecret": "secret-2", "microsoftTenant": "true",
		"callbackUrl": "https://cb.example/cb", "sandbox": true, "retries": float64(3)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored after PUT = %v, want %v", got, want)
	}
	// Remove a key: PUT without it.
	if err := c.ReplaceServiceConfig(ctx, appmixer.ServiceID, appmixer.Merge(next, nil, "microsoftTenant")); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.ServiceConfig(appmixer.ServiceID); got["microsoftTenant"] != nil || got["callbackUrl"] == nil {
		t.Fatalf("after removing microsoftTenant: %v", got)
	}
	if err := c.DeleteServiceConfig(ctx, appmixer.ServiceID); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.ServiceConfig(appmixer.ServiceID); ok {
		t.Fatal("config still stored after delete")
	}
	if err := c.DeleteServiceConfig(ctx, appmixer.ServiceID); err != nil {
		t.Fatalf("deleting an absent config: %v", err)
	}
	var writes int
	for _, r := range srv.Requests() {
		if r.Write {
			writes++
		}
	}
	if writes != 5 { // POST, PUT, PUT, DELETE, DELETE
		t.Errorf("writes logged = %d, want 5", writes)
	}
}

func TestCreateConflictAndReplaceAbsent(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	err := c.ReplaceServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientSecret": "top-secret-value"})
	if err == nil || !strings.Contains(err.Error(), "deleted meanwhile") {
		t.Fatalf("PUT absent err = %v", err)
	}
	srv.SetServiceConfig(appmixer.ServiceID, map[string]any{"clientId": "x"})
	err = c.CreateServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientSecret": "top-secret-value"})
	var apiErr *appmixer.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		t.Fatalf("POST existing err = %v", err)
	}
	assertNoSecrets(t, err, "top-secret-value", adminPass)
	if got, _ := srv.ServiceConfig(appmixer.ServiceID); got["clientId"] != "x" || len(got) != 1 {
		t.Fatalf("conflicting POST changed the config: %v", got)
	}
}

func TestHangingServerHitsTimeout(t *testing.T) {
	srv := startServer(t)
	const timeout = 300 * time.Millisecond
	c := newClient(t, srv, timeout)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	// PUT replaces the whole object, so a try that timed out is simply tried
	// again; a server that never answers ends the call within its bound.
	srv.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Hang: true, Times: 10, MayStayUnused: true})
	srv.SetServiceConfig(appmixer.ServiceID, map[string]any{})
	start := time.Now()
	err := c.ReplaceServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientId": "a"})
	elapsed := time.Since(start)
	if h, _ := hint.Of(err); err == nil || err.Error() != "PUT /service-config/appmixer:microsoft: Appmixer at "+strings.TrimPrefix(srv.URL, "https://")+" did not answer within 600ms (all tries, 300ms each): timed out" || !h.Retry {
		t.Fatalf("err = %v (%+v)", err, h)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err does not wrap context.DeadlineExceeded: %v", err)
	}
	if elapsed > httpx.CallBoundFactor*timeout+200*time.Millisecond {
		t.Errorf("took %s, want about %d × %s", elapsed, httpx.CallBoundFactor, timeout)
	}
	if got, _ := srv.ServiceConfig(appmixer.ServiceID); len(got) != 0 {
		t.Errorf("hung PUT was applied: %v", got)
	}
}

func TestCallerCancellation(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(appmixertest.Fault{Route: "GET /user", Hang: true})
	done := make(chan error, 1)
	go func() { _, err := c.CurrentUser(ctx); done <- err }()
	testwait.Until(t, 2*time.Second, "the condition", func() bool { return srv.Hanging() == 1 }) // the request is held by the server
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("CurrentUser did not return after cancel")
	}
}

func TestCutConnection(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	// POST is not replayed by net/http, so one reset reaches the caller.
	srv.AddFault(appmixertest.Fault{Route: "POST /service-config", Reset: true})
	err := c.CreateServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientSecret": "cut-secret-123"})
	if err == nil || !strings.Contains(err.Error(), "cut the connection") || !httpx.IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, err, "cut-secret-123", adminPass)
	// AfterApply: created, but the answer is lost; the read-back shows it.
	srv.AddFault(appmixertest.Fault{Route: "POST /service-config", Reset: true, AfterApply: true})
	if err := c.CreateServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientId": "late"}); err == nil {
		t.Fatal("want an error for a reset after apply")
	}
	cfg, ok, err := c.GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil || !ok || cfg["clientId"] != "late" {
		t.Fatalf("read-back after applied reset = %v %v %v", cfg, ok, err)
	}
}

func TestServerErrorStatus(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	// One 503 is retried (a GET is safe to repeat) and the call succeeds.
	srv.AddFault(appmixertest.Fault{Route: "GET /service-config/{id}", Status: 503})
	if _, _, err := c.GetServiceConfig(ctx, appmixer.ServiceID); err != nil {
		t.Fatalf("a single 503 should be retried: %v", err)
	}
	// A server that keeps failing gives up with an error that says what to do.
	srv.AddFault(appmixertest.Fault{Route: "GET /service-config/{id}", Status: 503, Times: 10, MayStayUnused: true})
	_, _, err := c.GetServiceConfig(ctx, appmixer.ServiceID)
	var apiErr *appmixer.APIError
	if h, _ := hint.Of(err); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !h.Retry {
		t.Fatalf("err = %v (%+v)", err, h)
	}
}

// A plain httptest server answers with broken bodies the emulator never sends.
func TestMalformedAnswers(t *testing.T) {
	cases := map[string]struct {
		handler http.HandlerFunc
		errHas  string
	}{
		"malformed JSON": {func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"id": "x", "scope": [`)) }, "malformed JSON"},
		"empty body":     {func(w http.ResponseWriter, r *http.Request) {}, "empty answer"},
		"HTML front end": {func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<!doctype html><html>")) }, "web page"},
		"wrong type":     {func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"scope": "admin"}`)) }, "malformed JSON"},
		"redirect": {func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://my.example/login", http.StatusFound)
		}, "redirect"},
		"cut": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"id":`))
		}, "cut"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(tc.handler)
			defer ts.Close()
			api, err := appmixer.ParseAPIURL(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			c := appmixer.New(api, appmixer.Options{HTTPClient: ts.Client(), Timeout: 2 * time.Second})
			c.UseToken("tok-0123456789")
			_, err = c.CurrentUser(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.errHas)
			}
			assertNoSecrets(t, err, "tok-0123456789")
		})
	}
}

func TestUntrustedCertificate(t *testing.T) {
	srv := startServer(t)
	api, _ := url.Parse(srv.URL)
	c := appmixer.New(api, appmixer.Options{Timeout: 2 * time.Second}) // system roots: the emulator CA is not among them
	err := c.Login(context.Background(), adminUser, adminPass)
	if h, _ := hint.Of(err); err == nil || !strings.Contains(err.Error(), "not trusted") || h.Input != hint.CACertificate {
		t.Fatalf("err = %v (%+v)", err, h)
	}
	assertNoSecrets(t, err, adminPass)
}

// A creating POST is not repeated after a 5xx or a cut connection (the object
// may exist already), but a 429 (not acted on) is.
func TestCreatingPostIsRetriedOnlyOn429(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, 2*time.Second)
	ctx := context.Background()
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(appmixertest.Fault{Route: "POST /service-config", Status: 503})
	srv.ResetRequests()
	if err := c.CreateServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientId": "a"}); err == nil {
		t.Fatal("a 503 on create should be an error, not a silent retry")
	}
	if n, _ := countRoute(srv.Requests(), "POST /service-config"); n != 1 {
		t.Fatalf("create sent %d times after a 503, want 1", n)
	}
	srv.AddFault(appmixertest.Fault{Route: "POST /service-config", Status: 429})
	srv.ResetRequests()
	if err := c.CreateServiceConfig(ctx, appmixer.ServiceID, appmixer.Config{"clientId": "a"}); err != nil {
		t.Fatalf("a 429 on create should be retried: %v", err)
	}
	if n, _ := countRoute(srv.Requests(), "POST /service-config"); n != 2 {
		t.Fatalf("create sent %d times after a 429, want 2", n)
	}
}
