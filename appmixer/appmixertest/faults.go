package appmixertest

import "github.com/appmixer-tools/msconnector-wizard/internal/emulator"

// Fault injects a failure into matching requests; Route is a route key such
// as "PUT /service-config/{id}". A Status fault answers with a Boom error
// body. It is the fault type both emulators share.
type Fault = emulator.Fault

// AddFault queues a fault; faults are matched in the order added.
func (s *Server) AddFault(f Fault) { s.faults.Add(f) }

// ClearFaults drops every queued fault not yet used up.
func (s *Server) ClearFaults() { s.faults.Clear() }

// UnusedFaults lists queued faults with uses left that are not marked
// MayStayUnused: a test that ends with one set up something it never exercised.
func (s *Server) UnusedFaults() []Fault { return s.faults.Unused() }

// Release unblocks every Hang fault in progress.
func (s *Server) Release() { s.faults.Release() }

// Hanging reports how many requests a Hang fault is holding right now, so
// tests can wait for a request to arrive instead of sleeping.
func (s *Server) Hanging() int { return s.faults.Hanging() }
