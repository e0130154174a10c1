package appmixer

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
)

// DefaultTimeout bounds each HTTP request when Options.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// maxBody caps how much of a response is read: service configs are tiny, and a
// wrong URL could point at something that streams forever.
const maxBody = 4 << 20

// Options configure a Client.
type Options struct {
	HTTPClient *http.Client  // nil = a client with the system trust store (SSL_CERT_FILE works)
	Timeout    time.Duration // per request; 0 = DefaultTimeout
}

// Client talks to the Appmixer REST API. It is safe for concurrent use.
type Client struct {
	api     *url.URL
	pl      runtime.Pipeline
	timeout time.Duration

	mu                 sync.Mutex
	token              string
	username, password string // kept in memory only, to sign in again once on a 401
	// raw keeps the JSON of non-string values read per service and key, so an
	// untouched value goes back to the server with its original type.
	raw map[string]map[string]json.RawMessage
}

// New returns a client for the API base URL (see ParseAPIURL).
func New(api *url.URL, o Options) *Client {
	u := *api
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/"), ""
	base := o.HTTPClient
	if base == nil {
		base = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	hc := *base // shallow copy: we change redirect handling without touching the caller's client
	// A redirect usually means the URL is a web front end or a proxy login page;
	// following it would turn a PUT into a GET and hide the real problem.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	// azcore's pipeline gives the same retries as the Graph client: 429 and 5xx
	// answers and cut connections, honouring Retry-After, with short back-off.
	// Creating requests opt out per call (see send).
	pl := runtime.NewPipeline("msconnector-wizard", "v1", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport: &hc,
		Retry:     policy.RetryOptions{MaxRetries: 3, TryTimeout: t, RetryDelay: 200 * time.Millisecond, MaxRetryDelay: 10 * time.Second},
		Telemetry: policy.TelemetryOptions{Disabled: true},
	})
	return &Client{api: &u, pl: pl, timeout: t, raw: map[string]map[string]json.RawMessage{}}
}

// API returns a copy of the API base URL.
func (c *Client) API() *url.URL {
	u := *c.api
	return &u
}

// request is one API call.
type request struct {
	method, path string
	body         []byte   // JSON; nil = no body
	secrets      []string // values to scrub from error messages
}

func (r request) String() string { return r.method + " " + r.path }

// response is a raw answer.
type response struct {
	status int
	body   []byte
}

// send performs one exchange, retried by azcore where that is safe. A POST
// (sign-in, create) is retried only on 429, where the server did not act on it;
// a cut connection or 5xx may have created the object already.
func (c *Client) send(parent context.Context, r request, token string) (response, error) {
	// The bound covers every try and back-off, so a silent server ends the call
	// within a few timeouts, never hangs.
	ctx, cancel := context.WithTimeout(parent, 4*c.timeout)
	defer cancel()
	if r.method == http.MethodPost {
		ctx = policy.WithRetryOptions(ctx, policy.RetryOptions{MaxRetries: 3, TryTimeout: c.timeout, RetryDelay: 200 * time.Millisecond,
			MaxRetryDelay: 10 * time.Second, ShouldRetry: func(resp *http.Response, err error) bool {
				return err == nil && resp != nil && resp.StatusCode == http.StatusTooManyRequests
			}})
	}
	req, err := runtime.NewRequest(ctx, r.method, c.api.String()+r.path)
	if err != nil {
		return response{}, fmt.Errorf("building Appmixer request %s: %w", r, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if token != "" {
		req.Raw().Header.Set("Authorization", "Bearer "+token)
	}
	if r.body != nil {
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(r.body)), "application/json"); err != nil {
			return response{}, fmt.Errorf("building Appmixer request %s: %w", r, err)
		}
	}
	resp, err := c.pl.Do(req)
	if err != nil {
		return response{}, c.transportError(parent, r, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return response{}, c.transportError(parent, r, err)
	}
	if len(b) > maxBody {
		return response{}, fmt.Errorf("Appmixer's answer to %s is larger than %d MiB: check that %s is the Appmixer API URL", r, maxBody>>20, c.api)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return response{}, fmt.Errorf("%s at %s answered with a redirect (%d) to %q: use the Appmixer API URL (e.g. https://api.YOUR_TENANT.appmixer.cloud) as --appmixer-url",
			r, c.api, resp.StatusCode, redactURL(resp.Header.Get("Location")))
	}
	return response{status: resp.StatusCode, body: b}, nil
}

// transportError turns a failed exchange into one line that says what to do.
func (c *Client) transportError(parent context.Context, r request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the method and URL are already in our message
	}
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("%s to Appmixer stopped: %w", r, parent.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("Appmixer at %s did not answer %s within %s: check that the server is up and reachable, then try again: %w", c.api, r, c.timeout, err)
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		return fmt.Errorf("the TLS certificate of %s is not trusted: if it is signed by a private CA, set SSL_CERT_FILE to that CA's PEM file: %w", c.api, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, net.ErrClosed): // net/http sometimes reports a reset mid-request this way
		return fmt.Errorf("the connection to Appmixer at %s was cut during %s: try again; if it keeps happening check proxies and the network: %w", c.api, r, err)
	default:
		return fmt.Errorf("cannot reach Appmixer at %s (%s): check the URL and your network: %w", c.api, r, err)
	}
}

