package fleet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// secretExpiryCheck is the name of status's expiry line: the one check
// --expiring-within replaces with its own window.
const secretExpiryCheck = "Secret expiry"

// NeedsAction reports whether an instance's status needs someone: it could
// not be checked, a check failed or warned, or its secret expires within
// window. A 60-day expiry warning outside the window does not count, so a
// weekly cron with --expiring-within 14d stays quiet until then.
func NeedsAction(r Result, window time.Duration, now time.Time) bool {
	if r.Err != nil || r.Outcome == nil || r.Outcome.Err != nil {
		return true
	}
	exp := r.Outcome.Summary.SecretExpires
	if !exp.IsZero() && exp.Sub(now) < window {
		return true
	}
	if r.Outcome.Status == nil {
		return r.Outcome.ExitErr() != nil
	}
	for _, c := range r.Outcome.Status.Checks {
		switch {
		case c.Level == steps.StatusFail:
			return true
		case c.Level == steps.StatusWarn && (c.Name != secretExpiryCheck || exp.IsZero()):
			return true
		}
	}
	return false
}

var windowShape = regexp.MustCompile(`^(\d+)\s*(d|w|h|days?|weeks?)$`)

// ParseWindow reads --expiring-within: 60d, 8w, or a Go duration (720h).
func ParseWindow(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := windowShape.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err == nil && n > 0 && n <= 3650 {
			switch m[2][0] {
			case 'd':
				return time.Duration(n) * 24 * time.Hour, nil
			case 'w':
				return time.Duration(n) * 7 * 24 * time.Hour, nil
			case 'h':
				return time.Duration(n) * time.Hour, nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a time span: write it as 60d, 8w or 720h", s)
}
