package azuretest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

func TestAuthentication(t *testing.T) {
	s := newServer(t)
	for _, tok := range []string{"", "garbage", "a.b.c"} {
		r := graph(t, s, tok, "GET", "/applications", nil)
		if r.status != 401 || r.errCode() != "InvalidAuthenticationToken" {
			t.Fatalf("token %q: %d %s", tok, r.status, r.raw)
		}
	}
	tok := automationToken(t, s)
	mustStatus(t, graph(t, s, tok, "GET", "/applications", nil), 200)
	s.ExpireAllTokens()
	r := graph(t, s, tok, "GET", "/applications", nil)
	if r.status != 401 || r.errCode() != "InvalidAuthenticationToken" || r.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("expired: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, automationToken(t, s), "GET", "/applications", nil), 200)
	claims := jwtClaims(t, tok)
	if claims["tid"] != s.TenantID || claims["roles"] == nil || claims["aud"] != s.URL {
		t.Fatalf("app token claims %v", claims)
	}
}

func TestReplicationDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	s := newServer(t, azuretest.WithReplicationDelay(delay))
	tok := automationToken(t, s)
	created := time.Now()
	app := createApp(t, s, tok, map[string]any{"displayName": "fresh", "signInAudience": "AzureADMyOrg"})
	id, appID := app["id"].(string), app["appId"].(string)

	r := graph(t, s, tok, "GET", "/applications/"+id, nil)
	if r.status != 404 || r.errCode() != "Request_ResourceNotFound" {
		t.Fatalf("during replication: %d %s", r.status, r.raw)
	}
	r = graph(t, s, tok, "POST", "/applications/"+id+"/addPassword", map[string]any{})
	if r.status != 404 {
		t.Fatalf("addPassword during replication: %d", r.status)
	}
	r = graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID})
	if r.status != 400 || r.errMsg() != "The appId '"+appID+"' of the service principal does not reference a valid application object." {
		t.Fatalf("SP during replication: %d %s", r.status, r.raw)
	}
	if len(s.Applications()) != 1 {
		t.Fatal("Applications() must show replicating apps")
	}
	var faulted, writes int
	for _, q := range s.Requests() {
		if q.Faulted {
			faulted++
		}
		if q.Write {
			writes++
		}
	}
	if faulted != 3 || writes != 3 {
		t.Fatalf("log: faulted=%d writes=%d %+v", faulted, writes, s.Requests())
	}
	testwait.Until(t, 2*time.Second, "replication", func() bool {
		return graph(t, s, tok, "GET", "/applications(appId='"+appID+"')", nil).status == 200
	})
	if el := time.Since(created); el < delay {
		t.Fatalf("visible after %v, before the %v delay", el, delay)
	}
	mustStatus(t, graph(t, s, tok, "POST", "/servicePrincipals", map[string]any{"appId": appID}), 201)
}

func TestFaultsStatusAndRetryAfter(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	s.AddFault(azuretest.Fault{Route: "GET /v1.0/applications", Times: 2, Status: 429, RetryAfter: 1500 * time.Millisecond})
	s.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Status: 503})
	for i := 0; i < 2; i++ {
		r := graph(t, s, tok, "GET", "/applications", nil)
		if r.status != 429 || r.header.Get("Retry-After") != "2" || r.errCode() != "TooManyRequests" {
			t.Fatalf("call %d: %d %v %s", i, r.status, r.header, r.raw)
		}
	}
	mustStatus(t, graph(t, s, tok, "GET", "/applications", nil), 200)
	if r := graph(t, s, tok, "GET", "/organization", nil); r.status != 503 || r.errCode() == "" {
		t.Fatalf("503: %d %s", r.status, r.raw)
	}
	mustStatus(t, graph(t, s, tok, "GET", "/organization", nil), 200)
	var faulted []string
	for _, q := range s.Requests() {
		if q.Faulted {
			faulted = append(faulted, q.Route)
		}
	}
	if strings.Join(faulted, ",") != "GET /v1.0/applications,GET /v1.0/applications,GET /v1.0/organization" {
		t.Fatalf("faulted routes %v", faulted)
	}
	// Entra routes take faults too, with an Entra-shaped body.
	s.AddFault(azuretest.Fault{Route: "POST /{tenant}/oauth2/v2.0/token", Status: 503})
	id, secret := s.AutomationCredentials()
	st, m := clientCredentials(t, s, id, secret)
	if st != 503 || m["error"] == nil || m["error_codes"] == nil {
		t.Fatalf("entra fault: %d %v", st, m)
	}
}

