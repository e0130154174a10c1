// Package testwait is the tests' one way to wait for something: poll a
// condition with a deadline, never sleep for a guessed time.
package testwait

import (
	"testing"
	"time"
)

// Until polls cond until it holds, failing t if within passes first.
func Until(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(2 * time.Millisecond) // polling interval, not a wait for an outcome
	}
}
