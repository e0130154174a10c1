package main

import (
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// wrapFlagHelp breaks every flag's description at words to fit --help in the
// terminal: fang lays flags out in two columns but never wraps the second, so
// at 80 columns the terminal cut words ("envir / onment"). fang aligns the
// lines of a multi-line description under the first.
func wrapFlagHelp(root *cobra.Command) {
	root.InitDefaultHelpCmd() // cobra adds these two at Execute: wrap theirs too
	root.InitDefaultCompletionCmd()
	width := helpWidth()
	col := 4 + helpKeyColumn(root) // fang: 4 spaces, the keys, then the descriptions
	room := max(width-col, 30)
	seen := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if seen[f] {
					return
				}
				seen[f] = true
				f.Usage = wrapWithDefault(f.Usage, f.DefValue, room)
			})
		}
		for _, sc := range c.Commands() {
			sc.Short = wizard.Wrap(sc.Short, room)
			walk(sc)
		}
	}
	walk(root)
}

// wrapWithDefault wraps usage as fang will show it, with " (default)" after
// it: when the default would not fit on the last line, it goes on its own.
func wrapWithDefault(usage, def string, room int) string {
	wrapped := wizard.Wrap(usage, room)
	if def == "" || def == "false" || def == "0" || def == "[]" {
		return wrapped
	}
	last := wrapped[strings.LastIndex(wrapped, "\n")+1:]
	if ansi.StringWidth(last)+len(" ("+def+")") > room {
		wrapped += "\n"
	}
	return wrapped
}

// helpKeyColumn is the widest key column fang computes for any command of
// the tree: the flags' "-y --yes" and the subcommands' "tenant on|off [--flags]".
func helpKeyColumn(root *cobra.Command) int {
	space := 10
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			key := "--" + f.Name
			if f.Shorthand != "" {
				key = "-" + f.Shorthand + " " + key
			}
			space = max(space, len(key)+2)
		})
		for _, sc := range c.Commands() {
			key := len(sc.Use) + len(" [--flags]") // fang's "tenant on|off [--flags]"
			if sc.HasSubCommands() {
				key += len(" [command]")
			}
			space = max(space, key+2)
			walk(sc)
		}
	}
	walk(root)
	return space
}

// helpWidth is the width fang renders help at: the terminal's, at most 120.
func helpWidth() int {
	if s := os.Getenv("__FANG_TEST_WIDTH"); s != "" {
		if w, err := strconv.Atoi(s); err == nil {
			return w
		}
	}
	w, _, err := term.GetSize(os.Stdout.Fd())
	if err != nil || w <= 0 {
		return 120
	}
	return min(w, 120)
}
