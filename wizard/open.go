package wizard

import (
	"os/exec"
	"runtime"
)

// browserOpener is the TUI's "open the sign-in page" key: none in the demo,
// which starts no program.
func browserOpener(demo bool) func(string) error {
	if demo {
		return nil
	}
	return openBrowser
}

// openBrowser opens url in the default browser. Output is discarded so the
// opener cannot scribble over the TUI (pkg/browser would write to stdout).
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; the browser outlives us
	return nil
}
