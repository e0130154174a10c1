package appmixertest

import (
	"net/http"
	"strings"
	"time"
)

// Request is one entry of the emulator's request log.
type Request struct {
	Method, Path, Route string // Route: method + path pattern, e.g. "PUT /service-config/{id}"
	Status              int    // 0 when no response was sent (reset, or client gone while hanging)
	Write               bool   // POST/PUT/DELETE to /service-config (sign-in is not a write)
	Faulted             bool   // an injected fault produced the response
	Time                time.Time
}

// Requests returns a copy of the log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.log = append(s.log, r)
	s.mu.Unlock()
}

// route maps a request to its route key; "" for unknown paths.
func route(method, path string) string {
	switch {
	case path == "/user/auth":
		return method + " /user/auth"
	case path == "/user":
		return method + " /user"
	case path == "/service-config":
		return method + " /service-config"
	case strings.HasPrefix(path, "/service-config/") && !strings.Contains(path[len("/service-config/"):], "/"):
		return method + " /service-config/{id}"
	}
	return method + " " + path
}

func isWrite(method, path string) bool {
	if path != "/service-config" && !strings.HasPrefix(path, "/service-config/") {
		return false
	}
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodDelete
}
