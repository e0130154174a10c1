package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Without a terminal and without --yes the binary must not wait for answers
// nobody can give: exit 2 at once, naming --yes and what is missing.
func TestNoTerminalWithoutYesExits2Promptly(t *testing.T) {
	bin := wizardBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin) // stdin: /dev/null; stdout, stderr: pipes
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatal("still running after a second: it is waiting for input that cannot come")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
		t.Fatalf("want exit 2, got %v; stderr %q", err, stderr.String())
	}
	for _, want := range []string{"--yes", "--appmixer-url", "APPMIXER_URL", "APPMIXER_PASSWORD"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not name %s", stderr.String(), want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout should stay empty, got %q", stdout.String())
	}
}
