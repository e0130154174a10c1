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

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
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
	if e.RequestID != "" {
		b.WriteString(" (request-id " + oneLine(e.RequestID) + ")")
	}
	return b.String()
}

// Hint says what to do about the errors a person can act on.
func (e *GraphError) Hint() hint.Hint {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return hint.Retry("sign in again: the sign-in is no longer accepted")
	case e.StatusCode == http.StatusForbidden:
		return hint.Hint{Text: "use an account with the Application Administrator or Cloud Application Administrator role, or the Application.ReadWrite.All permission"}
	case e.StatusCode == http.StatusTooManyRequests:
		return hint.Hint{Retry: true, After: e.RetryAfter, Text: "Graph is throttling requests"}
	case e.StatusCode >= 500:
		return hint.Retry("Graph is having trouble")
	}
	return hint.Hint{}
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
func decodeGraphError(method, path string, status int, header http.Header, body []byte) *GraphError {
	ge := &GraphError{StatusCode: status, Method: method, Path: path, RequestID: header.Get("request-id"), RetryAfter: httpx.RetryAfter(header)}
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
		ge.Message = http.StatusText(status) + " (the answer was not Graph's error format)"
	}
	return ge
}

// graphError is a GraphError with its hint beside it.
func graphError(ge *GraphError) error { return hint.Wrap(ge, ge.Hint()) }

// SecretLifetimeError is AddPassword's error when a tenant policy caps secret lifetime
// (Graph 400 CredentialInvalidLifetimeAsPerAppPolicy). Allowed comes from the
// app management policies when they can be read, else from Graph's message;
// it is 0 when neither says the maximum.
type SecretLifetimeError struct {
	Allowed   time.Duration
	Requested time.Duration
	Source    LifetimeSource // where Allowed came from; "" when Allowed is 0
	Err       error
}

func (e *SecretLifetimeError) Error() string {
	if e.Allowed > 0 {
		return "client secret lifetime refused by the tenant's app management policy: it allows at most " + FormatLifetime(e.Allowed)
	}
	return "client secret lifetime refused by the tenant's app management policy, which allows a shorter lifetime than requested"
}

func (e *SecretLifetimeError) Unwrap() error { return e.Err }

// Hint suggests the allowed lifetime as the secret expiry, when it is known.
func (e *SecretLifetimeError) Hint() hint.Hint {
	if e.Allowed > 0 {
		return hint.Hint{Input: hint.SecretExpiry, Value: FormatLifetime(e.Allowed), Text: "the tenant's policy allows at most " + FormatLifetime(e.Allowed)}
	}
	return hint.Change(hint.SecretExpiry, "ask the tenant admin for the longest lifetime allowed and choose a shorter expiry")
}

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
		if d := isoMatchDuration(m); d > 0 {
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

// isoMatchDuration adds up a match of isoDurationRE; a year counts 365 days and
// a month 30 (policies state days in Graph's examples: "P90D").
func isoMatchDuration(m []string) time.Duration {
	const day = 24 * time.Hour
	if m[0] == "P" || m[0] == "PT" {
		return 0
	}
	n := func(i int) time.Duration { v, _ := strconv.Atoi(m[i]); return time.Duration(v) }
	d := n(1)*365*day + n(2)*30*day + n(3)*7*day + n(4)*day + n(5)*time.Hour + n(6)*time.Minute
	if m[7] != "" {
		f, _ := strconv.ParseFloat(m[7], 64)
		d += time.Duration(f * float64(time.Second))
	}
	return d
}

// parseISODuration reads a whole ISO 8601 duration such as "P90D" (an app
// management policy's maxLifetime).
func parseISODuration(s string) (time.Duration, bool) {
	m := isoDurationRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[0] != strings.TrimSpace(s) {
		return 0, false
	}
	d := isoMatchDuration(m)
	return d, d > 0
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
