package steps_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The fault matrix: every API route that setup, rotate-secret and teardown
// call × every way a call can go wrong. A transient fault (429, 503, a cut
// connection, no answer, each once, before or after the server acted) must be
// survived in the same run; the others (401, a replication 404 on an object
// that is not new) may stop the run with one clear line, and a plain re-run
// must then converge. The invariants are checked after every run. Serial: the
// harness sets AZURE_* with t.Setenv.

// matrixTimeout bounds each request in the matrix, so a hang costs little;
// throttling gets more, since a Retry-After is whole seconds.
const (
	matrixTimeout         = 500 * time.Millisecond
	matrixThrottleTimeout = 2 * time.Second
)

// faultKind is one way a call fails.
type faultKind struct {
	name      string
	transient bool // one of these must be survived in the same run
	timeout   time.Duration
	azure     func(route string) azuretest.Fault
	amx       func(route string) appmixertest.Fault
}

var faultKinds = []faultKind{
	{"429+Retry-After", true, matrixThrottleTimeout,
		func(r string) azuretest.Fault {
			return azuretest.Fault{Route: r, Status: http.StatusTooManyRequests, RetryAfter: time.Millisecond}
		},
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusTooManyRequests}
		}},
	{"503", true, matrixTimeout,
		func(r string) azuretest.Fault {
			return azuretest.Fault{Route: r, Status: http.StatusServiceUnavailable}
		},
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusServiceUnavailable}
		}},
	{"503-after-apply", true, matrixTimeout,
		func(r string) azuretest.Fault {
			return azuretest.Fault{Route: r, Status: http.StatusServiceUnavailable, AfterApply: true}
		},
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusServiceUnavailable, AfterApply: true}
		}},
	{"reset", true, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Reset: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Reset: true} }},
	{"reset-after-apply", true, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Reset: true, AfterApply: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Reset: true, AfterApply: true} }},
	{"hang(timeout)", true, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Hang: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Hang: true} }},
	{"hang-after-apply(timeout)", true, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Hang: true, AfterApply: true} },
		func(r string) appmixertest.Fault { return appmixertest.Fault{Route: r, Hang: true, AfterApply: true} }},
	{"401", false, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Status: http.StatusUnauthorized} },
		func(r string) appmixertest.Fault {
			return appmixertest.Fault{Route: r, Status: http.StatusUnauthorized}
		}},
	{"404 replication", false, matrixTimeout,
		func(r string) azuretest.Fault { return azuretest.Fault{Route: r, Status: http.StatusNotFound} },
		nil}, // Appmixer has no replication delay
}

// matrixFlow is a command the matrix faults, and what it starts from.
type matrixFlow struct {
	command string
	prepare func(h *harness) // the world before the command (setup: nothing, or a customer key)
	check   func(t *testing.T, h *harness, converged bool)
}

var matrixFlows = []matrixFlow{
	{"setup", func(h *harness) { h.seedCustomerKey() }, func(t *testing.T, h *harness, converged bool) { checkInvariants(t, h, converged, true) }},
	{"setup (no configuration yet)", func(*harness) {}, func(t *testing.T, h *harness, converged bool) { checkInvariants(t, h, converged, false) }},
	{"rotate-secret", func(h *harness) { h.seedCustomerKey(); h.mustRun(); h.before = h.stored()["clientSecret"] }, checkRotated},
	{"teardown", func(h *harness) { h.seedCustomerKey(); h.mustRun() }, checkTornDown},
}

func (h *harness) seedCustomerKey() {
	h.amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
}

// command is the flow's command word.
func (f matrixFlow) cmd() string { name, _, _ := strings.Cut(f.command, " ("); return name }

