//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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

// A signal while a headless run waits for the device code: exit 130 and the
// "interrupted" line, not an Azure error about a pending authorization. The
// line says how to continue; in a demo scene, that running the scene again
// would start it over. SIGHUP (the terminal closed) stops it the same way,
// and the demo's world is kept for the next run.
func TestSignalWhileWaitingForTheDeviceCodeExits130(t *testing.T) {
	bin := wizardBinary(t)
	for _, c := range []struct {
		name  string
		sig   syscall.Signal
		extra []string
		want  string
	}{
		{"SIGINT", syscall.SIGINT, nil, "run the same command again to continue"},
		{"SIGINT in a scene", syscall.SIGINT, []string{"--demo-scene", "existing"}, "run it again without --demo-scene"},
		{"SIGHUP", syscall.SIGHUP, []string{"--demo-scene", "existing"}, "interrupted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			state := t.TempDir()
			cmd := exec.CommandContext(ctx, bin, append([]string{"--demo", "--yes", "--state-dir", state}, c.extra...)...)
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
			cmd.Process.Signal(c.sig)
			rest, _ := io.ReadAll(stderr)
			seen.Write(rest)
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
				t.Fatalf("want exit %d, got %v\n%s", exitInterrupted, err, seen.String())
			}
			if out := seen.String(); !strings.Contains(out, c.want) || strings.Contains(out, "AADSTS") {
				t.Fatalf("stderr lacks %q:\n%s", c.want, out)
			}
			if _, err := os.Stat(filepath.Join(state, "demo", "world.json")); err != nil {
				t.Fatalf("the demo world was not kept: %v", err)
			}
		})
	}
}
