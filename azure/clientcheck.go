package azure

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Entra ID codes for a client-credentials request
// (learn.microsoft.com/entra/identity-platform/reference-error-codes).
const (
	aadstsInvalidSecret       = 7000215 // wrong secret — or a new one not propagated yet
	aadstsNoServicePrincipal  = 7000229 // the app has no service principal in the tenant
	secretCheckFirstWait      = 100 * time.Millisecond
	secretCheckMaxWait        = 400 * time.Millisecond
	defaultSecretWaitDuration = 2 * time.Minute
)

// CheckClientSecret proves a client id and secret work by getting a
// client-credentials token for the session's Graph in the session's tenant,
// through the session's authority host and transport.
func CheckClientSecret(ctx context.Context, s *Session, clientID, secret string) error {
	cred, err := secretCredential(s, clientID, secret)
	if err != nil {
		return err
	}
	return checkWith(ctx, s, cred, clientID)
}

// secretChecker is a client-secret credential plus the recorder of its failures.
type secretChecker struct {
	cred *azidentity.ClientSecretCredential
	rec  *authRecorder
}

func secretCredential(s *Session, clientID, secret string) (*secretChecker, error) {
	if s == nil || s.TenantID == "" {
		return nil, errors.New("client secret check: the tenant ID is unknown: sign in first or pass --tenant")
	}
	if clientID == "" || secret == "" {
		return nil, errors.New("client secret check: client ID and secret are both required")
	}
	co := s.clientOptions()
	co.Retry.MaxRetries = 1 // the caller decides how long to keep trying
	rec := &authRecorder{next: co.Transport}
	co.Transport = rec
	cred, err := azidentity.NewClientSecretCredential(s.TenantID, clientID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            co,
		DisableInstanceDiscovery: s.disableInstanceDiscovery(),
	})
	if err != nil {
		return nil, newAuthError("client secret check for app "+clientID, err)
	}
	return &secretChecker{cred: cred, rec: rec}, nil
}

func checkWith(ctx context.Context, s *Session, sc *secretChecker, clientID string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*s.timeout())
	defer cancel()
	_, err := sc.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		return newAuthErrorRec("client secret check for app "+clientID, err, sc.rec)
	}
	return nil
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
// retry within 250 ms, no wait over 400 ms, at most timeout (0 = 2 min) in all.
// Any other error returns at once.
func WaitClientSecret(ctx context.Context, s *Session, clientID, secret string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = defaultSecretWaitDuration
	}
	cred, err := secretCredential(s, clientID, secret)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	wait := secretCheckFirstWait
	for {
		err := checkWith(ctx, s, cred, clientID)
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
