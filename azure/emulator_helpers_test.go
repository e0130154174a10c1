package azure_test

import (
	"context"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

func newEmulator(t *testing.T, opts ...azuretest.Option) *azuretest.Server {
	t.Helper()
	srv := azuretest.NewServer(opts...)
	t.Cleanup(srv.Close)
	emulator.FailOnUnusedFaults(t, srv)
	return srv
}

// signInAutomation signs in as the emulator's automation service principal
// through azidentity's EnvironmentCredential, as consultants' scripts do.
func signInAutomation(t *testing.T, srv *azuretest.Server) *azure.Session {
	t.Helper()
	id, secret := srv.AutomationCredentials()
	t.Setenv("AZURE_TENANT_ID", srv.TenantID)
	t.Setenv("AZURE_CLIENT_ID", id)
	t.Setenv("AZURE_CLIENT_SECRET", secret)
	t.Setenv("AZURE_AUTHORITY_HOST", srv.URL)
	s, err := azure.SignIn(context.Background(), azure.SignInOptions{
		Method: azure.SignInEnvironment, GraphURL: srv.URL, HTTPClient: srv.Client(), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	return s
}

// fastGraph is a Graph client with test-sized back-offs.
func fastGraph(s *azure.Session) *azure.Graph {
	return azure.NewGraph(s, azure.GraphOptions{RetryDelay: 20 * time.Millisecond, ReplicationTimeout: 10 * time.Second, Timeout: 3 * time.Second})
}

// routeRequests returns the logged requests for one route key.
func routeRequests(srv *azuretest.Server, route string) []azuretest.Request {
	var out []azuretest.Request
	for _, r := range srv.Requests() {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}
