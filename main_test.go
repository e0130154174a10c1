package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emutest"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runMain drives run() as the process would, with a fake environment.
func runMain(t *testing.T, vars map[string]string, tty bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runWith(t, nil, vars, tty, args...)
}

func runWith(t *testing.T, client *http.Client, vars map[string]string, tty bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code = run(ctx, args, env{in: strings.NewReader(""), out: &out, err: &errb, tty: tty,
		getenv: func(k string) string { return vars[k] }, client: client})
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want []string
	}{
		{"no terminal and no --yes", nil, nil, []string{"--yes", "--appmixer-url", "APPMIXER_URL", "--accessible"}},
		{"missing inputs with --yes", map[string]string{"APPMIXER_URL": "https://api.acme.appmixer.cloud"}, []string{"--yes"},
			[]string{"--appmixer-username", "APPMIXER_USERNAME", "APPMIXER_PASSWORD"}},
		{"password as a flag", nil, []string{"--appmixer-password", "hunter2hunter2"}, []string{"never accepted as a flag", "APPMIXER_PASSWORD"}},
		{"bad audience", nil, []string{"--audience", "everyone", "--yes"}, []string{"--audience", "single-tenant"}},
		{"bad expiry", nil, []string{"--secret-expiry", "forever", "--yes"}, []string{"--secret-expiry", "24 months"}},
		{"single tenant without tenant field", nil, []string{"--audience", "single-tenant", "--tenant-field", "off", "--yes"}, []string{"tenant field"}},
		{"frontend URL", nil, []string{"--appmixer-url", "https://my.acme.appmixer.cloud", "--yes"}, []string{"https://api.acme.appmixer.cloud"}},
		{"past expiry date", nil, []string{"--secret-expiry", "2020-01-01", "--yes"}, []string{"--secret-expiry", "too soon", "61 days"}},
		{"expiry too far", nil, []string{"--secret-expiry", "25months", "--yes"}, []string{"--secret-expiry", "further than 24 months"}},
		{"expiry a day", nil, []string{"--secret-expiry", "1d", "--yes"}, []string{"--secret-expiry", "too soon"}},
		{"expiry 99 years", nil, []string{"--secret-expiry", "99y", "--yes"}, []string{"--secret-expiry", "further than 24 months"}},
		{"expiry 20 years", nil, []string{"--secret-expiry", "20y", "--yes"}, []string{"--secret-expiry", "further than 24 months"}},
		{"expiry date far ahead", nil, []string{"--secret-expiry", "2099-01-01", "--yes"}, []string{"--secret-expiry", "further than 24 months"}},
		{"app id not a GUID", nil, []string{"--app-id", "notaguid", "--demo", "--yes"}, []string{"--app-id", "Overview"}},
		{"blank app name", nil, []string{"--app-name", "   ", "--demo", "--yes"}, []string{"--app-name is empty"}},
		{"zero timeout", nil, []string{"--timeout", "0s", "--demo", "--yes"}, []string{"--timeout", "positive"}},
		{"bad flag value", nil, []string{"--timeout", "abc"}, []string{"--timeout", "see --help"}},
		{"demo checks --auth", nil, []string{"--demo", "--auth", "nope", "--yes"}, []string{"--auth"}},
		{"demo checks --cloud", nil, []string{"--demo", "--cloud", "mars", "--yes"}, []string{"--cloud"}},
		{"flag as a value", nil, []string{"--app-name", "--yes"}, []string{"--app-name needs a value", "--yes"}},
		{"unknown flag", nil, []string{"--bogus"}, []string{"--bogus", "see --help"}},
		{"unknown command", nil, []string{"sideways"}, []string{`unknown command "sideways"`, "status", "consent", "logout"}},
		{"stray argument", nil, []string{"status", "--yes", "now"}, []string{`status takes no word after it (got "now")`}},
		{"tenant without on or off", nil, []string{"tenant", "--yes"}, []string{"tenant needs on or off"}},
		{"teardown without --yes", map[string]string{"APPMIXER_URL": "https://api.acme.appmixer.cloud"}, []string{"teardown"}, []string{"--yes", "--dry-run"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, c.vars, false, c.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("usage error printed to stdout: %q", stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "hunter2hunter2") {
				t.Error("the password was echoed")
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 {
				t.Errorf("want one line, got %d:\n%s", n+1, stderr)
			}
			// With --json a script reads the same error as one object on stdout.
			code, stdout, _ = runMain(t, c.vars, false, append(c.args, "--json")...)
			var res struct {
				OK      bool   `json:"ok"`
				Command string `json:"command"`
				Error   string `json:"error"`
			}
			if code != exitUsage || json.Unmarshal([]byte(stdout), &res) != nil || res.OK || res.Error == "" || res.Command == "" {
				t.Errorf("with --json: exit %d, stdout %q", code, stdout)
			}
		})
	}
}

