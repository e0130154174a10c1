// Command msconnector-wizard sets up Appmixer's Microsoft connector end to end:
// the Azure app registration (through Microsoft Graph) and the appmixer:microsoft
// connector configuration (through the Appmixer API), showing each change first.
package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
)

// Exit codes: 0 ok, 1 the run failed (or stopped at a plan), 2 usage (a flag
// or input is missing or wrong), 130 interrupted.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	// exitInterrupted is the shell's convention for a run stopped by ctrl+c (128 + SIGINT).
	exitInterrupted = 130
)

func main() {
	// A short-lived CLI: fewer collections during start-up (the first frame) at
	// the cost of a few MiB; peak memory stays far below its budget.
	debug.SetGCPercent(400)
	// A closed terminal (SIGHUP) stops the run like ctrl+c: the journal and
	// the demo's world are saved on the way out, not lost with the window.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{
		in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv,
		tty: term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()),
	}))
}

// env is the process's outside world, injected so tests drive run() directly.
type env struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	getenv func(string) string
	tty    bool
	client *http.Client // nil = system roots; tests pass one trusting their emulators
}

// run parses args, runs the command and returns the exit code.
func run(ctx context.Context, args []string, e env) int {
	a := &app{env: e, args: args}
	if passwordFlag(args) {
		// Refused in any spelling, before parsing (pflag would read
		// -appmixer-password as shorthand flags and say something else).
		return a.usage(usageError{msg: passwordRefused})
	}
	root := a.commands()
	root.SetArgs(args)
	root.SetIn(e.in)
	root.SetOut(e.out)
	root.SetErr(e.err)
	if err := execute(ctx, root, a); err != nil && a.code == exitOK {
		a.code = exitFail
	}
	return a.code
}

// passwordRefused answers a password given as a flag.
const passwordRefused = "the Appmixer password is never accepted as a flag (it would stay in shell history): set APPMIXER_PASSWORD or type it at the prompt"

// passwordFlag reports a password given as a flag, however spelled.
func passwordFlag(args []string) bool {
	for _, w := range args {
		if w == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if strings.HasPrefix(w, "-") && name == "appmixer-password" {
			return true
		}
	}
	return false
}

// version is this build's version: the module version, or the commit it was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	switch {
	case rev == "":
		return "dev"
	case dirty:
		return "dev-" + rev + "-modified"
	}
	return "dev-" + rev
}
