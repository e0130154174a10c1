//go:build linux

package main

import (
	"fmt"
	"os/exec"
	"syscall"
)

// maxRSS is the child's peak resident set size in bytes (getrusage(2) via
// wait4: ru_maxrss, which Linux reports in KiB).
func maxRSS(cmd *exec.Cmd) (int64, error) {
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, fmt.Errorf("no resource usage for the child process")
	}
	return ru.Maxrss * 1024, nil
}
