package wizard

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
)

// clientSecretShape is what a Graph secretText looks like (3 characters,
// "8Q~", then 34 more), as the Entra emulator mints them: any match on
// screen is a leaked secret, since only the 3-character hint may be shown.
var clientSecretShape = regexp.MustCompile(`[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{20,}`)

// tmuxRun drives the real binary in a detached tmux server of its own.
type tmuxRun struct {
	t      *testing.T
	socket string
	seen   []string // every distinct capture, checked for secrets at the end
}

func (r *tmuxRun) tmux(args ...string) string {
	r.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", r.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (r *tmuxRun) capture() string {
	scr := r.tmux("capture-pane", "-p", "-t", "wz")
	if len(r.seen) == 0 || r.seen[len(r.seen)-1] != scr {
		r.seen = append(r.seen, scr)
	}
	return scr
}

// waitFor polls capture-pane until every want is on screen.
func (r *tmuxRun) waitFor(want ...string) string {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		scr := r.capture()
		if containsAll(scr, want) {
			return scr
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("screen never showed %q; last screen:\n%s", want, scr)
		}
		time.Sleep(20 * time.Millisecond) // polling interval between captures
	}
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func (r *tmuxRun) keys(k ...string) { r.tmux(append([]string{"send-keys", "-t", "wz"}, k...)...) }

