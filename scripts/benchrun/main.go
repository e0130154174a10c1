// Command benchrun builds msconnector-wizard and measures it against the
// issue-8 performance budgets: first frame in a pseudo-terminal, peak memory
// of a --demo run, binary size, and round trips / wall time of a fresh setup
// and a re-run against the emulators with latency and replication delay.
// It prints a table with PASS/FAIL per budget and exits 1 if any budget fails.
// Run it from the repository root: scripts/bench.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Budgets (issue 8).
const (
	budgetFirstFrame  = 30 * time.Millisecond
	budgetPeakMemory  = 30 << 20
	budgetBinary      = 25_000_000
	budgetFreshCalls  = 12
	budgetFreshRatio  = 1.2
	budgetRerunCalls  = 8
	budgetCatchUp     = 500 * time.Millisecond
	frameRuns         = 10
	defaultLatency    = 50 * time.Millisecond
	defaultReplDelay  = 2 * time.Second
	binaryName        = "msconnector-wizard"
	exitBudgetFailed  = 1
	exitBenchBroken   = 2
	mib               = 1 << 20
	demoRunTimeout    = 60 * time.Second
	binarySizeDivisor = 1e6
)

type row struct {
	measure, value, budget string
	ok                     *bool // nil: information only
}

func main() {
	latency := flag.Duration("latency", defaultLatency, "injected latency per request, both emulators")
	repl := flag.Duration("replication", defaultReplDelay, "Graph replication delay for a new app")
	bin := flag.String("bin", "", "measure this binary instead of building one")
	verbose := flag.Bool("v", false, "print the request logs of the setup runs")
	trace := flag.Bool("frame-trace", false, "only trace one TUI start: what it writes before its first frame, with times")
	flag.Parse()

	dir, err := os.MkdirTemp("", "msconnector-bench-*")
	if err != nil {
		fail("make a temporary directory: %v", err)
	}
	defer os.RemoveAll(dir)

	if *bin == "" {
		*bin = filepath.Join(dir, binaryName)
		fmt.Fprintln(os.Stderr, "building", *bin, "…")
		b := exec.Command("go", "build", "-o", *bin, ".")
		b.Stdout, b.Stderr = os.Stderr, os.Stderr
		if err := b.Run(); err != nil {
			fail("go build . failed (%v): the compiler's messages are above; fix the build, then run scripts/bench again", err)
		}
	}

	if *trace {
		frameTrace = os.Stderr
		d, err := firstFrame(*bin, baseEnv(dir), flag.Args()...)
		if err != nil {
			fail("%v", err)
		}
		fmt.Printf("first frame after %.1f ms\n", ms(d))
		return
	}

	var rows []row
	add := func(measure, value, budget string, ok *bool) {
		rows = append(rows, row{measure, value, budget, ok})
	}

	// Binary size.
	fi, err := os.Stat(*bin)
	if err != nil {
		fail("stat the binary: %v", err)
	}
	add("binary size", fmt.Sprintf("%.1f MB", float64(fi.Size())/binarySizeDivisor), "≤ 25 MB", pass(fi.Size() <= budgetBinary))

	// First frame: what an admin runs (budget), and the demo (information).
	fmt.Fprintln(os.Stderr, "measuring the first frame in a pseudo-terminal …")
	cpus := fmt.Sprintf("%d CPUs, load average %s", runtime.NumCPU(), loadAverage())
	if floor, err := startFloor(frameRuns, *bin, baseEnv(dir)); err == nil {
		add("start and exit, --help", fmt.Sprintf("%.1f ms median (%s)", ms(floor), cpus), "(info: runtime + package inits)", nil)
	}
	for _, c := range []struct {
		name     string
		args     []string
		budgeted bool
	}{{"first frame (TUI)", nil, true}, {"first frame (TUI --demo)", []string{"--demo"}, false}} {
		best, med, worst, err := firstFrameStats(frameRuns, *bin, baseEnv(dir), c.args...)
		if err != nil {
			add(c.name, "error: "+err.Error(), "≤ 30 ms", pass(false))
			continue
		}
		value := fmt.Sprintf("%.1f ms median (best %.1f, worst %.1f of %d)", ms(med), ms(best), ms(worst), frameRuns)
		if c.budgeted {
			add(c.name, value, "≤ 30 ms (median)", pass(med <= budgetFirstFrame))
		} else {
			add(c.name, value, "(info: also starts both emulators)", nil)
		}
	}

	// Peak memory of a full --demo --yes run.
	fmt.Fprintln(os.Stderr, "measuring peak memory of a --demo --yes run …")
	rss, wall, err := demoPeak(*bin, dir)
	if err != nil {
		add("peak memory (--demo --yes)", "error: "+err.Error(), "≤ 30 MiB", pass(false))
	} else {
		add("peak memory (--demo --yes)", fmt.Sprintf("%.1f MiB (run took %.1f s)", float64(rss)/mib, wall.Seconds()), "≤ 30 MiB", pass(rss <= budgetPeakMemory))
	}

	// Fresh setup and re-run, headless, against emulators with latency + replication delay.
	fmt.Fprintf(os.Stderr, "measuring a fresh setup and a re-run (latency %s per request, replication delay %s) …\n", *latency, *repl)
	em, err := newEmulated(dir, *latency, *repl)
	if err != nil {
		fail("%v", err)
	}
	defer em.close()
	fresh, err := em.run(*bin)
	if err != nil {
		add("fresh setup", "error: "+err.Error(), "", pass(false))
	} else {
		ideal := fresh.ideal(*latency, *repl)
		ratio := fresh.Wall.Seconds() / ideal.Seconds()
		add("fresh setup: round trips", fmt.Sprintf("%d (%d writes; %d replication-delay answers retried)", fresh.Calls, fresh.Writes, fresh.Waits), "≤ 12", pass(fresh.Calls <= budgetFreshCalls))
		add("fresh setup: wall time", fmt.Sprintf("%.2f s; ideal %d×%s + %s = %.2f s; ratio %.2f", fresh.Wall.Seconds(), fresh.Calls, *latency, *repl, ideal.Seconds(), ratio), "≤ 1.2 × ideal", pass(ratio <= budgetFreshRatio))
		if fresh.CaughtUp {
			add("moves on after replication", fmt.Sprintf("%.0f ms after the app became consistent", ms(fresh.Lateness)), "≤ 500 ms", pass(fresh.Lateness <= budgetCatchUp))
		} else {
			add("moves on after replication", "no replication-delay answer was seen", "≤ 500 ms", pass(*repl == 0))
		}
	}
	if *verbose {
		printLog("fresh setup", fresh.Log)
	}
	if err == nil {
		rerun, err := em.run(*bin)
		if err != nil {
			add("re-run", "error: "+err.Error(), "", pass(false))
		} else {
			ideal := rerun.ideal(*latency, 0)
			add("re-run: round trips", fmt.Sprintf("%d (%d writes)", rerun.Calls, rerun.Writes), "≤ 8, no writes", pass(rerun.Calls <= budgetRerunCalls && rerun.Writes == 0))
			add("re-run: wall time", fmt.Sprintf("%.2f s; ideal %d×%s = %.2f s; ratio %.2f", rerun.Wall.Seconds(), rerun.Calls, *latency, ideal.Seconds(), rerun.Wall.Seconds()/ideal.Seconds()), "(info)", nil)
		}
		if *verbose {
			printLog("re-run", rerun.Log)
		}
	}

	fmt.Fprintf(os.Stderr, "measuring an inventory of %d instances on 2 tenants (latency %s, replication delay %s) …\n", inventoryInstances, *latency, *repl)
	rows = append(rows, inventoryRows(*bin, dir, *latency, *repl)...)

	if failed := printTable(os.Stdout, rows); failed > 0 {
		fmt.Printf("\n%d budget(s) FAILED\n", failed)
		os.Exit(exitBudgetFailed)
	}
	fmt.Println("\nall budgets PASS")
}

// demoPeak runs `--demo --yes` to completion and returns its peak RSS.
func demoPeak(bin, dir string) (int64, time.Duration, error) {
	cmd := exec.Command(bin, "--demo", "--yes")
	cmd.Env = baseEnv(dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	timer := time.AfterFunc(demoRunTimeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	wall := time.Since(start)
	if err != nil {
		return 0, wall, fmt.Errorf("--demo --yes failed (%v): %s", err, strings.TrimSpace(lastBytes(stderr.Bytes(), 300)))
	}
	rss, err := maxRSS(cmd)
	return rss, wall, err
}

func printTable(w io.Writer, rows []row) (failed int) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| measure | value | budget | result |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		res := "info"
		if r.ok != nil {
			res = "PASS"
			if !*r.ok {
				res = "FAIL"
				failed++
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.measure, r.value, r.budget, res)
	}
	return failed
}

func printLog(name string, log []string) {
	fmt.Fprintf(os.Stderr, "\n%s requests (arrival after process start):\n", name)
	for _, l := range log {
		fmt.Fprintln(os.Stderr, " ", l)
	}
}

func pass(ok bool) *bool { return &ok }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	os.Exit(exitBenchBroken)
}
