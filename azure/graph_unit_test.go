package azure_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestGraphBadAnswersGiveErrorsNotPanics(t *testing.T) {
	cases := []struct {
		name string
		h    func(w http.ResponseWriter)
		want string
	}{
		{"malformed JSON", func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte(`{"id":"x",`)) }, "malformed JSON"},
		{"empty 200", func(w http.ResponseWriter) { w.WriteHeader(200) }, "empty body"},
		{"wrong type", func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte(`{"id":42}`)) }, "malformed JSON"},
		{"cut connection", cut, "cut the connection"},
		{"HTML 502", func(w http.ResponseWriter) { w.WriteHeader(502); _, _ = w.Write([]byte(`<html>bad gateway</html>`)) }, "502"},
		{"truncated body", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":`))
			w.(http.Flusher).Flush()
			cut(w)
		}, "graph: GET /applications/abc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) { c.h(w) })
			g := sg.graph(azure.GraphOptions{MaxRetries: 1})
			a, err := g.GetApplication(context.Background(), "abc")
			if err == nil || a != nil {
				t.Fatalf("want error, got app %+v", a)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "SECRET-TOKEN") {
				t.Fatalf("error must be one line without the token: %q", err)
			}
		})
	}
}

func TestGraphErrorDecoding(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		graphErr(w, 400, "Request_BadRequest", "Invalid value specified for property 'web'.")
	})
	g := sg.graph(azure.GraphOptions{})
	err := g.UpdateApplication(context.Background(), "obj1", azure.ApplicationPatch{Tags: []string{"x"}})
	ge, ok := azure.AsGraphError(err)
	if !ok {
		t.Fatalf("want *GraphError, got %T %v", err, err)
	}
	if ge.StatusCode != 400 || ge.Code != "Request_BadRequest" || ge.RequestID != "req-123" || ge.Method != "PATCH" || ge.Path != "/applications/obj1" {
		t.Fatalf("decoded %+v", ge)
	}
	want := "graph: PATCH /applications/obj1: 400 Request_BadRequest: Invalid value specified for property 'web'. (request-id req-123)"
	if err.Error() != want {
		t.Fatalf("got  %q\nwant %q", err.Error(), want)
	}
	if azure.IsNotFound(err) {
		t.Fatal("400 is not not-found")
	}
}

func TestGraphForbiddenAndUnauthorizedSayWhatToDo(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/me") {
			graphErr(w, 401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
			return
		}
		graphErr(w, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	})
	g := sg.graph(azure.GraphOptions{})
	_, err := g.CreateApplication(context.Background(), azure.Application{DisplayName: "x"})
	if h, _ := hint.Of(err); err == nil || !strings.Contains(h.Text, "Application Administrator") {
		t.Fatalf("403 should name the role needed: %v (%+v)", err, h)
	}
	_, err = g.Me(context.Background())
	if h, _ := hint.Of(err); err == nil || !strings.Contains(h.Text, "sign in again") || !h.Retry {
		t.Fatalf("401 should say sign in again: %v (%+v)", err, h)
	}
}

func TestGraphAddPasswordNotRetriedAfterPossibleApply(t *testing.T) {
	for _, mode := range []string{"503", "reset"} {
		t.Run(mode, func(t *testing.T) {
			sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if mode == "reset" {
					cut(w)
					return
				}
				graphErr(w, 503, "serviceNotAvailable", "try later")
			})
			g := sg.graph(azure.GraphOptions{MaxRetries: 3})
			_, err := g.AddPassword(context.Background(), "obj1", "wizard", time.Now().AddDate(1, 0, 0))
			if err == nil {
				t.Fatal("want error")
			}
			if n := sg.calls("POST /v1.0/applications/obj1/addPassword"); n != 1 {
				t.Fatalf("addPassword sent %d times, want exactly 1 (a retry could mint a second secret)", n)
			}
		})
	}
}

