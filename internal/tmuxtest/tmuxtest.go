// Package tmuxtest drives a real program in a detached tmux server of its
// own, as a person at a terminal would: keys in, screens out.
package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Session is one tmux server with one window "wz".
type Session struct {
	t      testing.TB
	socket string
	Seen   []string // every distinct capture, for checks at the end
}

// Start runs shell command cmd in a w×h window; the server goes with the test.
// It skips the test when tmux is not installed.
func Start(t testing.TB, name string, w, h int, cmd string) *Session {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	s := &Session{t: t, socket: fmt.Sprintf("%s-%d", name, os.Getpid())}
	s.Tmux("new-session", "-d", "-s", "wz", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "sh", "-c", cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

// Tmux runs a tmux command against the session's server.
func (s *Session) Tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Capture is the window's screen now.
func (s *Session) Capture() string {
	scr := s.Tmux("capture-pane", "-p", "-t", "wz")
	if len(s.Seen) == 0 || s.Seen[len(s.Seen)-1] != scr {
		s.Seen = append(s.Seen, scr)
	}
	return scr
}

// WaitFor polls the screen until every want is on it, or fails after 30 s.
func (s *Session) WaitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		scr := s.Capture()
		if ContainsAll(scr, want) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", want, scr)
		}
		time.Sleep(20 * time.Millisecond) // polling interval between captures
	}
}

// ContainsAll reports whether s holds every one of want.
func ContainsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Keys sends keys (tmux send-keys names: "Enter", "C-c", "-l" text).
func (s *Session) Keys(k ...string) { s.Tmux(append([]string{"send-keys", "-t", "wz"}, k...)...) }
