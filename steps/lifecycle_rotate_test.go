package steps_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// addForeignSecret gives the app a secret someone made in the portal.
func (h *harness) addForeignSecret(appID string) string {
	h.t.Helper()
	keyID := "0d0c0b0a-0000-4000-8000-00000000f00d"
	err := h.az.MutateApplication(appID, func(a *azuretest.Application) {
		a.PasswordCredentials = append(a.PasswordCredentials, azuretest.PasswordCredential{KeyID: keyID, DisplayName: "made in the portal",
			StartDateTime: time.Now().Add(-time.Hour), EndDateTime: time.Now().AddDate(1, 0, 0)})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return keyID
}

// setUpWithAnOldSecret is a setup whose secret was made a day ago, so the
// emulator's propagation delay (set by a test to fail a verification) does not
// hold it back; setup keeps it and adds the service principal.
func (h *harness) setUpWithAnOldSecret() (azuretest.Application, string) {
	h.t.Helper()
	old := "Old8Q~a-secret-made-yesterday-0123456789abc"
	app := h.az.SeedApplication(azuretest.Application{DisplayName: "Appmixer", Tags: []string{steps.AppTag},
		PasswordCredentials: []azuretest.PasswordCredential{{DisplayName: steps.SecretNamePrefix + " 20261101-120000-abcdef", SecretText: &old}}})
	h.amx.SetServiceConfig("appmixer:microsoft", map[string]any{"clientId": app.AppID, "clientSecret": old})
	h.mustRun()
	return app, old
}

func keyIDs(app azuretest.Application) []string {
	var ids []string
	for _, c := range app.PasswordCredentials {
		ids = append(ids, c.KeyID)
	}
	return ids
}

func TestRotateStoresAProvenSecretThenRemovesOnlyOurOldOne(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app, before := assertSetUp(t, h)
	oldKey := app.PasswordCredentials[0].KeyID
	foreign := h.addForeignSecret(app.AppID)
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	after := h.stored()
	if after["clientSecret"] == before["clientSecret"] || after["clientId"] != app.AppID {
		t.Fatal("Appmixer does not hold a new secret for the same app")
	}
	if !h.az.SecretWorks(app.AppID, after["clientSecret"]) {
		t.Fatal("the new secret does not work")
	}
	if h.az.SecretWorks(app.AppID, before["clientSecret"]) {
		t.Fatal("the old secret this tool made still works: it was not removed")
	}
	ids := keyIDs(h.onlyApp())
	if slices.Contains(ids, oldKey) || !slices.Contains(ids, foreign) || len(ids) != 2 {
		t.Fatalf("want the new secret and the portal's one, have %v (old %s, portal %s)", ids, oldKey, foreign)
	}
	// A status right after is clean, and a setup run keeps the new secret.
	if out, _ := h.runCmd("status"); out.ExitErr() != nil {
		t.Fatalf("status after rotation: %v", out.ExitErr())
	}
	if _, err := h.run(); err != nil {
		t.Fatal(err)
	}
	if h.stored()["clientSecret"] != after["clientSecret"] || !slices.Contains(keyIDs(h.onlyApp()), foreign) {
		t.Fatal("setup after the rotation replaced its secret or removed the portal's")
	}
}

func TestRotateKeepOldKeepsTheOldSecretWorking(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	if _, err := h.runCmd("rotate-secret", func(o *steps.Options) { o.KeepOld = true }); err != nil {
		t.Fatal(err)
	}
	app := h.onlyApp()
	if len(app.PasswordCredentials) != 2 || !h.az.SecretWorks(app.AppID, before["clientSecret"]) {
		t.Fatalf("--keep-old: want both secrets, the old one working; have %d", len(app.PasswordCredentials))
	}
	if h.stored()["clientSecret"] == before["clientSecret"] {
		t.Fatal("Appmixer still holds the old secret")
	}
}

// The case: the Appmixer write fails. The old secret is untouched and
// still works, Appmixer still holds it, and the useless new secret is gone.
func TestRotateWithTheAppmixerWriteFailingKeepsTheOldSecret(t *testing.T) {
	h := newHarness(t)
	h.amx.SetServiceConfig("appmixer:microsoft", map[string]any{"customerKey": "keep me"})
	h.mustRun()
	app, before := assertSetUp(t, h)
	h.amx.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Status: http.StatusServiceUnavailable, Times: 10, MayStayUnused: true}) // down, not a blip
	_, err := h.runCmd("rotate-secret")
	if err == nil || !strings.Contains(err.Error(), "Appmixer keeps its secret") {
		t.Fatalf("want an error that says Appmixer keeps its secret, got %v", err)
	}
	if strings.Contains(err.Error(), before["clientSecret"]) {
		t.Fatal("the error leaks the secret")
	}
	after := h.stored()
	if after["clientSecret"] != before["clientSecret"] || after["customerKey"] != "keep me" {
		t.Fatalf("Appmixer changed: %v", after.Masked())
	}
	if !h.az.SecretWorks(app.AppID, before["clientSecret"]) {
		t.Fatal("the old secret no longer works")
	}
	if ids := keyIDs(h.onlyApp()); len(ids) != 1 || ids[0] != app.PasswordCredentials[0].KeyID {
		t.Fatalf("want only the old secret left, have %v", ids)
	}
}

