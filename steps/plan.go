package steps

// Plan is what a step found and what it would change, computed once from what
// its Check read. Apply carries it out; a dry run projects it.
type Plan struct {
	Found   []string `json:"found,omitempty"`   // what is there now, one line each
	Changes []Change `json:"changes,omitempty"` // empty = nothing to do
	Notes   []string `json:"notes,omitempty"`   // why, warnings ("single-tenant needs the tenant field")
	// Skippable says skipping this step leaves a working setup (front ends offer "skip" only then).
	Skippable bool `json:"-"`
	// SkipNote says what skipping leaves; it belongs to the question only, not
	// to what the step did (a note applied would be untrue).
	SkipNote string `json:"-"`
	// ConfirmName, when set, must be typed exactly to apply (teardown: the app's name).
	ConfirmName string `json:"-"`
}

// Empty reports whether the step has nothing to change.
func (p Plan) Empty() bool { return len(p.Changes) == 0 }

// Has reports whether the plan changes subject (with one of kinds, if given).
func (p Plan) Has(subject Subject, kinds ...Kind) bool {
	return len(changesOf(p.Changes, subject, kinds...)) > 0
}
