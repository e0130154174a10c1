package azure

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// authRecorder wraps the transport of a credential and keeps the body of the
// last failed Entra ID token-endpoint answer. MSAL reads and discards that body
// for device-code polling (oauth.go isWaitDeviceCodeErr), so azidentity's error
// arrives without it; the recorded copy still says AADSTS code and reason.
// Token-endpoint error bodies carry no secrets.
type authRecorder struct {
	next policy.Transporter
	mu   sync.Mutex
	last []byte
}

func (r *authRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil || resp.StatusCode < 400 || !strings.Contains(req.URL.Path, "/oauth2/") {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr == nil {
		r.mu.Lock()
		r.last = b
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
