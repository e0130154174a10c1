package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// frameMarker is text of the TUI's first screen (the header; "Connector setup"
// on narrow terminals), compared after stripping escape sequences, so the
// window title (an OSC sequence) does not count as a frame.
const frameMarker = "connector setup"

// frameTrace, when set, receives every chunk the TUI writes, with its time.
var frameTrace io.Writer

// firstFrame starts bin in a 100×30 pseudo-terminal and returns the time from
// just before fork/exec until the first screen's header has been written.
func firstFrame(bin string, env []string, args ...string) (time.Duration, error) {
	master, slave, err := openPTY(30, 100)
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	attachPTY(cmd, slave)

	found := make(chan time.Time, 1)
	readDone := make(chan struct{})
	var (
		mu  sync.Mutex
		out bytes.Buffer
	)
	snapshot := func() []byte { mu.Lock(); defer mu.Unlock(); return bytes.Clone(out.Bytes()) }
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, fmt.Errorf("start %s: %w", bin, err)
	}
	if frameTrace != nil {
		fmt.Fprintf(frameTrace, "started at unix %d µs\n", start.UnixMicro())
	}
	slave.Close() // the child holds its own copy; EOF/EIO on master once it exits
	go func() {
		defer close(readDone)
		buf := make([]byte, 32<<10)
		sent := false
		for {
			n, err := master.Read(buf)
			if n > 0 && !sent {
				if frameTrace != nil {
					fmt.Fprintf(frameTrace, "%7.2fms %q\n", ms(time.Since(start)), buf[:n])
				}
				mu.Lock()
				out.Write(buf[:n])
				screen := ansi.Strip(out.String())
				mu.Unlock()
				if strings.Contains(strings.ToLower(screen), frameMarker) {
					found <- time.Now()
					sent = true
				}
			}
			if err != nil {
				return
			}
		}
	}()

	var d time.Duration
	select {
	case at := <-found:
		d = at.Sub(start)
	case <-readDone:
		err = fmt.Errorf("the program exited before drawing its first screen: %q", lastBytes(snapshot(), 300))
	case <-time.After(10 * time.Second):
		err = fmt.Errorf("no first screen within 10s: %q", lastBytes(snapshot(), 300))
	}
	stopChild(cmd, master)
	return d, err
}

// stopChild asks the TUI to quit with Ctrl-C, then kills it if it lingers.
func stopChild(cmd *exec.Cmd, master *os.File) {
	_, _ = master.Write([]byte{3})
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func lastBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// firstFrameStats runs firstFrame n times (after one warm-up that fills the
// page cache) and returns the fastest, the median and the slowest.
func firstFrameStats(n int, bin string, env []string, args ...string) (best, median, worst time.Duration, err error) {
	if _, err := firstFrame(bin, env, args...); err != nil {
		return 0, 0, 0, err
	}
	var ds []time.Duration
	for range n {
		d, err := firstFrame(bin, env, args...)
		if err != nil {
			return 0, 0, 0, err
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[0], ds[len(ds)/2], ds[len(ds)-1], nil
}
