package azure

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// GraphError is an error answer from Microsoft Graph
// (learn.microsoft.com/graph/errors: {"error":{"code","message","innerError":{"request-id",…}}}).
type GraphError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	Method     string
	Path       string // relative to the Graph version root, e.g. "/applications"
	RetryAfter time.Duration
}

func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + oneLine(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": " + oneLine(e.Message))
	}
	if h := e.hint(); h != "" {
		b.WriteString("; " + h)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + oneLine(e.RequestID) + ")")
	}
	return b.String()
}

// hint says what to do next for the errors a person can act on.
func (e *GraphError) hint() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return "the sign-in is no longer accepted: sign in again"
	case e.StatusCode == http.StatusForbidden:
		return "the signed-in account may not do this: use an account with the Application Administrator or Cloud Application Administrator role (or Application.ReadWrite.All)"
	case e.StatusCode == http.StatusTooManyRequests:
		if e.RetryAfter > 0 {
			return fmt.Sprintf("Graph is throttling: wait %s and run again", e.RetryAfter.Round(time.Second))
		}
		return "Graph is throttling: wait a minute and run again"
	case e.StatusCode >= 500:
		return "Graph is having trouble: run again in a few minutes"
	}
	return ""
}

// IsNotFound reports whether err is a Graph 404.
func IsNotFound(err error) bool {
	ge, ok := AsGraphError(err)
	return ok && ge.StatusCode == http.StatusNotFound
}

// AsGraphError finds a *GraphError in err's chain.
func AsGraphError(err error) (*GraphError, bool) {
	var ge *GraphError
	if errors.As(err, &ge) {
		return ge, true
	}
	return nil, false
}

// decodeGraphError builds a GraphError from a non-2xx answer; a body that is not
// Graph's error format still gives a usable error.
func decodeGraphError(method, path string, resp *http.Response, body []byte) *GraphError {
	ge := &GraphError{StatusCode: resp.StatusCode, Method: method, Path: path, RequestID: resp.Header.Get("request-id")}
	var env struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error.Code != "" {
		ge.Code, ge.Message = env.Error.Code, env.Error.Message
		if ge.RequestID == "" {
			ge.RequestID = env.Error.InnerError.RequestID
		}
	} else {
		ge.Message = http.StatusText(resp.StatusCode) + " (the answer was not Graph's error format)"
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		// Capped before multiplying: a huge value would overflow into a negative wait.
		ge.RetryAfter = time.Duration(min(s, maxRetryAfterSeconds)) * time.Second
	}
	return ge
}

// maxRetryAfterSeconds bounds a server's Retry-After (a day is already "come back later").
const maxRetryAfterSeconds = 24 * 60 * 60

// SecretLifetimeError is AddPassword's error when a tenant policy caps secret lifetime
// (Graph 400 CredentialInvalidLifetimeAsPerAppPolicy). Allowed is 0 when the message
// did not say the maximum.
type SecretLifetimeError struct {
	Allowed   time.Duration
	Requested time.Duration
	Err       error
}

func (e *SecretLifetimeError) Error() string {
	if e.Allowed > 0 {
		return fmt.Sprintf("client secret lifetime refused by the tenant's app management policy: it allows at most %s; run again with --secret-expiry %s or shorter", FormatLifetime(e.Allowed), FormatLifetime(e.Allowed))
	}
	return "client secret lifetime refused by the tenant's app management policy, which allows a shorter lifetime than requested; ask the tenant admin for the maximum and run again with a shorter --secret-expiry (e.g. --secret-expiry 6m): " + e.Err.Error()
}

func (e *SecretLifetimeError) Unwrap() error { return e.Err }

// FormatLifetime renders a lifetime the way --secret-expiry accepts it:
// whole months as "Nm", otherwise whole days as "Nd", otherwise hours.
func FormatLifetime(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= 30*day && d%(30*day) == 0:
		return fmt.Sprintf("%dm", d/(30*day))
	case d >= day && d%day == 0:
		return fmt.Sprintf("%dd", d/day)
	case d >= day:
		return fmt.Sprintf("%dd", d/day) // round down: never suggest more than allowed
	}
	return fmt.Sprintf("%dh", d/time.Hour)
}

var (
	isoDurationRE  = regexp.MustCompile(`\bP(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?\b`)
	wordDurationRE = regexp.MustCompile(`(?i)\b(\d+)\s*(year|month|week|day|hour)s?\b`)
)

// parseAllowedLifetime finds the maximum lifetime in a policy message: an ISO 8601
// duration (as app management policies state maxLifetime, e.g. "P90D") or
// words like "90 days". Returns 0 when none is found.
func parseAllowedLifetime(msg string) time.Duration {
	const day = 24 * time.Hour
	for _, m := range isoDurationRE.FindAllStringSubmatch(msg, -1) {
		if m[0] == "P" || m[0] == "PT" {
			continue
		}
		n := func(i int) time.Duration { v, _ := strconv.Atoi(m[i]); return time.Duration(v) }
		d := n(1)*365*day + n(2)*30*day + n(3)*7*day + n(4)*day + n(5)*time.Hour + n(6)*time.Minute
		if m[7] != "" {
			f, _ := strconv.ParseFloat(m[7], 64)
			d += time.Duration(f * float64(time.Second))
		}
		if d > 0 {
			return d
		}
	}
	if m := wordDurationRE.FindStringSubmatch(msg); m != nil {
		v, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"year": 365 * day, "month": 30 * day, "week": 7 * day, "day": day, "hour": time.Hour}[strings.ToLower(m[2])]
		return time.Duration(v) * unit
	}
	return 0
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