func TestGraphAddPassword429IsRetried(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			graphErr(w, 429, "TooManyRequests", "throttled")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"keyId":"k1","hint":"abc","secretText":"abcSECRETVALUE","displayName":"wizard"}`))
	})
	g := sg.graph(azure.GraphOptions{})
	start := time.Now()
	pc, err := g.AddPassword(context.Background(), "obj1", "wizard", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Fatalf("retried after %s, before Retry-After's 1s", el)
	}
	if pc.KeyID != "k1" || pc.SecretText != "abcSECRETVALUE" || sg.calls("POST /v1.0/applications/obj1/addPassword") != 2 {
		t.Fatalf("got %+v after %d calls", pc, sg.calls("POST /v1.0/applications/obj1/addPassword"))
	}
	if s := pc.String(); strings.Contains(s, "SECRET") {
		t.Fatalf("String() shows the secret: %s", s)
	}
}

func TestGraphRetryAfterTooLongIsReported(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "120")
		graphErr(w, 429, "TooManyRequests", "throttled")
	})
	g := sg.graph(azure.GraphOptions{MaxRetryDelay: time.Second})
	_, err := g.Organization(context.Background())
	if h, _ := hint.Of(err); !h.Retry || h.After != 2*time.Minute || sg.calls("GET /v1.0/organization") != 1 || !azure.IsTransient(err) {
		t.Fatalf("want one try and a throttling error with the wait as its hint, got %v (%+v) after %d", err, h, sg.calls("GET /v1.0/organization"))
	}
}

func TestGraphHangIsBoundedByTimeout(t *testing.T) {
	release := make(chan struct{})
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
			// Answer nothing: returning would send an empty 200, which a
			// client whose try just timed out may still read.
			panic(http.ErrAbortHandler)
		case <-release:
		}
	})
	defer close(release)
	g := sg.graph(azure.GraphOptions{Timeout: 150 * time.Millisecond, MaxRetries: -1})
	start := time.Now()
	_, err := g.Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("want timeout error, got %v", err)
	}
	t.Log(err)
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %s", el)
	}
}

func TestGraphNextLinkMustStayOnGraph(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_, _ = w.Write([]byte(`{"value":[{"id":"1","appId":"a"}],"@odata.nextLink":"https://evil.example/v1.0/applications?$skiptoken=x"}`))
	})
	g := sg.graph(azure.GraphOptions{})
	_, err := g.FindApplications(context.Background(), azure.AppFilter{DisplayName: "x"})
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("want refusal, got %v", err)
	}
}

func TestGraphFollowsNextLinkAndQuotesFilter(t *testing.T) {
	var filters []string
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		filters = append(filters, r.URL.Query().Get("$filter"))
		if r.URL.Query().Get("$skiptoken") == "" {
			_, _ = w.Write([]byte(`{"value":[{"id":"1","appId":"a"}],"@odata.nextLink":"` + "https://" + r.Host + `/v1.0/applications?$skiptoken=2"}`))
			return
		}
		_, _ = w.Write([]byte(`{"value":[{"id":"2","appId":"b"}]}`))
	})
	g := sg.graph(azure.GraphOptions{})
	apps, err := g.FindApplications(context.Background(), azure.AppFilter{DisplayName: "Bob's app"})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || apps[1].ID != "2" {
		t.Fatalf("got %+v", apps)
	}
	if filters[0] != "displayName eq 'Bob''s app'" {
		t.Fatalf("filter sent: %q", filters[0])
	}
}

func TestGraphReplicationRetryOnlyForFreshObjects(t *testing.T) {
	created := time.Time{}
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == "POST" && r.URL.Path == "/v1.0/applications":
			created = time.Now()
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`{"id":"obj1","appId":"app1","displayName":"x"}`))
		case r.URL.Path == "/v1.0/applications/obj1" && time.Since(created) < 300*time.Millisecond:
			graphErr(w, 404, "Request_ResourceNotFound", "Resource 'obj1' does not exist or one of its queried reference-property objects are not present.")
		case r.URL.Path == "/v1.0/applications/obj1":
			_, _ = w.Write([]byte(`{"id":"obj1","appId":"app1","displayName":"x"}`))
		default:
			graphErr(w, 404, "Request_ResourceNotFound", "nope")
		}
	})
	g := sg.graph(azure.GraphOptions{ReplicationTimeout: 5 * time.Second})
	ctx := context.Background()
	// an id this client did not create: 404 at once
	start := time.Now()
	if _, err := g.GetApplication(ctx, "other"); !azure.IsNotFound(err) || time.Since(start) > time.Second {
		t.Fatalf("unknown id: want immediate 404, got %v after %s", err, time.Since(start))
	}
	if _, err := g.CreateApplication(ctx, azure.Application{DisplayName: "x"}); err != nil {
		t.Fatal(err)
	}
	a, err := g.GetApplication(ctx, "obj1")
	if err != nil || a.AppID != "app1" {
		t.Fatalf("got %+v %v", a, err)
	}
	// A loose bound: the 500 ms promise is measured on the server's clock in
	// TestReplicationRetryProceedsPromptly; here only "it did not give up or stall".
	if el := time.Since(created); el > 2*time.Second {
		t.Fatalf("proceeded %s after creation; consistent after 300ms", el)
	}
}

