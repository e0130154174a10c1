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

// maxExpiryDays bounds input so date arithmetic cannot overflow.
const maxExpiryDays = 100 * 366

// ParseExpiry reads "24 months", "24mo", "18m", "730d", "2y", or a date "2028-11-27".
func ParseExpiry(s string) (Expiry, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return DefaultExpiry, nil
	}
	if d, err := time.Parse("2006-01-02", in); err == nil {
		if !d.After(time.Now()) {
			// Graph would refuse it only after the app exists (400 on endDateTime).
			return Expiry{}, fmt.Errorf("secret expiry %s is not in the future: give a later date or a length (24months, 730d)", in)
		}
		return Expiry{Date: d}, nil
	}
	num := strings.TrimRightFunc(in, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.TrimSpace(in[len(num):])
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || n <= 0 {
		return Expiry{}, fmt.Errorf("secret expiry %q: give a number of months or days (24months, 730d, 2y) or a date (2028-11-27)", s)
	}
	var e Expiry
	switch unit {
	case "m", "mo", "month", "months":
		e = Expiry{Months: n}
	case "d", "day", "days":
		e = Expiry{Days: n}
	case "y", "year", "years":
		e = Expiry{Months: 12 * n}
	default:
		return Expiry{}, fmt.Errorf("secret expiry %q: unknown unit %q; use months (24months), days (730d), years (2y) or a date (2028-11-27)", s, unit)
	}
	if e.Days > maxExpiryDays || e.Months > maxExpiryDays/31 {
		return Expiry{}, fmt.Errorf("secret expiry %q is too far away; the Azure portal's furthest is 24 months", s)
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
