//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/ptytest"
)

// ctrl+c in the TUI restores the terminal and exits 130, the shell's code for
// an interrupted command, with one line that says how to continue.
func TestCtrlCInTheTUIExits130(t *testing.T) {
	bin := wizardBinary(t)
	master, slave, err := ptytest.Open(30, 100)
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	defer master.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--demo")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "TERM=xterm-256color"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var screen bytes.Buffer
	buf := make([]byte, 32<<10)
	read := func(want string) {
		t.Helper()
		master.SetReadDeadline(time.Now().Add(10 * time.Second))
		for !strings.Contains(screen.String(), want) {
			n, err := master.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				t.Fatalf("never saw %q: %v", want, err)
			}
		}
	}
	read("Appmixer API URL") // the form is up: bubbletea has the terminal
	if n := strings.Count(screen.String(), "\x1b[?1049h"); n != 1 {
		t.Fatalf("start-up entered the alternate screen %d times, want once", n)
	}
	master.Write([]byte{3}) // ctrl+c
	read("interrupted")
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("want exit %d, got %v", exitInterrupted, err)
	}
	if !strings.Contains(screen.String(), "\x1b[?1049l") {
		t.Fatal("the alternate screen was not left: the terminal is not restored")
	}
}

// SIGINT while a headless run waits for the device code: exit 130 and the
// "interrupted" line, not an Azure error about a pending authorization.
func TestSIGINTWhileWaitingForTheDeviceCodeExits130(t *testing.T) {
	bin := wizardBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--demo", "--yes", "--state-dir", t.TempDir())
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), "enter the code") {
		n, err := stderr.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("never saw the device code: %v\n%s", err, seen.String())
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	rest, _ := io.ReadAll(stderr)
	seen.Write(rest)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("want exit %d, got %v\n%s", exitInterrupted, err, seen.String())
	}
	if out := seen.String(); !strings.Contains(out, "interrupted") || strings.Contains(out, "AADSTS") {
		t.Fatalf("stderr:\n%s", out)
	}
}
