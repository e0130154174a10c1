package azuretest

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Fault injects a failure into matching requests.
type Fault struct {
	Route      string        // a route key (see Request.Route); "" matches every route
	Times      int           // how many matching requests are affected (0 = 1)
	Status     int           // e.g. 429, 503, 401: an error body in the service's format
	RetryAfter time.Duration // sets Retry-After (seconds, rounded up) when > 0
	Reset      bool          // cut the TCP connection without a response
	Hang       bool          // hold the request until Release() or the client gives up
	AfterApply bool          // apply the request for real, then fail/reset/hang (the response is lost)
}

type faultEntry struct {
	f         Fault
	remaining int
}

// AddFault queues a fault; faults match in the order they were added.
func (s *Server) AddFault(f Fault) {
	n := f.Times
	if n <= 0 {
		n = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultEntry{f: f, remaining: n})
}

// Hanging is how many requests a Hang fault holds right now (tests poll it
// instead of guessing when a request has arrived).
func (s *Server) Hanging() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hanging
}

// Release unblocks every Hang fault in progress.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	close(s.releaseCh)
	s.releaseCh = make(chan struct{})
}

func (s *Server) takeFault(route string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fe := range s.faults {
		if fe.f.Route != "" && fe.f.Route != route {
			continue
		}
		fe.remaining--
		if fe.remaining <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return fe.f, true
	}
	return Fault{}, false
}

// runFault plays a fault. Without Status or Reset, a Hang only delays the
// request, which then runs normally after Release.
// logNow is called before a Reset so the request log is complete by the time
// the client sees the cut connection.
func (s *Server) runFault(raw http.ResponseWriter, w *emulator.StatusRecorder, r *http.Request, f Fault, graph bool, logNow func()) {
	var applied *httptest.ResponseRecorder
	if f.AfterApply {
		applied = httptest.NewRecorder()
		s.route(applied, r)
	}
	if f.Hang {
		s.mu.Lock()
		ch := s.releaseCh
		s.hanging++
		s.mu.Unlock()
		select {
		case <-ch:
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.hanging--
		s.mu.Unlock()
		if r.Context().Err() != nil {
			return
		}
	}
	switch {
	case f.Reset:
		logNow()
		emulator.ResetConn(raw)
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		}
		if graph {
			code, msg := faultGraphError(f.Status)
			writeGraphError(w, r, f.Status, code, msg)
		} else {
			writeEntraError(w, f.Status, "temporarily_unavailable", 50196,
				"The server is temporarily unable to handle the request (injected fault). Retry later.")
		}
	case applied != nil:
		for k, v := range applied.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(applied.Code)
		_, _ = w.Write(applied.Body.Bytes())
	default:
		s.route(w, r)
	}
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
