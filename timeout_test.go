package main

import (
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// A server that never answers ends the run with one clear line within a
// bound set by --timeout, never a hang.
func TestServerThatNeverAnswersFailsWithinTimeout(t *testing.T) {
	wizardBinary(t)
	const timeout = 250 * time.Millisecond
	// A timed-out try may be retried (azcore: 3 retries), but the whole call must
	// end within a few bounds plus a short back-off: the person is waiting.
	const bound = 4*timeout + 3*time.Second
	cases := []struct {
		name   string
		hang   func(w *world)
		expect []string // the line names the service and says it did not answer
	}{
		{"Entra ID token endpoint", func(w *world) {
			w.az.AddFault(azuretest.Fault{Route: "POST /{tenant}/oauth2/v2.0/token", Hang: true, Times: 100, MayStayUnused: true})
		}, []string{"Azure", "timed out"}},
		{"Graph", func(w *world) {
			w.az.AddFault(azuretest.Fault{Route: "GET /v1.0/applications", Hang: true, Times: 100, MayStayUnused: true})
		}, []string{"Graph", "did not answer"}},
		{"Appmixer", func(w *world) {
			w.amx.AddFault(appmixertest.Fault{Route: "POST /user/auth", Hang: true, Times: 100, MayStayUnused: true})
		}, []string{"Appmixer", "did not answer", "250ms"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			c.hang(w)
			start := time.Now()
			code, stdout, stderr := w.run("--timeout", timeout.String())
			took := time.Since(start)
			if code != exitFail {
				t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if took > bound {
				t.Fatalf("took %s against a server that never answers; --timeout %s should end it within %s", took, timeout, bound)
			}
			line := lastLine(stderr)
			if !strings.HasPrefix(line, "error: ") {
				t.Fatalf("last stderr line is not the error: %q", stderr)
			}
			for _, want := range c.expect {
				if !strings.Contains(line, want) {
					t.Errorf("error %q does not say %q", line, want)
				}
			}
			if len(w.az.Applications()) != 0 {
				t.Error("an app was created although the run failed before the app step")
			}
			w.noSecretIn("stderr", stderr)
			w.noSecretIn("stdout", stdout)
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
