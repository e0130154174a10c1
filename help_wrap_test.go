package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// --help fits an 80-column terminal: every description is wrapped at spaces
// under its column, and no value (multi-tenant-and-personal, a URL) is split.
func TestHelpFitsEightyColumns(t *testing.T) {
	bin := wizardBinary(t)
	for _, args := range [][]string{{"--help"}, {"setup", "--help"}, {"rotate-secret", "--help"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "__FANG_TEST_WIDTH=80", "NO_COLOR=1"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		text := ansi.Strip(string(out))
		for _, l := range strings.Split(text, "\n") {
			if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > 80 {
				t.Errorf("%v: a line %d wide: %q", args, w, l)
			}
		}
		for _, whole := range []string{"multi-tenant-and-personal", "https://api.acme.appmixer.cloud"} {
			if args[0] == "--help" && !strings.Contains(text, whole) {
				t.Errorf("%v: %q is split or missing:\n%s", args, whole, text)
			}
		}
	}
}
