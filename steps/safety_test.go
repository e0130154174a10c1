package steps_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Cases where a careless run would break a working setup: each ends with
// Appmixer holding a secret that works.

// A rotation whose Appmixer write landed but whose answer (and read-back) was
// lost leaves the journal one secret behind; the next setup must not take the
// secret Appmixer now holds for an orphan.
func TestStaleJournalNeverRemovesTheSecretAppmixerHolds(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	before := h.stored()["clientSecret"]
	// Queued as the write starts: queued before the run, the 502s stopped its
	// sign-in (which reads the same configuration) and nothing was written.
	queued := false
	out := runWithEvents(h, "rotate-secret", func(e steps.Event) {
		if e.Step.ID == steps.IDStoreInAppmixer && e.Kind == steps.EventApplying && !queued {
			queued = true
			h.amx.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Status: http.StatusBadGateway, AfterApply: true, Times: 10, MayStayUnused: true})
			h.amx.AddFault(appmixertest.Fault{Route: "GET /service-config/{id}", Status: http.StatusBadGateway, Times: 30, MayStayUnused: true})
		}
	})
	h.amx.ClearFaults() // Appmixer answers again
	app := h.onlyApp()
	held := h.stored()["clientSecret"]
	if !queued || out.Err == nil || held == before {
		t.Fatalf("want a rotation whose write landed unseen (queued %v), got %v and Appmixer holding the old secret %v", queued, out.Err, held == before)
	}
	if !h.az.SecretWorks(app.AppID, held) {
		t.Fatal("the stopped rotation removed the secret its lost write gave Appmixer")
	}
	h.mustRun()
	if held := h.stored()["clientSecret"]; !h.az.SecretWorks(app.AppID, held) {
		t.Fatal("Appmixer holds a secret that no longer works")
	}
}

// An app the customer registered by hand (found by name): a secret left by an
// interrupted run is cleaned up there too.
func TestOrphanOnAnAdoptedAppIsRemoved(t *testing.T) {
	h := newHarness(t)
	h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer", SignInAudience: "AzureADMultipleOrgs"})
	if _, err := h.runWith("setup", quitAt(steps.IDStoreInAppmixer), func(o *steps.Options) { o.Audience = "multi-tenant" }); !errors.Is(err, steps.ErrQuit) {
		t.Fatalf("want a stop before the Appmixer write, got %v", err)
	}
	h.mustRun(func(o *steps.Options) { o.Audience = "multi-tenant" })
	assertSetUp(t, h) // exactly one secret, stored and working
}

// Appmixer already uses an app with another name; a same-named stranger must
// not take its place.
func TestTheAppAppmixerUsesWinsOverAnAppWithTheName(t *testing.T) {
	h := newHarness(t)
	h.mustRun(func(o *steps.Options) { o.AppName = "Appmixer Microsoft connector" })
	used := h.stored()["clientId"]
	h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer"})
	h.mustRun()
	if got := h.stored()["clientId"]; got != used {
		t.Fatalf("Appmixer's clientId moved from %s to %s", used, got)
	}
}

// Signed in to the wrong tenant, teardown must keep Appmixer's keys.
func TestTeardownInAnotherTenantKeepsAppmixersKeys(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "abcdefghijklmnop"})
	out, err := h.runCmd("teardown")
	res := out.Steps
	if err != nil {
		t.Fatal(err)
	}
	if cfg := h.stored(); cfg["clientSecret"] != "abcdefghijklmnop" || cfg["clientId"] == "" {
		t.Fatalf("teardown removed keys of an app it could not see: %v", cfg.Masked())
	}
	said := false
	for _, r := range res {
		for _, n := range r.Notes {
			said = said || strings.Contains(n, "tenant")
		}
	}
	if !said {
		t.Fatalf("no note on why the keys were kept: %+v", res)
	}
}

// Two Appmixers (staging, production) share one app; rotating one keeps the
// other's secret.
func TestRotateKeepsASecretAnotherAppmixerUses(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	other := appmixertest.NewServer()
	defer other.Close()
	h.mustRun(func(o *steps.Options) {
		o.AppmixerURL, o.AppmixerHTTP, o.StateDir = other.URL, other.Client(), t.TempDir()
	})
	raw, _ := other.ServiceConfig(appmixer.ServiceID)
	otherSecret, _ := raw["clientSecret"].(string)
	app := h.onlyApp()
	if !h.az.SecretWorks(app.AppID, otherSecret) {
		t.Fatal("the second Appmixer was not set up")
	}
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	if !h.az.SecretWorks(app.AppID, otherSecret) {
		t.Fatal("rotating one Appmixer's secret removed the other's")
	}
	if !h.az.SecretWorks(app.AppID, h.stored()["clientSecret"]) {
		t.Fatal("the rotated secret does not work")
	}
}
