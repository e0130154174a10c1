package appmixertest

import (
	"net/http"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Request is one entry of the emulator's request log. Write marks
// POST/PUT/DELETE to /service-config (sign-in is not a write).
type Request = emulator.Request

// Requests returns a copy of the log, oldest first.
func (s *Server) Requests() []Request { return s.log.All() }

// ResetRequests empties the log.
func (s *Server) ResetRequests() { s.log.Reset() }

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
