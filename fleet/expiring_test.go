package fleet

import (
	"errors"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func TestNeedsAction(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	status := func(expires time.Time, checks ...steps.StatusCheck) Result {
		return Result{Outcome: &steps.Outcome{Summary: steps.Summary{SecretExpires: expires}, Status: &steps.StatusReport{Checks: checks}}}
	}
	ok := steps.StatusCheck{Name: "Redirect URIs", Level: steps.StatusOK}
	soonWarn := steps.StatusCheck{Name: secretExpiryCheck, Level: steps.StatusWarn}
	cases := []struct {
		name   string
		r      Result
		window time.Duration
		want   bool
	}{
		{"all fine, far expiry", status(now.AddDate(1, 0, 0), ok), 60 * 24 * time.Hour, false},
		{"expires within the window", status(now.AddDate(0, 0, 50), ok, soonWarn), 60 * 24 * time.Hour, true},
		{"60-day warning outside a 14-day window", status(now.AddDate(0, 0, 50), ok, soonWarn), 14 * 24 * time.Hour, false},
		{"a wider window than status warns for", status(now.AddDate(0, 0, 80), ok), 90 * 24 * time.Hour, true},
		{"a failed check", status(now.AddDate(1, 0, 0), steps.StatusCheck{Name: "Redirect URIs", Level: steps.StatusFail}), time.Hour, true},
		{"expiry unknown", status(time.Time{}, soonWarn), time.Hour, true},
		{"could not run", Result{Err: errors.New("tenant t1: sign-in failed")}, time.Hour, true},
	}
	for _, c := range cases {
		if got := NeedsAction(c.r, c.window, now); got != c.want {
			t.Errorf("%s: NeedsAction = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"60d": 60 * 24 * time.Hour, "8w": 56 * 24 * time.Hour, "720h": 720 * time.Hour, "14 days": 14 * 24 * time.Hour} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "0d", "60x"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
