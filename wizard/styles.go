package wizard

import (
	"charm.land/lipgloss/v2"
)

// Colours are plain ANSI-256 indexes: bubbletea downsamples them to what the
// terminal supports and drops them entirely under NO_COLOR (colorprofile).
// Nothing is shown by colour alone: every state also has its own icon.
var (
	colAccent = lipgloss.Color("63")  // violet: current step, titles
	colOK     = lipgloss.Color("35")  // green: done, additions
	colWarn   = lipgloss.Color("214") // amber: warnings, modifications
	colBad    = lipgloss.Color("203") // red: failures, removals
	colDim    = lipgloss.Color("245") // grey: pending, hints
)

type styles struct {
	banner, header, sidebar             lipgloss.Style
	title, screen, about, dim, bold     lipgloss.Style
	add, remove, modify, note, err      lipgloss.Style
	keyName, keyDesc, code, codeBox, ok lipgloss.Style
	current, done, warn, failed         lipgloss.Style
}

func newStyles() styles {
	return styles{
		banner:  lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(colWarn).Padding(0, 1),
		header:  lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		sidebar: lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, true, false, false).BorderForeground(colDim).PaddingRight(1),
		title:   lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		screen:  lipgloss.NewStyle().Foreground(colDim).Italic(true),
		about:   lipgloss.NewStyle(),
		dim:     lipgloss.NewStyle().Foreground(colDim),
		bold:    lipgloss.NewStyle().Bold(true),
		add:     lipgloss.NewStyle().Foreground(colOK),
		remove:  lipgloss.NewStyle().Foreground(colBad),
		modify:  lipgloss.NewStyle().Foreground(colWarn),
		note:    lipgloss.NewStyle().Foreground(colWarn),
		err:     lipgloss.NewStyle().Foreground(colBad).Bold(true),
		keyName: lipgloss.NewStyle().Bold(true),
		keyDesc: lipgloss.NewStyle().Foreground(colDim),
		code:    lipgloss.NewStyle().Bold(true),
		codeBox: lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(colAccent).Padding(1, 4),
		ok:      lipgloss.NewStyle().Foreground(colOK).Bold(true),
		current: lipgloss.NewStyle().Foreground(colAccent).Bold(true),
		done:    lipgloss.NewStyle().Foreground(colOK),
		warn:    lipgloss.NewStyle().Foreground(colWarn),
		failed:  lipgloss.NewStyle().Foreground(colBad).Bold(true),
	}
}

// stepStatus is a step's place in the sidebar.
type stepStatus int

const (
	statusPending stepStatus = iota
	statusCurrent
	statusDone
	statusWarning // skipped, or done with something to look at
	statusFailed
	statusStopped // not finished because another step failed
)

// Icons are distinct characters so the state reads without colour.
func (s stepStatus) icon() string {
	switch s {
	case statusCurrent:
		return "●"
	case statusDone:
		return "✓"
	case statusWarning:
		return "!"
	case statusFailed:
		return "x"
	case statusStopped:
		return "–"
	default:
		return "○"
	}
}

func (st styles) forStatus(s stepStatus) lipgloss.Style {
	switch s {
	case statusCurrent:
		return st.current
	case statusDone:
		return st.done
	case statusWarning:
		return st.warn
	case statusFailed:
		return st.failed
	default:
		return st.dim
	}
}
