package main

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
)

// killPoint is a step boundary: the emulator holds the next call, the test
// SIGKILLs the binary there. afterApply: the call took effect, its answer is lost.
type killPoint struct {
	name       string
	azureRoute string // hold this Graph/Entra route, or
	amxRoute   string // this Appmixer route
	afterApply bool
	// thenRoute, on Appmixer: after amxRoute is held, hold this next call instead
	// (a route also called earlier in the run, e.g. the verify read-back).
	thenRoute string
	// killed, when set, checks the state the kill left: proof it landed where meant.
	killed func(t *testing.T, w *world)
}

func appsAfterKill(n int) func(*testing.T, *world) {
	return func(t *testing.T, w *world) {
		if got := len(w.az.Applications()); got != n {
			t.Fatalf("the kill left %d apps, want %d: it did not land where meant", got, n)
		}
	}
}

var killPoints = []killPoint{
	{name: "Azure sign-in", azureRoute: "POST /{tenant}/oauth2/v2.0/token"},
	{name: "Appmixer sign-in", amxRoute: "POST /user/auth"},
	{name: "Appmixer config read", amxRoute: "GET /service-config/{id}"},
	{name: "find the app", azureRoute: "GET /v1.0/applications"},
	{name: "before the app is created", azureRoute: "PATCH /v1.0/applications(uniqueName={uniqueName})", killed: appsAfterKill(0)},
	{name: "app created, answer lost", azureRoute: "PATCH /v1.0/applications(uniqueName={uniqueName})", afterApply: true, killed: appsAfterKill(1)},
	{name: "before the service principal", azureRoute: "POST /v1.0/servicePrincipals"},
	{name: "service principal created, answer lost", azureRoute: "POST /v1.0/servicePrincipals", afterApply: true},
	{name: "before the secret", azureRoute: "POST /v1.0/applications/{id}/addPassword"},
	{name: "secret minted, answer lost", azureRoute: "POST /v1.0/applications/{id}/addPassword", afterApply: true,
		killed: func(t *testing.T, w *world) {
			if n := len(w.az.Applications()[0].PasswordCredentials); n != 1 || w.storedSecret() != "" {
				t.Fatalf("the kill left %d secrets, stored %v; want the one unstored secret", n, w.storedSecret() != "")
			}
		}},
	{name: "before Appmixer stores it", amxRoute: "PUT /service-config/{id}"},
	{name: "stored in Appmixer, answer lost", amxRoute: "PUT /service-config/{id}", afterApply: true,
		killed: func(t *testing.T, w *world) {
			if w.storedSecret() == "" {
				t.Fatal("the kill left Appmixer without the secret: it did not land after the store")
			}
		}},
	{name: "during verify", amxRoute: "PUT /service-config/{id}", afterApply: true, thenRoute: "GET /service-config/{id}"},
}

// SIGKILL the real binary at every step boundary, run it again: it converges
// and the invariants hold after both.
func TestKillAtEveryStepBoundaryThenRerunConverges(t *testing.T) {
	wizardBinary(t)
	held := 0
	for _, kp := range killPoints {
		t.Run(kp.name, func(t *testing.T) {
			w := newWorld(t)
			if kp.azureRoute != "" {
				w.az.AddFault(azuretest.Fault{Route: kp.azureRoute, Hang: true, AfterApply: kp.afterApply})
			} else {
				w.amx.AddFault(appmixertest.Fault{Route: kp.amxRoute, Hang: true, AfterApply: kp.afterApply})
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd, out, errb := w.command(ctx)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			waitHeld := func(what string, isHeld func() bool) {
				t.Helper()
				testwait.Until(t, 20*time.Second, what, func() bool {
					select {
					case err := <-exited:
						t.Fatalf("the binary ended (%v) before reaching %s\nstdout: %s\nstderr: %s", err, what, out, errb)
					default:
					}
					return isHeld()
				})
			}
			if kp.azureRoute != "" {
				waitHeld(kp.azureRoute, func() bool { return w.az.Hanging() == 1 })
			} else {
				waitHeld(kp.amxRoute, func() bool { return w.amx.Hanging() == 1 })
			}
			if kp.thenRoute != "" {
				w.amx.AddFault(appmixertest.Fault{Route: kp.thenRoute, Hang: true})
				before := len(w.amx.Requests())
				w.amx.Release()
				waitHeld(kp.thenRoute, func() bool { return len(w.amx.Requests()) > before && w.amx.Hanging() == 1 })
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no defers, no clean-up
				t.Fatal(err)
			}
			err := <-exited
			var ee *exec.ExitError
			if !asExit(err, &ee) || ee.ExitCode() != -1 {
				t.Fatalf("want death by SIGKILL, got %v", err)
			}
			w.az.Release()
			w.amx.Release()
			if kp.killed != nil {
				kp.killed(t, w)
			}
			w.invariants(false)
			w.noSecretIn("stdout of the killed run", out.String())
			w.noSecretIn("stderr of the killed run", errb.String())

			code, stdout, stderr := w.run()
			if code != 0 {
				t.Fatalf("re-run after SIGKILL exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			w.invariants(true)
			w.noSecretIn("stdout of the re-run", stdout)
			w.noSecretIn("stderr of the re-run", stderr)
			if !t.Failed() {
				held++
			}
		})
	}
	msg := fmt.Sprintf("kill tests: %d step boundaries killed with SIGKILL, %d re-runs converged with every invariant held", len(killPoints), held)
	t.Log(msg)
	fmt.Println(msg)
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}
