package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// GraphOptions tunes the Graph client. Zero values take the defaults.
type GraphOptions struct {
	MaxRetries         int           // retries on 429/5xx/connection errors (creates: on 429 only); 0 = 3, <0 = none
	ReplicationTimeout time.Duration // bound on waiting out replication delay; 0 = 2 min
	Timeout            time.Duration // per try; 0 = the session's timeout. A whole call: httpx.CallBoundFactor × Timeout
	RetryDelay         time.Duration // first back-off when there is no Retry-After; 0 = 200 ms
	MaxRetryDelay      time.Duration // longest Retry-After waited for; 0 = Timeout (longer → the 429 comes back at once)
}

// DefaultReplicationTimeout bounds waiting for a new object to replicate.
const DefaultReplicationTimeout = 2 * time.Minute

// Graph is a small typed Microsoft Graph v1.0 client on the Graph pipeline of
// httpx (bearer-token policy for the session's credential, one retry rule,
// no redirects, capped answers, a bound per call), with a bounded
// replication-delay wait for calls that address objects this client just created.
type Graph struct {
	pl          *httpx.Pipeline
	base        string // GraphURL + "/v1.0"
	replTimeout time.Duration

	mu    sync.Mutex
	fresh map[string]*freshObject // ids and appIds of objects created here, for replication retries
	cat   *Catalogue
}

// NewGraph builds a Graph client for the session.
func NewGraph(s *Session, o GraphOptions) *Graph {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = s.timeout()
	}
	rt := o.ReplicationTimeout
	if rt <= 0 {
		rt = DefaultReplicationTimeout
	}
	graphURL := s.graphURL()
	bearer := runtime.NewBearerTokenPolicy(graphCredential{s.Credential}, []string{graphURL + "/.default"}, &policy.BearerTokenOptions{
		// only ever reached for loopback: NormalizeGraphURL refuses http elsewhere
		InsecureAllowCredentialWithHTTP: strings.HasPrefix(graphURL, "http://"),
	})
	pl := httpx.New(httpx.Options{
		Service: "Graph", URLInput: hint.GraphURL, HTTPClient: s.httpClient(), Timeout: timeout,
		MaxRetries: o.MaxRetries, RetryDelay: o.RetryDelay, MaxRetryDelay: o.MaxRetryDelay,
		PerRetry: []policy.Policy{bearer},
	})
	return &Graph{pl: pl, base: graphURL + "/v1.0", replTimeout: rt, fresh: map[string]*freshObject{}}
}

// freshObject is one just-created object under all the ids that address it.
type freshObject struct {
	at  time.Time
	ids []string
}

// ExpectReplication marks the ids of one object (object id, appId) as just
// created, e.g. by an earlier run recorded in a state file, so calls addressing
// it wait out replication delay instead of failing with 404 at once.
func (g *Graph) ExpectReplication(ids ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fo := &freshObject{at: time.Now()}
	for _, id := range ids {
		if id != "" {
			fo.ids = append(fo.ids, strings.ToLower(id))
			g.fresh[strings.ToLower(id)] = fo
		}
	}
}

// forget drops an object from the fresh set (deleted: a 404 now means gone).
func (g *Graph) forget(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if fo, ok := g.fresh[strings.ToLower(id)]; ok {
		for _, k := range fo.ids {
			delete(g.fresh, k)
		}
	}
}

func (g *Graph) isFresh(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	fo, ok := g.fresh[strings.ToLower(id)]
	return ok && time.Since(fo.at) < g.replTimeout
}

type call struct {
	method, path string // path relative to /v1.0, query included
	body         any
	out          any
	want         int
	kind         httpx.Kind             // httpx.Create for creating POSTs: retried only on 429
	replicated   string                 // object the call addresses: replication errors retried while it is fresh
	isReplErr    func(*GraphError) bool // which errors mean "not replicated yet"
	goneIsDone   bool                   // DELETE-like: a 404 on a retry means an earlier try was applied
	prefer       string                 // Prefer header (upsert: "create-if-missing")
	orNoContent  bool                   // 204 is a success too (upsert of an existing object): out stays empty
}