// flowRoutes runs a flow cleanly and returns the routes each emulator
// answered during the command itself, in first-call order.
func flowRoutes(t *testing.T, f matrixFlow) (az, amx []string) {
	h := newMatrixHarness(t, matrixTimeout)
	f.prepare(h)
	h.resetLogs()
	if _, err := h.runCmd(f.cmd()); err != nil {
		t.Fatalf("%s: a clean run failed: %v", f.command, err)
	}
	seen := map[string]bool{}
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

func newMatrixHarness(t *testing.T, timeout time.Duration, azOpts ...azuretest.Option) *harness {
	t.Helper()
	h := newHarness(t, azOpts...)
	h.opts.Timeout = timeout
	h.opts.WaitTimeout = 3 * time.Second
	return h
}

// matrixCase is one faulted run, and a plain one after it when it stopped.
type matrixCase struct {
	name    string
	flow    matrixFlow
	kind    faultKind
	azOpts  []azuretest.Option
	inject  func(h *harness)
	observe func(h *harness, e steps.Event) // called on every runner event of the faulted run
	fired   func() bool                     // with observe: whether it did its part (a case that faulted nothing proves nothing)
}

type matrixTally struct{ run, held, failedFirst int }

func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix skipped in -short")
	}
	var cases []matrixCase
	for _, f := range matrixFlows {
		azRoutes, amxRoutes := flowRoutes(t, f)
		if len(azRoutes) < 3 || len(amxRoutes) < 2 {
			t.Fatalf("%s: a clean run used too few routes: azure %v appmixer %v", f.command, azRoutes, amxRoutes)
		}
		t.Logf("%s routes: azure %d %v; appmixer %d %v", f.command, len(azRoutes), azRoutes, len(amxRoutes), amxRoutes)
		for _, k := range faultKinds {
			for _, r := range azRoutes {
				if k.name == "404 replication" && !addressesOneObject(r) {
					continue
				}
				fault := k.azure(r)
				cases = append(cases, matrixCase{name: f.command + ": azure " + r + " × " + k.name, flow: f, kind: k,
					inject: func(h *harness) { h.az.AddFault(fault) }})
			}
			if k.amx == nil {
				continue
			}
			for _, r := range amxRoutes {
				fault := k.amx(r)
				cases = append(cases, matrixCase{name: f.command + ": appmixer " + r + " × " + k.name, flow: f, kind: k,
					inject: func(h *harness) { h.amx.AddFault(fault) }})
			}
		}
	}
	setup := matrixFlows[0]
	// Tokens that expire at each step boundary (server side, the client's cache still trusts them).
	for _, id := range []steps.ID{steps.IDRegisterApp, steps.IDServicePrincipal, steps.IDClientSecret, steps.IDStoreInAppmixer, steps.IDVerify} {
		azObserve, azFired := expireAt(id, func(h *harness) { h.az.ExpireAllTokens() })
		amxObserve, amxFired := expireAt(id, func(h *harness) { h.amx.ExpireAllTokens() })
		cases = append(cases,
			matrixCase{name: "setup: azure token expires before " + string(id), flow: setup, kind: faultKinds[len(faultKinds)-1],
				observe: azObserve, fired: azFired},
			matrixCase{name: "setup: appmixer token expires before " + string(id), flow: setup, kind: faultKinds[0],
				observe: amxObserve, fired: amxFired})
	}
	cases = append(cases, matrixCase{name: "setup: replication and secret propagation delay", flow: setup, kind: faultKinds[0],
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
	msg := fmt.Sprintf("fault matrix: %d cases run, %d held (%d transient faults survived in one run; %d stopped with one line first, then converged) in %s",
		tally.run, tally.held, tally.run-tally.failedFirst, tally.failedFirst, time.Since(start).Round(time.Second))
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

// expireAt expires tokens as step id starts its check; fired reports whether it did.
func expireAt(id steps.ID, expire func(*harness)) (observe func(*harness, steps.Event), fired func() bool) {
	var done atomic.Bool // the sign-ins' checks report from their own goroutines
	return func(h *harness, e steps.Event) {
		if e.Step.ID == id && e.Kind == steps.EventChecking && done.CompareAndSwap(false, true) {
			expire(h)
		}
	}, done.Load
}

// runMatrixCase runs one case; it reports whether the faulted run stopped with an error.
func runMatrixCase(t *testing.T, c matrixCase) (failedFirst bool) {
	h := newMatrixHarness(t, c.kind.timeout, c.azOpts...)
	c.flow.prepare(h)
	if c.inject != nil {
		c.inject(h)
	}
	start := time.Now()
	err := runObserved(h, c.flow.cmd(), c.observe)
	if c.fired != nil && !c.fired() {
		t.Errorf("the faulted run never reached the moment this case faults: it tested nothing")
	}
	// A server that never answers costs a few bounded tries, never a hang.
	if took := time.Since(start); strings.Contains(c.kind.name, "hang") && took > 20*matrixTimeout {
		t.Errorf("a hanging server held the run %s; the per-request bound is %s", took, matrixTimeout)
	}
	// A held request whose client gave up ends on its own once the server
	// notices the closed connection; releasing it before then would carry out
	// a call nobody waits for (an orphan secret the run could never know of).
	for deadline := time.Now().Add(5 * time.Second); h.az.Hanging()+h.amx.Hanging() > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // polling interval
	}
	// Faults left unconsumed (a route the run no longer needed) must not hit the re-run.
	h.az.Release()
	h.amx.Release()
	if err != nil {
		failedFirst = true
		msg := err.Error()
		if c.kind.transient && c.observe == nil {
			t.Errorf("one transient fault stopped the run: %q\n%s", msg, h.log())
		}
		if strings.Contains(msg, "\n") || len(msg) > 600 {
			t.Errorf("error is not one clear line: %q", msg)
		}
		// A line that ends in ":" was cut before it said what went wrong.
		if strings.HasSuffix(strings.TrimSpace(msg), ":") {
			t.Errorf("error stops mid-sentence: %q\n%s", msg, h.log())
		}
		assertNoSecretIn(t, h, "error", msg)
		c.flow.check(t, h, false)
		rerun := func(mod *steps.Options) { mod.Timeout = 5 * time.Second }
		if _, err := h.runCmd(c.flow.cmd(), rerun); err != nil {
			// An unconsumed fault may fire once more; a third run must then converge.
			if _, err2 := h.runCmd(c.flow.cmd(), rerun); err2 != nil {
				t.Fatalf("re-run did not converge: %v; then %v\n%s", err, err2, h.log())
			}
		}
	}
	c.flow.check(t, h, true)
	return failedFirst
}

func runObserved(h *harness, command string, observe func(*harness, steps.Event)) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var obs func(steps.Event)
	if observe != nil {
		obs = func(e steps.Event) { observe(h, e) }
	}
	return steps.NewSession(h.opts).Run(ctx, steps.Request{Command: command}, steps.Yes{}, obs).Err
}

