package azure

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// GraphOptions tunes the Graph client. Zero values take the defaults.
type GraphOptions struct {
	MaxRetries         int           // azcore retries on 429/5xx/connection errors; 0 = 3, <0 = none
	ReplicationTimeout time.Duration // bound on waiting out replication delay; 0 = 2 min
	Timeout            time.Duration // per request (per try); 0 = the session's timeout
	RetryDelay         time.Duration // first back-off when there is no Retry-After; 0 = 200 ms
	MaxRetryDelay      time.Duration // longest Retry-After honoured; 0 = 60 s (longer → error at once)
}

// defaultRetryDelay is the first back-off between tries without Retry-After.
const defaultRetryDelay = 200 * time.Millisecond

// DefaultReplicationTimeout bounds waiting for a new object to replicate.
const DefaultReplicationTimeout = 2 * time.Minute

// Replication back-off: first retry within 250 ms, no wait over 250 ms, so a
// call proceeds well within 500 ms of Graph becoming consistent (latency included).
const (
	replicationFirstWait = 100 * time.Millisecond
	replicationMaxWait   = 250 * time.Millisecond
)

// Graph is a small typed Microsoft Graph v1.0 client on azcore's pipeline:
// bearer-token policy for the session's credential, azcore's retry policy
// (429/503 with Retry-After), and a bounded replication-delay retry for calls
// that address objects this client just created.
type Graph struct {
	pl          runtime.Pipeline
	base        string // GraphURL + "/v1.0"
	retry       policy.RetryOptions
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
	retry := policy.RetryOptions{
		MaxRetries:    int32(o.MaxRetries),
		TryTimeout:    timeout, // every request (and its token fetch) is bounded
		RetryDelay:    o.RetryDelay,
		MaxRetryDelay: o.MaxRetryDelay,
	}
	if retry.MaxRetryDelay == 0 {
		retry.MaxRetryDelay = 60 * time.Second
	}
	if retry.RetryDelay == 0 {
		// azcore's 800 ms default makes a silent server cost ~9 s of back-off on
		// top of the tries; Retry-After (429/503) still sets the wait when present.
		retry.RetryDelay = defaultRetryDelay
	}
	rt := o.ReplicationTimeout
	if rt <= 0 {
		rt = DefaultReplicationTimeout
	}
	graphURL := s.graphURL()
	bearer := runtime.NewBearerTokenPolicy(s.Credential, []string{graphURL + "/.default"}, &policy.BearerTokenOptions{
		// only ever reached for loopback: NormalizeGraphURL refuses http elsewhere
		InsecureAllowCredentialWithHTTP: strings.HasPrefix(graphURL, "http://"),
	})
	pl := runtime.NewPipeline("msconnector-wizard", "v1", runtime.PipelineOptions{
		PerRetry: []policy.Policy{policy.Policy(tryCounter{}), bearer},
	}, &policy.ClientOptions{
		Transport: s.httpClient(),
		Retry:     retry,
		Telemetry: policy.TelemetryOptions{ApplicationID: "msconnector-wizard"},
	})
	return &Graph{pl: pl, base: graphURL + "/v1.0", retry: retry, replTimeout: rt, fresh: map[string]*freshObject{}}
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

// retryMode says which failures azcore may retry for a call.
type retryMode int

const (
	retryIdempotent   retryMode = iota // GET/PATCH/DELETE: azcore's defaults
	retryNotProcessed                  // creating POSTs: only 429, where Graph did not process the request
)

type call struct {
	method, path string // path relative to /v1.0, query included
	body         any
	out          any
	want         int
	retry        retryMode
	replicated   string                 // object the call addresses: replication errors retried while it is fresh
	isReplErr    func(*GraphError) bool // which errors mean "not replicated yet"
	goneIsDone   bool                   // DELETE-like: a 404 on azcore's retry means an earlier try was applied
	prefer       string                 // Prefer header (upsert: "create-if-missing")
	orNoContent  bool                   // 204 is a success too (upsert of an existing object): out stays empty
}

// tryCounter counts tries (azcore retries) of one call, so a DELETE whose first
// try was applied but whose answer was lost can treat the retry's 404 as done.
type tryCounter struct{}
type tryCountKey struct{}

func (tryCounter) Do(req *policy.Request) (*http.Response, error) {
	if n, ok := req.Raw().Context().Value(tryCountKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
	return req.Next()
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
	deadline := time.Now().Add(g.replTimeout)
	wait := replicationFirstWait
	for {
		tries, err = g.once(ctx, c)
		ge, ok := AsGraphError(err)
		if !ok || !c.isReplErr(ge) || c.goneIsDone && tries > 1 {
			return tries, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return tries, fmt.Errorf("%w; still not visible after %s (Entra ID replication delay): run again in a few minutes", err, g.replTimeout)
		}
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return tries, fmt.Errorf("graph: %s %s: gave up waiting for replication: %w", c.method, pathOnly(c.path), ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, replicationMaxWait)
	}
}

// once sends one call through the pipeline (azcore may retry inside).
func (g *Graph) once(ctx context.Context, c call) (int, error) {
	var tries atomic.Int32
	ctx = context.WithValue(ctx, tryCountKey{}, &tries)
	if c.retry == retryNotProcessed {
		ro := g.retry
		// Graph throttling: a 429 request was not processed, so a retry cannot
		// duplicate it; a 5xx or a cut connection may have been applied.
		ro.ShouldRetry = func(resp *http.Response, err error) bool {
			return err == nil && resp != nil && resp.StatusCode == http.StatusTooManyRequests
		}
		ctx = policy.WithRetryOptions(ctx, ro)
	}
	path := pathOnly(c.path)
	req, err := runtime.NewRequest(ctx, c.method, g.base+c.path)
	if err != nil {
		return 0, fmt.Errorf("graph: %s %s: bad request URL: %w", c.method, path, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if c.prefer != "" {
		req.Raw().Header.Set("Prefer", c.prefer)
	}
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return 0, fmt.Errorf("graph: %s %s: encoding the request: %w", c.method, path, err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), "application/json"); err != nil {
			return 0, fmt.Errorf("graph: %s %s: %w", c.method, path, err)
		}
	}
	resp, err := g.pl.Do(req)
	n := int(tries.Load())
	if err != nil {
		return n, transportError(c.method, path, g.base, err)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return n, transportError(c.method, path, g.base, err)
	}
	if c.orNoContent && resp.StatusCode == http.StatusNoContent {
		return n, nil
	}
	if resp.StatusCode != c.want {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return n, fmt.Errorf("graph: %s %s: unexpected status %d (expected %d): report this, Graph's API may have changed", c.method, path, resp.StatusCode, c.want)
		}
		return n, decodeGraphError(c.method, path, resp, body)
	}
	if c.out == nil {
		return n, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return n, fmt.Errorf("graph: %s %s: %d with an empty body: run again; if it persists, check --graph-url points at Microsoft Graph", c.method, path, resp.StatusCode)
	}
	if err := json.Unmarshal(body, c.out); err != nil {
		return n, fmt.Errorf("graph: %s %s: malformed JSON in the answer (%w): check --graph-url points at Microsoft Graph", c.method, path, err)
	}
	return n, nil
}

// transportError explains a request that got no (complete) answer; one line,
// never the token (it is in a header, not in the URL azcore reports).
func transportError(method, path, base string, err error) error {
	var afe *azidentity.AuthenticationFailedError
	var are *azidentity.AuthenticationRequiredError
	if errors.As(err, &afe) || errors.As(err, &are) {
		return newAuthError("getting a Graph token", err)
	}
	var ua x509.UnknownAuthorityError
	hint := "check the network, proxy and --graph-url (" + base + "), then run again"
	switch {
	case errors.Is(err, context.Canceled):
		hint = "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		hint = "timed out: Graph did not answer in time; run again"
	case errors.As(err, &ua):
		hint = "Graph's TLS certificate is not trusted: add its CA to the system store or point SSL_CERT_FILE at it"
	}
	return fmt.Errorf("graph: %s %s: no answer: %s: %w", method, path, hint, oneLineErr{err})
}

// oneLineErr keeps a wrapped error's text on one line.
type oneLineErr struct{ err error }

func (e oneLineErr) Error() string { return oneLine(e.err.Error()) }
func (e oneLineErr) Unwrap() error { return e.err }

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
