package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// jwtRE finds anything shaped like a bearer token (Entra ID and Appmixer both issue JWTs).
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)

// Every command of the lifecycle, with and without --json, against the real
// binary: no secret, password or token in stdout, stderr or any file written.
func TestSecretsNeverLeaveMemory(t *testing.T) {
	wizardBinary(t)
	w := newWorld(t)
	var runs []string
	seen := map[string]string{} // every credential that existed at some point, rotated ones too
	var outputs []string
	check := func(name string, wantCode int, args ...string) {
		t.Helper()
		code, stdout, stderr := w.run(args...)
		outputs = append(outputs, stdout, stderr)
		for what, v := range w.secrets() {
			seen[v] = what
		}
		if code != wantCode {
			t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", name, code, wantCode, stdout, stderr)
		}
		runs = append(runs, name)
		for where, text := range map[string]string{name + " stdout": stdout, name + " stderr": stderr} {
			w.noSecretIn(where, text)
			if m := jwtRE.FindString(text); m != "" {
				t.Errorf("%s shows a token (%.8s…)", where, m)
			}
		}
	}
	check("setup", 0)
	check("setup --json", 0, "--json")
	check("status", 0, "status")
	check("status --json", 0, "status", "--json")
	check("rotate-secret", 0, "rotate-secret")
	check("tenant on", 0, "tenant", "on")
	check("setup --dry-run", 0, "--dry-run")
	check("setup after all that", 0)
	w.invariants(true)
	// Every file written and every output, against every secret ever held
	// (the secret rotate-secret replaced included), and tokens by their shape.
	for _, root := range []string{w.stateDir, w.home} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(p)
			if jwtRE.Match(b) {
				t.Errorf("%s holds a token", p)
			}
			for v, what := range seen {
				if strings.Contains(string(b), v) {
					t.Errorf("%s holds the %s", p, what)
				}
			}
			return nil
		})
	}
	for _, out := range outputs {
		for v, what := range seen {
			if strings.Contains(out, v) {
				t.Errorf("an output shows the %s", what)
			}
		}
	}
	if len(seen) < 4 { // password, automation secret, the first and the rotated connector secret
		t.Fatalf("only %d distinct secrets were seen, so the rotation was not covered", len(seen))
	}
	if _, err := os.Stat(filepath.Join(w.stateDir, "state.json")); err != nil {
		t.Fatalf("no state file was written, so nothing was checked: %v", err)
	}
	t.Logf("secret hygiene held over %d runs: %s", len(runs), strings.Join(runs, ", "))
}

// Failures that quote the server's answer still never quote a credential.
func TestWrongCredentialsAreNotEchoed(t *testing.T) {
	wizardBinary(t)
	const wrongPassword = "Wrong-Pa55word-For-Appmixer"
	const wrongSecret = "Wrong~Azure~Secret~Value~0123456789"
	cases := []struct {
		name string
		env  []string
	}{
		{"wrong Appmixer password", []string{"APPMIXER_PASSWORD=" + wrongPassword}},
		{"wrong Azure client secret", []string{"AZURE_CLIENT_SECRET=" + wrongSecret}},
		{"bogus Appmixer token", []string{"APPMIXER_TOKEN=" + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2d1cyJ9.c2lnbmF0dXJlLWJvZ3Vz", "APPMIXER_PASSWORD="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			cmd, out, errb := w.command(t.Context())
			cmd.Env = append(cmd.Env, c.env...) // later entries win
			err := cmd.Run()
			if err == nil {
				t.Fatalf("the run succeeded with %s", c.name)
			}
			if n := strings.Count(strings.TrimSpace(errb.String()), "error:"); n != 1 {
				t.Errorf("want one error line, got %d:\n%s", n, errb)
			}
			for _, bad := range []string{wrongPassword, wrongSecret, "c2lnbmF0dXJlLWJvZ3Vz"} {
				if strings.Contains(out.String()+errb.String(), bad) {
					t.Errorf("the output echoes the credential %.3s…", bad)
				}
			}
			w.noSecretIn("stderr", errb.String())
		})
	}
}

