package azuretest

import "github.com/appmixer-tools/msconnector-wizard/internal/emulator"

// Request is one entry of the request log. Write marks POST/PATCH/PUT/DELETE
// to Graph; Faulted marks an injected fault or a replication-delay answer.
type Request = emulator.Request

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request { return s.log.All() }

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.log.Reset() }
