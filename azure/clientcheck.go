package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Entra ID codes for a client-credentials request
// (learn.microsoft.com/entra/identity-platform/reference-error-codes).
const (
	aadstsInvalidSecret       = 7000215 // wrong secret — or a new one not propagated yet
	aadstsNoServicePrincipal  = 7000229 // the app has no service principal in the tenant
	secretCheckFirstWait      = 100 * time.Millisecond
	secretCheckMaxWait        = 250 * time.Millisecond
	defaultSecretWaitDuration = 2 * time.Minute
)

// CheckClientSecret proves a client id and secret work by getting a
// client-credentials token for the session's Graph in the session's tenant,
// through the session's authority host and transport. It is one token request
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
// a probe, not a sign-in, so MSAL's metadata round trip is not needed.
func CheckClientSecret(ctx context.Context, s *Session, clientID, secret string) error {
	if s == nil || s.TenantID == "" {
		return errors.New("client secret check: the tenant ID is unknown: sign in first or pass --tenant")
	}
	if clientID == "" || secret == "" {
		return errors.New("client secret check: client ID and secret are both required")
	}
	op := "client secret check for app " + clientID
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {s.GraphScope()}}
	endpoint := strings.TrimRight(s.authorityHost(), "/") + "/" + url.PathEscape(s.TenantID) + "/oauth2/v2.0/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return &AuthError{Op: op, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return &AuthError{Op: op, Err: err, Hint: transportHint(err, "")}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &AuthError{Op: op, Err: err, Hint: transportHint(err, "")}
	}
	var answer struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Codes       []int  `json:"error_codes"`
	}
	jsonErr := json.Unmarshal(body, &answer)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && answer.AccessToken != "" {
		return nil
	}
	ae := &AuthError{Op: op, OAuthError: answer.Error, Err: fmt.Errorf("token endpoint answered %d", resp.StatusCode)}
	ae.Description = oneLine(traceRE.ReplaceAllString(firstLine(answer.Description), ""))
	if len(answer.Codes) > 0 {
		ae.AADSTS = answer.Codes[0]
	} else if m := aadstsRE.FindStringSubmatch(ae.Description); m != nil {
		ae.AADSTS, _ = strconv.Atoi(m[1])
	}
	if ae.Description == "" && ae.OAuthError == "" {
		ae.Description = fmt.Sprintf("Entra ID answered %d %s without a token", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	ae.Hint = aadstsHints[ae.AADSTS]
	if ae.Hint == "" && ae.OAuthError == "invalid_client" {
		// This checks a stored pair, not the sign-in variables.
		ae.Hint = "the client ID or secret is wrong or expired: run rotate-secret (or setup) to store a working one"
	}
	if ae.Hint == "" {
		ae.Hint = transportHint(ae.Err, ae.OAuthError)
	}
	return ae
}

// IsSecretNotYetValid reports AADSTS7000215: the secret is wrong, or so new that
// Entra ID has not propagated it yet (retry for a while before calling it wrong).
func IsSecretNotYetValid(err error) bool {
	ae, ok := AsAuthError(err)
	return ok && ae.AADSTS == aadstsInvalidSecret
}

// IsNoServicePrincipal reports AADSTS7000229: the app has no service principal in the tenant.
func IsNoServicePrincipal(err error) bool {
	ae, ok := AsAuthError(err)
	return ok && ae.AADSTS == aadstsNoServicePrincipal
}

// WaitClientSecret is CheckClientSecret retried while Entra ID answers
// AADSTS7000215 (a new secret propagating), with short capped back-off: first
// retry within 250 ms, no wait over 250 ms, at most timeout (0 = 2 min) in all.
// Any other error returns at once.
func WaitClientSecret(ctx context.Context, s *Session, clientID, secret string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = defaultSecretWaitDuration
	}
	deadline := time.Now().Add(timeout)
	wait := secretCheckFirstWait
	for {
		err := CheckClientSecret(ctx, s, clientID, secret)
		if err == nil || !IsSecretNotYetValid(err) {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%w (still rejected after %s: if the secret is new, wait and run again; otherwise it is not this app's secret)", err, timeout)
		}
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("client secret check for app %s: gave up waiting: %w", clientID, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, secretCheckMaxWait)
	}
}
