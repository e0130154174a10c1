package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
)

// Kind says which failures of a call may be retried.
type Kind int

const (
	// Idempotent calls (reads, PUT/PATCH/DELETE, token requests, sign-ins that
	// create nothing) are retried on 408/429/5xx and cut connections.
	Idempotent Kind = iota
	// Create is a POST that creates: retried only on 429, which the server did
	// not process; after a 5xx or a cut connection it may exist already.
	Create
)

// Pipeline is an azcore pipeline for one service, built from Options.
type Pipeline struct {
	o  Options
	pl runtime.Pipeline
}

// New builds the pipeline of a service: the transport, the retry rule and
// the call bound of ClientOptions, plus o.PerRetry.
func New(o Options) *Pipeline {
	co := ClientOptions(o)
	return &Pipeline{o: o, pl: runtime.NewPipeline("msconnector-wizard", "v1", runtime.PipelineOptions{}, &co)}
}

// Request is one call.
type Request struct {
	Method, URL string
	Header      http.Header // added to the request (Accept, Prefer, Authorization, …)
	Body        []byte      // nil = no body
	ContentType string      // of Body
	Kind        Kind
}

// Response is a whole answer: any status except a redirect, body read and capped.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Tries  int // how many times the request was sent
}

// Send makes one call, retried by the Kind's rule, bounded by CallBound. An
// error means no usable answer; it carries a hint (see NoAnswer).
func (p *Pipeline) Send(ctx context.Context, r Request) (*Response, error) {
	var tries atomic.Int32
	ctx = context.WithValue(ctx, tryCountKey{}, &tries)
	if r.Kind == Create {
		ctx = policy.WithRetryOptions(ctx, p.o.createRetryOptions())
	}
	req, err := runtime.NewRequest(ctx, r.Method, r.URL)
	if err != nil {
		return nil, fmt.Errorf("bad request URL %s: %s", redactTarget(r.URL), ParseReason(err))
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Raw().Header.Add(k, v)
		}
	}
	if r.Body != nil {
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(r.Body)), r.ContentType); err != nil {
			return nil, err
		}
	}
	resp, err := p.pl.Do(req)
	n := int(tries.Load())
	host := req.Raw().URL.Host
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// The caller ended the call (ctrl+c, or a deadline of its own, not
			// CallBound's): the service is not to blame, so no hint.
			return nil, fmt.Errorf("stopped: %w", cerr)
		}
		return nil, p.o.NoAnswer(host, err)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, p.o.NoAnswer(host, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Tries: n}, nil
}

// tryCounter counts the tries of one call (azcore retries below Send).
type tryCounter struct{}
type tryCountKey struct{}

func (tryCounter) Do(req *policy.Request) (*http.Response, error) {
	if n, ok := req.Raw().Context().Value(tryCountKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
	return req.Next()
}

// callBound ends a whole call, retries and back-off included, after CallBound.
type callBound struct{ o Options }

// errCallBound is the cause of a context ended by callBound. net/http reports
// a request ended by it with this cause, so it also counts as a deadline.
var errCallBound error = boundCause{}

type boundCause struct{}

func (boundCause) Error() string        { return "the call's bound passed" }
func (boundCause) Is(target error) bool { return target == context.DeadlineExceeded }

func (b callBound) Do(req *policy.Request) (*http.Response, error) {
	parent := req.Raw().Context()
	d := b.o.CallBound()
	ctx, cancel := context.WithTimeoutCause(parent, d, errCallBound)
	defer cancel() // the body is read by then: azcore's last policy downloads it
	resp, err := req.WithContext(ctx).Next()
	if err != nil && parent.Err() == nil && errors.Is(context.Cause(ctx), errCallBound) {
		return resp, &BoundError{Bound: d, Err: err}
	}
	return resp, err
}

// BoundError is a call that ran out of its whole bound (CallBound).
type BoundError struct {
	Bound time.Duration
	Err   error
}

func (e *BoundError) Error() string { return fmt.Sprintf("no answer within %s: %v", e.Bound, e.Err) }
func (e *BoundError) Unwrap() error { return e.Err }

// NonRetriable: the bound covers the retries already.
func (*BoundError) NonRetriable() {}