func TestGraphReplicationTimeoutIsBounded(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == "POST" {
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`{"id":"obj1","appId":"app1"}`))
			return
		}
		graphErr(w, 404, "Request_ResourceNotFound", "gone")
	})
	g := sg.graph(azure.GraphOptions{ReplicationTimeout: 500 * time.Millisecond})
	if _, err := g.CreateApplication(context.Background(), azure.Application{DisplayName: "x"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := g.UpdateApplication(context.Background(), "obj1", azure.ApplicationPatch{Tags: []string{"a"}})
	if !azure.IsNotFound(err) || !strings.Contains(err.Error(), "replication") {
		t.Fatalf("want wrapped 404 naming replication, got %v", err)
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Fatalf("took %s with a 500ms bound", el)
	}
}

func TestGraphSecretLifetimePolicy(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		graphErr(w, 400, "CredentialInvalidLifetimeAsPerAppPolicy", "Credential lifetime exceeds the max value allowed as per assigned policy. Maximum allowed lifetime: P90D.")
	})
	g := sg.graph(azure.GraphOptions{})
	_, err := g.AddPassword(context.Background(), "obj1", "wizard", time.Now().AddDate(2, 0, 0))
	var le *azure.SecretLifetimeError
	if !errors.As(err, &le) {
		t.Fatalf("want *SecretLifetimeError, got %T %v", err, err)
	}
	if le.Allowed != 90*24*time.Hour {
		t.Fatalf("allowed %s", le.Allowed)
	}
	if h, _ := hint.Of(err); !strings.Contains(err.Error(), "at most 3m") || h.Input != hint.SecretExpiry || h.Value != "3m" || le.Source != azure.LifetimeFromMessage {
		t.Fatalf("message should give the allowed lifetime and the hint the expiry: %q, %+v, from %q", err, h, le.Source)
	}
	if _, ok := azure.AsGraphError(err); !ok {
		t.Fatal("the Graph error should stay reachable")
	}
}

func TestGraphHTTPLoopbackWorks(t *testing.T) {
	// plain http only for loopback; the bearer policy is told to allow it there
	srv := newPlainStub(t)
	s := &azure.Session{Credential: &staticCred{}, GraphURL: srv.URL, HTTPClient: srv.Client()}
	u, err := azure.NewGraph(s, azure.GraphOptions{}).Me(context.Background())
	if err != nil || u.UserPrincipalName != "ada@x" {
		t.Fatalf("got %+v %v", u, err)
	}
}

// failingCred fails like the Azure CLI credential after `az logout`.
type failingCred struct{}

func (failingCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errors.New("AzureCLICredential: ERROR: Please run 'az login' to setup account.")
}

// A token that cannot be had is a sign-in failure, not Graph being unreachable.
func TestGraphTokenFailureIsASignInError(t *testing.T) {
	sg := newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("no request without a token") })
	s := &azure.Session{Credential: failingCred{}, GraphURL: sg.URL, HTTPClient: sg.Client()}
	_, err := azure.NewGraph(s, azure.GraphOptions{}).Me(ctxT(t))
	ae, ok := azure.AsAuthError(err)
	h, _ := hint.Of(err)
	if !ok || ae.Op != "getting a Graph token" || h.Input != hint.Auth || strings.Contains(err.Error(), "cannot be reached") {
		t.Fatalf("got %v (%+v)", err, h)
	}
}
