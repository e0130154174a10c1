package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The real binary, built once per test process, for tests that must run it as
// a separate process (SIGKILL, SSL_CERT_FILE, what lands on stdout/stderr).

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func wizardBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the real binary; skipped in -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "msconnector-bin-*")
		if binErr != nil {
			return
		}
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		binPath = filepath.Join(binDir, "msconnector-wizard")
		cmd := exec.Command(goTool, "build", "-o", binPath, ".")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			binErr = &buildError{err, out.String()}
		}
	})
	if binErr != nil {
		t.Fatalf("build the binary: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// world is one emulated tenant + Appmixer and what a child process needs to
// reach them: only their CAs are trusted (SSL_CERT_FILE), nothing else.
type world struct {
	t        *testing.T
	az       *azuretest.Server
	amx      *appmixertest.Server
	stateDir string
	home     string
	caFile   string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	az := azuretest.NewServer()
	amx := appmixertest.NewServer()
	t.Cleanup(func() { az.Close(); amx.Close() })
	emulator.FailOnUnusedFaults(t, az, amx)
	dir := t.TempDir()
	w := &world{t: t, az: az, amx: amx, stateDir: filepath.Join(dir, "state"), home: filepath.Join(dir, "home"), caFile: filepath.Join(dir, "ca.pem")}
	if err := os.WriteFile(w.caFile, append(az.CACertPEM(), amx.CACertPEM()...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(w.home, 0o700); err != nil {
		t.Fatal(err)
	}
	amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})
	return w
}

// env is the child's whole environment: nothing inherited but PATH.
func (w *world) env(extra ...string) []string {
	id, secret := w.az.AutomationCredentials()
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + w.home,
		"XDG_CONFIG_HOME=" + filepath.Join(w.home, ".config"),
		"SSL_CERT_FILE=" + w.caFile,
		"AZURE_TENANT_ID=" + w.az.TenantID,
		"AZURE_CLIENT_ID=" + id,
		"AZURE_CLIENT_SECRET=" + secret,
		"APPMIXER_USERNAME=" + appmixertest.DefaultAdminUsername,
		"APPMIXER_PASSWORD=" + appmixertest.DefaultAdminPassword,
	}, extra...)
}

// args are the flags of a headless setup against this world.
// A lifecycle command (status, tenant on, …) goes first, as the CLI expects.
func (w *world) args(extra ...string) []string {
	var lead []string
	if _, ok := steps.LookupCommand(firstWord(extra)); ok {
		lead, extra = []string{extra[0]}, extra[1:]
		if lead[0] == "tenant" && len(extra) > 0 {
			lead, extra = append(lead, extra[0]), extra[1:]
		}
	}
	return append(append(lead, "--appmixer-url", w.amx.URL, "--authority-host", w.az.URL, "--graph-url", w.az.URL,
		"--auth", "environment", "--state-dir", w.stateDir, "--yes"), extra...)
}

func firstWord(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

// command prepares the binary with this world's env and flags.
func (w *world) command(ctx context.Context, extra ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, wizardBinary(w.t), w.args(extra...)...)
	cmd.Env = w.env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	return cmd, &out, &errb
}

// run runs the binary to the end.
func (w *world) run(extra ...string) (code int, stdout, stderr string) {
	w.t.Helper()
	return runBinary(w.t, w.env(), "", w.args(extra...)...)
}

// runBinary runs the binary to its end with exactly env, stdin in and args;
// one that does not finish within 90 s fails the test.
func runBinary(t *testing.T, env []string, in string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, wizardBinary(t), args...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("%v: the binary did not finish: %v\n%s", args, err, errb.String())
	}
	return code, out.String(), errb.String()
}

// secrets are every value that must never leave memory, with a name for messages.
func (w *world) secrets() map[string]string {
	_, auto := w.az.AutomationCredentials()
	m := map[string]string{"Appmixer password": appmixertest.DefaultAdminPassword, "automation client secret": auto}
	if s := w.storedSecret(); s != "" {
		m["connector client secret"] = s
	}
	return m
}

func (w *world) storedSecret() string {
	cfg, _ := w.amx.ServiceConfig(appmixer.ServiceID)
	s, _ := cfg["clientSecret"].(string)
	return s
}

// invariants: at most one app; Appmixer's secret works for it; no product
// secret besides the stored one; the customer's key kept; nothing secret on disk.
func (w *world) invariants(converged bool) {
	t := w.t
	t.Helper()
	apps := w.az.Applications()
	if len(apps) > 1 {
		t.Fatalf("%d app registrations: a duplicate", len(apps))
	}
	cfg, _ := w.amx.ServiceConfig(appmixer.ServiceID)
	if cfg["customerKey"] != "keep me" {
		t.Fatalf("the customer's Appmixer key was lost: %v", keys(cfg))
	}
	secret := w.storedSecret()
	if converged && (len(apps) != 1 || secret == "") {
		t.Fatalf("not converged: %d apps, clientSecret set %v", len(apps), secret != "")
	}
	if secret != "" {
		if len(apps) != 1 || cfg["clientId"] != apps[0].AppID || !w.az.SecretWorks(apps[0].AppID, secret) {
			t.Fatal("Appmixer's clientSecret is not a current secret of the app")
		}
	}
	if converged {
		for _, c := range apps[0].PasswordCredentials {
			if strings.HasPrefix(c.DisplayName, steps.SecretNamePrefix) && !strings.HasPrefix(secret, c.Hint) {
				t.Errorf("orphan secret %s (%s…) left on the app", c.DisplayName, c.Hint)
			}
		}
	}
	w.noSecretOnDisk()
}

// noSecretOnDisk: every file the child could have written (state dir, HOME) is
// free of secrets and owner-only.
func (w *world) noSecretOnDisk() {
	t := w.t
	t.Helper()
	for _, root := range []string{w.stateDir, w.home} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(p)
			for name, s := range w.secrets() {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds the %s", p, name)
				}
			}
			if info, err := d.Info(); err == nil && info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is readable by others: %v", p, info.Mode().Perm())
			}
			return nil
		})
	}
}

func (w *world) noSecretIn(where, text string) {
	w.t.Helper()
	for name, s := range w.secrets() {
		if strings.Contains(text, s) {
			w.t.Errorf("%s shows the %s", where, name)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
