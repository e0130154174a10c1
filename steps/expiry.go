package steps

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Expiry is how long a new client secret lives: a number of months or days
// from now, or a fixed date. The zero value means DefaultExpiry.
type Expiry struct {
	Months int
	Days   int
	Date   time.Time
}

// DefaultExpiry is the Azure portal's furthest choice for a client secret:
// 24 months (learn.microsoft.com "Add and manage application credentials").
var DefaultExpiry = Expiry{Months: 24}

// The one rule for every way of giving a lifetime (flag, TUI, accessible):
// longer than status's warning window, so a new secret does not warn at once,
// and no further than the portal offers.
const (
	MinExpiry = SecretWarnBefore + 24*time.Hour // 61 days
	maxMonths = 24
)

// ExpiryRule says the rule in words, for --help, the forms and errors.
const ExpiryRule = "From 61 days to 24 months (the portal's furthest): 24months, 18m, 400d, 2y, or a date like 2027-12-31."

// ParseExpiry reads "24 months", "24mo", "18m", "400d", "2y", or a date
// "2027-12-31", and checks it against the rule, counted from now.
func ParseExpiry(s string) (Expiry, error) {
	return parseExpiryAt(s, time.Now())
}

func parseExpiryAt(s string, now time.Time) (Expiry, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return DefaultExpiry, nil
	}
	var e Expiry
	if d, err := time.Parse("2006-01-02", in); err == nil {
		e = Expiry{Date: d}
	} else {
		num := strings.TrimRightFunc(in, func(r rune) bool { return r < '0' || r > '9' })
		unit := strings.TrimSpace(in[len(num):])
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n <= 0 || n > 100000 {
			return Expiry{}, fmt.Errorf("secret expiry %q is not a length or a date: %s", s, ExpiryRule)
		}
		switch unit {
		case "m", "mo", "month", "months":
			e = Expiry{Months: n}
		case "d", "day", "days":
			e = Expiry{Days: n}
		case "y", "year", "years":
			e = Expiry{Months: 12 * n}
		default:
			return Expiry{}, fmt.Errorf("secret expiry %q has an unknown unit %q: %s", s, unit, ExpiryRule)
		}
	}
	end := e.End(now)
	switch {
	case end.Before(now.Add(MinExpiry)):
		return Expiry{}, fmt.Errorf("secret expiry %q is too soon (status warns 60 days ahead): %s", s, ExpiryRule)
	case end.After(now.AddDate(0, maxMonths, 1)):
		return Expiry{}, fmt.Errorf("secret expiry %q is further than 24 months: %s", s, ExpiryRule)
	}
	return e, nil
}

// End is the expiry instant counted from now.
func (e Expiry) End(now time.Time) time.Time {
	switch {
	case !e.Date.IsZero():
		return e.Date
	case e.Months == 0 && e.Days == 0:
		return DefaultExpiry.End(now)
	default:
		return now.AddDate(0, e.Months, e.Days)
	}
}

func (e Expiry) String() string {
	switch {
	case !e.Date.IsZero():
		return e.Date.Format("2006-01-02")
	case e.Days > 0:
		return fmt.Sprintf("%d days", e.Days)
	case e.Months > 0:
		return fmt.Sprintf("%d months", e.Months)
	default:
		return DefaultExpiry.String()
	}
}
