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
	extra string // flags that must come along ("--demo")
}

// Invocation reads how the program was started: `go run` builds into a
// temporary directory, so a binary there is named as "go run .".
func Invocation(demo bool) invocation {
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
	if demo {
		inv.extra = "--demo"
	}
	return inv
}

// command is a whole command line for command ("status", "tenant on").
func (inv invocation) command(command string) string {
	s := inv.prog
	if inv.extra != "" {
		s += " " + inv.extra
	}
	return s + " " + command
}

// bare is the program with its extra flags, for "re-run" lines.
func (inv invocation) bare() string {
	if inv.extra == "" {
		return inv.prog
	}
	return inv.prog + " " + inv.extra
}
