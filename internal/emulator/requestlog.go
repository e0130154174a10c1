package emulator

import (
	"sync"
	"time"
)

// Request is one entry of an emulator's request log. Both emulators export
// it under their own name (azuretest.Request, appmixertest.Request).
type Request struct {
	Method, Path, Route string // Route: e.g. "POST /v1.0/applications/{id}/addPassword"
	Query               string
	Status              int  // 0 when no response was sent (reset, or client gone while hanging)
	Write               bool // a write to the service's data (sign-in is not a write)
	Faulted             bool // an injected fault (or the emulator's replication delay) produced the response
	Time                time.Time
}

// Log is a request log, oldest first.
type Log struct {
	mu      sync.Mutex
	entries []Request
}

// Add appends one entry.
func (l *Log) Add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, r)
}

// All returns a copy of the log.
func (l *Log) All() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.entries...)
}

// Reset empties the log.
func (l *Log) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}