// headlessEnv points a run at two emulators with a service principal sign-in.
func headlessEnv(t *testing.T) (*azuretest.Server, *appmixertest.Server, map[string]string) {
	w := emutest.Start(t)
	return w.Az, w.Amx, map[string]string{
		"APPMIXER_URL": w.Amx.URL, "APPMIXER_USERNAME": appmixertest.DefaultAdminUsername,
		"APPMIXER_PASSWORD": appmixertest.DefaultAdminPassword, "AZURE_TENANT_ID": w.Az.TenantID, "AZURE_AUTHORITY_HOST": w.Az.URL,
	}
}

// --json on a terminal asks nothing, so it needs --yes or --dry-run: say that,
// not "no terminal".
func TestJSONOnATerminalNeedsYes(t *testing.T) {
	code, stdout, stderr := runMain(t, map[string]string{"APPMIXER_URL": "https://api.acme.appmixer.cloud"}, true, "--json")
	var res struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if code != exitUsage || json.Unmarshal([]byte(stdout), &res) != nil || res.OK || !strings.Contains(res.Error, "--yes") ||
		!strings.Contains(stderr, "--json") || !strings.Contains(stderr, "--yes") || strings.Contains(stderr, "no terminal") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestHelpListsCommandsAndFlags(t *testing.T) {
	code, stdout, stderr := runMain(t, nil, false, "--help")
	if code != exitOK || stderr != "" {
		t.Fatalf("--help: exit %d, stderr %q", code, stderr)
	}
	if code, again, _ := runMain(t, nil, false, "help"); code != exitOK || !strings.Contains(again, "rotate-secret") || !strings.Contains(again, "EXAMPLES") {
		t.Fatalf("`help` (exit %d) is not the help:\n%s", code, again)
	}
	want := []string{"--demo", "--appmixer-url", "--dry-run", "APPMIXER_PASSWORD", "130 interrupted", "completion", "61 days to 24 months"}
	for _, c := range steps.Commands {
		want = append(want, c.Name)
	}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("--help lacks %q:\n%s", w, stdout)
		}
	}
	// Each command's help shows its own flags, not every flag.
	_, status, _ := runMain(t, nil, false, "status", "--help")
	if !strings.Contains(status, "--app-id") || !strings.Contains(status, "--appmixer-url") || strings.Contains(status, "--app-name") || strings.Contains(status, "--keep-old") {
		t.Errorf("status --help:\n%s", status)
	}
	_, rotate, _ := runMain(t, nil, false, "rotate-secret", "--help")
	if !strings.Contains(rotate, "--keep-old") || strings.Contains(rotate, "--audience") {
		t.Errorf("rotate-secret --help:\n%s", rotate)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	code, stdout, _ := runMain(t, nil, false, "--version")
	if code != exitOK || !strings.Contains(stdout, "msconnector-wizard version") {
		t.Fatalf("--version: exit %d, %q", code, stdout)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, stderr := runMain(t, nil, false, "completion", sh)
		if code != exitOK || !strings.Contains(stdout, "msconnector-wizard") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", sh, code, len(stdout), stderr)
		}
	}
}

