package azuretest

import "time"

// Request is one entry of the request log.
type Request struct {
	Method, Path, Route string // Route: e.g. "POST /v1.0/applications/{id}/addPassword"
	Query               string
	Status              int  // 0 when the connection was cut
	Write               bool // POST/PATCH/PUT/DELETE to Graph
	Faulted             bool // an injected fault or a replication-delay answer produced the response
	Time                time.Time
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func (s *Server) logRequest(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}