// current returns the token and whether a re-login is possible.
func (c *Client) current() (token string, canRelogin bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token, c.username != "" && c.password != ""
}

// ErrNotSignedIn is returned by authenticated calls before Login or UseToken.
var ErrNotSignedIn = errors.New("not signed in to Appmixer: sign in with a username and password or set APPMIXER_TOKEN")

// ErrTokenExpired is wrapped when a token given with UseToken is rejected.
var ErrTokenExpired = errors.New("the Appmixer token expired; set a fresh APPMIXER_TOKEN or use username/password")

// do sends an authenticated request. On a 401 it signs in again once (when a
// username and password are known) and repeats the request once.
func (c *Client) do(ctx context.Context, r request) (response, error) {
	token, canRelogin := c.current()
	if token == "" {
		return response{}, ErrNotSignedIn
	}
	res, err := c.send(ctx, r, token)
	if err != nil || res.status != http.StatusUnauthorized {
		return res, err
	}
	if !canRelogin {
		return response{}, fmt.Errorf("%w (%s answered 401)", ErrTokenExpired, r)
	}
	if err := c.relogin(ctx, token); err != nil {
		return response{}, fmt.Errorf("the Appmixer session expired and signing in again failed: %w", err)
	}
	token, _ = c.current()
	res, err = c.send(ctx, r, token)
	if err == nil && res.status == http.StatusUnauthorized {
		return response{}, fmt.Errorf("Appmixer rejected a freshly issued token for %s: %w", r, c.apiError(r, res))
	}
	return res, err
}

// relogin signs in with the stored credentials unless another goroutine
// already replaced the stale token.
func (c *Client) relogin(ctx context.Context, stale string) error {
	c.mu.Lock()
	user, pass, tok := c.username, c.password, c.token
	c.mu.Unlock()
	if tok != stale {
		return nil
	}
	return c.Login(ctx, user, pass)
}

// decode parses a JSON answer into out; empty, HTML or malformed bodies are
// errors, never panics.
func (c *Client) decode(r request, res response, out any) error {
	b := bytes.TrimSpace(res.body)
	switch {
	case len(b) == 0:
		return fmt.Errorf("Appmixer sent an empty answer to %s: check that %s is the Appmixer API URL", r, c.api)
	case b[0] == '<':
		return fmt.Errorf("%s at %s answered with a web page, not JSON: use the Appmixer API URL (e.g. https://api.YOUR_TENANT.appmixer.cloud), not the web front end", r, c.api)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("Appmixer sent malformed JSON for %s: check that %s is the Appmixer API URL: %w", r, c.api, err)
	}
	return nil
}

// scrub masks known secrets (token, password, values being written) in text
// that came from the server.
func (c *Client) scrub(s string, extra []string) string {
	c.mu.Lock()
	secrets := append([]string{c.token, c.password}, extra...)
	c.mu.Unlock()
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, MaskSecret(v))
		}
	}
	return s
}