func TestE2EDemoInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds the binary and runs it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "msconnector-wizard")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".." // the repository root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	r := &tmuxRun{t: t, socket: fmt.Sprintf("wizard-e2e-%d", os.Getpid())}
	exitFile, rawLog := filepath.Join(dir, "exit"), filepath.Join(dir, "raw.log")
	cmd := fmt.Sprintf("%s --demo; echo $? > %s", bin, exitFile)
	r.tmux("new-session", "-d", "-s", "wz", "-x", "100", "-y", "30", "sh", "-c", cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", r.socket, "kill-server").Run() })
	r.tmux("set-option", "-t", "wz", "history-limit", "50000")
	r.tmux("set-option", "-w", "-t", "wz", "remain-on-exit", "on") // keep the pane to read its scrollback
	r.tmux("pipe-pane", "-t", "wz", "-o", "cat >> "+rawLog)        // every byte the program writes

	// The sign-in inputs, pre-filled by --demo: each Enter waits for its field's focus bar.
	r.waitFor("DEMO: simulated Azure and Appmixer", "┃ Appmixer API URL", "✓ https://127.0.0.1")
	r.keys("Enter")
	r.waitFor("┃ Appmixer admin username", "admin")
	r.keys("Enter")
	scr := r.waitFor("┃ Appmixer admin password", "Nothing shows as you type")
	r.keys("Enter")
	r.waitFor("┃ Sign in to Azure with", "Device code")
	r.keys("Enter")
	r.waitFor("┃ Azure tenant (optional)")
	r.keys("Enter")

	// Sign-in: the demo shows a device code, then approves it by itself.
	scr = r.waitFor("Open this page and enter the code", "/devicelogin", "c copy code", "● Sign in to Azure", "the demo signs you in by itself")
	if !regexp.MustCompile(`║\s+(\S ){5,}\S\s+║`).MatchString(scr) {
		t.Errorf("device code not shown large and spaced:\n%s", scr)
	}

	// A fresh Appmixer holds no clientId: no menu, the setup questions follow.
	r.waitFor("┃ App registration name", "Appmixer", "✓ Sign in to Azure")
	r.keys("Enter")
	r.waitFor("┃ Client secret expiry", "24 months")
	r.keys("Enter")
	r.waitFor("┃ Supported account types", "Work/school + personal accounts")
	r.keys("Enter")
	r.waitFor("┃ API permissions", "Documented")
	r.keys("Enter")
	r.waitFor("┃ Tenant field in Appmixer")
	r.keys("Enter")
	r.waitFor("┃ Grant admin consent now?")
	r.keys("Enter")

	// Every plan: read it, apply it, until the summary.
	var planned []string
	deadline := time.Now().Add(60 * time.Second)
	last := ""
	for {
		scr = r.capture()
		if strings.Contains(scr, "The Microsoft connector is set up") {
			break
		}
		if strings.Contains(scr, "failed") && strings.Contains(scr, "r retry") {
			t.Fatalf("a step failed in the demo:\n%s", scr)
		}
		if strings.Contains(scr, "enter apply") && strings.Contains(scr, "Will change") {
			title := paneTitle(scr)
			if title != last {
				planned, last = append(planned, title), title
				r.keys("Enter")
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo never reached the summary; planned %v; last screen:\n%s", planned, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"Register the app", "Client secret", "Store in Appmixer"} {
		if !slices.Contains(planned, want) {
			t.Errorf("no plan screen for %q; saw %v", want, planned)
		}
	}
	scr = r.waitFor("✓ The Microsoft connector is set up", "Client ID", "Tenant ID", "Client secret", "expires", "enter finish")
	if !regexp.MustCompile(`Client ID\s+[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(scr) {
		t.Errorf("summary lacks the client ID:\n%s", scr)
	}
	r.keys("End")
	r.waitFor("rotate-secret", "status", "m menu")

	// The start menu within the same run (the demo's emulators live in this
	// process, so a second run would start fresh): status, then teardown.
	r.keys("m")
	scr = r.waitFor("What would you like to do?", "5  Tear down")
	if !regexp.MustCompile(`Client ID\s+[0-9a-f]{8}-`).MatchString(scr) {
		t.Errorf("menu does not name the existing setup's client ID:\n%s", scr)
	}
	r.keys("2")
	scr = r.waitFor("✓ All", "checks passed", "✓ Secret works")
	r.keys("m")
	r.waitFor("What would you like to do?")
	r.keys("5")
	r.waitFor("To delete it, type the app's name: Appmixer", "esc keep the app")
	r.keys("-l", "Appmixr")
	r.keys("Enter")
	r.waitFor(`"Appmixr" is not the app's name`)
	r.keys("-l", "Appmixer")
	r.keys("Enter")
	r.waitFor("Clear Appmixer's keys", "enter apply")
	r.keys("Enter")
	r.waitFor("✓ Torn down", "Removed the app")
	r.keys("Enter")

	// Exit 0, read from the file the shell wrote after the program ended.
	var code string
	waitUntil(t, "the program to exit", func() bool {
		b, err := os.ReadFile(exitFile)
		code = strings.TrimSpace(string(b))
		return err == nil && code != ""
	})
	if code != "0" {
		t.Fatalf("exit status %s; last screen:\n%s", code, r.capture())
	}
	// The full-screen view went with the alternate screen; the result stays.
	if scr := r.capture(); !strings.Contains(scr, `Removed the app "Appmixer"`) {
		t.Errorf("the last action's result did not stay in the terminal:\n%s", scr)
	}

	// No secret anywhere: every screen seen, the whole scrollback, the raw bytes.
	history := r.tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", "wz")
	raw, _ := os.ReadFile(rawLog)
	all := strings.Join(r.seen, "\n") + history + string(raw)
	if pw := appmixertest.DefaultAdminPassword; strings.Contains(all, pw) {
		t.Error("the Appmixer password appeared on the terminal")
	}
	if m := clientSecretShape.FindString(all); m != "" {
		t.Errorf("a client secret appeared on the terminal (hint %s…)", m[:3])
	}
	if len(raw) == 0 {
		t.Error("pipe-pane captured nothing: the raw-output check did not run")
	}
}

// paneTitle is the main pane's first line (the step's title): the line
// under the header, without the sidebar when there is one.
func paneTitle(scr string) string {
	lines := strings.Split(scr, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Appmixer × Microsoft connector setup") && i+1 < len(lines) {
			next := lines[i+1]
			if _, after, ok := strings.Cut(next, "│"); ok {
				next = after
			}
			return strings.TrimSpace(next)
		}
	}
	return ""
}
