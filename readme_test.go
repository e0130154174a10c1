package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The README documents every command and every visible flag of the binary:
// a flag added without a line in the README fails here.
func TestREADMEDocumentsEveryCommandAndFlag(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	a := &app{env: env{getenv: func(string) string { return "" }}}
	root := a.commands()
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c != root && !strings.Contains(readme, "`"+c.Name()) {
			t.Errorf("the README does not mention the command `%s`", c.Name())
		}
		check := func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" || seen[f.Name] {
				return
			}
			seen[f.Name] = true
			if !strings.Contains(readme, "`--"+f.Name) {
				t.Errorf("the README does not document --%s (%s)", f.Name, f.Usage)
			}
		}
		c.LocalFlags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if len(seen) < 20 {
		t.Fatalf("only %d flags found: the walk is broken", len(seen))
	}
}
