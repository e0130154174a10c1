package main

import (
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// startFloor is how long the binary takes to start and exit with --help:
// runtime start, package inits and flag parsing, nothing of the TUI. It
// separates what the machine and the dependencies cost from what the
// first screen costs.
func startFloor(n int, bin string, env []string) (time.Duration, error) {
	var ds []time.Duration
	for range n + 1 {
		cmd := exec.Command(bin, "--help")
		cmd.Env = env
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	ds = ds[1:] // the first run warms the page cache
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

// loadAverage is the 1-minute load average (Linux), "" elsewhere: timings on a
// busy machine are slower, and the table says so.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}
