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
	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
	"github.com/appmixer-tools/msconnector-wizard/internal/tmuxtest"
)

// clientSecretShape is what a Graph secretText looks like (3 characters,
// "8Q~", then 34 more), as the Entra emulator mints them: any match on
// screen is a leaked secret, since only the 3-character hint may be shown.
var clientSecretShape = regexp.MustCompile(`[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{20,}`)

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

	exitFile, rawLog := filepath.Join(dir, "exit"), filepath.Join(dir, "raw.log")
	cmd := fmt.Sprintf("%s --demo --state-dir %s; echo $? > %s", bin, filepath.Join(dir, "state"), exitFile)
	r := tmuxtest.Start(t, "wizard-e2e", 100, 30, cmd)
	r.Tmux("set-option", "-t", "wz", "history-limit", "50000")
	r.Tmux("set-option", "-w", "-t", "wz", "remain-on-exit", "on") // keep the pane to read its scrollback
	r.Tmux("pipe-pane", "-t", "wz", "-o", "cat >> "+rawLog)        // every byte the program writes

	// The sign-in inputs, pre-filled by --demo: each Enter waits for its field's focus bar.
	r.WaitFor("DEMO: simulated Azure and Appmixer", "┃ Appmixer API URL", "✓ https://api.demo.appmixer.test")
	r.Keys("Enter")
	// The demo fills the password in from the username: no password field.
	scr := r.WaitFor("┃ Appmixer admin username", "The demo's users: admin@example.com")
	if strings.Contains(scr, "Appmixer admin password") {
		t.Errorf("the demo asks for a password it fills in itself:\n%s", scr)
	}
	r.Keys("Enter")
	r.WaitFor("┃ Sign in to Azure with", "Device code")
	r.Keys("Enter")
	r.WaitFor("┃ Azure tenant (optional)")
	r.Keys("Enter")

	// Sign-in: the demo shows a device code, then approves it by itself.
	scr = r.WaitFor("Open this page and enter the code", "/devicelogin", "c copy code", "● Sign in to Azure", "the demo signs you in by itself")
	if !regexp.MustCompile(`║\s+(\S ){5,}\S\s+║`).MatchString(scr) {
		t.Errorf("device code not shown large and spaced:\n%s", scr)
	}
	if !regexp.MustCompile(`To paste: [A-Z0-9]{8,}\b`).MatchString(scr) {
		t.Errorf("no unspaced code to copy:\n%s", scr)
	}

	// A fresh Appmixer holds no clientId: no menu, the setup questions follow.
	r.WaitFor("┃ App registration name", "Appmixer", "✓ Sign in to Azure")
	r.Keys("Enter")
	r.WaitFor("┃ Client secret expiry", "24 months")
	r.Keys("Enter")
	r.WaitFor("┃ Supported account types", "Work/school + personal accounts")
	r.Keys("Enter")
	r.WaitFor("┃ API permissions", "Documented")
	r.Keys("Enter")
	r.WaitFor("┃ Tenant field in Appmixer")
	r.Keys("Enter")
	r.WaitFor("┃ Grant admin consent now?")
	r.Keys("Enter")

	// Every plan: read it, apply it, until the summary.
	var planned []string
	deadline := time.Now().Add(60 * time.Second)
	last := ""
	for {
		scr = r.Capture()
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
				r.Keys("Enter")
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
	scr = r.WaitFor("✓ The Microsoft connector is set up", "Client ID", "Tenant ID", "Client secret", "expires", "enter finish")
	if !regexp.MustCompile(`Client ID\s+[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(scr) {
		t.Errorf("summary lacks the client ID:\n%s", scr)
	}
	r.Keys("End")
	r.WaitFor("rotate-secret", "status", "m menu")

	// The start menu within the same run: status, then teardown.
	r.Keys("m")
	scr = r.WaitFor("What would you like to do?", menuKey("teardown")+"  Tear down")
	if !regexp.MustCompile(`Client ID\s+[0-9a-f]{8}-`).MatchString(scr) {
		t.Errorf("menu does not name the existing setup's client ID:\n%s", scr)
	}
	r.Keys("2")
	scr = r.WaitFor("✓ All", "checks passed", "✓ Secret works")
	r.Keys("m")
	r.WaitFor("What would you like to do?")
	r.Keys(menuKey("teardown"))
	r.WaitFor("To delete it, type the app's name: Appmixer", "esc keep the app")
	r.Keys("-l", "Appmixr")
	r.Keys("Enter")
	r.WaitFor(`"Appmixr" is not the app's name`)
	r.Keys("-l", "Appmixer")
	r.Keys("Enter")
	r.WaitFor("Clear Appmixer's keys", "enter apply")
	r.Keys("Enter")
	r.WaitFor("✓ Torn down", "Removed the app")
	r.Keys("Enter")

	// Exit 0, read from the file the shell wrote after the program ended.
	var code string
	testwait.Until(t, 5*time.Second, "the program to exit", func() bool {
		b, err := os.ReadFile(exitFile)
		code = strings.TrimSpace(string(b))
		return err == nil && code != ""
	})
	if code != "0" {
		t.Fatalf("exit status %s; last screen:\n%s", code, r.Capture())
	}
	// The full-screen view went with the alternate screen; the result stays.
	if scr := r.Capture(); !strings.Contains(scr, `Removed the app "Appmixer"`) {
		t.Errorf("the last action's result did not stay in the terminal:\n%s", scr)
	}

	// No secret anywhere: every screen seen, the whole scrollback, the raw bytes.
	history := r.Tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", "wz")
	raw, _ := os.ReadFile(rawLog)
	all := strings.Join(r.Seen, "\n") + history + string(raw)
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
