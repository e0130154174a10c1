package wizard

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// prepaint draws the model's first screen straight onto the terminal before
// bubbletea starts: bubbletea's own start-up and first renderer tick take
// about 25 ms, and the person should see the wizard at once. bubbletea then
// takes over the same alternate screen and repaints the same content. It
// reports whether it drew (then the alternate screen must be left if
// bubbletea never starts).
func prepaint(out io.Writer, m *model) bool {
	f, ok := out.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return false
	}
	w, h, err := term.GetSize(f.Fd())
	if err != nil || w <= 0 || h <= 0 {
		return false
	}
	m.width, m.height = w, h
	frame := ansi.SetModeAltScreenSaveCursor + ansi.HideCursor + ansi.EraseEntireScreen + ansi.CursorHomePosition +
		strings.ReplaceAll(m.render(), "\n", "\r\n")
	// The same colour downsampling bubbletea applies (NO_COLOR, 16 colours, …).
	cw := colorprofile.NewWriter(f, os.Environ())
	_, err = io.WriteString(cw, frame)
	return err == nil
}

// unprepaint leaves the alternate screen prepaint entered.
func unprepaint(out io.Writer) {
	_, _ = io.WriteString(out, ansi.ResetModeAltScreenSaveCursor+ansi.ShowCursor)
}
