package main

import (
	"fmt"
	"io"
	"os"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

var debugFlags = map[string]flagDef{
	"debug": {usage: "write every HTTP exchange (redacted: no token, password or secret) to stderr",
		bind: boolean(func(v *values) *bool { return &v.extra.debug })},
	"debug-file": {usage: "write the redacted HTTP trace to this file (0600)",
		bind: str(func(v *values) *string { return &v.extra.debugFile }, "")},
}

// checkTrace: the full-screen UI covers stderr, so there the trace needs a file.
func (a *app) checkTrace() error {
	if a.v.extra.debug && a.v.extra.debugFile == "" && a.interactive() && !a.v.accessible {
		return usageError{msg: "--debug writes to stderr, which the full-screen wizard covers: use --debug-file FILE (or --yes)"}
	}
	return nil
}

// startTrace starts httpx's redacted trace where --debug and --debug-file
// say; the returned stop ends it (and closes the file).
func (a *app) startTrace() (func(), error) {
	x := a.v.extra
	var ws []io.Writer
	var f *os.File
	if x.debugFile != "" {
		var err error
		f, err = os.OpenFile(x.debugFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err == nil {
			err = f.Chmod(0o600) // a file that existed keeps its mode otherwise
		}
		if err != nil {
			return nil, usageError{msg: fmt.Sprintf("--debug-file %s: %v", x.debugFile, err)}
		}
		ws = append(ws, f)
	}
	if x.debug {
		ws = append(ws, a.env.err)
	}
	if len(ws) == 0 {
		return func() {}, nil
	}
	stop := httpx.StartTrace(io.MultiWriter(ws...))
	return func() {
		stop()
		if f != nil {
			_ = f.Close()
		}
	}, nil
}
