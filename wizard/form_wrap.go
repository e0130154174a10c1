package wizard

import "strings"

// huh wraps a field's description at ",.-; " as well as spaces, which cuts
// Files.ReadWrite.All or 2027-12-31 in two. So the form's descriptions are
// wrapped here, at spaces only, to the width huh gives them (the pane less
// the field's border and padding); huh then finds every line fits.

// fieldFrame is what huh's field style takes from the pane's width: the
// focus border and one column of padding.
const fieldFrame = 2

// describe sets a field's description now and again at every width.
func (a *answers) describe(set func(string), text string) {
	a.describers = append(a.describers, func(w int) { set(Wrap(text, w)) })
	set(Wrap(text, a.descWidth))
}

// rewrap wraps every description of the form on screen for a pane width.
func (a *answers) rewrap(paneWidth int) {
	a.descWidth = paneWidth - fieldFrame
	for _, d := range a.describers {
		d(a.descWidth)
	}
}

// Wrap breaks text at spaces to w columns (w ≤ 0: as it is), never inside a
// URL, an ID or a flag; --help's descriptions use it too.
func Wrap(text string, w int) string {
	if w <= 0 {
		return text
	}
	return strings.Join(wrapWords(text, w, 0), "\n")
}
