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

	"github.com/appmixer-tools/msconnector-wizard/internal/testwait"
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
	vars := trapEnv(trap)
	methods := []string{"device", "browser", "azure-cli", "environment"}
	for i, m := range methods {
		t.Run("headless/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			checkSealed(t, straced(t, d, vars, "", "--demo", "--state-dir", d.stateDir, "--auth", m, "--yes"), d)
			checkNoEnvSecret(t, d, vars)
		})
		t.Run("accessible/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			// URL, username, the sign-in choice (1-4), tenant; then the setup
			// questions and every plan; the menu that follows gets the number after every command (quit).
			in := "\n\n" + fmt.Sprint(i+1) + "\n\n" + strings.Repeat("\n", 6) + strings.Repeat("a\n", 8) + fmt.Sprint(len(steps.Commands)+1) + "\n"
			checkSealed(t, straced(t, d, vars, in, "--demo", "--state-dir", d.stateDir, "--accessible"), d)
			checkNoEnvSecret(t, d, vars)
		})
	}
	// tmuxtest.Start skips each of these, visibly, when tmux is not installed.
	for _, m := range methods {
		t.Run("tui/"+m, func(t *testing.T) {
			d := newDemoRun(t)
			trace := filepath.Join(t.TempDir(), "strace.txt")
			done := filepath.Join(t.TempDir(), "done")
			cmd := fmt.Sprintf("env -i %s strace -f -qq -e trace=connect,execve,openat,open -o %s %s --demo --state-dir %s --auth %s; touch %s",
				strings.Join(append(d.env(), vars...), " "), trace, bin, d.stateDir, m, done)
			r := tmuxtest.Start(t, "trap-"+m, 100, 30, cmd)
			for _, field := range []string{"┃ Appmixer API URL", "┃ Appmixer admin username", "┃ Sign in to Azure with", "┃ Azure tenant"} {
				r.WaitFor(field) // the sign-in questions, pre-filled by the demo
				r.Keys("Enter")
			}
			r.WaitFor("App registration name") // signed in to both simulated services
			r.Keys("C-c")
			testwait.Until(t, 30*time.Second, "the program to exit", func() bool {
				_, err := os.Stat(done)
				return err == nil
			})
			b, _ := os.ReadFile(trace)
			checkSealed(t, string(b), d)
			checkNoEnvSecret(t, d, vars)
		})
	}
	if n := contacted.Load(); n > 0 {
		t.Fatalf("the proxy trap named in the environment was contacted %d time(s)", n)
	}
}

// trapEnv is an environment that would send a run elsewhere: a proxy, Azure
// and Appmixer endpoints (all the trap) and credentials, for the single demo
// and the inventory's (whose file names ACME_… and GLOBEX_…). The demo must
// use none of it.
func trapEnv(trap string) []string {
	p := "http://" + trap
	return []string{"HTTPS_PROXY=" + p, "HTTP_PROXY=" + p, "ALL_PROXY=" + p, "https_proxy=" + p, "http_proxy=" + p,
		"AZURE_AUTHORITY_HOST=https://" + trap, "AZURE_TENANT_ID=7f3c1a2b-1111-4222-8333-444455556666",
		"AZURE_CLIENT_ID=00000000-0000-0000-0000-000000000001", "AZURE_CLIENT_SECRET=trap-azure-client-secret-5e1d",
		"APPMIXER_URL=https://" + trap, "APPMIXER_PASSWORD=trap-appmixer-password-5e1d", "APPMIXER_TOKEN=trap-appmixer-token-5e1d",
		"ACME_APPMIXER_PASSWORD=trap-acme-password-5e1d", "GLOBEX_APPMIXER_TOKEN=trap-globex-token-5e1d"}
}