// The PUT is applied but its answer lost: the read-back shows the new secret,
// so the rotation completes instead of throwing the stored secret away.
func TestRotateWithALostAppmixerAnswerCompletes(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app, before := assertSetUp(t, h)
	h.amx.AddFault(appmixertest.Fault{Route: "PUT /service-config/{id}", Status: http.StatusBadGateway, AfterApply: true, Times: 10, MayStayUnused: true})
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	after := h.stored()
	if after["clientSecret"] == before["clientSecret"] || !h.az.SecretWorks(app.AppID, after["clientSecret"]) {
		t.Fatal("Appmixer does not hold a working new secret")
	}
	if n := len(h.onlyApp().PasswordCredentials); n != 1 {
		t.Fatalf("want only the new secret, have %d", n)
	}
}

// Entra ID never accepts the new secret in time: the rotation stops before
// Appmixer is touched, and the new secret is removed.
func TestRotateWithTheNewSecretNeverAcceptedLeavesAppmixerAlone(t *testing.T) {
	h := newHarness(t)
	app, old := h.setUpWithAnOldSecret()
	if h.stored()["clientSecret"] != old {
		t.Fatal("setup replaced the working secret")
	}
	h.az.SetSecretPropagationDelay(time.Minute)
	h.resetLogs()
	_, err := h.runCmd("rotate-secret", func(o *steps.Options) { o.WaitTimeout = 300 * time.Millisecond })
	if err == nil || !strings.Contains(err.Error(), "Appmixer was not changed") {
		t.Fatalf("want an error that says Appmixer was not changed, got %v", err)
	}
	for _, r := range h.amx.Requests() {
		if r.Write {
			t.Fatalf("Appmixer was written although the new secret was never accepted: %s", r.Route)
		}
	}
	if h.stored()["clientSecret"] != old || !h.az.SecretWorks(app.AppID, old) {
		t.Fatal("Appmixer does not hold the old, working secret")
	}
	if ids := keyIDs(h.onlyApp()); len(ids) != 1 || ids[0] != app.PasswordCredentials[0].KeyID {
		t.Fatalf("want only the old secret left, have %v", ids)
	}
}

// The main reason to rotate: the secret has expired.
func TestRotateReplacesAnExpiredSecret(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app := h.onlyApp()
	h.setSecretEnd(app.AppID, time.Now().Add(-time.Hour))
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	if !h.az.SecretWorks(app.AppID, h.stored()["clientSecret"]) || len(h.onlyApp().PasswordCredentials) != 1 {
		t.Fatal("the expired secret was not replaced by one working secret")
	}
}

func TestRotateDryRunWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	h.resetLogs()
	out, err := h.runCmd("rotate-secret", dryRun)
	if err != nil {
		t.Fatal(err)
	}
	res := out.Steps
	h.writesNone("rotate-secret --dry-run")
	planned := map[steps.ID]bool{}
	for _, r := range res {
		planned[r.Step.ID] = r.Status == "planned"
	}
	if !planned[steps.IDNewSecret] || !planned[steps.IDStoreInAppmixer] || !planned[steps.IDRemoveOldSecrets] {
		t.Fatalf("dry run should plan a new secret, the store and the removal: %+v", res)
	}
	if h.stored()["clientSecret"] != before["clientSecret"] || len(h.onlyApp().PasswordCredentials) != 1 {
		t.Fatal("dry run changed something")
	}
}

func TestRotateWithoutASetupSaysRunSetup(t *testing.T) {
	h := newHarness(t)
	_, err := h.runCmd("rotate-secret")
	if hn, _ := hint.Of(err); err == nil || hn.Command != "setup" {
		t.Fatalf("want advice to run setup, got %v (%+v)", err, hn)
	}
	h.writesNone("rotate-secret without a setup")
}

// quitAt applies every plan until the step with the given ID, and quits there.
type quitAt steps.ID

func (q quitAt) Confirm(_ context.Context, qu steps.Question) (steps.Decision, error) {
	if qu.Step.ID == steps.ID(q) {
		return steps.Quit, nil
	}
	return steps.Apply, nil
}
func (quitAt) Choose(ctx context.Context, m steps.Menu) (steps.MenuItem, error) {
	return steps.Yes{}.Choose(ctx, m)
}
func (quitAt) Setup(ctx context.Context, o steps.Options) (steps.Options, error) { return o, nil }

// A rotation quit after it made its new secret leaves that secret unused; the
// next rotation removes it with the old one, even though storing the new
// secret empties the resume file's list first.
func TestRotateAfterAStoppedRotationRemovesItsUnusedSecret(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	app, _ := assertSetUp(t, h)
	if _, err := h.runWith("rotate-secret", quitAt(steps.IDStoreInAppmixer)); !errors.Is(err, steps.ErrQuit) {
		t.Fatalf("want a quit at Store in Appmixer, got %v", err)
	}
	if n := len(h.onlyApp().PasswordCredentials); n != 2 {
		t.Fatalf("want the old and the unused new secret, have %d", n)
	}
	if _, err := h.runCmd("rotate-secret"); err != nil {
		t.Fatal(err)
	}
	after := h.onlyApp()
	if len(after.PasswordCredentials) != 1 || !h.az.SecretWorks(app.AppID, h.stored()["clientSecret"]) {
		t.Fatalf("after the second rotation: %d secrets (want only the stored one)", len(after.PasswordCredentials))
	}
}

// A retry (the TUI's r) after a rotation whose new secret was never accepted
// still removes the unused secret an earlier, stopped rotation left.
func TestRotateRetryStillRemovesLeftovers(t *testing.T) {
	h := newHarness(t)
	app, _ := h.setUpWithAnOldSecret()
	if _, err := h.runWith("rotate-secret", quitAt(steps.IDStoreInAppmixer)); !errors.Is(err, steps.ErrQuit) {
		t.Fatalf("want a quit, got %v", err)
	}
	h.az.SetSecretPropagationDelay(time.Minute) // the next proof times out
	o := h.opts
	o.WaitTimeout = 300 * time.Millisecond
	se := steps.NewSession(o)
	ctx := context.Background()
	if out := se.Run(ctx, steps.Request{Command: "rotate-secret"}, steps.Yes{}, nil); out.Err == nil || !strings.Contains(out.Err.Error(), "not changed") {
		t.Fatalf("want the unaccepted secret to stop the rotation, got %v", out.Err)
	}
	h.az.SetSecretPropagationDelay(0)
	if out := se.Run(ctx, steps.Request{Retry: true}, steps.Yes{}, nil); out.Err != nil { // the retry: same flow, same state
		t.Fatalf("retry: %v", out.Err)
	}
	after := h.onlyApp()
	if len(after.PasswordCredentials) != 1 || !h.az.SecretWorks(app.AppID, h.stored()["clientSecret"]) {
		t.Fatalf("after the retry: %d secrets, want only the stored one", len(after.PasswordCredentials))
	}
}