func TestFaultResetAfterApply(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	s.AddFault(azuretest.Fault{Route: "POST /v1.0/applications", Reset: true, AfterApply: true})
	req, _ := http.NewRequest("POST", s.URL+"/v1.0/applications", strings.NewReader(`{"displayName":"lost","signInAudience":"AzureADMyOrg"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if res, err := s.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("expected a cut connection, got %d", res.StatusCode)
	}
	if apps := s.Applications(); len(apps) != 1 || apps[0].DisplayName != "lost" {
		t.Fatalf("AfterApply did not apply: %+v", apps)
	}
	log := s.Requests()
	if last := log[len(log)-1]; last.Status != 0 || !last.Faulted || last.Route != "POST /v1.0/applications" {
		t.Fatalf("log %+v", last)
	}
	// Reset without AfterApply changes nothing.
	s.AddFault(azuretest.Fault{Route: "POST /v1.0/applications", Reset: true})
	if res, err := s.Client().Do(mustReq(t, s, tok)); err == nil {
		res.Body.Close()
		t.Fatal("expected reset")
	}
	if len(s.Applications()) != 1 {
		t.Fatal("reset before apply created an app")
	}
}

func mustReq(t *testing.T, s *azuretest.Server, tok string) *http.Request {
	req, err := http.NewRequest("POST", s.URL+"/v1.0/applications", strings.NewReader(`{"displayName":"x","signInAudience":"AzureADMyOrg"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestFaultHangReleaseAndClientGone(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)

	// Hang until the client gives up.
	s.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/v1.0/organization", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := s.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}

	// The server lets go of the abandoned request once it sees the client gone.
	testwait.Until(t, 5*time.Second, "the abandoned request to be let go", func() bool { return s.Hanging() == 0 })

	// Hang then 503 once released.
	s.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Hang: true, Status: 503})
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.URL+"/v1.0/organization", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := s.Client().Do(req)
		if err != nil {
			done <- -1
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.Hanging() != 1 { // poll until the request is held, then release it
		select {
		case st := <-done:
			t.Fatalf("returned %d before Release", st)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the request never reached the hang")
		}
		time.Sleep(time.Millisecond)
	}
	s.Release()
	select {
	case st := <-done:
		if st != 503 {
			t.Fatalf("after release: %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Release did not unblock")
	}
}

func TestLatency(t *testing.T) {
	s := newServer(t, azuretest.WithLatency(50*time.Millisecond))
	tok := automationToken(t, s)
	start := time.Now()
	mustStatus(t, graph(t, s, tok, "GET", "/organization", nil), 200)
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("latency not applied")
	}
}

func TestRouteKeys(t *testing.T) {
	s := newServer(t)
	tok := automationToken(t, s)
	app := createApp(t, s, tok, map[string]any{"displayName": "r", "signInAudience": "AzureADMyOrg"})
	s.ResetRequests()
	graph(t, s, tok, "POST", "/applications/"+app["id"].(string)+"/addPassword", map[string]any{})
	graph(t, s, tok, "GET", "/applications(appId='"+app["appId"].(string)+"')", nil)
	graph(t, s, tok, "GET", "/applications?$filter=displayName%20eq%20'r'", nil)
	want := []string{"POST /v1.0/applications/{id}/addPassword", "GET /v1.0/applications(appId={appId})", "GET /v1.0/applications"}
	got := s.Requests()
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		if got[i].Route != w {
			t.Errorf("route %d = %q, want %q", i, got[i].Route, w)
		}
	}
	if !got[0].Write || got[1].Write || got[2].Query == "" {
		t.Fatalf("%+v", got)
	}
}
