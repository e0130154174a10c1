//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

func maxRSS(cmd *exec.Cmd) (int64, error) {
	return 0, errors.New("peak memory is measured with getrusage(2): run the bench on Linux")
}
