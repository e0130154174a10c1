package steps_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The fault matrix: every API route a fresh setup calls × every way a call can
// go wrong. Each case runs once with the fault (it may succeed or stop with one
// clear line), then once plainly (it must converge). The invariants are checked
// after both runs. Serial: the harness sets AZURE_* with t.Setenv.

// matrixTimeout bounds each request in the matrix, so a hang costs little.
const matrixTimeout = 300 * time.Millisecond

// faultKind is one way a call fails.
type faultKind struct {
	name  string
	azure func(route string) azuretest.Fault
	amx   func(route string) appmixertest.Fault
}

var faultKinds = []faultKind{
	{"429+Retry-After",
		func(r string) azuretest.Fault {
			return azuretest.Fault{Route: r, Status: http.StatusTooManyRequests, RetryAfter: time.Millisecond}
		},
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusTooManyRequests}
		}},
	{"503",
		func(r string) azuretest.Fault {
			return azuretest.Fault{Route: r, Status: http.StatusServiceUnavailable}
		},
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusServiceUnavailable}
		}},
	{"reset",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Reset: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Reset: true} }},
	{"reset-after-apply",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Reset: true, AfterApply: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Reset: true, AfterApply: true} }},
	{"hang(timeout)",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Hang: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Hang: true} }},
	{"hang-after-apply(timeout)",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Hang: true, AfterApply: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Hang: true, AfterApply: true} }},
	{"401",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Status: http.StatusUnauthorized} },
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusUnauthorized}
		}},
	{"404 replication",
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Status: http.StatusNotFound} },
		nil}, // Appmixer has no replication delay
}

// freshRoutes runs a clean fresh setup and returns the routes each emulator
// answered, in first-call order.
func freshRoutes(t *testing.T, seen map[string]bool, seed bool) (az, amx []string) {
	h := newMatrixHarness(t, seed)
	h.mustRun()
	for _, r := range h.az.Requests() {
		if !seen["az "+r.Route] {
			seen["az "+r.Route] = true
			az = append(az, r.Route)
		}
	}
	for _, r := range h.amx.Requests() {
		if !seen["amx "+r.Route] {
			seen["amx "+r.Route] = true
			amx = append(amx, r.Route)
		}
	}
	return az, amx
}

// newMatrixHarness: seed puts a customer key into appmixer:microsoft first
// (the PUT path); without it the run creates the object (the POST path).
func newMatrixHarness(t *testing.T, seed bool, azOpts ...azuretest.Option) *harness {
	t.Helper()
	h := newHarness(t, azOpts...)
	h.opts.Timeout = matrixTimeout
	h.opts.WaitTimeout = 3 * time.Second
	if seed {
		h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	}
	return h
}

// matrixCase is one faulted run followed by a plain one.
type matrixCase struct {
	name   string
	fresh  bool // Appmixer has no appmixer:microsoft yet (no customer key to keep)
	hang   bool // the faulted run must end within the timeout bound
	azOpts []azuretest.Option
	inject func(h *harness)
	// observe, when set, is called on every runner event of the faulted run.
	observe func(h *harness, e steps.Event)
}

type matrixTally struct{ run, held, failedFirst int }

