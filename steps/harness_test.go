package steps_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// harness is one Azure tenant and one Appmixer, both emulated over TLS, and
// the options a headless run against them would get.
type harness struct {
	t    *testing.T
	az   *azuretest.Server
	amx  *appmixertest.Server
	opts steps.Options
}

func newHarness(t *testing.T, azOpts ...azuretest.Option) *harness {
	t.Helper()
	az := azuretest.NewServer(azOpts...)
	amx := appmixertest.NewServer()
	t.Cleanup(func() { az.Close(); amx.Close() })
	id, secret := az.AutomationCredentials()
	// EnvironmentCredential reads these (azidentity docs); process-wide, so no t.Parallel here.
	t.Setenv("AZURE_TENANT_ID", az.TenantID)
	t.Setenv("AZURE_CLIENT_ID", id)
	t.Setenv("AZURE_CLIENT_SECRET", secret)
	t.Setenv("AZURE_AUTHORITY_HOST", az.URL)
	return &harness{t: t, az: az, amx: amx, opts: steps.Options{
		AppmixerURL:      amx.URL,
		AppmixerUsername: appmixertest.DefaultAdminUsername,
		AppmixerPassword: steps.NewSecret(appmixertest.DefaultAdminPassword),
		AppmixerHTTP:     amx.Client(),
		AuthMethod:       "environment",
		Tenant:           az.TenantID,
		AuthorityHost:    az.URL,
		GraphURL:         az.URL,
		AzureHTTP:        az.Client(),
		StateDir:         t.TempDir(),
		Timeout:          5 * time.Second,
		WaitTimeout:      20 * time.Second,
	}}
}

// run walks the setup flow headless (every plan applied) with a fresh State,
// as a new process would.
func (h *harness) run(mod ...func(*steps.Options)) ([]steps.StepResult, *steps.State, error) {
	h.t.Helper()
	o := h.opts
	for _, m := range mod {
		m(&o)
	}
	st := steps.NewState(o)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rn := &steps.Runner{Stages: steps.SetupFlow(o), DryRun: o.DryRun}
	res, err := rn.Run(ctx, st)
	return res, st, err
}

func (h *harness) mustRun(mod ...func(*steps.Options)) *steps.State {
	h.t.Helper()
	_, st, err := h.run(mod...)
	if err != nil {
		h.t.Fatalf("run failed: %v", err)
	}
	return st
}

// stored is Appmixer's appmixer:microsoft object as strings.
func (h *harness) stored() appmixer.Config {
	h.t.Helper()
	raw, ok := h.amx.ServiceConfig(appmixer.ServiceID)
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

func (h *harness) onlyApp() azuretest.Application {
	h.t.Helper()
	apps := h.az.Applications()
	if len(apps) != 1 {
		h.t.Fatalf("want exactly one app registration, have %d", len(apps))
	}
	return apps[0]
}

// calls counts requests to both emulators that were not caused by an injected
// fault or a replication-delay answer; writes counts the writes among them.
func (h *harness) calls() (calls, writes int) {
	for _, r := range h.az.Requests() {
		if !r.Faulted {
			calls++
			if r.Write {
				writes++
			}
		}
	}
	for _, r := range h.amx.Requests() {
		if !r.Faulted {
			calls++
			if r.Write {
				writes++
			}
		}
	}
	return calls, writes
}

func (h *harness) resetLogs() { h.az.ResetRequests(); h.amx.ResetRequests() }

// filesContain reports whether any file under dir holds needle.
func filesContain(t *testing.T, dir, needle string) bool {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		if needle != "" && contains(b, needle) {
			found = true
		}
		return nil
	})
	return found
}

func contains(b []byte, s string) bool { return len(s) > 0 && bytes.Contains(b, []byte(s)) }
