package wizard

import (
	"os"
	"path/filepath"
	"strings"
)

// invocation is how the person ran the program, so every "run … later" line
// names the command they would actually type: "msconnector-wizard",
// "go run . --demo".
type invocation struct {
	prog  string // "msconnector-wizard" or "go run ."
	extra string // flags that must come along ("--demo", "--state-dir DIR")
}

// Invocation reads how the program was started: `go run` builds into a
// temporary directory, so a binary there is named as "go run .". The demo
// and a state directory given on the command line come along: without them
// the next command would find another world, another resume file.
func Invocation(demo bool, stateDir string) invocation {
	inv := invocation{prog: "msconnector-wizard"}
	if len(os.Args) > 0 {
		exe := os.Args[0]
		switch base := filepath.Base(exe); {
		case strings.Contains(exe, string(filepath.Separator)+"go-build"):
			inv.prog = "go run ."
		case base != "" && base != "." && filepath.Ext(base) != ".test":
			inv.prog = base
		}
	}
	var extra []string
	if demo {
		extra = append(extra, "--demo")
	}
	if stateDir != "" {
		extra = append(extra, "--state-dir", ShellQuote(stateDir))
	}
	inv.extra = strings.Join(extra, " ")
	return inv
}

// Command is a whole command line for command, as the person would type it.
func (inv invocation) Command(command string) string { return inv.command(command) }

// ShellQuote quotes s for a POSIX shell when it needs it (a path with a space).
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,@%=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// command is a whole command line for command ("status", "tenant on").
func (inv invocation) command(command string) string {
	s := inv.prog
	if inv.extra != "" {
		s += " " + inv.extra
	}
	return s + " " + command
}
