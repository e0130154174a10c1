package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

const defaultSecretWaitDuration = 2 * time.Minute

// checkHints say what to do when Entra ID refuses a stored client ID and secret.
var checkHints = map[int]hint.Hint{
	aadstsInvalidSecret:      hint.Run("rotate-secret", "store a working client secret"),
	aadstsExpiredSecret:      hint.Run("rotate-secret", "the client secret has expired: store a new one"),
	aadstsNoServicePrincipal: {Retry: true, Text: "the next run creates the app's service principal"},
	700016:                   hint.Change(hint.Tenant, "check that the app is registered in this tenant"),
	7000112:                  {Text: "the application is disabled: ask an admin to enable it"},
}

// CheckClientSecret proves a client id and secret work by getting a
// client-credentials token for the session's Graph in the session's tenant,
// through the session's authority host and Entra ID pipeline (so a 429, a 5xx
// or a cut connection is retried). It is one token request
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
// a probe, not a sign-in, so MSAL's metadata round trip is not needed.
// A refusal of the secret is IsSecretRefused; a failure that may pass is IsTransient.
func CheckClientSecret(ctx context.Context, s *Session, clientID, secret string) error {
	if s == nil || s.TenantID == "" {
		return hint.New("client secret check: the tenant ID is unknown", hint.Change(hint.Tenant, "sign in first, or give the tenant"))
	}
	if clientID == "" || secret == "" {
		return errors.New("client secret check: client ID and secret are both required")
	}
	op := "client secret check for app " + clientID
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {s.GraphScope()}}
	endpoint := strings.TrimRight(s.authorityHost(), "/") + "/" + url.PathEscape(s.TenantID) + "/oauth2/v2.0/token"
	resp, err := httpx.New(s.entraOptions()).Send(ctx, httpx.Request{
		Method: http.MethodPost, URL: endpoint, Header: http.Header{"Accept": {"application/json"}},
		Body: []byte(form.Encode()), ContentType: "application/x-www-form-urlencoded",
		Kind: httpx.Idempotent, // a token request creates nothing
	})
	if err != nil {
		h, _ := hint.Of(err)
		return hint.Wrap(&AuthError{Op: op, Description: oneLine(err.Error()), Transient: httpx.IsTransient(err), Err: err}, h)
	}
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if resp.Status == http.StatusOK && json.Unmarshal(resp.Body, &answer) == nil && answer.AccessToken != "" {
		return nil
	}
	ae := &AuthError{Op: op, Err: fmt.Errorf("token endpoint answered %d", resp.Status)}
	if !ae.readAnswer(resp.Status, resp.Header, resp.Body) && resp.Status == http.StatusOK {
		ae.Description = "Entra ID answered 200 OK without a token"
	}
	return hint.Wrap(ae, checkHint(ae))
}

func checkHint(ae *AuthError) hint.Hint {
	if h, ok := checkHints[ae.AADSTS]; ok {
		return h
	}
	if ae.Transient {
		return hint.Hint{Retry: true, After: ae.RetryAfter, Text: "Entra ID is busy or unavailable"}
	}
	if ae.OAuthError == "invalid_client" {
		// This checks a stored pair, not the sign-in variables.
		return hint.Run("rotate-secret", "store a working client ID and secret")
	}
	return hint.Hint{}
}

// IsSecretRefused reports that Entra ID answered and refused the secret itself:
// wrong (AADSTS7000215) or expired (AADSTS7000222). A throttled, unavailable or
// missing answer is never a refusal (see IsTransient), nor is a missing service
// principal (IsNoServicePrincipal).
func IsSecretRefused(err error) bool {
	ae, ok := AsAuthError(err)
	return ok && !ae.Transient && (ae.AADSTS == aadstsInvalidSecret || ae.AADSTS == aadstsExpiredSecret)
}

// IsTransient reports a failure that may pass by itself: Entra ID or Graph
// throttling (429) or unavailable (5xx), Entra's "transient error" (AADSTS90033,
// temporarily_unavailable), a timeout or a cut connection. It says nothing
// about the credentials or objects involved.
func IsTransient(err error) bool {
	if ae, ok := AsAuthError(err); ok && ae.Transient {
		return true
	}
	if ge, ok := AsGraphError(err); ok && (ge.StatusCode == http.StatusTooManyRequests || ge.StatusCode >= 500) {
		return true
	}
	return httpx.IsTransient(err)
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

// WaitClientSecret is CheckClientSecret repeated while Entra ID answers
// AADSTS7000215 (a new secret propagating) or fails transiently, with the one
// poll back-off, at most timeout (0 = 2 min) in all. Any other error returns at once.
func WaitClientSecret(ctx context.Context, s *Session, clientID, secret string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = defaultSecretWaitDuration
	}
	err := httpx.Poll(ctx, "Entra ID to accept the secret of app "+clientID, timeout, func(ctx context.Context) (bool, error) {
		err := CheckClientSecret(ctx, s, clientID, secret)
		return err == nil || !IsSecretNotYetValid(err) && !IsTransient(err), err
	})
	if we, ok := errors.AsType[*httpx.WaitError](err); ok && we.Stopped == nil {
		return hint.Wrap(err, hint.Retry("a new secret can take minutes to reach every Entra ID server; one that never works is not this app's"))
	}
	return err
}
