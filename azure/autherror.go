package azure

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// AuthError is a failed Entra ID token request, reduced to one line.
// azidentity's own error text is many lines (the whole response); it stays
// reachable through Unwrap for debugging.
type AuthError struct {
	Op          string // "sign-in", "client secret check", …
	AADSTS      int    // e.g. 7000215; 0 when the answer had no AADSTS code
	OAuthError  string // OAuth2 "error", e.g. "invalid_client"
	Description string // first line of error_description, without the trace lines
	Hint        string // what to do next
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
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
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

// Entra ID error codes: learn.microsoft.com/entra/identity-platform/reference-error-codes
var aadstsHints = map[int]string{
	50020:   "the account is not in this tenant: sign in with an account of the tenant, or pass its tenant ID with --tenant",
	50034:   "the account does not exist in this tenant: check the user name or pass the right --tenant",
	50053:   "the account is locked: wait, or ask an admin to unlock it",
	50055:   "the password has expired: change it in the browser, then run again",
	50076:   "multifactor authentication is required: use --auth device or --auth browser",
	50079:   "multifactor authentication is required: use --auth device or --auth browser",
	50126:   "wrong user name or password",
	53003:   "blocked by a Conditional Access policy: ask your admin, or sign in from an allowed device/location",
	65001:   "consent is missing for this client: ask an admin to grant it, or use --auth device with the default client",
	70000:   "the sign-in was declined: run again and approve it",
	70020:   "the device code expired before it was used: run again and enter the code promptly",
	90002:   "the tenant was not found: check --tenant (a GUID or a domain like contoso.onmicrosoft.com) and --cloud",
	900023:  "the tenant identifier is not valid: pass a tenant GUID or domain with --tenant",
	700016:  "the client ID is not known in this tenant: check AZURE_CLIENT_ID / --client-id and --tenant",
	7000112: "the application is disabled: ask an admin to enable it",
	7000215: "the client secret is wrong: use the secret's Value (not its Secret ID), or wait a few seconds if it was just created",
	7000222: "the client secret has expired: create a new one",
	7000229: "the application has no service principal in this tenant: create it (the wizard does this) and run again",
	500011:  "the resource was not found in this tenant: check --cloud / --graph-url",
}

var (
	aadstsRE = regexp.MustCompile(`AADSTS(\d+)`)
	traceRE  = regexp.MustCompile(`\s*(Trace ID|Correlation ID|Timestamp):.*$`)
)

// newAuthError turns an azidentity/MSAL error into an *AuthError with a hint.
// Never includes request bodies (they may hold a client secret).
func newAuthError(op string, err error) error { return newAuthErrorRec(op, err, nil) }

// newAuthErrorRec also uses the recorder's copy of the failed answer when the
// error itself lost the body.
func newAuthErrorRec(op string, err error, rec *authRecorder) error {
	if err == nil {
		return nil
	}
	if _, ok := AsAuthError(err); ok {
		return err
	}
	ae := &AuthError{Op: op, Err: err}
	var resp *http.Response
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) {
		resp = afe.RawResponse
	}
	var body []byte
	if resp != nil {
		if b, rerr := runtime.Payload(resp); rerr == nil {
			body = b
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		// MSAL sometimes consumes the body (device-code polling) or azidentity
		// reports without the response: the recorder kept the last failed answer.
		body = rec.lastBody()
	}
	var tokErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Codes       []int  `json:"error_codes"`
	}
	if len(body) > 0 && json.Unmarshal(body, &tokErr) == nil {
		ae.OAuthError = tokErr.Error
		ae.Description = oneLine(traceRE.ReplaceAllString(firstLine(tokErr.Description), ""))
		if len(tokErr.Codes) > 0 {
			ae.AADSTS = tokErr.Codes[0]
		}
	}
	status := rec.lastStatus()
	if resp != nil {
		status = resp.StatusCode
	}
	if ae.Description == "" && ae.OAuthError == "" && status != 0 {
		ae.Description = fmt.Sprintf("Entra ID answered %d %s", status, http.StatusText(status))
	}
	if status == http.StatusTooManyRequests || status >= 500 {
		ae.Hint = "Entra ID is busy or unavailable: wait a minute and run again"
	}
	if ae.Description == "" && ae.OAuthError == "" {
		// azidentity's first line can end at "server response error:"; say what happened instead.
		switch line := strings.TrimSpace(firstLine(err.Error())); {
		case errors.Is(err, context.DeadlineExceeded), strings.Contains(err.Error(), context.DeadlineExceeded.Error()):
			// azidentity flattens the cause into text, so errors.Is alone misses it.
			ae.Description = "Entra ID did not answer in time"
			ae.Hint = "timed out: check the network, proxy and authority host, then run again (--timeout sets the bound)"
		case strings.HasSuffix(line, ":"):
			ae.Description = strings.TrimSuffix(line, ":") + " (Entra ID gave no details)"
		}
	}
	if ae.AADSTS == 0 {
		if m := aadstsRE.FindStringSubmatch(ae.Description + " " + err.Error()); m != nil {
			ae.AADSTS, _ = strconv.Atoi(m[1])
		}
	}
	if h := aadstsHints[ae.AADSTS]; h != "" {
		ae.Hint = h
	}
	if ae.Hint == "" {
		ae.Hint = transportHint(err, ae.OAuthError)
	}
	return ae
}

// transportHint explains failures that never reached Entra ID's logic.
func transportHint(err error, oauthErr string) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ne net.Error
	switch {
	case oauthErr == "authorization_declined":
		return aadstsHints[70000]
	case oauthErr == "expired_token":
		return aadstsHints[70020]
	case strings.Contains(err.Error(), "az login"), strings.Contains(err.Error(), "Azure CLI not found"),
		strings.Contains(err.Error(), "executable not found on path"): // azidentity's words when `az` is missing
		return "run `az login` first (the Azure CLI must be installed and signed in), or use --auth device"
	case errors.Is(err, exec.ErrNotFound), strings.Contains(err.Error(), "executable file not found"):
		// MSAL opens the browser with xdg-open (or open/start); a server has none.
		return "no web browser can be opened on this machine: use --auth device (a code you enter on any device)"
	case oauthErr == "invalid_client":
		return "the client ID or secret is wrong: check AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
	case errors.As(err, &ua), strings.Contains(err.Error(), "certificate signed by unknown authority"):
		return "the server's TLS certificate is not trusted: add its CA to the system store or point SSL_CERT_FILE at it"
	case errors.As(err, &hn):
		return "the server's TLS certificate does not match its host name: check the authority host"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out: check the network, proxy and authority host, then run again"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne):
		return "could not reach the sign-in service: check the network, proxy and authority host (--cloud / AZURE_AUTHORITY_HOST)"
	case strings.Contains(err.Error(), "AZURE_"):
		return "set the AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) environment variables"
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}
