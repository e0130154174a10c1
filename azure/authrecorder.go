package azure

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// authRecorder wraps the transport of a credential and keeps the body of the
// last failed Entra ID answer (token endpoint or metadata). MSAL reads and discards that body
// for device-code polling (oauth.go isWaitDeviceCodeErr), so azidentity's error
// arrives without it; the recorded copy still says AADSTS code and reason.
// Token-endpoint error bodies carry no secrets.
type authRecorder struct {
	next   policy.Transporter
	mu     sync.Mutex
	last   []byte
	status int
}

func (r *authRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr == nil {
		r.mu.Lock()
		r.last, r.status = b, resp.StatusCode
		r.mu.Unlock()
	}
	return resp, nil
}

func (r *authRecorder) lastBody() []byte {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *authRecorder) lastStatus() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}
