package appmixer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// DefaultTimeout bounds one try of an HTTP request when Options.Timeout is 0
// (a whole call: httpx.CallBoundFactor times as long).
const DefaultTimeout = httpx.DefaultTimeout

// Options configure a Client.
type Options struct {
	HTTPClient *http.Client  // nil = a client with the system trust store (SSL_CERT_FILE works); its redirect policy is not used
	Timeout    time.Duration // per try; 0 = DefaultTimeout
}

// Client talks to the Appmixer REST API through the Appmixer pipeline of
// httpx: no redirects (one would point at a web front end or a proxy's login
// page, and turn a PUT into a GET), capped answers, the one retry rule and a
// bound per call. It is safe for concurrent use.
type Client struct {
	api *url.URL
	pl  *httpx.Pipeline

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
	pl := httpx.New(httpx.Options{Service: "Appmixer", URLInput: hint.AppmixerURL, HTTPClient: o.HTTPClient, Timeout: o.Timeout})
	return &Client{api: &u, pl: pl, raw: map[string]map[string]json.RawMessage{}}
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
	creates      bool     // a POST that creates: retried only on 429
}

func (r request) String() string { return r.method + " " + r.path }

// response is a raw answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send performs one exchange, retried by the pipeline where that is safe: a
// creating POST only on 429, where the server did not act on it (a cut
// connection or 5xx may have created the object already); everything else,
// the sign-in included, also on 5xx and cut connections.
func (c *Client) send(ctx context.Context, r request, token string) (response, error) {
	req := httpx.Request{Method: r.method, URL: c.api.String() + r.path, Header: http.Header{"Accept": {"application/json"}}}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if r.body != nil {
		req.Body, req.ContentType = r.body, "application/json"
	}
	if r.creates {
		req.Kind = httpx.Create
	}
	resp, err := c.pl.Send(ctx, req)
	if err != nil {
		return response{}, fmt.Errorf("%s: %w", r, err) // a stopped call says so itself
	}
	return response{status: resp.Status, header: resp.Header, body: resp.Body}, nil
}

// current returns the token and whether a re-login is possible.
func (c *Client) current() (token string, canRelogin bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token, c.username != "" && c.password != ""
}

// ErrNotSignedIn is returned by authenticated calls before Login or UseToken.
var ErrNotSignedIn = errors.New("not signed in to Appmixer")

// ErrTokenExpired is wrapped when a token given with UseToken is rejected.
var ErrTokenExpired = errors.New("the Appmixer token was rejected (expired?)")

// signInHint: what to do when there is no usable Appmixer sign-in.
var signInHint = hint.Change(hint.AppmixerPassword, "give a fresh token, or a username and password")

// do sends an authenticated request. On a 401 it signs in again once (when a
// username and password are known) and repeats the request once.
func (c *Client) do(ctx context.Context, r request) (response, error) {
	token, canRelogin := c.current()
	if token == "" {
		return response{}, hint.Wrap(ErrNotSignedIn, signInHint)
	}
	res, err := c.send(ctx, r, token)
	if err != nil || res.status != http.StatusUnauthorized {
		return res, err
	}
	if !canRelogin {
		return response{}, hint.Errorf(signInHint, "%w (%s answered 401)", ErrTokenExpired, r)
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
		return hint.Errorf(notTheAPI, "Appmixer at %s sent an empty answer to %s", c.api, r)
	case b[0] == '<':
		return hint.Errorf(notTheAPI, "%s at %s answered with a web page, not JSON", r, c.api)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return hint.Errorf(notTheAPI, "Appmixer at %s sent malformed JSON for %s: %w", c.api, r, err)
	}
	return nil
}

// notTheAPI is the hint of an answer the Appmixer API would not give.
var notTheAPI = hint.Change(hint.AppmixerURL, "use the Appmixer API URL, like "+exampleAPI+", not the web front end")

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
