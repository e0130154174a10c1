package httpx

import (
	"context"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// A notice tells the person, through whoever runs the call, that a service
// asked to wait (throttling, a short outage): the run is waiting, not stuck.
type noticeKey struct{}

// WithNotice makes calls made with ctx report waits a service asked for.
func WithNotice(ctx context.Context, notify func(msg string)) context.Context {
	return context.WithValue(ctx, noticeKey{}, notify)
}

// waitNotice is a per-try policy: after an answer that asks to wait
// (Retry-After on a 429 or 503), it says so before the retry policy waits.
type waitNotice struct{ service string }

func (n waitNotice) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	notify, _ := req.Raw().Context().Value(noticeKey{}).(func(string))
	if notify == nil || err != nil || resp == nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d := RetryAfter(resp.Header); d > 0 {
			notify(fmt.Sprintf("%s answered %d %s and asked to wait %s: waiting", n.service, resp.StatusCode, http.StatusText(resp.StatusCode), d))
		}
	}
	return resp, err
}
