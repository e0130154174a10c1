package appmixertest

import (
	"net/http"
	"net/http/httptest"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Fault injects a failure into matching requests (same meaning as azuretest.Fault).
type Fault struct {
	Route      string // route key, e.g. "PUT /service-config/{id}"; "" matches every route
	Times      int    // how many matching requests are affected (0 = 1)
	Status     int    // answer with this status and a Boom error body
	Reset      bool   // cut the TCP connection without an answer
	Hang       bool   // hold the request until Release() or the client gives up
	AfterApply bool   // apply the request for real first, then fail (the answer is lost)
}

// AddFault queues a fault; faults are matched in the order added.
func (s *Server) AddFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// ClearFaults drops every queued fault not yet used up.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Release unblocks every Hang fault in progress.
func (s *Server) Release() {
	s.mu.Lock()
	close(s.release)
	s.release = make(chan struct{})
	s.mu.Unlock()
}

// Hanging reports how many requests a Hang fault is holding right now, so
// tests can wait for a request to arrive instead of sleeping.
func (s *Server) Hanging() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hanging
}

// takeFault returns and consumes the first fault matching route.
func (s *Server) takeFault(route string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// serveFault answers a faulted request; it reports the status sent (0 = none).
func (s *Server) serveFault(f *Fault, w http.ResponseWriter, r *http.Request, next http.Handler) int {
	var applied *httptest.ResponseRecorder
	if f.AfterApply {
		applied = httptest.NewRecorder()
		next.ServeHTTP(applied, r)
	}
	if f.Hang {
		s.mu.Lock()
		release, closing := s.release, s.closing
		s.hanging++
		s.mu.Unlock()
		gone := false
		if !closing {
			select {
			case <-release:
			case <-r.Context().Done():
				gone = true
			}
		}
		s.mu.Lock()
		s.hanging--
		s.mu.Unlock()
		if gone {
			return 0
		}
	}
	switch {
	case f.Reset:
		emulator.ResetConn(w)
		return 0
	case f.Status != 0:
		writeError(w, f.Status, "")
		return f.Status
	case applied != nil:
		for k, v := range applied.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(applied.Code)
		_, _ = w.Write(applied.Body.Bytes())
		return applied.Code
	}
	sw := &emulator.StatusRecorder{ResponseWriter: w}
	next.ServeHTTP(sw, r)
	return sw.Status
}