// Every flag a hint may name exists on the command line, and so does every
// variable: a suggestion never sends anyone to a flag that is not there.
func TestEveryHintNamesAFlagThatExists(t *testing.T) {
	a := &app{env: env{getenv: func(string) string { return "" }}}
	root := a.commands()
	flags := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { flags["--"+f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags["--"+f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, in := range hint.Inputs {
		f, ok := wizard.InputFlags[in]
		switch {
		case !ok:
			t.Errorf("hint input %q has no words for scripts", in)
		case f.Flag() != "" && !flags[f.Flag()]:
			t.Errorf("hint input %q names %s, which is not a flag", in, f.Flag())
		case f.Flag() == "" && f.Env() == "":
			t.Errorf("hint input %q names neither a flag nor a variable", in)
		}
	}
}

// Flags may stand before or after the command, as people type them.
func TestFlagsBeforeOrAfterTheCommand(t *testing.T) {
	for _, args := range [][]string{
		{"tenant", "on", "--demo", "--yes"},
		{"--demo", "tenant", "on", "--yes"},
		{"--demo", "tenant", "--yes", "on"},
		{"--yes", "--demo", "tenant", "--", "on"},
		{"--app-id", "11111111-2222-3333-4444-555555555555", "--demo", "--yes", "tenant", "on"},
	} {
		a := &app{env: env{getenv: func(string) string { return "" }}}
		root := a.commands()
		cmd, _, err := root.Find(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		words := slices.DeleteFunc(cmd.Flags().Args(), func(w string) bool { return w == "tenant" })
		if cmd.Name() != "tenant" || !slices.Equal(words, []string{"on"}) || !a.v.demo || !a.v.yes {
			t.Errorf("%q parsed as %q %v demo %v yes %v", args, cmd.Name(), words, a.v.demo, a.v.yes)
		}
	}
}

func TestHeadlessJSONSetupNeverShowsTheSecret(t *testing.T) {
	az, amx, vars := headlessEnv(t)
	state := t.TempDir()
	code, stdout, stderr := runWith(t, trusting(t, az.CACertPEM(), amx.CACertPEM()), vars, false, "--yes", "--json", "--auth", "environment", "--graph-url", az.URL, "--state-dir", state)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, stderr, stdout)
	}
	var res struct {
		OK       bool   `json:"ok"`
		Command  string `json:"command"`
		ClientID string `json:"clientId"`
		TenantID string `json:"tenantId"`
		Expires  string `json:"secretExpires"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	cfg, _ := amx.ServiceConfig(appmixer.ServiceID)
	if !res.OK || res.Command != "setup" || res.ClientID == "" || res.ClientID != cfg["clientId"] || res.TenantID != az.TenantID || res.Expires == "" {
		t.Fatalf("json %+v, Appmixer %v", res, cfg["clientId"])
	}
	secret, _ := cfg["clientSecret"].(string)
	_, automation := az.AutomationCredentials() // the service principal the run signed in with
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
		if secret == "" || strings.Contains(text, secret) || strings.Contains(text, appmixertest.DefaultAdminPassword) || strings.Contains(text, automation) {
			t.Fatalf("%s holds a secret", name)
		}
	}
}

// trusting is an HTTP client that trusts only the given CAs, as SSL_CERT_FILE would.
func trusting(t *testing.T, pems ...[]byte) *http.Client {
	pool := x509.NewCertPool()
	for _, p := range pems {
		if !pool.AppendCertsFromPEM(p) {
			t.Fatal("bad CA PEM")
		}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// byteAtATime hands out one byte per Read, as a terminal hands out lines:
// huh's accessible prompts each wrap the reader in a scanner of their own.
type byteAtATime struct{ r io.Reader }

func (b byteAtATime) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return b.r.Read(p[:1])
}

// Quitting at a plan is the person's choice: it says what was (not) changed,
// exit 1 (not done), no "error:", and nothing made.
func TestQuitAtAPlanIsNotAnError(t *testing.T) {
	var out, errb bytes.Buffer
	answers := strings.Repeat("\n", 10) + "q\n" // sign-in and setup questions: Enter keeps each; then quit
	code := run(context.Background(), []string{"--demo", "--accessible", "--state-dir", t.TempDir()},
		env{in: byteAtATime{strings.NewReader(answers)}, out: &out, err: &errb, tty: false, getenv: func(string) string { return "" }})
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "Apply? Type") || !strings.Contains(out.String(), "stopped at your request: nothing was changed") {
		t.Fatalf("never reached a plan, or did not say it stopped:\n%s", out.String())
	}
	if strings.Contains(errb.String(), "error:") {
		t.Fatalf("stderr:\n%s", errb.String())
	}
}
