package azure

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestParseAllowedLifetime(t *testing.T) {
	day := 24 * time.Hour
	for msg, want := range map[string]time.Duration{
		"Credential lifetime exceeds the max value allowed as per assigned policy 1234.": 0,
		"... maximum allowed lifetime is P90D.":                                          90 * day,
		"maxLifetime P1Y":                                                                365 * day,
		"allowed: P6M":                                                                   180 * day,
		"limit PT12H":                                                                    12 * time.Hour,
		"at most 30 days":                                                                30 * day,
		"max 2 years":                                                                    730 * day,
	} {
		if got := parseAllowedLifetime(msg); got != want {
			t.Errorf("%q → %s, want %s", msg, got, want)
		}
	}
	for d, want := range map[time.Duration]string{90 * day: "3m", 45 * day: "45d", 36 * time.Hour: "1d", 12 * time.Hour: "12h"} {
		if got := FormatLifetime(d); got != want {
			t.Errorf("%s → %s want %s", d, got, want)
		}
	}
}

func TestSecretLifetimeErrorWithoutAllowed(t *testing.T) {
	e := &SecretLifetimeError{Err: errors.New("graph: 400")}
	if h := e.Hint(); !strings.Contains(e.Error(), "shorter") || h.Input != hint.SecretExpiry || h.Value != "" || strings.Contains(e.Error(), "--") {
		t.Fatal(e.Error(), h)
	}
}

func tokenResp(status int, body string) *http.Response {
	req, _ := http.NewRequest("POST", "https://login.example/t/oauth2/v2.0/token", nil)
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Body: io.NopCloser(bytes.NewBufferString(body)), Request: req, Header: http.Header{}}
}

func TestAuthErrorIsOneLineWithHint(t *testing.T) {
	body := `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: abc\r\nCorrelation ID: def\r\nTimestamp: 2024-01-01","error_codes":[7000215]}`
	err := newAuthError("sign-in (environment)", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(401, body)})
	if !IsSecretNotYetValid(err) || !IsSecretRefused(err) || IsNoServicePrincipal(err) || IsTransient(err) {
		t.Fatalf("kind: %v", err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "Trace ID") || msg != "sign-in (environment) failed: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value." {
		t.Fatalf("message: %q", msg)
	}
	if h, _ := hint.Of(err); h.Input != hint.AzureEnvironment || !strings.Contains(h.Text, "Secret ID") {
		t.Fatalf("hint %+v", h)
	}
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Fatal("cause not reachable")
	}

	for _, c := range []struct {
		name string
		err  error
		says string
		want hint.Hint
	}{
		{"no service principal", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(400, `{"error":"unauthorized_client","error_description":"AADSTS7000229: The client application is missing service principal in the tenant.","error_codes":[7000229]}`)},
			"AADSTS7000229", signInHints[7000229]},
		{"declined", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(400, `{"error":"authorization_declined","error_description":"AADSTS70000: The user declined."}`)},
			"declined", hint.Hint{Retry: true, Text: "approve the sign-in when asked"}},
		{"unknown client", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(400, `{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'x' was not found.","error_codes":[700016]}`)},
			"AADSTS700016", hint.Change(hint.AzureEnvironment, "check the client ID and that the app is registered in this tenant")},
		{"bad gateway", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(502, `<html>`)},
			"502", hint.Hint{Retry: true, Text: "Entra ID is busy, unavailable or slow"}},
		{"missing variables", errors.New("missing environment variable AZURE_TENANT_ID"),
			"AZURE_TENANT_ID", hint.Change(hint.AzureEnvironment, "set the tenant ID, client ID and client secret (or a certificate path)")},
		// azidentity's AzureCLICredential when `az` is not installed.
		{"no az", errors.New("AzureCLICredential: executable not found on path"),
			"executable not found", hint.Hint{Input: hint.Auth, Value: "device", Text: "install the Azure CLI and run az login first, or sign in with a code instead"}},
		// MSAL's browser sign-in on a machine without one (a server, a container).
		{"no browser", fmt.Errorf("failed to open browser: %w", &exec.Error{Name: "xdg-open,x-www-browser,www-browser", Err: exec.ErrNotFound}),
			"failed to open browser", hint.Hint{Input: hint.Auth, Value: "device", Text: "no web browser can be opened on this machine: sign in with a code you enter on any device"}},
	} {
		err := newAuthError("sign-in", c.err)
		h, _ := hint.Of(err)
		if !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") || h != c.want {
			t.Errorf("%s: %q, hint %+v; want %q, hint %+v", c.name, err, h, c.says, c.want)
		}
	}
}

// Hints say what to do in words; naming a flag or a key is the front end's job.
func TestHintTextsNameNoFlag(t *testing.T) {
	var all []hint.Hint
	for _, m := range []map[int]hint.Hint{signInHints, checkHints} {
		for _, h := range m {
			all = append(all, h)
		}
	}
	for _, h := range all {
		if strings.Contains(h.Text, "--") || strings.Contains(h.Text, "AZURE_") || strings.Contains(h.Text, "SSL_CERT") {
			t.Errorf("hint names a flag or a variable: %+v", h)
		}
	}
}

func jwt(claims string) string {
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
}

func TestTokenClaims(t *testing.T) {
	c, err := parseTokenClaims(jwt(`{"tid":"t1","upn":"ada@x","scp":"User.Read"}`))
	if err != nil || c.TenantID != "t1" || c.userName() != "ada@x" {
		t.Fatalf("%+v %v", c, err)
	}
	c, _ = parseTokenClaims(jwt(`{"tid":"t1","roles":["Application.ReadWrite.All"],"appid":"a"}`))
	if c.userName() != "" {
		t.Fatal("app token has no user")
	}
	for _, bad := range []string{"", "abc", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		if _, err := parseTokenClaims(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func TestApplicationPatchJSON(t *testing.T) {
	aud := "AzureADMyOrg"
	for _, c := range []struct {
		p    ApplicationPatch
		want string
	}{
		{ApplicationPatch{}, `{}`},
		{ApplicationPatch{Tags: []string{}}, `{"tags":[]}`},
		{ApplicationPatch{SignInAudience: &aud, RequiredResourceAccess: []RequiredResourceAccess{}}, `{"requiredResourceAccess":[],"signInAudience":"AzureADMyOrg"}`},
		{ApplicationPatch{Web: &WebApplication{RedirectURIs: []string{"https://a"}, ImplicitGrantSettings: &ImplicitGrantSettings{EnableIDTokenIssuance: true}}},
			`{"web":{"redirectUris":["https://a"],"implicitGrantSettings":{"enableAccessTokenIssuance":false,"enableIdTokenIssuance":true}}}`},
	} {
		b, err := json.Marshal(c.p)
		if err != nil || string(b) != c.want {
			t.Errorf("got %s %v want %s", b, err, c.want)
		}
	}
}
