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
	if !strings.Contains(e.Error(), "--secret-expiry") || !strings.Contains(e.Error(), "shorter") {
		t.Fatal(e.Error())
	}
}

func tokenResp(status int, body string) *http.Response {
	req, _ := http.NewRequest("POST", "https://login.example/t/oauth2/v2.0/token", nil)
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Body: io.NopCloser(bytes.NewBufferString(body)), Request: req, Header: http.Header{}}
}

func TestAuthErrorIsOneLineWithHint(t *testing.T) {
	body := `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: abc\r\nCorrelation ID: def\r\nTimestamp: 2024-01-01","error_codes":[7000215]}`
	err := newAuthError("client secret check for app X", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(401, body)})
	if !IsSecretNotYetValid(err) || IsNoServicePrincipal(err) {
		t.Fatalf("kind: %v", err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "Trace ID") || !strings.Contains(msg, "Secret ID") || !strings.HasPrefix(msg, "client secret check for app X failed: AADSTS7000215: Invalid client secret provided.") {
		t.Fatalf("message: %q", msg)
	}
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Fatal("cause not reachable")
	}

	err = newAuthError("x", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(400, `{"error":"unauthorized_client","error_description":"AADSTS7000229: The client application is missing service principal in the tenant.","error_codes":[7000229]}`)})
	if !IsNoServicePrincipal(err) || !strings.Contains(err.Error(), "create it") {
		t.Fatal(err)
	}
	err = newAuthError("sign-in", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(400, `{"error":"authorization_declined","error_description":"AADSTS70000: The user declined."}`)})
	if !strings.Contains(err.Error(), "declined") || !strings.Contains(err.Error(), "run again") {
		t.Fatal(err)
	}
	err = newAuthError("sign-in", &azidentity.AuthenticationFailedError{RawResponse: tokenResp(502, `<html>`)})
	if !strings.Contains(err.Error(), "502") {
		t.Fatal(err)
	}
	err = newAuthError("sign-in", errors.New("missing environment variable AZURE_TENANT_ID"))
	if !strings.Contains(err.Error(), "AZURE_CLIENT_SECRET") {
		t.Fatal(err)
	}
	// azidentity's AzureCLICredential when `az` is not installed.
	err = newAuthError("sign-in (azure-cli)", errors.New("AzureCLICredential: executable not found on path"))
	if !strings.Contains(err.Error(), "az login") {
		t.Fatal(err)
	}
	// MSAL's browser sign-in on a machine without one (a server, a container).
	err = newAuthError("sign-in (browser)", fmt.Errorf("failed to open browser: %w", &exec.Error{Name: "xdg-open,x-www-browser,www-browser", Err: exec.ErrNotFound}))
	if !strings.Contains(err.Error(), "--auth device") || strings.Contains(err.Error(), "\n") {
		t.Fatal(err)
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
