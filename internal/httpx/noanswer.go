package httpx

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// NoAnswerError is a call that got no usable answer: the server did not answer
// in time, the connection was cut or never made, TLS failed, or the answer
// redirected or was too large. Error() is one line naming the service.
type NoAnswerError struct {
	Service   string
	Host      string
	Reason    string // what happened, one line
	Transient bool   // the same call later may well work (timeouts, cut connections)
	Err       error
}

func (e *NoAnswerError) Error() string {
	who := e.Service
	if e.Host != "" {
		who += " at " + e.Host
	}
	return who + " " + e.Reason
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// IsTransient reports whether err is a call that got no answer for a reason
// that may pass: a timeout or a cut connection.
func IsTransient(err error) bool {
	var na *NoAnswerError
	return errors.As(err, &na) && na.Transient
}

// NoAnswer explains err, the failure of a call to host, as one line with a
// hint: the one place that says what to do when a service cannot be reached.
func (o Options) NoAnswer(host string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its URL may carry a query; the host is named anyway
		if host == "" {
			if u, perr := url.Parse(ue.URL); perr == nil {
				host = u.Host
			}
		}
	}
	svc := o.service()
	e := &NoAnswerError{Service: svc, Host: host, Err: err}
	var (
		redirect  *RedirectError
		tooLarge  *TooLargeError
		bound     *BoundError // the whole call's bound; below callBound, errCallBound tells
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		dnsErr    *net.DNSError
	)
	var h hint.Hint
	switch {
	case errors.As(err, &redirect):
		return hint.Wrap(redirect, hint.Change(o.URLInput, "give "+svc+"'s own URL: redirects are not followed"))
	case errors.As(err, &tooLarge):
		return hint.Wrap(tooLarge, hint.Change(o.URLInput, "check that the URL points at "+svc))
	case errors.As(err, &bound), errors.Is(err, errCallBound):
		e.Reason, e.Transient = "did not answer within "+o.CallBound().String()+" (all tries, "+o.timeout().String()+" each): timed out", true
		h = hint.Retry("if it keeps timing out, check the network and the proxy")
	case errors.Is(err, context.DeadlineExceeded):
		e.Reason, e.Transient = "did not answer within "+o.timeout().String()+": timed out", true
		h = hint.Retry("if it keeps timing out, check the network and the proxy")
	case errors.As(err, &unknownCA):
		e.Reason = "has a TLS certificate that is not trusted (" + oneLine(err.Error()) + ")"
		h = hint.Change(hint.CACertificate, "trust the CA that signed "+svc+"'s certificate")
	case errors.As(err, &hostErr):
		e.Reason = "has a TLS certificate for another host name"
		h = hint.Change(o.URLInput, "check the host name")
	case errors.As(err, &invalid):
		e.Reason = "has a TLS certificate that is not valid (" + oneLine(err.Error()) + ")"
		h = hint.Change(o.URLInput, "check the URL")
	case isCut(err):
		e.Reason, e.Transient = "cut the connection before answering", true
		h = hint.Retry("if it keeps happening, check the network and the proxy")
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		e.Reason = "cannot be found: no such host"
		h = hint.Change(o.URLInput, "check the host name")
	default:
		e.Reason = "cannot be reached: " + oneLine(err.Error())
		h = hint.Change(o.URLInput, "check the URL, the network and the proxy")
	}
	return hint.Wrap(e, h)
}

// isCut: the connection ended before a whole answer arrived.
func isCut(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset by peer") // some paths flatten it into text
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
