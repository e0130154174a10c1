package testwait

import (
	"sync/atomic"
	"testing"
	"time"
)

type fatalTB struct {
	testing.TB
	failed bool
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(string, ...any) {
	f.failed = true
	panic(f) // stop like t.Fatalf does
}

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	var n atomic.Int32
	Until(t, time.Second, "three polls", func() bool { return n.Add(1) >= 3 })
	if n.Load() != 3 {
		t.Fatalf("polled %d times", n.Load())
	}
}

func TestUntilFailsAtTheDeadline(t *testing.T) {
	f := &fatalTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		Until(f, 20*time.Millisecond, "never", func() bool { return false })
	}()
	if !f.failed {
		t.Fatal("a condition that never holds did not fail the test")
	}
}
