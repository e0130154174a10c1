package azure_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestSignInEnvironmentAgainstEmulator(t *testing.T) {
	srv := newEmulator(t)
	s := signInAutomation(t, srv)
	if s.TenantID != srv.TenantID || s.UserName != "" || s.GraphURL != srv.URL {
		t.Fatalf("session %+v", s)
	}
	// the preflight token came from the token endpoint; no Graph call was needed for the tenant
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0") {
			t.Fatalf("sign-in called Graph: %s", r.Route)
		}
	}
	if len(routeRequests(srv, "POST /{tenant}/oauth2/v2.0/token")) != 1 {
		t.Fatalf("want one token request, log: %+v", srv.Requests())
	}
	// the Graph client reuses the preflight token (no second token request)
	org, err := fastGraph(s).Organization(ctxT(t))
	if err != nil || org.ID != srv.TenantID {
		t.Fatalf("org %+v %v", org, err)
	}
	if n := len(routeRequests(srv, "POST /{tenant}/oauth2/v2.0/token")); n != 1 {
		t.Fatalf("token requested %d times", n)
	}
}

func TestSignInEnvironmentWrongSecret(t *testing.T) {
	srv := newEmulator(t)
	id, _ := srv.AutomationCredentials()
	t.Setenv("AZURE_TENANT_ID", srv.TenantID)
	t.Setenv("AZURE_CLIENT_ID", id)
	t.Setenv("AZURE_CLIENT_SECRET", "wrong-secret-value")
	t.Setenv("AZURE_AUTHORITY_HOST", srv.URL)
	_, err := azure.SignIn(ctxT(t), azure.SignInOptions{Method: azure.SignInEnvironment, GraphURL: srv.URL, HTTPClient: srv.Client()})
	if err == nil || !azure.IsSecretNotYetValid(err) {
		t.Fatalf("want AADSTS7000215, got %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "wrong-secret-value") || strings.Contains(msg, "\n") || !strings.Contains(msg, "AADSTS7000215") {
		t.Fatalf("message %q", msg)
	}
}

func TestSignInUntrustedCAExplains(t *testing.T) {
	srv := newEmulator(t)
	id, secret := srv.AutomationCredentials()
	t.Setenv("AZURE_TENANT_ID", srv.TenantID)
	t.Setenv("AZURE_CLIENT_ID", id)
	t.Setenv("AZURE_CLIENT_SECRET", secret)
	_, err := azure.SignIn(ctxT(t), azure.SignInOptions{Method: azure.SignInEnvironment, AuthorityHost: srv.URL, GraphURL: srv.URL, Timeout: 2 * time.Second})
	if h, _ := hint.Of(err); err == nil || h.Input != hint.CACertificate || !strings.Contains(err.Error(), "not trusted") || strings.Contains(err.Error(), secret) {
		t.Fatalf("want a TLS trust hint, got %v (%+v)", err, h)
	}
}

func TestSignInDeviceCode(t *testing.T) {
	srv := newEmulator(t, azuretest.WithUser("ada@contoso.example", "Ada Lovelace"))
	var mu sync.Mutex
	var prompts []azure.DeviceCodePrompt
	s, err := azure.SignIn(ctxT(t), azure.SignInOptions{
		Method: azure.SignInDevice, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(), Timeout: 5 * time.Second,
		OnDeviceCode: func(p azure.DeviceCodePrompt) {
			mu.Lock()
			prompts = append(prompts, p)
			mu.Unlock()
			if err := srv.ApproveDeviceCode(p.UserCode); err != nil {
				t.Errorf("approve: %v", err)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(prompts) != 1 || prompts[0].UserCode == "" || !strings.HasPrefix(prompts[0].VerificationURL, srv.URL) || !strings.Contains(prompts[0].Message, prompts[0].UserCode) {
		t.Fatalf("prompts %+v", prompts)
	}
	if s.TenantID != srv.TenantID || s.UserName != "ada@contoso.example" {
		t.Fatalf("session tenant %q user %q", s.TenantID, s.UserName)
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0") || strings.Contains(r.Path, "discovery/instance") {
			t.Fatalf("sign-in made an extra call: %s", r.Route)
		}
	}
	me, err := fastGraph(s).Me(ctxT(t))
	if err != nil || me.UserPrincipalName != "ada@contoso.example" || me.DisplayName != "Ada Lovelace" {
		t.Fatalf("me %+v %v", me, err)
	}
	// the Graph client found the sign-in's token: still one device code, no new prompt
	if len(prompts) != 1 || len(routeRequests(srv, "POST /{tenant}/oauth2/v2.0/devicecode")) != 1 {
		t.Fatalf("a second device code flow started: %d prompts", len(prompts))
	}
}

func TestSignInDeviceCodeDeclinedAndExpired(t *testing.T) {
	for _, c := range []struct {
		name string
		act  func(srv *azuretest.Server, code string) error
		want string
	}{
		{"declined", (*azuretest.Server).DeclineDeviceCode, "declined"},
		{"expired", (*azuretest.Server).ExpireDeviceCode, "expired"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newEmulator(t)
			_, err := azure.SignIn(ctxT(t), azure.SignInOptions{
				Method: azure.SignInDevice, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(),
				OnDeviceCode: func(p azure.DeviceCodePrompt) {
					if err := c.act(srv, p.UserCode); err != nil {
						t.Errorf("%s: %v", c.name, err)
					}
				},
			})
			if h, _ := hint.Of(err); err == nil || !strings.Contains(err.Error(), c.want) || !h.Retry || h.Text == "" || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want one-line %q error with a hint to run again, got %v (%+v)", c.want, err, h)
			}
		})
	}
}

func TestSignInDeviceCodeAutoApprove(t *testing.T) {
	srv := newEmulator(t, azuretest.WithDeviceCodeAutoApprove(100*time.Millisecond))
	s, err := azure.SignIn(ctxT(t), azure.SignInOptions{
		Method: azure.SignInDevice, TenantID: srv.TenantID, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(),
		OnDeviceCode: func(azure.DeviceCodePrompt) {},
	})
	if err != nil || s.TenantID != srv.TenantID || s.UserName != "admin@contoso.example" {
		t.Fatalf("%+v %v", s, err)
	}
}

// TestSignInAzureCLI puts a fake `az` on PATH that prints a token the way
// `az account get-access-token -o json` does.
func TestSignInAzureCLI(t *testing.T) {
	srv := newEmulator(t, azuretest.WithDeviceCodeAutoApprove(time.Millisecond))
	dev, err := azure.SignIn(ctxT(t), azure.SignInOptions{
		Method: azure.SignInDevice, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(), OnDeviceCode: func(azure.DeviceCodePrompt) {},
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := dev.Credential.GetToken(ctxT(t), policy.TokenRequestOptions{Scopes: []string{srv.GraphScope()}, EnableCAE: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, _ := json.Marshal(map[string]any{"accessToken": tok.Token, "expires_on": tok.ExpiresOn.Unix(), "tenant": srv.TenantID, "tokenType": "Bearer"})
	if err := os.WriteFile(filepath.Join(dir, "token.json"), out, 0o600); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$@\" > '" + filepath.Join(dir, "args") + "'\ncat '" + filepath.Join(dir, "token.json") + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AZURE_AUTHORITY_HOST", srv.URL)

	s, err := azure.SignIn(ctxT(t), azure.SignInOptions{Method: azure.SignInAzureCLI, GraphURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if s.TenantID != srv.TenantID || s.UserName != "admin@contoso.example" {
		t.Fatalf("from token claims: tenant %q user %q", s.TenantID, s.UserName)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if !strings.Contains(string(args), "--resource "+srv.URL) {
		t.Fatalf("az called with %q", args)
	}
	if _, err := fastGraph(s).Organization(ctxT(t)); err != nil {
		t.Fatal(err)
	}

	// az not signed in: the error says to run az login
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte("#!/bin/sh\necho 'ERROR: Please run az login to setup account.' >&2\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = azure.SignIn(context.Background(), azure.SignInOptions{Method: azure.SignInAzureCLI, GraphURL: srv.URL, HTTPClient: srv.Client()})
	if err == nil || !strings.Contains(err.Error(), "az login") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("want az login hint, got %v", err)
	}
}

// ctrl+c while the device code waits: the sign-in says it was stopped (a
// context error main turns into exit 130), not the poll's last "pending".
func TestSignInDeviceCodeInterrupted(t *testing.T) {
	srv := newEmulator(t)
	ctx, cancel := context.WithCancel(ctxT(t))
	_, err := azure.SignIn(ctx, azure.SignInOptions{
		Method: azure.SignInDevice, AuthorityHost: srv.URL, GraphURL: srv.URL, HTTPClient: srv.Client(),
		OnDeviceCode: func(azure.DeviceCodePrompt) { cancel() },
	})
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "AADSTS70016") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("want one line wrapping context.Canceled, got %v", err)
	}
}
