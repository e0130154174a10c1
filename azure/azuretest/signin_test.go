package azuretest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

func clientOptions(s *azuretest.Server) azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: s.URL + "/"},
		Transport: s.Client(),
	}
}

func deviceCred(t *testing.T, s *azuretest.Server, tenant string, codes chan<- string) *azidentity.DeviceCodeCredential {
	t.Helper()
	cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientOptions:            clientOptions(s),
		DisableInstanceDiscovery: true,
		TenantID:                 tenant,
		UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
			if !strings.Contains(m.Message, m.UserCode) || !strings.HasPrefix(m.VerificationURL, s.URL) {
				t.Errorf("device code message %q / %q", m.Message, m.VerificationURL)
			}
			codes <- m.UserCode
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func TestDeviceCodeApproveWithAzidentity(t *testing.T) {
	s := newServer(t, azuretest.WithUser("ops@contoso.example", "Olga Ops"))
	codes := make(chan string, 1)
	cred := deviceCred(t, s, "organizations", codes)
	go func() {
		code := <-codes
		if got := s.PendingDeviceCodes(); len(got) != 1 || got[0] != code {
			t.Errorf("PendingDeviceCodes = %v, want [%s]", got, code)
		}
		if err := s.ApproveDeviceCode(code); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := cred.Authenticate(ctx, &policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if rec.TenantID != s.TenantID || rec.Username != "ops@contoso.example" || !strings.HasPrefix(s.URL, rec.Authority) {
		t.Fatalf("record = %+v", rec)
	}
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		t.Fatalf("GetToken (silent): %v", err)
	}
	me := graph(t, s, tok.Token, "GET", "/me", nil)
	mustStatus(t, me, 200)
	if me.body["userPrincipalName"] != "ops@contoso.example" || me.body["displayName"] != "Olga Ops" {
		t.Fatalf("/me = %v", me.body)
	}
	if len(s.PendingDeviceCodes()) != 0 {
		t.Fatal("code still pending after sign-in")
	}
}

func TestDeviceCodeAutoApproveAndRefresh(t *testing.T) {
	s := newServer(t, azuretest.WithDeviceCodeAutoApprove(100*time.Millisecond), azuretest.WithTokenLifetime(2*time.Second))
	codes := make(chan string, 1)
	cred := deviceCred(t, s, s.TenantID, codes)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if time.Until(tok.ExpiresOn) > 3*time.Second {
		t.Fatalf("ExpiresOn %v ignores WithTokenLifetime", tok.ExpiresOn)
	}
	// A near-expiry token makes MSAL redeem the refresh token silently.
	s.ResetRequests()
	tok2, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		t.Fatalf("GetToken (refresh): %v", err)
	}
	if tok2.Token == tok.Token {
		t.Fatal("expected a refreshed token")
	}
	refreshed := false
	for _, r := range s.Requests() {
		refreshed = refreshed || r.Route == "POST /{tenant}/oauth2/v2.0/token"
	}
	if !refreshed {
		t.Fatalf("no token request in %v", s.Requests())
	}
	mustStatus(t, graph(t, s, tok2.Token, "GET", "/organization", nil), 200)
}

func TestDeviceCodeDeclineAndExpire(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		act        func(*azuretest.Server, string) error
	}{
		{"decline", "authorization_declined", (*azuretest.Server).DeclineDeviceCode},
		{"expire", "expired_token", (*azuretest.Server).ExpireDeviceCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			codes := make(chan string, 1)
			cred := deviceCred(t, s, s.TenantID, codes)
			go func() {
				<-codes
				if err := tc.act(s, ""); err != nil { // "" = latest pending
					t.Error(err)
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
			// MSAL reads (and drains) the 400 body to decide whether to keep
			// polling, so azidentity's error has the status but no body; the
			// error codes themselves are checked in TestDeviceCodeRawErrors.
			var afe *azidentity.AuthenticationFailedError
			if err == nil || !errors.As(err, &afe) || afe.RawResponse == nil || afe.RawResponse.StatusCode != 400 {
				t.Fatalf("err = %v, want AuthenticationFailedError with status 400 (%s)", err, tc.want)
			}
			if err := s.ApproveDeviceCode(""); err == nil {
				t.Fatal("approving with nothing pending should fail")
			}
		})
	}
}

func TestClientSecretCredentialAutomation(t *testing.T) {
	s := newServer(t)
	id, secret := s.AutomationCredentials()
	cred, err := azidentity.NewClientSecretCredential(s.TenantID, id, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(s), DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	r := graph(t, s, tok.Token, "GET", "/applications", nil)
	mustStatus(t, r, 200)

	bad, _ := azidentity.NewClientSecretCredential(s.TenantID, id, "wrong-secret", &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(s), DisableInstanceDiscovery: true,
	})
	_, err = bad.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("wrong secret: %v", err)
	}
}

// An app's new secret: refused while it propagates (7000215), then refused
// for want of a service principal (7000229), then accepted — but its token
// cannot manage Graph (403).
func TestClientSecretCredentialAppSecretLifecycle(t *testing.T) {
	s := newServer(t, azuretest.WithSecretPropagationDelay(300*time.Millisecond))
	admin := automationToken(t, s)
	app := createApp(t, s, admin, map[string]any{"displayName": "Appmixer", "signInAudience": "AzureADMyOrg"})
	pw := graph(t, s, admin, "POST", "/applications/"+app["id"].(string)+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "wizard"}})
	mustStatus(t, pw, 200)
	appID, secret := app["appId"].(string), pw.body["secretText"].(string)

	cred, err := azidentity.NewClientSecretCredential(s.TenantID, appID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(s), DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	get := func() error {
		_, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
		return err
	}
	if err := get(); err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("fresh secret: %v, want AADSTS7000215", err)
	}
	if s.SecretWorks(appID, secret) {
		t.Fatal("SecretWorks true while propagating")
	}
	var last error
	testwait.Until(t, 3*time.Second, "secret propagation", func() bool {
		last = get()
		return last != nil && strings.Contains(last.Error(), "AADSTS7000229")
	})
	if strings.Contains(last.Error(), secret) {
		t.Fatal("error leaks the secret")
	}
	mustStatus(t, graph(t, s, admin, "POST", "/servicePrincipals", map[string]any{"appId": appID}), 201)
	if err := get(); err != nil {
		t.Fatalf("after SP: %v", err)
	}
	if !s.SecretWorks(appID, secret) {
		t.Fatal("SecretWorks false after SP")
	}
	tok, _ := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}})
	r := graph(t, s, tok.Token, "GET", "/applications", nil)
	if r.status != 403 || r.errCode() != "Authorization_RequestDenied" {
		t.Fatalf("app token on Graph: %d %s", r.status, r.raw)
	}
}
