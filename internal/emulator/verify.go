package emulator

import (
	"fmt"
	"strings"
)

// TB is the part of testing.TB the check needs (this package does not import testing).
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
}

// FaultHolder is an emulator with a fault queue.
type FaultHolder interface{ UnusedFaults() []Fault }

// FailOnUnusedFaults fails tb at its end if one of the emulators still holds a
// fault with uses left that is not marked MayStayUnused. A fault the test queued but never
// hit means the test did not exercise what it set up (cli/cli's httpmock
// Registry.Verify fails a test on unmatched stubs for the same reason).
func FailOnUnusedFaults(tb TB, emulators ...FaultHolder) {
	tb.Helper()
	tb.Cleanup(func() {
		tb.Helper()
		for _, h := range emulators {
			if unused := h.UnusedFaults(); len(unused) > 0 {
				tb.Errorf("%T: the test ended with %d queued fault(s) not used up: %s; exercise them, call ClearFaults(), or mark them MayStayUnused",
					h, len(unused), describeFaults(unused))
			}
		}
	})
}

func describeFaults(fs []Fault) string {
	var parts []string
	for _, f := range fs {
		route := f.Route
		if route == "" {
			route = "any route"
		}
		var what []string
		switch {
		case f.Status != 0:
			what = append(what, fmt.Sprintf("status %d", f.Status))
		case f.Reset:
			what = append(what, "reset")
		}
		if f.Hang {
			what = append(what, "hang")
		}
		if f.AfterApply {
			what = append(what, "after apply")
		}
		parts = append(parts, fmt.Sprintf("{%s: %s, %d use(s) left}", route, strings.Join(what, ", "), f.Times))
	}
	return strings.Join(parts, " ")
}