func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix skipped in -short")
	}
	seen := map[string]bool{}
	azRoutes, amxRoutes := freshRoutes(t, seen, true)
	_, amxFresh := freshRoutes(t, seen, false) // only the routes the seeded run did not use
	if len(azRoutes) < 5 || len(amxRoutes) < 3 {
		t.Fatalf("a clean run used too few routes to be a fresh setup: azure %v appmixer %v", azRoutes, amxRoutes)
	}
	t.Logf("fresh setup routes: azure %d %v; appmixer %d %v + %v", len(azRoutes), azRoutes, len(amxRoutes), amxRoutes, amxFresh)

	var cases []matrixCase
	for _, k := range faultKinds {
		for _, r := range azRoutes {
			if k.name == "404 replication" && !addressesOneObject(r) {
				continue
			}
			f := k.azure(r)
			cases = append(cases, matrixCase{name: "azure " + r + " × " + k.name, hang: f.Hang, inject: func(h *harness) { h.az.AddFault(f) }})
		}
		if k.amx == nil {
			continue
		}
		for i, r := range append(slices.Clone(amxRoutes), amxFresh...) {
			f := k.amx(r)
			cases = append(cases, matrixCase{name: "appmixer " + r + " × " + k.name, fresh: i >= len(amxRoutes), hang: f.Hang,
				inject: func(h *harness) { h.amx.AddFault(f) }})
		}
	}
	// Tokens that expire at each step boundary (server side, the client's cache still trusts them).
	for _, id := range []steps.ID{steps.IDRegisterApp, steps.IDServicePrincipal, steps.IDClientSecret, steps.IDStoreInAppmixer, steps.IDVerify} {
		cases = append(cases,
			matrixCase{name: "azure token expires before " + string(id), observe: expireAt(id, func(h *harness) { h.az.ExpireAllTokens() })},
			matrixCase{name: "appmixer token expires before " + string(id), observe: expireAt(id, func(h *harness) { h.amx.ExpireAllTokens() })})
	}
	cases = append(cases, matrixCase{name: "replication and secret propagation delay",
		azOpts: []azuretest.Option{azuretest.WithReplicationDelay(400 * time.Millisecond), azuretest.WithSecretPropagationDelay(300 * time.Millisecond)}})

	var tally matrixTally
	start := time.Now()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tally.run++
			if runMatrixCase(t, c) {
				tally.failedFirst++
			}
			if !t.Failed() {
				tally.held++
			}
		})
	}
	msg := fmt.Sprintf("fault matrix: %d cases run, %d held (%d stopped with an error first, then converged) in %s",
		tally.run, tally.held, tally.failedFirst, time.Since(start).Round(time.Second))
	t.Log(msg)
	fmt.Println(msg)
	if tally.held != tally.run {
		t.Errorf("%d of %d cases broke an invariant", tally.run-tally.held, tally.run)
	}
}

// addressesOneObject: routes that can answer 404 during replication (they name an object).
func addressesOneObject(route string) bool {
	return strings.Contains(route, "{id}") || strings.Contains(route, "(appId=") || route == "POST /v1.0/servicePrincipals"
}

func expireAt(id steps.ID, expire func(*harness)) func(*harness, steps.Event) {
	done := false
	return func(h *harness, e steps.Event) {
		if !done && e.Step.ID == id && e.Kind == steps.EventChecking {
			done = true
			expire(h)
		}
	}
}

// runMatrixCase runs one case; it reports whether the faulted run stopped with an error.
func runMatrixCase(t *testing.T, c matrixCase) (failedFirst bool) {
	h := newMatrixHarness(t, !c.fresh, c.azOpts...)
	if c.inject != nil {
		c.inject(h)
	}
	start := time.Now()
	err := runObserved(h, c.observe)
	// A server that never answers costs a few bounded tries, never a hang.
	if took := time.Since(start); c.hang && took > 20*matrixTimeout {
		t.Errorf("a hanging server held the run %s; the per-request bound is %s", took, matrixTimeout)
	}
	if err != nil {
		t.Logf("faulted run stopped: %q", err.Error())
		failedFirst = true
		msg := err.Error()
		if strings.Contains(msg, "\n") || len(msg) > 600 {
			t.Errorf("error is not one clear line: %q", msg)
		}
		// A line that ends in ":" was cut before it said what went wrong or what to do.
		if strings.HasSuffix(strings.TrimSpace(msg), ":") {
			t.Errorf("error stops mid-sentence and says nothing to do: %q\n%s", msg, h.log())
		}
		assertNoSecretIn(t, h, "error", msg)
	}
	checkInvariants(t, h, false, !c.fresh)
	// Faults left unconsumed (a step that was never reached) must not hit the re-run.
	h.az.Release()
	h.amx.Release()
	rerun := func(mod *steps.Options) { mod.Timeout = 5 * time.Second }
	if _, err := h.run(rerun); err != nil {
		// An unconsumed fault may fire once more; a third run must then converge.
		if _, err2 := h.run(rerun); err2 != nil {
			t.Fatalf("re-run did not converge: %v; then %v\n%s", err, err2, h.log())
		}
	}
	checkInvariants(t, h, true, !c.fresh)
	return failedFirst
}

