package wizard

import (
	"charm.land/bubbles/v2/key"
)

// keyMap is every key the TUI answers to. Each screen lists the bindings it
// takes (keys method); its Update matches only those, and the footer renders
// exactly those, so no key works that the footer does not show and none is
// shown that does not work. ctrl+c quits anywhere (README).
type keyMap struct {
	Apply, Skip, NoSkip, Quit, QuitToMenu, Menu, Retry, Fix, Finish key.Binding
	Scroll, Copy, Open, Interrupt                                   key.Binding
	Choose, Select, Pick                                            key.Binding
	Delete, Keep                                                    key.Binding
	FormNext, FormBack, FormChoose, FormToggle, FormMenu            key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Apply:      b("enter", "apply", "enter", "a", "y"),
		Skip:       b("s", "skip", "s"),
		NoSkip:     b("s", "can't skip", "s"),
		Quit:       b("q", "quit", "q", "esc"),
		QuitToMenu: b("q", "menu", "q", "esc"),
		Menu:       b("m", "menu", "m"),
		Retry:      b("r", "retry", "r", "enter"),
		Fix:        b("r", "change answer", "r", "enter"),
		Finish:     b("enter", "finish", "enter", "q", "esc"),
		Scroll:     b("↑/↓ pgup/pgdn", "scroll", "up", "down", "pgup", "pgdown", "home", "end"),
		Copy:       b("c", "copy code", "c"),
		Open:       b("o", "open browser", "o"),
		Interrupt:  b("ctrl+c", "quit", "ctrl+c"),
		Choose:     b("↑/↓", "choose", "up", "down", "tab", "shift+tab"),
		Select:     b("enter", "select", "enter"),
		Pick:       b("1-5", "pick", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Delete:     b("enter", "delete", "enter"),
		Keep:       b("esc", "keep the app", "esc"),
		FormNext:   b("enter", "next", "enter", "tab"),
		FormBack:   b("shift+tab", "back", "shift+tab"),
		FormChoose: b("↑/↓", "choose", "up", "down"),
		FormToggle: b("←/→", "choose", "left", "right"),
		FormMenu:   b("esc", "menu", "esc"),
	}
}

// cannotSkip answers s on a plan that offers no skip: skipping it would
// leave the command undone, so the choice is to apply or to stop.
const cannotSkip = "This step cannot be skipped: the command would not do its job without it."

// quitWord says what q does on a plan: stop, or go back to the start menu
// when the command was chosen there.
func (k keyMap) quitWord(chosen bool) string {
	if chosen {
		return "q to go back to the menu"
	}
	return "q to stop"
}
