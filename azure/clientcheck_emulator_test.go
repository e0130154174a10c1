package azure_test

import (
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestClientSecretChecks(t *testing.T) {
	const propagation = 300 * time.Millisecond
	srv := newEmulator(t, azuretest.WithSecretPropagationDelay(propagation))
	s := signInAutomation(t, srv)
	g := fastGraph(s)
	ctx := ctxT(t)
	app, err := g.CreateApplication(ctx, azure.Application{DisplayName: "check"})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := g.AddPassword(ctx, app.ID, "t", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now()

	// no service principal yet: AADSTS7000229, not retried
	err = azure.WaitClientSecret(ctx, s, app.AppID, pc.SecretText, 5*time.Second)
	if !azure.IsNoServicePrincipal(err) || azure.IsSecretNotYetValid(err) || strings.Contains(err.Error(), pc.SecretText) {
		t.Fatalf("want AADSTS7000229, got %v", err)
	}
	if _, err := g.CreateServicePrincipal(ctx, app.AppID, nil); err != nil {
		t.Fatal(err)
	}
	if err := azure.CheckClientSecret(ctx, s, app.AppID, pc.SecretText); time.Since(created) < propagation && !azure.IsSecretNotYetValid(err) {
		t.Fatalf("a brand-new secret: want AADSTS7000215, got %v", err)
	}
	if err := azure.WaitClientSecret(ctx, s, app.AppID, pc.SecretText, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if late := time.Since(created.Add(propagation)); late > 600*time.Millisecond {
		t.Fatalf("accepted %s after propagation", late)
	}
	if !srv.SecretWorks(app.AppID, pc.SecretText) {
		t.Fatal("emulator disagrees")
	}

	// a wrong secret keeps failing: bounded wait, error says what to do, no secret in it
	start := time.Now()
	err = azure.WaitClientSecret(ctx, s, app.AppID, "abcWRONGsecret", 400*time.Millisecond)
	if h, _ := hint.Of(err); !azure.IsSecretNotYetValid(err) || !azure.IsSecretRefused(err) || !strings.Contains(err.Error(), "still waiting") || strings.Contains(err.Error(), "WRONG") || !h.Retry {
		t.Fatalf("got %v (%+v)", err, h)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("wait not bounded")
	}
}
