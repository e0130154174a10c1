package wizard

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// sgr finds the colour sequences of a styled line (lipgloss opens a style
// with one and closes it with a reset).
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// wrapWords wraps a styled line to width w at spaces only: a URL, an ID, a
// date or a flag is never broken (ansi.Wrap would break at "-" and "/"); a
// word longer than a line stands on a line of its own. Continuation lines
// start at indent, and a style open at a break is closed there and opened
// again on the next line.
func wrapWords(s string, w, indent int) []string {
	lead := len(s) - len(strings.TrimLeft(s, " "))
	words := strings.Split(s[lead:], " ")
	var lines []string
	cur, curW, active := strings.Repeat(" ", lead), lead, ""
	fresh := true // nothing but indentation on cur yet
	for _, word := range words {
		ww := ansi.StringWidth(word)
		switch {
		case fresh:
			cur, curW, fresh = cur+word, curW+ww, false
		case curW+1+ww <= w:
			cur, curW = cur+" "+word, curW+1+ww
		default:
			if active != "" {
				cur += "\x1b[m"
			}
			lines = append(lines, cur)
			pad := strings.Repeat(" ", indent)
			cur, curW = pad+active+word, indent+ww
		}
		for _, seq := range sgr.FindAllString(word, -1) {
			if seq == "\x1b[m" || seq == "\x1b[0m" {
				active = ""
			} else {
				active = seq
			}
		}
	}
	return append(lines, cur)
}

// longestWord is the widest space-free run in lines, to tell whether a
// token fits beside the sidebar.
func longestWord(lines ...string) int {
	n := 0
	for _, l := range lines {
		for _, w := range strings.Fields(l) {
			n = max(n, ansi.StringWidth(w))
		}
	}
	return n
}
