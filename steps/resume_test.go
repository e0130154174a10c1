package steps_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// A run that stops after minting a secret but before Appmixer stores it
// leaves an orphan; the next run removes it and finishes: exactly one secret,
// stored, working — also when the next run has no resume file (another HOME,
// another machine): the orphan is found by its generated name.
func TestInterruptedBeforeStoreResumesWithOneSecret(t *testing.T) {
	for _, sameStateDir := range []bool{true, false} {
		h := newHarness(t)
		if _, err := h.runWith("setup", quitAt(steps.IDStoreInAppmixer)); !errors.Is(err, steps.ErrQuit) {
			t.Fatalf("want a stop at Store in Appmixer, got %v", err)
		}
		if n := len(h.onlyApp().PasswordCredentials); n != 1 {
			t.Fatalf("after the stopped run the app has %d secrets, want the 1 orphan", n)
		}
		orphan := h.onlyApp().PasswordCredentials[0].KeyID
		if !sameStateDir {
			h.opts.StateDir = t.TempDir()
		}
		h.mustRun()
		app, _ := assertSetUp(t, h)
		if app.PasswordCredentials[0].KeyID == orphan {
			t.Fatalf("the orphan survived (same state dir: %v)", sameStateDir)
		}
	}
}

// One 503 on the Appmixer write is reconciled in the same run: Appmixer is
// read back and the write made again. Two in a row stop the run, and the new
// secret nobody holds is removed at once.
func TestAppmixerWriteFailuresLeaveNoUnusedSecret(t *testing.T) {
	h := newHarness(t)
	h.amx.AddFault(appmixertest.Fault{Route: "POST /service-config", Status: http.StatusServiceUnavailable})
	h.mustRun()
	assertSetUp(t, h)

	h = newHarness(t)
	h.amx.AddFault(appmixertest.Fault{Route: "POST /service-config", Status: http.StatusServiceUnavailable, Times: 2})
	if _, err := h.run(); err == nil || !strings.Contains(err.Error(), "unused new one was removed") {
		t.Fatalf("want the run to stop and say the new secret was removed, got %v", err)
	}
	if n := len(h.onlyApp().PasswordCredentials); n != 0 {
		t.Fatalf("the unused secret was left: %d secrets", n)
	}
	h.mustRun()
	assertSetUp(t, h)
}

// The answer to addPassword is lost (connection cut after Graph made the
// secret): the same run removes what Graph made under that attempt's name and
// tries once more, ending with one secret.
func TestLostAddPasswordAnswerLeavesNoSecondSecret(t *testing.T) {
	h := newHarness(t)
	h.az.AddFault(azuretest.Fault{Route: "POST /v1.0/applications/{id}/addPassword", Reset: true, AfterApply: true})
	h.mustRun()
	assertSetUp(t, h)
}

// Replication delay, 429 and 503 on Graph, and an Appmixer token that expires
// mid-run, all in one run: it still succeeds.
func TestFaultsInOneRunStillSucceed(t *testing.T) {
	h := newHarness(t, azuretest.WithReplicationDelay(600*time.Millisecond), azuretest.WithSecretPropagationDelay(300*time.Millisecond))
	h.az.AddFault(azuretest.Fault{Route: "GET /v1.0/applications", Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	h.az.AddFault(azuretest.Fault{Route: "GET /v1.0/servicePrincipals(appId={appId})", Status: http.StatusServiceUnavailable})
	h.amx.ExpireTokensAfter(2)
	h.mustRun()
	assertSetUp(t, h)
	if len(h.az.Applications()) != 1 {
		t.Fatal("a retried POST /applications made a duplicate")
	}
}

// The secret never reaches a file the program writes.
func TestStateFileHoldsNoSecret(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, cfg := assertSetUp(t, h)
	if filesContain(t, h.opts.StateDir, cfg["clientSecret"]) || filesContain(t, h.opts.StateDir, h.opts.AppmixerPassword.Reveal()) {
		t.Fatal("a secret was written to the state directory")
	}
	entries, err := os.ReadDir(h.opts.StateDir)
	if err != nil || !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == "state.json" }) {
		t.Fatalf("no resume file to check (%v): %v", err, entries)
	}
	for _, e := range entries {
		info, _ := os.Stat(filepath.Join(h.opts.StateDir, e.Name()))
		if info.Mode().Perm()&0o077 != 0 && !info.IsDir() {
			t.Errorf("%s is readable by others: %v", e.Name(), info.Mode())
		}
		// privfile's temporary files (.state.json.*) and the writability probe (.probe-*).
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// The app is created but the answer is lost, while Graph's lists still lag
// behind the create (replication): the repeated upsert finds the same app, so
// there is never a second registration, in this run or the next.
func TestLostCreateAnswerNeverMakesASecondApp(t *testing.T) {
	h := newHarness(t, azuretest.WithReplicationDelay(400*time.Millisecond))
	h.az.AddFault(azuretest.Fault{Route: "PATCH /v1.0/applications(uniqueName={uniqueName})", Reset: true, AfterApply: true})
	h.run() // may stop with one error line or finish: either way no duplicate
	h.mustRun()
	assertSetUp(t, h) // exactly one app, one secret, stored and working
}