// The password is never a flag value, in any spelling.
func TestPasswordIsNeverAFlag(t *testing.T) {
	const pw = "hunter2-flag-password"
	for _, args := range [][]string{
		{"--appmixer-password", pw, "--yes"},
		{"--appmixer-password=" + pw, "--yes"},
		{"-appmixer-password", pw},
		{"status", "--appmixer-password", pw},
	} {
		code, stdout, stderr := runMain(t, nil, false, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (usage)", args, code)
		}
		if strings.Contains(stdout+stderr, pw) {
			t.Errorf("%v: the password was echoed", args)
		}
		if !strings.Contains(stderr, "APPMIXER_PASSWORD") {
			t.Errorf("%v: the error does not say where the password goes: %q", args, stderr)
		}
	}
}

// TLS verification cannot be turned off: no flag or variable does it, and a
// server whose CA is not trusted is refused before any credential is sent.
func TestTLSVerificationCannotBeTurnedOff(t *testing.T) {
	wizardBinary(t)
	code, stdout, stderr := newWorld(t).run("--help")
	help := strings.ToLower(stdout + stderr)
	for _, word := range []string{"insecure", "skip-verify", "no-verify", "skip-tls", "tls-verify"} {
		if strings.Contains(help, word) {
			t.Errorf("--help offers %q (exit %d)", word, code)
		}
	}
	// The usual knobs people try; none may make an untrusted server acceptable.
	w := newWorld(t)
	cmd, out, errb := w.command(t.Context())
	cmd.Env = append(cmd.Env, "SSL_CERT_FILE=/dev/null", "GODEBUG=x509ignoreCN=1,tlsrsakex=1",
		"NODE_TLS_REJECT_UNAUTHORIZED=0", "AZURE_INSECURE=1", "INSECURE_SKIP_VERIFY=true", "CURL_CA_BUNDLE=")
	if err := cmd.Run(); err == nil {
		t.Fatalf("the run trusted servers it has no CA for\n%s", out)
	}
	if !strings.Contains(errb.String(), "certificate") {
		t.Errorf("the error does not say the certificate is not trusted: %s", errb)
	}
	for _, r := range w.amx.Requests() {
		t.Errorf("Appmixer received %s although its certificate is not trusted", r.Route)
	}
	for _, r := range w.az.Requests() {
		t.Errorf("Azure received %s although its certificate is not trusted", r.Route)
	}
	// No product source disables verification.
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b), "InsecureSkipVerify") {
			t.Errorf("%s mentions InsecureSkipVerify", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// --demo trusts its own emulators' CA and nothing else.
func TestDemoTrustsOnlyItsOwnCA(t *testing.T) {
	o := steps.Options{StateDir: t.TempDir()}
	stop, err := startDemo(context.Background(), &o, "", env{err: &strings.Builder{}, getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	other.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	other.StartTLS()
	defer other.Close()
	for name, c := range map[string]*http.Client{"Azure": o.AzureHTTP, "Appmixer": o.AppmixerHTTP} {
		if c == nil {
			t.Fatalf("%s: the demo uses the default client (system roots)", name)
		}
		resp, err := c.Get(other.URL)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: the demo's client trusted a server outside the demo", name)
		}
		if tr, ok := c.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
			t.Errorf("%s: verification is off", name)
		}
	}
	// and the demo's Appmixer really is served under that CA
	resp, err := o.AppmixerHTTP.Post(o.AppmixerURL+"/user/auth", "application/json",
		strings.NewReader(`{"username":"`+appmixertest.DefaultAdminUsername+`","password":"x"}`))
	if err != nil {
		t.Fatalf("the demo's own Appmixer is not trusted: %v", err)
	}
	resp.Body.Close()
}
