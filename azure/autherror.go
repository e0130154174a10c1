package azure

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// AuthError is a failed Entra ID token request, reduced to one line.
// azidentity's own error text is many lines (the whole response); it stays
// reachable through Unwrap for debugging. What to do about it is the
// hint.Hint beside it (hint.Of).
type AuthError struct {
	Op          string        // "sign-in", "client secret check", …
	AADSTS      int           // e.g. 7000215; 0 when the answer had no AADSTS code
	OAuthError  string        // OAuth2 "error", e.g. "invalid_client"
	Description string        // first line of error_description, without the trace lines
	Status      int           // HTTP status of Entra ID's answer; 0 when there was no answer
	Transient   bool          // throttled, unavailable, timed out or cut: the same request later may work
	RetryAfter  time.Duration // the wait a throttled answer asked for
	Err         error
}

func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op + " failed: ")
	switch {
	case e.Description != "":
		b.WriteString(e.Description)
	case e.OAuthError != "":
		b.WriteString(e.OAuthError)
	default:
		b.WriteString(oneLine(firstLine(e.Err.Error())))
	}
	return b.String()
}

func (e *AuthError) Unwrap() error { return e.Err }

// AsAuthError finds an *AuthError in err's chain.
func AsAuthError(err error) (*AuthError, bool) {
	var ae *AuthError
	ok := errors.As(err, &ae)
	return ae, ok
}

// signInHints say what to do about an AADSTS code when signing in
// (learn.microsoft.com/entra/identity-platform/reference-error-codes).
var signInHints = map[int]hint.Hint{
	50020:   hint.Change(hint.Tenant, "sign in with an account of the tenant, or give that tenant"),
	50034:   hint.Change(hint.Tenant, "check the user name, or give the tenant the account belongs to"),
	50053:   {Text: "the account is locked: wait, or ask an admin to unlock it"},
	50055:   {Text: "the password has expired: change it in a browser, then run again"},
	50076:   {Input: hint.Auth, Value: "device", Text: "multifactor authentication needs an interactive sign-in"},
	50079:   {Input: hint.Auth, Value: "device", Text: "multifactor authentication needs an interactive sign-in"},
	50126:   {Text: "check the user name and password"},
	53003:   {Text: "a Conditional Access policy blocks this sign-in: ask your admin, or sign in from an allowed device or location"},
	65001:   {Input: hint.Auth, Value: "device", Text: "ask an admin to consent for this client, or sign in with the default client"},
	70000:   {Retry: true, Text: "approve the sign-in when asked"},
	70020:   {Retry: true, Text: "the device code expired: enter it promptly"},
	90002:   hint.Change(hint.Tenant, "give a tenant GUID or a domain like contoso.onmicrosoft.com, in the right cloud"),
	900023:  hint.Change(hint.Tenant, "give a tenant GUID or a domain like contoso.onmicrosoft.com"),
	700016:  hint.Change(hint.AzureEnvironment, "check the client ID and that the app is registered in this tenant"),
	7000112: {Text: "the application is disabled: ask an admin to enable it"},
	7000215: hint.Change(hint.AzureEnvironment, "use the client secret's Value, not its Secret ID"),
	7000222: hint.Change(hint.AzureEnvironment, "the client secret has expired: create a new one"),
	7000229: hint.Change(hint.AzureEnvironment, "create the app's service principal in this tenant"),
	500011:  hint.Change(hint.Cloud, "the resource is not in this cloud: check the cloud and the Graph URL"),
}

var (
	aadstsRE = regexp.MustCompile(`AADSTS(\d+)`)
	traceRE  = regexp.MustCompile(`\s*(Trace ID|Correlation ID|Timestamp):.*$`)
)

// newAuthError turns an azidentity/MSAL error into an *AuthError with a hint.
// Never includes request bodies (they may hold a client secret).
func newAuthError(op string, err error) error { return newAuthErrorRec(op, err, nil) }

