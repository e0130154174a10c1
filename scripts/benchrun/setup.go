package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// setupRun is one headless run of the real binary against the emulators.
type setupRun struct {
	Wall          time.Duration
	Calls, Writes int  // round trips not produced by a replication-delay answer; writes among them
	Waits         int  // replication-delay answers (404 / "not a valid application object") seen
	CaughtUp      bool // a replication-delay answer was followed by a success on the same route
	Lateness      time.Duration
	Log           []string
}

// ideal is the wall time a strictly sequential client would need: every round
// trip pays the latency once, and the replication delay is paid once on top.
func (r setupRun) ideal(latency, repl time.Duration) time.Duration {
	return time.Duration(r.Calls)*latency + repl
}

// emulated is an Azure tenant and an Appmixer with a given latency per request
// and replication delay, and the process environment that points the binary at them.
type emulated struct {
	az      *azuretest.Server
	amx     *appmixertest.Server
	env     []string
	args    []string
	latency time.Duration
	repl    time.Duration
}

func newEmulated(dir string, latency, repl time.Duration) (*emulated, error) {
	az := azuretest.NewServer(azuretest.WithLatency(latency), azuretest.WithReplicationDelay(repl))
	amx := appmixertest.NewServer(appmixertest.WithLatency(latency))
	e := &emulated{az: az, amx: amx, latency: latency, repl: repl}
	// The binary trusts the system store; SSL_CERT_FILE adds the emulators' CAs (crypto/x509 on Unix).
	bundle := filepath.Join(dir, "emulator-ca.pem")
	if err := os.WriteFile(bundle, append(az.CACertPEM(), amx.CACertPEM()...), 0o600); err != nil {
		e.close()
		return nil, fmt.Errorf("write the emulator CA bundle: %w", err)
	}
	id, secret := az.AutomationCredentials()
	e.env = append(baseEnv(dir),
		"SSL_CERT_FILE="+bundle,
		"AZURE_TENANT_ID="+az.TenantID, "AZURE_CLIENT_ID="+id, "AZURE_CLIENT_SECRET="+secret,
		"AZURE_AUTHORITY_HOST="+az.URL,
		"APPMIXER_URL="+amx.URL,
		"APPMIXER_USERNAME="+appmixertest.DefaultAdminUsername,
		"APPMIXER_PASSWORD="+appmixertest.DefaultAdminPassword,
	)
	e.args = []string{"--auth", "environment", "--graph-url", az.URL, "--yes", "--json",
		"--state-dir", filepath.Join(dir, "state")}
	return e, nil
}

func (e *emulated) close() { e.az.Close(); e.amx.Close() }

// run executes the binary headless once and reads the emulators' request logs.
func (e *emulated) run(bin string) (setupRun, error) {
	e.az.ResetRequests()
	e.amx.ResetRequests()
	cmd := exec.Command(bin, e.args...)
	cmd.Env = e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := setupRun{Wall: time.Since(start)}
	if err != nil {
		return r, fmt.Errorf("headless setup failed (%w): %s", err, strings.TrimSpace(lastBytes(stderr.Bytes(), 400)))
	}
	t0 := start
	for _, q := range e.az.Requests() {
		r.count(q.Faulted, q.Write)
		r.Log = append(r.Log, fmt.Sprintf("%6.0fms azure    %3d %s%s", q.Time.Sub(t0).Seconds()*1000, q.Status, q.Route, faultMark(q.Faulted)))
	}
	for _, q := range e.amx.Requests() {
		r.count(q.Faulted, q.Write)
		r.Log = append(r.Log, fmt.Sprintf("%6.0fms appmixer %3d %s%s", q.Time.Sub(t0).Seconds()*1000, q.Status, q.Route, faultMark(q.Faulted)))
	}
	r.CaughtUp, r.Lateness = replicationLateness(e.az.Requests(), e.repl)
	return r, nil
}

func (r *setupRun) count(faulted, write bool) {
	if faulted {
		r.Waits++
		return
	}
	r.Calls++
	if write {
		r.Writes++
	}
}

func faultMark(f bool) string {
	if f {
		return "  (replication delay)"
	}
	return ""
}

// replicationLateness measures how long after the new app became consistent
// the run got its first success on the route that had been answering
// "not replicated yet". The app becomes consistent repl after its create was
// handled; both that and the retry are handled one latency after arrival, so
// the latency cancels out: lateness = retry arrival − create arrival − repl.
func replicationLateness(log []azuretest.Request, repl time.Duration) (bool, time.Duration) {
	var created time.Time
	for _, q := range log {
		if q.Route == "PATCH /v1.0/applications(uniqueName={uniqueName})" && q.Status == 201 {
			created = q.Time
			break
		}
	}
	last := -1
	for i, q := range log {
		if q.Faulted && q.Time.After(created) {
			last = i
		}
	}
	if created.IsZero() || last < 0 {
		return false, 0
	}
	for _, q := range log[last+1:] {
		if q.Route == log[last].Route && !q.Faulted && q.Status < 400 {
			return true, q.Time.Sub(created) - repl
		}
	}
	return false, 0
}

// baseEnv is a clean environment: nothing of the caller's Azure or Appmixer
// settings, a throwaway HOME so no resume file or config is touched.
func baseEnv(dir string) []string {
	home := filepath.Join(dir, "home")
	_ = os.MkdirAll(home, 0o700)
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "TERM=xterm-256color", "LANG=C.UTF-8"}
	if p := os.Getenv("PATH"); p != "" {
		env = append(env, "PATH="+p)
	}
	return env
}
