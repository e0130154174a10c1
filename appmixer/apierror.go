package appmixer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// APIError is an unexpected HTTP status from Appmixer.
type APIError struct {
	StatusCode   int
	Method, Path string
	Message      string        // the server's message, one line, secrets masked
	RetryAfter   time.Duration // the wait a throttled answer asked for
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Appmixer answered %d %s to %s %s", e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Path)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Hint says what to do about the status.
func (e *APIError) Hint() hint.Hint {
	switch c := e.StatusCode; {
	case c == http.StatusUnauthorized && e.Path == "/user/auth":
		return hint.Change(hint.AppmixerPassword, "check the username and password")
	case c == http.StatusUnauthorized:
		return hint.Retry("sign in again")
	case c == http.StatusForbidden:
		return adminHint
	case c == http.StatusNotFound:
		return hint.Change(hint.AppmixerURL, "use the Appmixer API URL, like "+exampleAPI)
	case c == http.StatusConflict:
		return hint.Retry("it was changed meanwhile")
	case c == http.StatusTooManyRequests || c >= 500:
		return hint.Hint{Retry: true, After: e.RetryAfter, Text: "Appmixer is busy or unavailable"}
	}
	return hint.Hint{}
}

// apiError builds an APIError, with its hint, from a response. Appmixer's API
// is a hapi server, so errors are Boom objects {"statusCode","error","message"}.
func (c *Client) apiError(r request, res response) error {
	var boom struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	msg := ""
	body := strings.TrimSpace(string(res.body))
	switch {
	case body == "":
	case strings.HasPrefix(body, "<"):
		msg = "the server answered with a web page, not the Appmixer API"
	case json.Unmarshal(res.body, &boom) == nil && (boom.Message != "" || boom.Error != ""):
		msg = boom.Message
		if msg == "" {
			msg = boom.Error
		}
	default:
		msg = body
	}
	e := &APIError{StatusCode: res.status, Method: r.method, Path: r.path, Message: oneLine(c.scrub(msg, r.secrets), 200), RetryAfter: httpx.RetryAfter(res.header)}
	return hint.Wrap(e, e.Hint())
}

// oneLine collapses whitespace, drops a final period (the caller appends
// more text) and cuts s to max runes.
func oneLine(s string, max int) string {
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), ".")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}