// do runs a call, waiting out replication delay when the call allows it.
func (g *Graph) do(ctx context.Context, c call) (int, error) {
	tries, err := g.doReplicated(ctx, c)
	if c.goneIsDone && tries > 1 && IsNotFound(err) {
		return tries, nil // the first try was applied and its answer lost
	}
	return tries, err
}

func (g *Graph) doReplicated(ctx context.Context, c call) (tries int, err error) {
	if c.replicated == "" || !g.isFresh(c.replicated) {
		return g.once(ctx, c)
	}
	err = httpx.Poll(ctx, "the new object to replicate (Entra ID replication delay)", g.replTimeout, func(ctx context.Context) (bool, error) {
		var err error
		tries, err = g.once(ctx, c)
		ge, ok := AsGraphError(err)
		return !ok || !c.isReplErr(ge) || c.goneIsDone && tries > 1, err
	})
	if we, ok := errors.AsType[*httpx.WaitError](err); ok {
		if we.Stopped != nil {
			return tries, fmt.Errorf("graph: %s %s: %w", c.method, pathOnly(c.path), err)
		}
		return tries, hint.Wrap(err, hint.Retry("Entra ID can take minutes to replicate a new object"))
	}
	return tries, err
}

// once sends one call through the pipeline (which may retry inside).
func (g *Graph) once(ctx context.Context, c call) (int, error) {
	path := pathOnly(c.path)
	r := httpx.Request{Method: c.method, URL: g.base + c.path, Header: http.Header{"Accept": {"application/json"}}, Kind: c.kind}
	if c.prefer != "" {
		r.Header.Set("Prefer", c.prefer)
	}
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return 0, fmt.Errorf("graph: %s %s: encoding the request: %w", c.method, path, err)
		}
		r.Body, r.ContentType = b, "application/json"
	}
	resp, err := g.pl.Send(ctx, r)
	if err != nil {
		return 0, sendError(c.method, path, err)
	}
	n := resp.Tries
	if c.orNoContent && resp.Status == http.StatusNoContent {
		return n, nil
	}
	if resp.Status != c.want {
		if resp.Status >= 200 && resp.Status < 300 {
			return n, hint.Errorf(hint.Hint{Text: "report this: Graph's API may have changed"}, "graph: %s %s: unexpected status %d (expected %d)", c.method, path, resp.Status, c.want)
		}
		return n, graphError(decodeGraphError(c.method, path, resp.Status, resp.Header, resp.Body))
	}
	if c.out == nil {
		return n, nil
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return n, hint.Errorf(notGraph, "graph: %s %s: %d with an empty body", c.method, path, resp.Status)
	}
	if err := json.Unmarshal(resp.Body, c.out); err != nil {
		return n, hint.Errorf(notGraph, "graph: %s %s: malformed JSON in the answer (%w)", c.method, path, err)
	}
	return n, nil
}

// notGraph is the hint of an answer that is not what Graph sends.
var notGraph = hint.Change(hint.GraphURL, "check that it points at Microsoft Graph")

// sendError explains a call that got no usable answer; one line, never the
// token (it is in a header, not in the URL).
func sendError(method, path string, err error) error {
	if te, ok := errors.AsType[*tokenError](err); ok {
		return newAuthError("getting a Graph token", te.err)
	}
	return fmt.Errorf("graph: %s %s: %w", method, path, err)
}

// graphCredential marks the errors of getting a token, so a Graph call tells
// "no token" (sign-in) from "no answer from Graph" whatever the credential.
type graphCredential struct{ azcore.TokenCredential }

func (c graphCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	t, err := c.TokenCredential.GetToken(ctx, o)
	if err != nil {
		return t, &tokenError{err}
	}
	return t, nil
}

// tokenError is a failure to get a Graph token; its text is the cause's.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// isAppNotReplicated: Graph answers 404 Request_ResourceNotFound for an app that has not replicated yet.
func isAppNotReplicated(ge *GraphError) bool {
	return ge.StatusCode == http.StatusNotFound
}

// isNotValidAppObject: POST /servicePrincipals (and grants) for an app that has not replicated yet
// answer 400 "… does not reference a valid application object".
func isNotValidAppObject(ge *GraphError) bool {
	return ge.StatusCode == http.StatusBadRequest && strings.Contains(ge.Message, "does not reference a valid application object") ||
		ge.StatusCode == http.StatusNotFound
}
