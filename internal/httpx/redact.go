package httpx

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// RedactURL hides the user info of a URL, which may hold a password, and never
// fails, even for text url.Parse refuses. Everything from the scheme to the
// last "@" before any "?" or "#" goes: url.Parse would take "a:pw/x@host" as a
// host with a bad port, so the first "/" is no safe end.
func RedactURL(s string) string {
	s = strings.TrimSpace(s)
	prefix, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		prefix, rest = "//", s[2:]
	}
	end := strings.IndexAny(rest, "?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return prefix + "…" + rest[at:]
	}
	return s
}

// redactTarget is a URL for errors and the trace: no user info, and no query
// or fragment, which may carry codes or tokens.
func redactTarget(s string) string {
	s = RedactURL(s)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i] + "?…"
	}
	return s
}

// ParseReason says why url.Parse (or a request built on it) refused a URL
// without quoting the URL: url.Parse's own error repeats its input, and parts
// of it (a "port" that is really a password) can be secret.
func ParseReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ee url.EscapeError
	var he url.InvalidHostError
	switch msg := err.Error(); {
	case errors.As(err, &ee):
		return "it has a bad %-escape"
	case errors.As(err, &he):
		return "its host has a character that is not allowed"
	case strings.HasPrefix(msg, "invalid port"):
		return "its port is not a number"
	case strings.ContainsAny(msg, "\"'`"):
		return "it is malformed" // a quoted part of the input: never repeat it
	default:
		return msg
	}
}

// secretQueryKeys are query parameters whose values are credentials or codes.
var secretQueryKeys = map[string]bool{
	"code": true, "device_code": true, "user_code": true, "access_token": true, "refresh_token": true,
	"id_token": true, "token": true, "client_secret": true, "client_assertion": true, "assertion": true,
	"password": true, "sig": true, "state": true, "session_state": true, "secret": true,
}

// traceURL is a URL for the trace: user info gone, secret query values
// replaced, the rest ($filter, $select) kept because it helps.
func traceURL(u *url.URL) string {
	c := *u
	c.User, c.ForceQuery = nil, false
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			if secretQueryKeys[strings.ToLower(k)] {
				q[k] = []string{"REDACTED"}
			}
		}
		c.RawQuery = q.Encode()
	}
	return RedactText(c.String())
}

var (
	bearerRE = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`)
	jwtRE    = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)
	// key: value, "key":"value" and key=value, for every key that holds a secret.
	secretKeyRE = regexp.MustCompile(`(?i)("?\b(?:access_token|refresh_token|id_token|client_secret|clientSecret|secretText|password|assertion|client_assertion|device_code|user_code|code|authorization)"?\s*[:=]\s*)("[^"]*"|[^\s&,;}\]]+)`)
)

// RedactText replaces credentials in a line of text: bearer and basic
// credentials, JWTs, and the values of keys that hold secrets.
func RedactText(s string) string {
	s = bearerRE.ReplaceAllString(s, "$1 REDACTED")
	s = jwtRE.ReplaceAllString(s, "REDACTED")
	return secretKeyRE.ReplaceAllString(s, "${1}REDACTED")
}