// checkNoEnvSecret fails when a file of the demo's folder holds a credential
// the environment offered: the demo world keeps simulated secrets only.
func checkNoEnvSecret(t *testing.T, d *demoRun, vars []string) {
	t.Helper()
	files := 0
	filepath.WalkDir(filepath.Join(d.stateDir, "demo"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		files++
		b, _ := os.ReadFile(p)
		for _, kv := range vars {
			if name, v, _ := strings.Cut(kv, "="); strings.Contains(v, "trap-") && strings.Contains(string(b), v) {
				t.Errorf("%s holds the value of %s", p, name)
			}
		}
		return nil
	})
	if files == 0 {
		t.Fatal("the demo kept no file: nothing was checked for credentials")
	}
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

// straced runs the binary with exactly args under strace, with stdin in,
// in d's environment plus vars, and returns the trace. The audience never
// sees a loopback address or a credential of the environment.
func straced(t *testing.T, d *demoRun, vars []string, in string, args ...string) string {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "strace.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "strace", append([]string{"-f", "-qq", "-e", "trace=connect,execve,openat,open", "-o", trace, wizardBinary(t)}, args...)...)
	cmd.Env = append(d.env(), vars...)
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo run %v: %v\n%s", args, err, out)
	}
	if strings.Contains(string(out), "127.0.0.1") {
		t.Errorf("demo run %v shows a loopback address:\n%s", args, out)
	}
	for _, kv := range vars {
		if name, v, _ := strings.Cut(kv, "="); strings.Contains(v, "trap-") && strings.Contains(string(out), v) {
			t.Errorf("demo run %v shows the value of %s", args, name)
		}
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

// checkSealed fails on any trace line that reaches outside the demo, and on
// a trace that shows none of what every demo run does (its own start, a
// connection to its services, its world saved): then the checks watched
// nothing (the run stopped early, or strace's format changed).
func checkSealed(t *testing.T, trace string, d *demoRun) {
	t.Helper()
	breaches, seen := sealBreaches(trace, filepath.Join(d.stateDir, "demo"))
	for _, b := range breaches {
		t.Error(b)
	}
	if seen.execs == 0 || seen.loopback == 0 || seen.writesInside == 0 {
		t.Fatalf("the trace saw %d program start(s), %d loopback connection(s) and %d write(s) in the demo folder: the test watched nothing",
			seen.execs, seen.loopback, seen.writesInside)
	}
}

// sealSeen counts what a trace showed the demo do within its bounds.
type sealSeen struct{ execs, loopback, writesInside int }

// sealBreaches reads an strace trace (-f -e trace=connect,execve,openat,open)
// of a demo whose folder is dir: every line that reaches outside, and what
// was seen within.
func sealBreaches(trace, dir string) (breaches []string, seen sealSeen) {
	sc := bufio.NewScanner(strings.NewReader(trace))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, "execve("):
			if seen.execs++; seen.execs > 1 || !strings.Contains(line, "msconnector-wizard") {
				breaches = append(breaches, "the demo started a program: "+line)
			}
		case strings.Contains(line, "connect("):
			m := connectRE.FindStringSubmatch(line)
			switch {
			case m == nil:
				breaches = append(breaches, "a connection the test cannot read: "+line)
			case m[1] == "AF_UNIX":
				breaches = append(breaches, "a local socket connection (a name service or a keyring?): "+line)
			case m[3] != "127.0.0.1" && m[4] != "::1":
				breaches = append(breaches, "a connection outside the demo: "+line)
			default:
				seen.loopback++
			}
		default:
			m := openRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			path, flags := m[1], m[2]
			switch {
			case path == "/etc/resolv.conf" || path == "/etc/hosts" || path == "/etc/nsswitch.conf":
				breaches = append(breaches, "the demo looked a name up ("+path+")")
			case !strings.Contains(flags, "O_WRONLY") && !strings.Contains(flags, "O_RDWR") && !strings.Contains(flags, "O_CREAT"):
			case strings.HasPrefix(path, dir+string(filepath.Separator)):
				seen.writesInside++
			case !strings.HasPrefix(path, "/dev/"):
				breaches = append(breaches, "the demo wrote outside its folder: "+line)
			}
		}
	}
	return breaches, seen
}

// The seal's checks can fail: each kind of breach, in strace's own format,
// is caught on its own, and a clean trace is counted as seen.
func TestSealBreachesCatchEachKind(t *testing.T) {
	const dir = "/s/demo"
	clean := strings.Join([]string{
		`100 execve("/tmp/b/msconnector-wizard", ["/tmp/b/msconnector-wizard", "--demo"], 0x7ffd2cf2f840 /* 3 vars */) = 0`,
		`101 connect(9, {sa_family=AF_INET, sin_port=htons(33595), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)`,
		`101 connect(9, {sa_family=AF_INET6, sin6_port=htons(33595), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0`,
		`102 openat(AT_FDCWD, "/s/demo/.world.json.63920964", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 18`,
		`102 openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CLOEXEC) = 3`,
		`102 openat(AT_FDCWD, "/s/demo/world.json", O_RDONLY|O_CLOEXEC) = 3`,
		`102 <... openat resumed>) = 3`,
	}, "\n")
	breaches, seen := sealBreaches(clean, dir)
	if len(breaches) != 0 || seen != (sealSeen{execs: 1, loopback: 2, writesInside: 1}) {
		t.Fatalf("a clean trace: breaches %q, seen %+v", breaches, seen)
	}
	for _, line := range []string{
		`103 execve("/usr/bin/az", ["az", "login"], 0x7ffd2cf2f840 /* 3 vars */) = 0`,
		`101 connect(9, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("20.190.151.7")}, 16) = 0`,
		`101 connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2603:1037:1::1", &sin6_addr), sin6_scope_id=0}, 28) = 0`,
		`101 connect(5, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0`,
		`101 connect(5, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0`,
		`101 openat(AT_FDCWD, "/etc/resolv.conf", O_RDONLY|O_CLOEXEC) = 7`,
		`101 open("/etc/hosts", O_RDONLY|O_CLOEXEC) = 7`,
		`101 openat(AT_FDCWD, "/home/u/.config/appmixer-msconnector/state.json", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600) = 7`,
		`101 openat(AT_FDCWD, "/s/demo-other/world.json", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 7`,
	} {
		if breaches, _ := sealBreaches(clean+"\n"+line, dir); len(breaches) != 1 {
			t.Errorf("%s: breaches %q, want one", line, breaches)
		}
	}
}