func runObserved(h *harness, observe func(*harness, steps.Event)) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var obs func(steps.Event)
	if observe != nil {
		obs = func(e steps.Event) { observe(h, e) }
	}
	return steps.NewSession(h.opts).Run(ctx, steps.Request{Command: "setup"}, steps.Yes{}, obs).Err
}

// checkInvariants holds after any run, finished or not; converged adds what a
// successful run must leave: one app, stored and working, no product secret
// besides the stored one.
func checkInvariants(t *testing.T, h *harness, converged, seeded bool) {
	t.Helper()
	apps := h.az.Applications()
	if len(apps) > 1 {
		t.Fatalf("%d app registrations (a duplicate):\n%s", len(apps), h.log())
	}
	cfg := h.stored()
	if seeded && cfg["customerKey"] != "keep me" {
		t.Fatalf("Appmixer key customerKey lost: %v", cfg.Masked())
	}
	secret := cfg["clientSecret"]
	if secret != "" {
		if len(apps) != 1 || cfg["clientId"] != apps[0].AppID {
			t.Fatalf("Appmixer holds clientId %q that is not the app's", cfg["clientId"])
		}
		if !h.az.SecretWorks(apps[0].AppID, secret) {
			t.Fatalf("Appmixer's clientSecret is not a current secret of the app:\n%s", h.log())
		}
	}
	if len(apps) == 1 {
		var pending []steps.PendingSecret
		if j, err := steps.OpenJournal(h.opts.StateDir, h.az.TenantID, strings.TrimRight(h.amx.URL, "/")); err == nil {
			pending = j.Entry().Pending
		} else {
			t.Errorf("state file unreadable after the run: %v", err)
		}
		for _, c := range apps[0].PasswordCredentials {
			if !strings.HasPrefix(c.DisplayName, steps.SecretNamePrefix) {
				continue
			}
			if secret != "" && strings.HasPrefix(secret, c.Hint) {
				continue // the one Appmixer holds
			}
			if converged {
				t.Errorf("orphan secret %s (%s…) left on the app after convergence:\n%s", c.DisplayName, c.Hint, h.log())
				continue
			}
			// Mid-way an unstored secret is allowed only if the resume file knows it.
			known := false
			for _, p := range pending {
				known = known || p.DisplayName == c.DisplayName || (p.KeyID != "" && p.KeyID == c.KeyID)
			}
			if !known {
				t.Errorf("secret %s was minted and is neither stored nor recorded for clean-up:\n%s", c.DisplayName, h.log())
			}
		}
	}
	if converged {
		if len(apps) != 1 || secret == "" {
			t.Fatalf("converged run left %d apps and clientSecret set=%v", len(apps), secret != "")
		}
	}
	assertNoSecretInFiles(t, h, secret)
}

func assertNoSecretIn(t *testing.T, h *harness, where, text string) {
	t.Helper()
	_, autoSecret := h.az.AutomationCredentials()
	for name, s := range map[string]string{
		"Appmixer password": appmixertest.DefaultAdminPassword,
		"automation secret": autoSecret,
		"client secret":     h.stored()["clientSecret"],
	} {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s shows the %s", where, name)
		}
	}
}

func assertNoSecretInFiles(t *testing.T, h *harness, secret string) {
	t.Helper()
	_, autoSecret := h.az.AutomationCredentials()
	for _, s := range []string{secret, appmixertest.DefaultAdminPassword, autoSecret} {
		if filesContain(t, h.opts.StateDir, s) {
			t.Errorf("a secret (%.3s…) was written to the state directory", s)
		}
	}
}
