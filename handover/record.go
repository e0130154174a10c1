// Package handover writes what a customer's admin keeps after a run: a
// Markdown record of the setup (never a secret) and a calendar reminder to
// rotate the client secret before it expires.
package handover

import (
	"fmt"
	"slices"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/privfile"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// RemindBefore is how long before the secret expires the reminder falls
// (and the record's "rotate before" date).
const RemindBefore = 14 * 24 * time.Hour

// Record is what one handover record says: the run's Outcome (its Summary
// never holds a secret) and what the run itself knows.
type Record struct {
	Written  time.Time
	Version  string // this tool's version
	Instance string // the inventory's name; "" for a single run
	Outcome  *steps.Outcome
	// Rotate is the command line that rotates the secret (no credential in it).
	Rotate string
}

// RotateBy is the date to rotate the secret by: RemindBefore its expiry.
func RotateBy(expires time.Time) time.Time { return expires.Add(-RemindBefore) }

// keysSet are the appmixer:microsoft keys the run added or changed, by name.
func keysSet(s steps.Summary) []string {
	var out []string
	for _, r := range s.Steps {
		if r.Status != steps.StatusDone {
			continue
		}
		for _, c := range r.Changes {
			if c.Subject == steps.SubjectConfigKey && c.Kind != steps.Remove && !slices.Contains(out, c.Name) {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// WriteFile writes data owner-only (0600), through a temporary file so a
// reader never sees half a record.
func WriteFile(path string, data []byte) error {
	if err := privfile.Write(path, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
