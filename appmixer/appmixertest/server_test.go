package appmixertest_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

type answer struct {
	status int
	body   map[string]any
	raw    string
}

// call sends one request; body "" means none; ct "" means application/json when a body is given.
func call(t *testing.T, s *appmixertest.Server, method, path, token, body, ct string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &a.body)
	return a
}

func start(t *testing.T, opts ...appmixertest.Option) *appmixertest.Server {
	t.Helper()
	s := appmixertest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

func login(t *testing.T, s *appmixertest.Server, user, pass string) string {
	t.Helper()
	a := call(t, s, "POST", "/user/auth", "", `{"username":"`+user+`","password":"`+pass+`"}`, "")
	if a.status != 200 {
		t.Fatalf("sign-in: %d %s", a.status, a.raw)
	}
	tok, _ := a.body["token"].(string)
	return tok
}

func TestSignInAndUser(t *testing.T) {
	s := start(t, appmixertest.WithUser("bob@example.com", "pw-bob", false))
	tok := login(t, s, appmixertest.DefaultAdminUsername, appmixertest.DefaultAdminPassword)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not JWT-shaped", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims["id"] == nil || claims["scope"] == nil || claims["exp"] == nil {
		t.Fatalf("claims = %s (%v)", payload, err)
	}
	u := call(t, s, "GET", "/user", tok, "", "")
	if u.status != 200 || u.body["username"] != appmixertest.DefaultAdminUsername || !reflect.DeepEqual(u.body["scope"], []any{"user", "admin"}) {
		t.Fatalf("GET /user = %d %s", u.status, u.raw)
	}
	bob := login(t, s, "bob@example.com", "pw-bob")
	if u := call(t, s, "GET", "/user", bob, "", ""); !reflect.DeepEqual(u.body["scope"], []any{"user"}) {
		t.Fatalf("bob scope = %s", u.raw)
	}
	// sign in by email works too (docs: username or email)
	if a := call(t, s, "POST", "/user/auth", "", `{"email":"bob@example.com","password":"pw-bob"}`, ""); a.status != 200 {
		t.Fatalf("sign-in by email: %d", a.status)
	}
	if got := s.IssueToken("nobody@example.com"); got != "" {
		t.Fatalf("IssueToken for unknown user = %q", got)
	}
}

func TestSignInStrictness(t *testing.T) {
	s := start(t)
	for name, tc := range map[string]struct {
		body, ct string
		want     int
	}{
		"wrong password":   {`{"username":"admin@example.com","password":"nope"}`, "", 401},
		"unknown user":     {`{"username":"x@example.com","password":"demo-admin-password"}`, "", 401},
		"missing password": {`{"username":"admin@example.com"}`, "", 400},
		"missing username": {`{"password":"demo-admin-password"}`, "", 400},
		"not JSON":         {`username=admin`, "", 400},
		"trailing garbage": {`{"username":"admin@example.com","password":"demo-admin-password"} x`, "", 400},
		"array":            {`[]`, "", 400},
		"form encoded":     {`username=admin&password=x`, "application/x-www-form-urlencoded", 415},
	} {
		a := call(t, s, "POST", "/user/auth", "", tc.body, tc.ct)
		if a.status != tc.want || a.body["statusCode"] != float64(tc.want) || a.body["message"] == "" {
			t.Errorf("%s: %d %s, want %d with a Boom body", name, a.status, a.raw, tc.want)
		}
	}
	if a := call(t, s, "POST", "/user/auth", "", "", ""); a.status != 400 {
		t.Errorf("empty body: %d", a.status)
	}
}

func TestTokensAndScopes(t *testing.T) {
	s := start(t, appmixertest.WithUser("bob@example.com", "pw-bob", false))
	for name, tok := range map[string]string{"missing": "", "garbage": "a.b.c"} {
		if a := call(t, s, "GET", "/user", tok, "", ""); a.status != 401 {
			t.Errorf("%s token: %d", name, a.status)
		}
	}
	bob := s.IssueToken("bob@example.com")
	for _, m := range []struct{ method, path, body string }{
		{"GET", "/service-config", ""}, {"GET", "/service-config/appmixer:microsoft", ""},
		{"POST", "/service-config", `{"serviceId":"appmixer:microsoft"}`},
		{"PUT", "/service-config/appmixer:microsoft", `{}`}, {"DELETE", "/service-config/appmixer:microsoft", ""},
	} {
		if a := call(t, s, m.method, m.path, bob, m.body, ""); a.status != 403 {
			t.Errorf("non-admin %s %s: %d", m.method, m.path, a.status)
		}
	}
	if _, ok := s.ServiceConfig("appmixer:microsoft"); ok {
		t.Error("non-admin POST created a config")
	}

	s.ExpireTokensAfter(2)
	tok := s.IssueToken(appmixertest.DefaultAdminUsername)
	got := []int{}
	for i := 0; i < 3; i++ {
		got = append(got, call(t, s, "GET", "/user", tok, "", "").status)
	}
	if !reflect.DeepEqual(got, []int{200, 200, 401}) {
		t.Errorf("ExpireTokensAfter(2) statuses = %v", got)
	}
	s.ExpireTokensAfter(0)
	fresh := s.IssueToken(appmixertest.DefaultAdminUsername)
	s.ExpireAllTokens()
	if a := call(t, s, "GET", "/user", fresh, "", ""); a.status != 401 {
		t.Errorf("after ExpireAllTokens: %d", a.status)
	}
}

