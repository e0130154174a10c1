//go:build linux

package main

import (
	"os"
	"os/exec"
	"syscall"

	"github.com/appmixer-tools/msconnector-wizard/internal/ptytest"
)

// attachPTY makes the slave the child's controlling terminal and std streams,
// as a login shell in a terminal emulator would.
func attachPTY(cmd *exec.Cmd, slave *os.File) {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
}

// openPTY opens the pseudo-terminal the measured child runs in.
func openPTY(rows, cols uint16) (master, slave *os.File, err error) { return ptytest.Open(rows, cols) }
