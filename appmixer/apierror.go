package appmixer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// APIError is an unexpected HTTP status from Appmixer.
type APIError struct {
	StatusCode   int
	Method, Path string
	Message      string // the server's message, one line, secrets masked
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Appmixer answered %d %s to %s %s", e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Path)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if h := e.hint(); h != "" {
		s += "; " + h
	}
	return s
}

// hint says what to do next for the status.
func (e *APIError) hint() string {
	switch c := e.StatusCode; {
	case c == http.StatusUnauthorized && e.Path == "/user/auth":
		return "check the username and password"
	case c == http.StatusUnauthorized:
		return "sign in again"
	case c == http.StatusForbidden:
		return "sign in as an Appmixer admin (user with the admin scope)"
	case c == http.StatusNotFound:
		return "check that the URL is the Appmixer API URL"
	case c == http.StatusConflict:
		return "it was changed meanwhile: run again"
	case c == http.StatusTooManyRequests || c >= 500:
		return "Appmixer is busy or unavailable: try again in a minute"
	}
	return ""
}

// apiError builds an APIError from a response. Appmixer's API is a hapi
// server, so errors are Boom objects {"statusCode","error","message"}.
func (c *Client) apiError(r request, res response) *APIError {
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
	return &APIError{StatusCode: res.status, Method: r.method, Path: r.path, Message: oneLine(c.scrub(msg, r.secrets), 200)}
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
