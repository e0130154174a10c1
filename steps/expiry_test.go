package steps

import (
	"strings"
	"testing"
	"time"
)

// One rule for every way of giving a lifetime: from 61 days to 24 months.
func TestExpiryRule(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want string // "" accepted; else part of the error
	}{
		{"", ""}, {"24months", ""}, {"24 months", ""}, {"18m", ""}, {"2y", ""}, {"400d", ""}, {"61d", ""},
		{"2028-12-04", ""}, {"2027-02-04", ""},
		{"60d", "too soon"}, {"1d", "too soon"}, {"2026-12-05", "too soon"}, {"2020-01-01", "too soon"},
		{"25months", "further than 24 months"}, {"3y", "further than 24 months"}, {"20y", "further than 24 months"},
		{"99y", "further than 24 months"}, {"800d", "further than 24 months"}, {"2099-01-01", "further than 24 months"},
		{"forever", "not a length or a date"}, {"2 weeks", "unknown unit"}, {"-5m", "not a length"},
	} {
		_, err := parseExpiryAt(c.in, now)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q refused: %v", c.in, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: want an error with %q, got %v", c.in, c.want, err)
		case err != nil && !strings.Contains(err.Error(), ExpiryRule):
			t.Errorf("%q: the error does not state the rule: %v", c.in, err)
		}
	}
}

// "in N days" counts the calendar days to the date shown beside it.
func TestDescribeDaysCountsCalendarDays(t *testing.T) {
	now := time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		end  time.Time
		want string
	}{
		{time.Date(2026, 12, 14, 18, 0, 0, 0, time.UTC), "10 days"}, // less than 10×24h away
		{now.AddDate(0, 24, 0).Add(-time.Minute), "731 days"},       // 2028 is a leap year
		{time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC), "1 day"},
	} {
		if got := describeDays(now, c.end); got != c.want {
			t.Errorf("%s → %s: %q, want %q", now, c.end, got, c.want)
		}
	}
}
