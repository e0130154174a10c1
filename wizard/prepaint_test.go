//go:build linux

package wizard

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/ptytest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// prepaintOnPTY runs prepaint against a real 100×30 terminal and returns what
// the terminal received.
func prepaintOnPTY(t *testing.T) string {
	t.Helper()
	master, slave, err := ptytest.Open(30, 100)
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	defer master.Close()
	o := steps.Options{}
	m := newModel(config{opts: o})
	if !prepaint(slave, m) {
		t.Fatal("prepaint drew nothing on a terminal")
	}
	slave.Close()
	var out bytes.Buffer
	master.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 64<<10)
	for !strings.Contains(out.String(), "Verify") {
		n, err := master.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if m.width != 100 || m.height != 30 {
		t.Fatalf("the model was not sized to the terminal: %d×%d", m.width, m.height)
	}
	return out.String()
}

// The first screen is on the terminal before bubbletea starts: the alternate
// screen, the title and every step of the sidebar.
func TestPrepaintDrawsTheFirstScreen(t *testing.T) {
	got := prepaintOnPTY(t)
	for _, want := range []string{"\x1b[?1049h", "Appmixer × Microsoft connector setup", "Sign in to Azure", "Verify"} {
		if !strings.Contains(got, want) {
			t.Errorf("the first screen lacks %q", want)
		}
	}
}

// NO_COLOR is honoured by the pre-painted screen as by bubbletea's.
func TestPrepaintHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	got := prepaintOnPTY(t)
	if strings.Contains(got, "\x1b[38;") {
		t.Fatalf("colour escapes despite NO_COLOR: %q", got[:min(len(got), 200)])
	}
	if !strings.Contains(got, "Appmixer × Microsoft connector setup") {
		t.Fatal("no title")
	}
}

// Not a terminal: nothing is drawn (pipes and files get plain output elsewhere).
func TestPrepaintSkipsNonTerminals(t *testing.T) {
	m := newModel(config{opts: steps.Options{}})
	if prepaint(io.Discard, m) {
		t.Fatal("drew on a non-terminal")
	}
}
