//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/tmuxtest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The demo is sealed: under strace, a demo run of every front end and every
// sign-in choice makes no connection but to its own in-process services on
// loopback, looks up no name (reads no resolver file), starts no program and
// writes no file outside its folder; a proxy trap named in the environment
// is never contacted.
func TestDemoTouchesNothingOutside(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed (.ci/run installs it)")
	}
	bin := wizardBinary(t)
	trap, contacted := proxyTrap(t)
	methods := []string{"device", "browser", "azure-cli", "environment"}
	for i, m := range methods {
		t.Run("headless/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			trace := straced(t, d, trap, "", "--auth", m, "--yes")
			checkSealed(t, trace, d)
		})
		t.Run("accessible/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			// URL, username, the sign-in choice (1-4), tenant; then the setup
			// questions and every plan; the menu that follows gets the number after every command (quit).
			in := "\n\n" + fmt.Sprint(i+1) + "\n\n" + strings.Repeat("\n", 6) + strings.Repeat("a\n", 8) + fmt.Sprint(len(steps.Commands)+1) + "\n"
			trace := straced(t, d, trap, in, "--accessible")
			checkSealed(t, trace, d)
		})
	}
	if _, err := exec.LookPath("tmux"); err == nil {
		for _, m := range methods {
			t.Run("tui/"+m, func(t *testing.T) {
				d := newDemoRun(t)
				trace := filepath.Join(t.TempDir(), "strace.txt")
				done := filepath.Join(t.TempDir(), "done")
				cmd := fmt.Sprintf("env -i %s strace -f -qq -e trace=connect,execve,openat,open -o %s %s --demo --state-dir %s --auth %s; touch %s",
					strings.Join(append(d.env(), proxyEnv(trap)...), " "), trace, bin, d.stateDir, m, done)
				r := tmuxtest.Start(t, "trap-"+m, 100, 30, cmd)
				for _, field := range []string{"┃ Appmixer API URL", "┃ Appmixer admin username", "┃ Sign in to Azure with", "┃ Azure tenant"} {
					r.WaitFor(field) // the sign-in questions, pre-filled by the demo
					r.Keys("Enter")
				}
				r.WaitFor("App registration name") // signed in to both simulated services
				r.Keys("C-c")
				eventually(t, 30*time.Second, "the program to exit", func() bool {
					_, err := os.Stat(done)
					return err == nil
				})
				b, _ := os.ReadFile(trace)
				checkSealed(t, string(b), d)
			})
		}
	}
	if n := contacted.Load(); n > 0 {
		t.Fatalf("the proxy trap named in the environment was contacted %d time(s)", n)
	}
}

func proxyEnv(trap string) []string {
	p := "http://" + trap
	return []string{"HTTPS_PROXY=" + p, "HTTP_PROXY=" + p, "ALL_PROXY=" + p, "https_proxy=" + p, "http_proxy=" + p}
}

// proxyTrap is a listener the environment names as the proxy: any
// connection to it is an attempt to go out through it.
func proxyTrap(t *testing.T) (string, *atomic.Int32) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return l.Addr().String(), &n
}

// straced runs the demo under strace and returns the trace.
func straced(t *testing.T, d *demoRun, trap, in string, args ...string) string {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "strace.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	all := append([]string{"-f", "-qq", "-e", "trace=connect,execve,openat,open", "-o", trace, wizardBinary(t), "--demo", "--state-dir", d.stateDir}, args...)
	cmd := exec.CommandContext(ctx, "strace", all...)
	cmd.Env = append(d.env(), proxyEnv(trap)...)
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo run %v: %v\n%s", args, err, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	connectRE = regexp.MustCompile(`connect\(\d+, \{sa_family=(AF_\w+)(?:, sin6?_port=htons\((\d+)\))?.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"|sun_path="([^"]*)")`)
	openRE    = regexp.MustCompile(`open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", ([A-Z_|]+)`)
)

// checkSealed fails on any trace line that reaches outside the demo.
func checkSealed(t *testing.T, trace string, d *demoRun) {
	t.Helper()
	demoDir := filepath.Join(d.stateDir, "demo")
	execs := 0
	sc := bufio.NewScanner(strings.NewReader(trace))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, "execve("):
			if execs++; execs > 1 || !strings.Contains(line, "msconnector-wizard") {
				t.Errorf("the demo started a program: %s", line)
			}
		case strings.Contains(line, "connect("):
			m := connectRE.FindStringSubmatch(line)
			switch {
			case m == nil:
				t.Errorf("a connection the test cannot read: %s", line)
			case m[1] == "AF_UNIX":
				t.Errorf("a local socket connection (a name service or a keyring?): %s", line)
			case m[3] != "127.0.0.1" && m[4] != "::1":
				t.Errorf("a connection outside the demo: %s", line)
			}
		default:
			m := openRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			path, flags := m[1], m[2]
			switch {
			case path == "/etc/resolv.conf" || path == "/etc/hosts" || path == "/etc/nsswitch.conf":
				t.Errorf("the demo looked a name up (%s)", path)
			case strings.Contains(flags, "O_WRONLY") || strings.Contains(flags, "O_RDWR") || strings.Contains(flags, "O_CREAT"):
				if !strings.HasPrefix(path, demoDir) && !strings.HasPrefix(path, "/dev/") {
					t.Errorf("the demo wrote outside its folder: %s", line)
				}
			}
		}
	}
	if execs == 0 {
		t.Fatal("the trace saw no program start: the test watched nothing")
	}
}
