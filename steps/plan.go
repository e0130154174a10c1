package steps

import "fmt"

// Change is one thing a step will change (or changed), in words a person can read.
// Before/After never hold a secret: secret values are masked before they get here.
type Change struct {
	What   string `json:"what"`             // "redirect URI", "implicit grant: ID tokens", "clientSecret"
	Before string `json:"before,omitempty"` // "" = absent
	After  string `json:"after,omitempty"`  // "" = removed
}

// String renders the change as one line: "+ what: after", "- what: before", "~ what: before → after".
func (c Change) String() string {
	switch {
	case c.Before == "" && c.After != "":
		return fmt.Sprintf("+ %s: %s", c.What, c.After)
	case c.Before != "" && c.After == "":
		return fmt.Sprintf("- %s: %s", c.What, c.Before)
	case c.Before == "" && c.After == "":
		return "+ " + c.What
	default:
		return fmt.Sprintf("~ %s: %s → %s", c.What, c.Before, c.After)
	}
}

// Plan is what a step found and what it would change.
type Plan struct {
	Found   []string `json:"found,omitempty"`   // what is there now, one line each
	Changes []Change `json:"changes,omitempty"` // empty = nothing to do
	Notes   []string `json:"notes,omitempty"`   // why, warnings, hints ("single-tenant needs the tenant field")
	// Skippable says skipping this step leaves a working setup (the TUI offers "skip" only then).
	Skippable bool `json:"-"`
}

// Empty reports whether the step has nothing to change.
func (p Plan) Empty() bool { return len(p.Changes) == 0 }