// checkRotated: after a converged rotation Appmixer holds a new secret that
// works, and nothing this program made is left beside it; mid-way, Appmixer's
// secret works at every moment (no downtime).
func checkRotated(t *testing.T, h *harness, converged bool) {
	t.Helper()
	checkInvariants(t, h, converged, true)
	if held := h.stored()["clientSecret"]; converged && held == h.before {
		t.Fatalf("the rotation converged but Appmixer still holds the old secret")
	}
}

// checkTornDown: a converged teardown leaves no app and only the customer's key.
func checkTornDown(t *testing.T, h *harness, converged bool) {
	t.Helper()
	apps := h.az.Applications()
	cfg := h.stored()
	if cfg["customerKey"] != "keep me" {
		t.Fatalf("Appmixer key customerKey lost: %v", cfg.Masked())
	}
	if !converged {
		if len(apps) > 1 {
			t.Fatalf("%d app registrations", len(apps))
		}
		return // mid-teardown the connection may be broken already: that is what teardown does
	}
	if len(apps) != 0 || len(cfg) != 1 {
		t.Fatalf("after teardown: %d apps, Appmixer keys %v", len(apps), cfg.Masked())
	}
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
			// Mid-way an unstored secret is allowed only if a later run can
			// find it: by the resume file, or by its name (made for this Appmixer).
			known := steps.MadeFor(c.DisplayName, strings.TrimRight(h.amx.URL, "/"))
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
