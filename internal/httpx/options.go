// Package httpx is the one HTTP toolkit of this program: every call to Entra ID
// (ours and azidentity/MSAL's), Microsoft Graph and Appmixer goes through the
// pipeline built here. It follows no redirect, caps every answer's body, bounds
// a whole call, retries by one rule, explains a call that got no answer with a
// hint, polls with one back-off, and writes a redacted trace when asked.
package httpx

import (
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// MaxBody caps every response body, in bytes. The largest answer this program
// reads (Graph's permission scopes) is well under 1 MiB; a wrong URL may stream
// without end, and azcore reads a body whole before anyone looks at it.
const MaxBody = 8 << 20

// CallBoundFactor bounds one whole call, every try and back-off included, by
// Timeout × CallBoundFactor: a server whose headers or body never finish costs
// that, not (retries+1) × Timeout.
const CallBoundFactor = 2

// DefaultTimeout bounds one try when Options.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// DefaultRetryDelay is the first back-off without Retry-After: azcore's 800 ms
// default would add seconds of waiting for a server that keeps failing.
const DefaultRetryDelay = 200 * time.Millisecond

// Options describe one service's pipeline. Zero values take the defaults.
type Options struct {
	Service       string          // who answers, in errors and the trace: "Graph", "Entra ID", "Appmixer"
	URLInput      hint.Input      // the input that sets this service's URL, for hints
	HTTPClient    *http.Client    // TLS and proxy settings; nil = system roots. Its redirect policy is replaced
	Timeout       time.Duration   // one try; 0 = DefaultTimeout. A whole call gets Timeout × CallBoundFactor
	MaxRetries    int             // 0 = 3, <0 = none
	RetryDelay    time.Duration   // 0 = DefaultRetryDelay
	MaxRetryDelay time.Duration   // longest Retry-After waited for (longer: the answer comes back at once); 0 = Timeout
	PerRetry      []policy.Policy // run on every try, e.g. a bearer-token policy
	MaxBody       int64           // 0 = MaxBody
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

// CallBound is the bound on one whole call.
func (o Options) CallBound() time.Duration { return CallBoundFactor * o.timeout() }

func (o Options) maxBody() int64 {
	if o.MaxBody <= 0 {
		return MaxBody
	}
	return o.MaxBody
}

func (o Options) service() string {
	if o.Service == "" {
		return "the server"
	}
	return o.Service
}

// retryOptions is the one retry rule for calls that are safe to repeat: azcore's
// defaults (408, 429, 500, 502, 503, 504 and connection errors, honouring
// Retry-After). Creating calls narrow it per call (see Create).
func (o Options) retryOptions() policy.RetryOptions {
	r := policy.RetryOptions{
		MaxRetries:    int32(o.MaxRetries),
		TryTimeout:    o.timeout(),
		RetryDelay:    o.RetryDelay,
		MaxRetryDelay: o.MaxRetryDelay,
	}
	if r.RetryDelay == 0 {
		r.RetryDelay = DefaultRetryDelay
	}
	if r.MaxRetryDelay == 0 {
		// A longer wait could not fit in the call's bound anyway: the throttled
		// answer then comes back with its Retry-After for the person to see.
		r.MaxRetryDelay = o.timeout()
	}
	return r
}

// createRetryOptions retry only a 429: the server did not process that
// request, while a 5xx or a cut connection may have created the object.
func (o Options) createRetryOptions() policy.RetryOptions {
	r := o.retryOptions()
	r.ShouldRetry = func(resp *http.Response, err error) bool {
		return err == nil && resp != nil && resp.StatusCode == http.StatusTooManyRequests
	}
	return r
}

// ClientOptions are the azcore client options of this service, for
// azidentity: the same transport, retry rule and call bound as New's pipeline,
// so MSAL's metadata and token calls get them too.
func ClientOptions(o Options) policy.ClientOptions {
	return policy.ClientOptions{
		Transport:        newTransport(o),
		Retry:            o.retryOptions(),
		PerCallPolicies:  []policy.Policy{callBound{o}},
		PerRetryPolicies: append([]policy.Policy{tryCounter{}, waitNotice{o.service()}}, o.PerRetry...),
		Telemetry:        policy.TelemetryOptions{ApplicationID: "msconnector-wizard"},
	}
}
