package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A full --debug run of every command traces each exchange with Entra ID,
// Graph and Appmixer, and holds no secret and no token: the client secrets
// (every one that existed), the Appmixer password, the automation secret,
// bearer tokens and JWTs are all redacted.
func TestDebugTraceOfEveryCommandHoldsNoSecret(t *testing.T) {
	wizardBinary(t)
	w := newWorld(t)
	seen := map[string]string{}
	var traces, stderrs []string
	for _, c := range []struct {
		name string
		args []string
	}{
		{"setup", nil}, {"status", []string{"status"}}, {"rotate-secret", []string{"rotate-secret"}},
		{"tenant on", []string{"tenant", "on"}}, {"teardown", []string{"teardown"}},
	} {
		for what, v := range w.secrets() {
			seen[v] = what // the secret a command replaces or removes counts too
		}
		code, stdout, stderr := w.run(append(c.args, "--debug")...)
		for what, v := range w.secrets() {
			seen[v] = what
		}
		if code != exitOK {
			t.Fatalf("%s --debug: exit %d\n%s\n%s", c.name, code, stdout, stderr)
		}
		for _, want := range []string{"[Entra ID] POST ", "[Graph] GET ", "[Appmixer] POST ", "/user/auth → 200"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: the trace lacks %q", c.name, want)
			}
		}
		if !regexp.MustCompile(`\[Graph\] GET \S+ → 200 OK \(\d+ms\) request-id=`).MatchString(stderr) {
			t.Errorf("%s: no Graph line with status, duration and request id", c.name)
		}
		traces, stderrs = append(traces, stdout, stderr), append(stderrs, stderr)
	}
	if len(seen) < 4 { // password, automation secret, the first connector secret, the rotated one
		t.Fatalf("only %d secrets were seen: the rotation was not covered", len(seen))
	}
	all := strings.Join(traces, "\n")
	if !strings.Contains(all, "/addPassword → 200") || !strings.Contains(all, "/removePassword → 204") {
		t.Error("the trace shows no secret made and removed: the runs did less than expected")
	}
	for v, what := range seen {
		if strings.Contains(all, v) {
			t.Errorf("the trace shows the %s", what)
		}
	}
	if m := jwtRE.FindString(all); m != "" {
		t.Errorf("the trace shows a token (%.10s…)", m)
	}
	// The trace's own lines (stdout's plans may show a 3-character hint).
	trace := strings.Join(stderrs, "\n")
	if m := regexp.MustCompile(`(?i)(secretText|clientSecret|client_secret|password|access_token|refresh_token)"?\s*[:=]\s*"?[^R\s"]`).FindString(trace); m != "" {
		t.Errorf("a secret-bearing key is followed by something other than REDACTED: %q", m)
	}
	if regexp.MustCompile(`(?i)bearer\s+[^R\s]`).MatchString(trace) {
		t.Error("an Authorization header is in the clear")
	}
}

// --debug-file writes the same trace to a 0600 file instead of stderr.
func TestDebugFile(t *testing.T) {
	wizardBinary(t)
	w := newWorld(t)
	p := filepath.Join(t.TempDir(), "trace.log")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := w.run("--debug-file", p)
	if code != exitOK || strings.Contains(stderr, "[Graph]") {
		t.Fatalf("exit %d; stderr has the trace: %v", code, strings.Contains(stderr, "[Graph]"))
	}
	fi, _ := os.Stat(p)
	b, _ := os.ReadFile(p)
	if fi.Mode().Perm() != 0o600 || !strings.Contains(string(b), "[Graph] ") || strings.HasPrefix(string(b), "old") {
		t.Fatalf("mode %v, trace:\n%.300s", fi.Mode().Perm(), b)
	}
	for what, v := range w.secrets() {
		if strings.Contains(string(b), v) {
			t.Errorf("the trace file shows the %s", what)
		}
	}
}
