package steps_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emutest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// harness is one Azure tenant and one Appmixer, both emulated over TLS, and
// the options a headless run against them would get.
type harness struct {
	t    testing.TB
	w    *emutest.World
	az   *azuretest.Server
	amx  *appmixertest.Server
	opts steps.Options
	// before is Appmixer's secret before the command a test faults (rotate-secret).
	before string
}

func newHarness(t testing.TB, azOpts ...azuretest.Option) *harness {
	t.Helper()
	w := emutest.Start(t, azOpts...)
	return &harness{t: t, w: w, az: w.Az, amx: w.Amx, opts: w.Options(t.TempDir())}
}

// run runs setup headless (every plan applied) in a new Session, as a new
// process would.
func (h *harness) run(mod ...func(*steps.Options)) (*steps.Outcome, error) {
	h.t.Helper()
	return h.runCmd("setup", mod...)
}

// runCmd runs a command of the table ("tenant on" with its word) the same way.
func (h *harness) runCmd(command string, mod ...func(*steps.Options)) (*steps.Outcome, error) {
	h.t.Helper()
	return h.runWith(command, steps.Yes{}, mod...)
}

// runWith runs a command with the given prompter.
func (h *harness) runWith(command string, p steps.Prompter, mod ...func(*steps.Options)) (*steps.Outcome, error) {
	h.t.Helper()
	o := h.opts
	for _, m := range mod {
		m(&o)
	}
	name, arg, _ := strings.Cut(command, " ")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := steps.NewSession(o).Run(ctx, steps.Request{Command: name, Arg: arg}, p, nil)
	return out, out.Err
}

func (h *harness) mustRun(mod ...func(*steps.Options)) *steps.Outcome {
	h.t.Helper()
	out, err := h.run(mod...)
	if err != nil {
		h.t.Fatalf("run failed: %v", err)
	}
	return out
}

// stored is Appmixer's appmixer:microsoft object as strings.
func (h *harness) stored() appmixer.Config { return h.w.Stored() }

func (h *harness) onlyApp() azuretest.Application {
	h.t.Helper()
	apps := h.az.Applications()
	if len(apps) != 1 {
		h.t.Fatalf("want exactly one app registration, have %d", len(apps))
	}
	return apps[0]
}

// calls counts round trips not caused by injected faults or replication
// delay, and the writes among them.
func (h *harness) calls() (calls, writes int) { return h.w.Calls() }

func (h *harness) resetLogs() { h.w.ResetLogs() }

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

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