// newAuthErrorRec also uses the recorder's copy of the last failed exchange
// when the error itself lost it (MSAL flattens transport errors into text and
// sometimes consumes the body).
func newAuthErrorRec(op string, err error, rec *authRecorder) error {
	if err == nil {
		return nil
	}
	if _, ok := AsAuthError(err); ok {
		return err
	}
	ae := &AuthError{Op: op, Err: err}
	var afe *azidentity.AuthenticationFailedError
	var resp *http.Response
	if errors.As(err, &afe) {
		resp = afe.RawResponse
	}
	var body []byte
	if resp != nil {
		if b, rerr := runtime.Payload(resp); rerr == nil {
			body = b
		}
	}
	last := rec.lastFailure()
	switch {
	case resp != nil && len(bytes.TrimSpace(body)) > 0:
		ae.readAnswer(resp.StatusCode, resp.Header, body)
	case last.status != 0:
		ae.readAnswer(last.status, last.header, last.body)
	case resp != nil:
		ae.readAnswer(resp.StatusCode, resp.Header, nil)
	case last.err != nil:
		// No answer at all: say why, in the words every client uses.
		na := rec.o.NoAnswer(last.host, last.err)
		ae.Description, ae.Transient, ae.Err = na.Error(), httpx.IsTransient(na), errors.Join(err, na)
		h, _ := hint.Of(na)
		return hint.Wrap(ae, h)
	}
	if ae.Description == "" && ae.OAuthError == "" {
		// azidentity's first line can end at "server response error:"; say what happened instead.
		switch line := strings.TrimSpace(firstLine(err.Error())); {
		case errors.Is(err, context.DeadlineExceeded), strings.Contains(err.Error(), context.DeadlineExceeded.Error()):
			// azidentity flattens the cause into text, so errors.Is alone misses it.
			ae.Description, ae.Transient = "Entra ID did not answer in time: timed out", true
		case strings.HasSuffix(line, ":"):
			ae.Description = strings.TrimSuffix(line, ":") + " (Entra ID gave no details)"
		}
	}
	if ae.AADSTS == 0 {
		if m := aadstsRE.FindStringSubmatch(ae.Description + " " + err.Error()); m != nil {
			ae.AADSTS, _ = strconv.Atoi(m[1])
		}
	}
	return hint.Wrap(ae, signInHint(ae, err))
}

// signInHint says what to do about a failed sign-in.
func signInHint(ae *AuthError, err error) hint.Hint {
	if h, ok := signInHints[ae.AADSTS]; ok {
		return h
	}
	if ae.Transient {
		return hint.Hint{Retry: true, After: ae.RetryAfter, Text: "Entra ID is busy, unavailable or slow"}
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ne net.Error
	msg := err.Error()
	switch {
	case ae.OAuthError == "authorization_declined":
		return signInHints[70000]
	case ae.OAuthError == "expired_token":
		return signInHints[70020]
	case strings.Contains(msg, "az login"), strings.Contains(msg, "Azure CLI not found"),
		strings.Contains(msg, "executable not found on path"): // azidentity's words when `az` is missing
		return hint.Hint{Input: hint.Auth, Value: "device", Text: "install the Azure CLI and run az login first, or sign in with a code instead"}
	case errors.Is(err, exec.ErrNotFound), strings.Contains(msg, "executable file not found"):
		// MSAL opens the browser with xdg-open (or open/start); a server has none.
		return hint.Hint{Input: hint.Auth, Value: "device", Text: "no web browser can be opened on this machine: sign in with a code you enter on any device"}
	case ae.OAuthError == "invalid_client":
		return hint.Change(hint.AzureEnvironment, "the client ID or secret is wrong: check both")
	case errors.As(err, &ua), strings.Contains(msg, "certificate signed by unknown authority"):
		return hint.Change(hint.CACertificate, "trust the CA that signed the authority host's certificate")
	case errors.As(err, &hn):
		return hint.Change(hint.AuthorityHost, "the certificate is for another host name: check the authority host")
	case errors.Is(err, context.Canceled):
		return hint.Hint{}
	case errors.As(err, &ne):
		return hint.Change(hint.AuthorityHost, "check the network, the proxy and the authority host")
	case strings.Contains(msg, "AZURE_"):
		return hint.Change(hint.AzureEnvironment, "set the tenant ID, client ID and client secret (or a certificate path)")
	}
	return hint.Hint{}
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}
