package httpx

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// transport is the bottom of every pipeline, azidentity's included: it follows
// no redirect, caps every answer's body and writes the trace line.
type transport struct {
	hc      *http.Client
	service string
	max     int64
}

func newTransport(o Options) *transport {
	base := o.HTTPClient
	if base == nil {
		// system roots: SSL_CERT_FILE / SSL_CERT_DIR work for a private CA
		base = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	hc := *base // a copy: the caller's client keeps its own redirect policy
	// Go's default follows a 307 to any origin, http included, and sends the
	// form again: an authority host could collect a client secret that way.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &transport{hc: &hc, service: o.service(), max: o.maxBody()}
}

// Do implements azcore's policy.Transporter.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.hc.Do(req)
	if err != nil {
		traceExchange(t.service, req, nil, err, time.Since(start))
		if isPermanent(err) {
			err = permanent{err}
		}
		return nil, err
	}
	traceExchange(t.service, req, resp, nil, time.Since(start))
	if isRedirect(resp.StatusCode) {
		discard(resp)
		return nil, &RedirectError{Service: t.service, Status: resp.StatusCode, Location: redactTarget(resp.Header.Get("Location"))}
	}
	if resp.ContentLength > t.max {
		discard(resp)
		return nil, &TooLargeError{Service: t.service, Limit: t.max}
	}
	resp.Body = &cappedBody{rc: resp.Body, max: t.max, err: &TooLargeError{Service: t.service, Limit: t.max}}
	return resp, nil
}

// isPermanent: a failure another try would meet again (an untrusted or wrong
// certificate, a host that does not exist), so azcore need not retry it.
func isPermanent(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dnsErr *net.DNSError
	return errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &invalid) ||
		errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// permanent marks an error as not worth retrying; its text is the error's own.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }
func (permanent) NonRetriable()   {}

// isRedirect: the statuses Go's client would follow.
func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// discard reads a little of an unwanted body (so a short one can keep the
// connection) and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
}

// cappedBody reads at most max bytes and fails on the byte after.
type cappedBody struct {
	rc  io.ReadCloser
	max int64
	n   int64
	err error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.n >= b.max {
		// Exactly max bytes is fine; one more means too large.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, b.err
		}
		return 0, err
	}
	if rem := b.max - b.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// RedirectError is an answer that redirects. No client of this program follows
// a redirect: it could lead credentials to another origin or to plain http.
type RedirectError struct {
	Service  string
	Status   int
	Location string // redacted: no user info, no query
}

func (e *RedirectError) Error() string {
	to := e.Location
	if to == "" {
		to = "nowhere (no Location)"
	}
	return fmt.Sprintf("%s answered %d %s, a redirect to %s, which is not followed", e.Service, e.Status, http.StatusText(e.Status), to)
}

// NonRetriable tells azcore's retry policy that another try answers the same.
func (*RedirectError) NonRetriable() {}

// TooLargeError is an answer whose body is over the cap.
type TooLargeError struct {
	Service string
	Limit   int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s's answer is larger than %s", e.Service, size(e.Limit))
}

// size says n bytes in the largest unit that keeps it whole.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// NonRetriable tells azcore's retry policy that another try answers the same.
func (*TooLargeError) NonRetriable() {}
