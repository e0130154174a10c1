package azure_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// A whole setup's worth of exchanges, traced: every call to Entra ID (MSAL's
// and ours) and Graph has its line, retries and waits are there, and no
// secret, token or authorization value is.
func TestTraceOfSignInGraphAndSecretCheck(t *testing.T) {
	srv := newEmulator(t, azuretest.WithReplicationDelay(300*time.Millisecond), azuretest.WithSecretPropagationDelay(300*time.Millisecond))
	var trace bytes.Buffer
	stop := httpx.StartTrace(&trace)
	defer stop()

	s := signInAutomation(t, srv)
	ctx := ctxT(t)
	g := fastGraph(s)
	srv.AddFault(azuretest.Fault{Route: "GET /v1.0/organization", Status: http.StatusServiceUnavailable})
	if _, err := g.Organization(ctx); err != nil {
		t.Fatal(err)
	}
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "traced", Tags: []string{testTag}})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := g.AddPassword(ctx, app.ID, "wizard", time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.GetApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := g.CreateServicePrincipal(ctx, app.AppID, nil); err != nil {
		t.Fatal(err)
	}
	if err := azure.WaitClientSecret(ctx, s, app.AppID, pc.SecretText, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}, EnableCAE: true})
	if err != nil {
		t.Fatal(err)
	}
	stop()

	out := trace.String()
	for _, want := range []string{
		"[Entra ID] GET " + srv.URL + "/" + srv.TenantID + "/v2.0/.well-known/openid-configuration → 200 OK",
		"[Entra ID] POST " + srv.URL + "/" + srv.TenantID + "/oauth2/v2.0/token → 200 OK",
		"[Entra ID] POST " + srv.URL + "/" + srv.TenantID + "/oauth2/v2.0/token → 401 Unauthorized", // the new secret, not there yet
		"[Graph] GET " + srv.URL + "/v1.0/organization → 503 Service Unavailable",
		"[retry] try 1 failed: next try in",
		"[Graph] POST " + srv.URL + "/v1.0/applications → 201 Created",
		"request-id=",
		"[wait] the new object to replicate (Entra ID replication delay): not yet",
		"[wait] Entra ID to accept the secret of app " + app.AppID + ": not yet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	_, automationSecret := srv.AutomationCredentials()
	for name, secret := range map[string]string{"automation secret": automationSecret, "new secret": pc.SecretText, "access token": tok.Token,
		"token signature": tok.Token[strings.LastIndex(tok.Token, ".")+1:], "authorization": "Bearer "} {
		if len(secret) > 3 && strings.Contains(out, secret) {
			t.Errorf("trace shows the %s", name)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}