func TestServiceConfigSemantics(t *testing.T) {
	s := start(t)
	tok := s.IssueToken(appmixertest.DefaultAdminUsername)
	const p = "/service-config/appmixer:microsoft"
	if a := call(t, s, "GET", p, tok, "", ""); a.status != 404 {
		t.Fatalf("GET absent: %d", a.status)
	}
	if a := call(t, s, "PUT", p, tok, `{"clientId":"a"}`, ""); a.status != 404 {
		t.Fatalf("PUT absent: %d", a.status)
	}
	if a := call(t, s, "DELETE", p, tok, "", ""); a.status != 404 {
		t.Fatalf("DELETE absent: %d", a.status)
	}
	for name, body := range map[string]string{"missing serviceId": `{"clientId":"a"}`, "empty serviceId": `{"serviceId":""}`,
		"numeric serviceId": `{"serviceId":5}`, "not JSON": `clientId=a`, "array": `[{"serviceId":"x"}]`} {
		if a := call(t, s, "POST", "/service-config", tok, body, ""); a.status != 400 {
			t.Errorf("POST %s: %d", name, a.status)
		}
	}
	if a := call(t, s, "POST", "/service-config", tok, `{"serviceId":"appmixer:microsoft","clientId":"a","keep":"k","flag":true}`, ""); a.status != 200 || a.body["serviceId"] != "appmixer:microsoft" {
		t.Fatalf("POST: %d %s", a.status, a.raw)
	}
	if a := call(t, s, "POST", "/service-config", tok, `{"serviceId":"appmixer:microsoft"}`, ""); a.status != 409 {
		t.Fatalf("POST duplicate: %d", a.status)
	}
	a := call(t, s, "GET", p, tok, "", "")
	if a.status != 200 || a.body["serviceId"] != "appmixer:microsoft" || a.body["flag"] != true {
		t.Fatalf("GET: %d %s", a.status, a.raw)
	}
	if a := call(t, s, "PUT", p, tok, `{"serviceId":"appmixer:other","clientId":"b"}`, ""); a.status != 400 {
		t.Fatalf("PUT with another serviceId: %d", a.status)
	}
	// PUT replaces the whole object: keys not sent are gone.
	if a := call(t, s, "PUT", p, tok, `{"clientId":"b"}`, ""); a.status != 200 {
		t.Fatalf("PUT: %d", a.status)
	}
	if got, _ := s.ServiceConfig("appmixer:microsoft"); !reflect.DeepEqual(got, map[string]any{"clientId": "b"}) {
		t.Fatalf("after PUT stored = %v", got)
	}
	s.SetServiceConfig("appmixer:slack", map[string]any{"serviceId": "ignored", "clientId": "s"})
	list := call(t, s, "GET", "/service-config", tok, "", "")
	if list.status != 200 || !strings.Contains(list.raw, `"serviceId":"appmixer:slack"`) || strings.Contains(list.raw, "ignored") {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
	if a := call(t, s, "DELETE", p, tok, "", ""); a.status != 200 {
		t.Fatalf("DELETE: %d", a.status)
	}
	if _, ok := s.ServiceConfig("appmixer:microsoft"); ok {
		t.Fatal("still stored after DELETE")
	}
	// ServiceConfig returns a copy.
	got, _ := s.ServiceConfig("appmixer:slack")
	got["clientId"] = "changed"
	if again, _ := s.ServiceConfig("appmixer:slack"); again["clientId"] != "s" {
		t.Fatal("ServiceConfig exposed internal state")
	}
	if a := call(t, s, "GET", "/nope", tok, "", ""); a.status != 404 || a.body["error"] != "Not Found" {
		t.Fatalf("unknown route: %d %s", a.status, a.raw)
	}
}

func TestRequestLog(t *testing.T) {
	s := start(t)
	tok := login(t, s, appmixertest.DefaultAdminUsername, appmixertest.DefaultAdminPassword)
	call(t, s, "GET", "/service-config/appmixer:microsoft", tok, "", "")
	call(t, s, "POST", "/service-config", tok, `{"serviceId":"appmixer:microsoft"}`, "")
	call(t, s, "PUT", "/service-config/appmixer:microsoft", tok, `{}`, "")
	type row struct {
		Route  string
		Status int
		Write  bool
	}
	var got []row
	for _, r := range s.Requests() {
		got = append(got, row{r.Route, r.Status, r.Write})
		if r.Time.IsZero() || r.Path == "" {
			t.Errorf("entry lacks time or path: %+v", r)
		}
	}
	want := []row{{"POST /user/auth", 200, false}, {"GET /service-config/{id}", 404, false},
		{"POST /service-config", 200, true}, {"PUT /service-config/{id}", 200, true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("log = %+v, want %+v", got, want)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("after reset: %d entries", n)
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	tok := s.IssueToken(appmixertest.DefaultAdminUsername)
	s.AddFault(appmixertest.Fault{Route: "GET /user", Status: 503, Times: 2})
	got := []int{}
	for i := 0; i < 3; i++ {
		got = append(got, call(t, s, "GET", "/user", tok, "", "").status)
	}
	if !reflect.DeepEqual(got, []int{503, 503, 200}) {
		t.Fatalf("statuses = %v", got)
	}
	faulted := 0
	for _, r := range s.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	if faulted != 2 {
		t.Fatalf("faulted entries = %d", faulted)
	}

	// AfterApply + Status: the write happens, the client sees 500.
	s.AddFault(appmixertest.Fault{Route: "POST /service-config", Status: 500, AfterApply: true})
	if a := call(t, s, "POST", "/service-config", tok, `{"serviceId":"appmixer:microsoft","clientId":"x"}`, ""); a.status != 500 {
		t.Fatalf("AfterApply status = %d", a.status)
	}
	if cfg, ok := s.ServiceConfig("appmixer:microsoft"); !ok || cfg["clientId"] != "x" {
		t.Fatal("AfterApply did not apply the write")
	}

	// Route "" matches anything.
	s.AddFault(appmixertest.Fault{Status: 429})
	if a := call(t, s, "GET", "/service-config/appmixer:microsoft", tok, "", ""); a.status != 429 {
		t.Fatalf("catch-all fault: %d", a.status)
	}

	// Reset: the client sees a transport error (POST is not replayed).
	s.AddFault(appmixertest.Fault{Route: "POST /user/auth", Reset: true})
	req, _ := http.NewRequest("POST", s.URL+"/user/auth", strings.NewReader(`{}`))
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("Reset fault: want a transport error")
	}
}

func TestHangUntilRelease(t *testing.T) {
	s := start(t)
	tok := s.IssueToken(appmixertest.DefaultAdminUsername)
	s.SetServiceConfig("appmixer:microsoft", map[string]any{})
	s.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Hang: true})
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("PUT", s.URL+"/service-config/appmixer:microsoft", strings.NewReader(`{"clientId":"h"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	testwait.Until(t, 2*time.Second, "the request to reach the hang", func() bool { return s.Hanging() == 1 })
	if cfg, _ := s.ServiceConfig("appmixer:microsoft"); len(cfg) != 0 {
		t.Fatal("hung PUT applied before release")
	}
	s.Release()
	select {
	case st := <-done:
		if st != 200 {
			t.Fatalf("after release: %d", st)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Release did not unblock the request")
	}
	if cfg, _ := s.ServiceConfig("appmixer:microsoft"); cfg["clientId"] != "h" {
		t.Fatal("released PUT was not applied")
	}
}

func TestCloseDoesNotWaitForHangs(t *testing.T) {
	s := appmixertest.NewServer()
	s.AddFault(appmixertest.Fault{Hang: true})
	go func() {
		if resp, err := s.Client().Get(s.URL + "/user"); err == nil {
			resp.Body.Close()
		}
	}()
	testwait.Until(t, 2*time.Second, "the request to reach the hang (else Close is not tested)", func() bool { return s.Hanging() == 1 })
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
}

func TestLatencyAndTLS(t *testing.T) {
	s := start(t, appmixertest.WithLatency(150*time.Millisecond))
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("URL = %s", s.URL)
	}
	begin := time.Now()
	call(t, s, "GET", "/user", "", "", "")
	if d := time.Since(begin); d < 150*time.Millisecond {
		t.Fatalf("latency not applied: %s", d)
	}
	block, _ := pem.Decode(s.CACertPEM())
	if block == nil {
		t.Fatal("CACertPEM is not PEM")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("CA cert: %v", err)
	}
	if _, err := http.Get(s.URL + "/user"); err == nil {
		t.Fatal("the default client must not trust the emulator's CA")
	}
}
