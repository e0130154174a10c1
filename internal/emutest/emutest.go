// Package emutest is the fixture the tests of several packages share: one
// emulated Entra ID + Graph tenant and one emulated Appmixer, started together,
// and the options of a headless run against them (service-principal sign-in).
package emutest

import (
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// World is the two emulators.
type World struct {
	Az  *azuretest.Server
	Amx *appmixertest.Server
}

// Start runs both emulators until the test ends and exports the automation
// principal's AZURE_* variables, which azidentity's EnvironmentCredential reads.
// They are process-wide, so tests using Start must not run in parallel.
// The test fails if it ends with a queued fault it never used (see
// emulator.FailOnUnusedFaults): clear it or mark it MayStayUnused.
func Start(tb testing.TB, azOpts ...azuretest.Option) *World {
	tb.Helper()
	w := &World{Az: azuretest.NewServer(azOpts...), Amx: appmixertest.NewServer()}
	tb.Cleanup(func() { w.Az.Close(); w.Amx.Close() })
	// Registered after Close, so it runs first (cleanups run last-in first-out).
	emulator.FailOnUnusedFaults(tb, w.Az, w.Amx)
	id, secret := w.Az.AutomationCredentials()
	tb.Setenv("AZURE_TENANT_ID", w.Az.TenantID)
	tb.Setenv("AZURE_CLIENT_ID", id)
	tb.Setenv("AZURE_CLIENT_SECRET", secret)
	tb.Setenv("AZURE_AUTHORITY_HOST", w.Az.URL)
	return w
}

// Options are a headless run's inputs against the world, keeping state in stateDir.
func (w *World) Options(stateDir string) steps.Options {
	return steps.Options{
		AppmixerURL:      w.Amx.URL,
		AppmixerUsername: appmixertest.DefaultAdminUsername,
		AppmixerPassword: steps.NewSecret(appmixertest.DefaultAdminPassword),
		AppmixerHTTP:     w.Amx.Client(),
		AuthMethod:       "environment",
		Tenant:           w.Az.TenantID,
		AuthorityHost:    w.Az.URL,
		GraphURL:         w.Az.URL,
		AzureHTTP:        w.Az.Client(),
		StateDir:         stateDir,
		Timeout:          5 * time.Second,
		WaitTimeout:      20 * time.Second,
	}
}

// Stored is Appmixer's appmixer:microsoft object as strings (nil when absent).
func (w *World) Stored() appmixer.Config {
	raw, ok := w.Amx.ServiceConfig(appmixer.ServiceID)
	if !ok {
		return nil
	}
	out := appmixer.Config{}
	for k, v := range raw {
		s, _ := v.(string)
		out[k] = s
	}
	return out
}

// Writes counts the writes both emulators received (injected faults excluded).
func (w *World) Writes() int {
	_, writes := w.Calls()
	return writes
}

// Calls counts the requests both emulators answered that were not caused by
// an injected fault or a replication-delay answer, and the writes among them.
func (w *World) Calls() (calls, writes int) {
	for _, r := range w.Az.Requests() {
		if !r.Faulted {
			calls++
			if r.Write {
				writes++
			}
		}
	}
	for _, r := range w.Amx.Requests() {
		if !r.Faulted {
			calls++
			if r.Write {
				writes++
			}
		}
	}
	return calls, writes
}

// ResetLogs empties both request logs.
func (w *World) ResetLogs() { w.Az.ResetRequests(); w.Amx.ResetRequests() }
