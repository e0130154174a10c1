package appmixer_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// POST /user/auth creates nothing: a 503 or a cut connection is retried like a read.
func TestSignInIsRetriedLikeARead(t *testing.T) {
	for _, f := range []appmixertest.Fault{
		{Route: "POST /user/auth", Status: http.StatusServiceUnavailable},
		{Route: "POST /user/auth", Status: http.StatusTooManyRequests},
		{Route: "POST /user/auth", Reset: true},
	} {
		srv := startServer(t)
		c := newClient(t, srv, 2*time.Second)
		srv.AddFault(f)
		if err := c.Login(context.Background(), adminUser, adminPass); err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if n, _ := countRoute(srv.Requests(), "POST /user/auth"); n != 2 {
			t.Fatalf("%+v: signed in with %d requests, want 2", f, n)
		}
	}
}

// A redirect could carry the password in the body to another origin (307
// keeps the body), or plain http: none is followed.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	for _, tls := range []bool{false, true} {
		steal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			t.Errorf("a redirect was followed to %s %s (body %q)", r.Method, r.URL, b)
		})
		other := httptest.NewServer(steal)
		if tls {
			other.Close()
			other = httptest.NewTLSServer(steal)
		}
		defer other.Close()
		api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/user/auth", http.StatusTemporaryRedirect)
		}))
		defer api.Close()
		u, _ := appmixer.ParseAPIURL(api.URL)
		c := appmixer.New(u, appmixer.Options{HTTPClient: api.Client(), Timeout: 2 * time.Second})
		err := c.Login(context.Background(), adminUser, "PASSWORD-never-elsewhere")
		h, _ := hint.Of(err)
		if err == nil || !strings.Contains(err.Error(), "307") || h.Input != hint.AppmixerURL {
			t.Fatalf("got %v (%+v)", err, h)
		}
		assertNoSecrets(t, err, "PASSWORD-never-elsewhere")
	}
}

func TestEndlessAnswerIsCapped(t *testing.T) {
	var read atomic.Int64
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat(" ", 32<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer api.Close()
	u, _ := appmixer.ParseAPIURL(api.URL)
	hc := &http.Client{Transport: countingRT{api.Client().Transport, &read}}
	c := appmixer.New(u, appmixer.Options{HTTPClient: hc, Timeout: 5 * time.Second})
	c.UseToken("tok-0123456789")
	_, err := c.CurrentUser(context.Background())
	h, _ := hint.Of(err)
	if err == nil || !strings.Contains(err.Error(), "Appmixer's answer is larger than 8 MiB") || h.Input != hint.AppmixerURL {
		t.Fatalf("got %v (%+v)", err, h)
	}
	if n := read.Load(); n > httpx.MaxBody+1 {
		t.Fatalf("read %d bytes of an endless answer", n)
	}
}

type countingRT struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// No error of ParseAPIURL shows a password, whatever the shape of the URL.
func TestParseAPIURLNeverShowsThePassword(t *testing.T) {
	for _, raw := range []string{
		"ftp://admin:PWsecret42@host", "https://admin:PWsecret42%zz@host", "https://admin:PWsecret42@",
		"https://admin:PWsecret42@host", "http://admin:PWsecret42@api.acme.appmixer.cloud", "https://admin:PWsecret42/x@host",
		"admin:PWsecret42@host", "https://admin:PWsecret42@host:99999", "https://admin:PWsecret42@host/?q",
	} {
		_, err := appmixer.ParseAPIURL(raw)
		if err == nil || strings.Contains(err.Error(), "PWsecret42") {
			t.Errorf("ParseAPIURL(%q): %v", raw, err)
		}
	}
}

// The trace has a line for each Appmixer exchange and none of its secrets.
func TestTraceOfAnAppmixerSession(t *testing.T) {
	srv := startServer(t)
	api, _ := appmixer.ParseAPIURL(srv.URL)
	seen := &authSeen{next: srv.Client().Transport}
	c := appmixer.New(api, appmixer.Options{HTTPClient: &http.Client{Transport: seen}, Timeout: 2 * time.Second})
	var trace bytes.Buffer
	stop := httpx.StartTrace(&trace)
	defer stop()
	ctx := context.Background()
	srv.AddFault(appmixertest.Fault{Route: "GET /user", Status: http.StatusServiceUnavailable})
	if err := c.Login(ctx, adminUser, adminPass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RequireAdmin(ctx); err != nil {
		t.Fatal(err)
	}
	const clientSecret = "client-SECRET-in-config"
	if err := c.SaveServiceConfig(ctx, appmixer.ServiceID, false, appmixer.Config{"clientId": "id", "clientSecret": clientSecret}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetServiceConfig(ctx, appmixer.ServiceID); err != nil {
		t.Fatal(err)
	}
	stop()
	out := trace.String()
	for _, want := range []string{"[Appmixer] POST " + srv.URL + "/user/auth → 200 OK", "[Appmixer] GET " + srv.URL + "/user → 503 Service Unavailable",
		"[retry] try 1 failed: next try in", "[Appmixer] GET " + srv.URL + "/user → 200 OK", "[Appmixer] POST " + srv.URL + "/service-config →",
		"[Appmixer] GET " + srv.URL + "/service-config/appmixer:microsoft → 200 OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	secrets := []string{adminPass, clientSecret, "Bearer "}
	for _, a := range seen.values {
		secrets = append(secrets, strings.TrimPrefix(a, "Bearer "))
	}
	if len(seen.values) == 0 {
		t.Fatal("no token was sent")
	}
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("trace shows %q", secret)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// authSeen keeps every Authorization value sent, to look for it in the trace.
type authSeen struct {
	next   http.RoundTripper
	mu     sync.Mutex
	values []string
}

func (a *authSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	if v := r.Header.Get("Authorization"); v != "" {
		a.mu.Lock()
		a.values = append(a.values, v)
		a.mu.Unlock()
	}
	return a.next.RoundTrip(r)
}
