package azure

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// authRecorder wraps the transport of a credential and keeps its last
// exchange when that failed: the body of an error answer (MSAL reads and
// discards it for device-code polling, oauth.go isWaitDeviceCodeErr) or the
// transport error (MSAL flattens it into text). Token-endpoint error bodies
// carry no secrets.
type authRecorder struct {
	next policy.Transporter
	o    httpx.Options // the options next was built with, to explain a missing answer

	mu   sync.Mutex
	last exchange
}

// exchange is one failed request: an answer (status, header, body) or an error.
type exchange struct {
	status int
	header http.Header
	body   []byte
	err    error
	host   string
}

func (r *authRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil {
		r.keep(exchange{err: err, host: req.URL.Host})
		return resp, err
	}
	if resp.StatusCode < 400 {
		// An earlier failure was overcome (a retry, the device code's
		// "pending" polls, a refused silent sign-in before a prompt): it no
		// longer explains the error that may come next.
		r.keep(exchange{})
		// A body that fails while being read (too large, cut, timed out)
		// fails azcore's download above: keep that error too.
		resp.Body = &recordedBody{ReadCloser: resp.Body, r: r, host: req.URL.Host}
		return resp, nil
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr == nil {
		r.keep(exchange{status: resp.StatusCode, header: resp.Header.Clone(), body: b, host: req.URL.Host})
	}
	return resp, nil
}

func (r *authRecorder) keep(e exchange) {
	r.mu.Lock()
	r.last = e
	r.mu.Unlock()
}

func (r *authRecorder) lastFailure() exchange {
	if r == nil {
		return exchange{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// recordedBody keeps the error of a body that could not be read whole.
type recordedBody struct {
	io.ReadCloser
	r    *authRecorder
	host string
}

func (b *recordedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.r.keep(exchange{err: err, host: b.host})
	}
	return n, err
}
