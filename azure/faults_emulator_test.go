package azure_test

import (
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// consistentAt is when the emulator stops hiding the app created by the logged POST.
func consistentAt(t *testing.T, srv *azuretest.Server, delay time.Duration) time.Time {
	t.Helper()
	posts := routeRequests(srv, "POST /v1.0/applications")
	if len(posts) != 1 {
		t.Fatalf("%d POST /applications", len(posts))
	}
	return posts[0].Time.Add(delay)
}

// firstAnswered is when the first request of route that was not held back by
// the emulator arrived (the server's clock: the client's own scheduling after
// the answer does not count).
func firstAnswered(t *testing.T, srv *azuretest.Server, route string) time.Time {
	t.Helper()
	for _, r := range routeRequests(srv, route) {
		if !r.Faulted {
			return r.Time
		}
	}
	t.Fatalf("no %s got through", route)
	return time.Time{}
}

func faulted(srv *azuretest.Server, route string) int {
	n := 0
	for _, r := range routeRequests(srv, route) {
		if r.Faulted {
			n++
		}
	}
	return n
}

// Replication retry proceeds within 500 ms of the emulator becoming consistent.
func TestReplicationRetryProceedsPromptly(t *testing.T) {
	const delay = 400 * time.Millisecond
	srv := newEmulator(t, azuretest.WithReplicationDelay(delay))
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)

	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "repl"})
	if err != nil {
		t.Fatal(err)
	}
	ready := consistentAt(t, srv, delay)

	sp, err := g.CreateServicePrincipal(ctx, app.AppID, nil)
	if err != nil {
		t.Fatalf("service principal through replication delay: %v", err)
	}
	if late := firstAnswered(t, srv, "POST /v1.0/servicePrincipals").Sub(ready); late > 500*time.Millisecond {
		t.Fatalf("proceeded %s after the app became consistent", late)
	}
	if faulted(srv, "POST /v1.0/servicePrincipals") == 0 {
		t.Fatal("the test did not hit the replication delay")
	}
	if sp.AppID != app.AppID || spsFor(srv, app.AppID) != 1 {
		t.Fatalf("sp %+v", sp)
	}

	// a second app: PATCH and addPassword right after creation
	srv.ResetRequests()
	app2, err := g.CreateApplication(ctx, azure.Application{DisplayName: "repl2"})
	if err != nil {
		t.Fatal(err)
	}
	ready = consistentAt(t, srv, delay)
	if err := g.UpdateApplication(ctx, app2.ID, azure.ApplicationPatch{Tags: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	pc, err := g.AddPassword(ctx, app2.ID, "t", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if late := firstAnswered(t, srv, "PATCH /v1.0/applications/{id}").Sub(ready); late > 500*time.Millisecond {
		t.Fatalf("proceeded %s after consistency", late)
	}
	if faulted(srv, "PATCH /v1.0/applications/{id}") == 0 {
		t.Fatal("PATCH did not hit the replication delay")
	}
	for _, a := range srv.Applications() {
		if a.ID == app2.ID && (len(a.PasswordCredentials) != 1 || a.PasswordCredentials[0].KeyID != pc.KeyID) {
			t.Fatalf("want exactly one secret, got %+v", a.PasswordCredentials)
		}
	}
	// first retry within 250 ms, no wait over 400 ms
	var prev time.Time
	for i, r := range routeRequests(srv, "PATCH /v1.0/applications/{id}") {
		if i == 1 && r.Time.Sub(prev) > 250*time.Millisecond+100*time.Millisecond {
			t.Fatalf("first retry after %s", r.Time.Sub(prev))
		}
		if i > 0 && r.Time.Sub(prev) > 400*time.Millisecond+150*time.Millisecond {
			t.Fatalf("a wait of %s", r.Time.Sub(prev))
		}
		prev = r.Time
	}
}

func TestReplicationRetryBounded(t *testing.T) {
	srv := newEmulator(t, azuretest.WithReplicationDelay(time.Hour))
	s := signInAutomation(t, srv)
	g := azure.NewGraph(s, azure.GraphOptions{ReplicationTimeout: 600 * time.Millisecond})
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "never"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = g.GetApplication(ctx, app.ID)
	if !azure.IsNotFound(err) || !strings.Contains(err.Error(), "replication") {
		t.Fatalf("want a replication error, got %v", err)
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Fatalf("took %s with a 600ms bound", el)
	}
}

// Retry-After on 429 is honoured by azcore's retry policy; 503 is retried for reads.
func TestRetryAfterHonoured(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	srv.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Status: 429, RetryAfter: time.Second})
	srv.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Status: 503, Times: 2})
	start := time.Now()
	if _, err := g.Organization(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := routeRequests(srv, "GET /v1.0/organization")
	if len(reqs) != 4 || reqs[0].Status != 429 || reqs[1].Status != 503 || reqs[3].Status != 200 {
		t.Fatalf("log %+v", reqs)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 950*time.Millisecond {
		t.Fatalf("retried %s after a 429 with Retry-After: 1", gap)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("took %s", el)
	}
}

// addPassword must never be sent twice when the first may have been applied.
func TestAddPasswordNeverDuplicated(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	const route = "POST /v1.0/applications/{id}/addPassword"
	for _, f := range []azuretest.Fault{
		{Route: route, Reset: true, AfterApply: true},
		{Route: route, Status: 503, AfterApply: true},
	} {
		srv.ResetRequests()
		srv.AddFault(f)
		if _, err := g.AddPassword(ctx, app.ID, "wizard-run", time.Time{}); err == nil {
			t.Fatalf("%+v: want error", f)
		}
		if n := len(routeRequests(srv, route)); n != 1 {
			t.Fatalf("%+v: addPassword sent %d times", f, n)
		}
	}
	if n := len(srv.Applications()[0].PasswordCredentials); n != 2 {
		t.Fatalf("want the two applied secrets (findable by name), got %d", n)
	}
	// 429 means not processed: retried, one secret more
	srv.ResetRequests()
	srv.AddFault(azuretest.Fault{Route: route, Status: 429, RetryAfter: time.Second})
	if _, err := g.AddPassword(ctx, app.ID, "wizard-run", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n := len(routeRequests(srv, route)); n != 2 || len(srv.Applications()[0].PasswordCredentials) != 3 {
		t.Fatalf("429: %d sends", n)
	}
}

// A lost DELETE answer: azcore retries, gets 404, and the call still succeeds.
func TestDeleteAfterLostAnswer(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "del"})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(azuretest.Fault{Route: "DELETE /v1.0/applications/{id}", Reset: true, AfterApply: true})
	if err := g.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if len(srv.Applications()) != 0 {
		t.Fatal("not deleted")
	}
}

func TestHangBoundedByTimeout(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := azure.NewGraph(s, azure.GraphOptions{Timeout: 200 * time.Millisecond, MaxRetries: -1})
	srv.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Hang: true})
	start := time.Now()
	_, err := g.Organization(ctxT(t))
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("want timeout, got %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %s", el)
	}
}

func TestCreateApplicationResetIsNotRetried(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	srv.AddFault(azuretest.Fault{Route: "POST /v1.0/applications", Reset: true, AfterApply: true})
	if _, err := g.CreateApplication(ctxT(t), azure.Application{DisplayName: "once", Tags: []string{testTag}}); err == nil || !strings.Contains(err.Error(), "cut the connection") {
		t.Fatalf("want a transport error, got %v", err)
	}
	if n := len(srv.Applications()); n != 1 {
		t.Fatalf("want exactly the one applied app (findable by tag), got %d", n)
	}
}
