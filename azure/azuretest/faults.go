package azuretest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Fault injects a failure into matching requests; Route is a route key (see
// Request.Route). It is the fault type both emulators share.
type Fault = emulator.Fault

// AddFault queues a fault; faults match in the order they were added.
func (s *Server) AddFault(f Fault) { s.faults.Add(f) }

// ClearFaults drops every queued fault not yet used up.
func (s *Server) ClearFaults() { s.faults.Clear() }

// UnusedFaults lists queued faults with uses left that are not marked
// MayStayUnused: a test that ends with one set up something it never exercised.
func (s *Server) UnusedFaults() []Fault { return s.faults.Unused() }

// Hanging is how many requests a Hang fault holds right now (tests poll it
// instead of guessing when a request has arrived).
func (s *Server) Hanging() int { return s.faults.Hanging() }

// Release unblocks every Hang fault in progress.
func (s *Server) Release() { s.faults.Release() }

// faultError writes an injected Status fault in the addressed service's format.
func (s *Server) faultError(w http.ResponseWriter, r *http.Request, status int) {
	if p := r.URL.Path; p == "/v1.0" || strings.HasPrefix(p, "/v1.0/") {
		code, msg := faultGraphError(status)
		writeGraphError(w, r, status, code, msg)
		return
	}
	writeEntraError(w, status, "temporarily_unavailable", 50196,
		"The server is temporarily unable to handle the request (injected fault). Retry later.")
}

// Graph: learn.microsoft.com/graph/errors and /graph/throttling (429 TooManyRequests).
func faultGraphError(status int) (code, msg string) {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests", "Too many requests. Please retry again later."
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable", "The service is temporarily unavailable. Please retry again later."
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
	case http.StatusForbidden:
		return "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
	case http.StatusNotFound:
		return "Request_ResourceNotFound", "Resource does not exist or one of its queried reference-property objects are not present."
	case http.StatusInternalServerError:
		return "generalException", "An internal server error occurred."
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return "UnknownError", ""
	}
	return "UnknownError", fmt.Sprintf("Injected fault %d.", status)
}
