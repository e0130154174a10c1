package steps_test

import (
	"context"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Benchmarks of the setup flow against the emulators (no injected latency, so
// ns/op is the program's own cost). Round trips are reported as custom metrics;
// scripts/bench measures wall time with latency and replication delay.
//
//	go test -run '^$' -bench . ./steps/

// benchRun walks the setup flow once with a fresh State, as a new process would.
func benchRun(b *testing.B, h *harness) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out := steps.NewSession(h.opts).Run(ctx, steps.Request{Command: "setup"}, steps.Yes{}, nil); out.Err != nil {
		b.Fatalf("setup failed: %v\n%s", out.Err, h.log())
	}
}

// BenchmarkFreshSetup: an empty tenant and an Appmixer without the connector
// configured, set up end to end. Each iteration gets new emulators (untimed).
func BenchmarkFreshSetup(b *testing.B) {
	var calls, writes int
	for b.Loop() {
		b.StopTimer()
		h := newHarness(b)
		b.StartTimer()
		benchRun(b, h)
		b.StopTimer()
		c, w := h.calls()
		calls, writes = calls+c, writes+w
		if len(h.az.Applications()) != 1 {
			b.Fatalf("want one app registration, have %d", len(h.az.Applications()))
		}
		h.az.Close()
		h.amx.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(writes)/float64(b.N), "writes/op")
}

// BenchmarkRerun: the same setup run again with nothing to do; it must not write.
func BenchmarkRerun(b *testing.B) {
	h := newHarness(b)
	benchRun(b, h)
	var calls int
	for b.Loop() {
		b.StopTimer()
		h.resetLogs()
		b.StartTimer()
		benchRun(b, h)
		b.StopTimer()
		c, w := h.calls()
		if w != 0 {
			b.Fatalf("re-run wrote %d times:\n%s", w, h.log())
		}
		calls += c
		b.StartTimer()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "roundtrips/op")
	b.ReportMetric(0, "writes/op")
}
