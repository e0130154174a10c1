package appmixertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"
)

// worldV1 is the JSON form of the emulator's world: its users (password
// hashes, never passwords) and service configs (their values as stored:
// Appmixer must hand them back, secrets included). Tokens are not part of
// it: a client signs in again.
type worldV1 struct {
	Kind    string                    `json:"kind"` // "appmixertest"
	Version int                       `json:"version"`
	Saved   time.Time                 `json:"saved"`
	Users   []snapUser                `json:"users"`
	Configs map[string]map[string]any `json:"configs"`
}

type snapUser struct {
	ID       string   `json:"id"`
	Username string   `json:"username"`
	Salt     string   `json:"salt"`
	Hash     string   `json:"passwordHash"`
	Scope    []string `json:"scope"`
}

const snapshotKind, snapshotVersion = "appmixertest", 1

// Snapshot returns the emulator's whole world as JSON (see Restore).
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := worldV1{Kind: snapshotKind, Version: snapshotVersion, Saved: time.Now().UTC(), Configs: map[string]map[string]any{}}
	names := make([]string, 0, len(s.users))
	for n := range s.users {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		u := s.users[n]
		w.Users = append(w.Users, snapUser{ID: u.ID, Username: u.Username, Salt: u.Salt, Hash: u.Hash, Scope: append([]string(nil), u.Scope...)})
	}
	for id, c := range s.configs {
		w.Configs[id] = deepCopy(c)
	}
	return json.MarshalIndent(w, "", "  ")
}

var (
	objectIDRE = regexp.MustCompile(`^[0-9a-f]{24}$`)
	hexRE      = regexp.MustCompile(`^[0-9a-f]+$`)
)

// ErrBadSnapshot wraps every reason Restore refuses a snapshot.
var ErrBadSnapshot = errors.New("appmixertest: bad snapshot")

// Restore replaces the world (users, service configs) with a Snapshot's.
// It checks the whole file first and changes nothing if any of it is
// wrong. Tokens issued before stop working. Call it before clients use
// the server.
func (s *Server) Restore(b []byte) error {
	var w worldV1
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: not JSON: %v", ErrBadSnapshot, err)
	}
	if w.Kind != snapshotKind || w.Version != snapshotVersion {
		return fmt.Errorf("%w: kind %q version %d, want %q version %d", ErrBadSnapshot, w.Kind, w.Version, snapshotKind, snapshotVersion)
	}
	users := map[string]*user{}
	ids := map[string]bool{}
	for i, u := range w.Users {
		switch {
		case u.Username == "":
			return fmt.Errorf("%w: users[%d]: no username", ErrBadSnapshot, i)
		case !objectIDRE.MatchString(u.ID):
			return fmt.Errorf("%w: users[%d] (%s): id %q is not 24 hex digits", ErrBadSnapshot, i, u.Username, u.ID)
		case len(u.Hash) != 64 || !hexRE.MatchString(u.Hash) || !hexRE.MatchString(u.Salt):
			return fmt.Errorf("%w: users[%d] (%s): passwordHash must be 64 hex digits with a hex salt", ErrBadSnapshot, i, u.Username)
		case users[u.Username] != nil || ids[u.ID]:
			return fmt.Errorf("%w: users[%d]: %s or id %s is listed twice", ErrBadSnapshot, i, u.Username, u.ID)
		}
		for _, sc := range u.Scope {
			if sc != "user" && sc != "admin" {
				return fmt.Errorf("%w: users[%d] (%s): unknown scope %q", ErrBadSnapshot, i, u.Username, sc)
			}
		}
		users[u.Username] = &user{ID: u.ID, Username: u.Username, Salt: u.Salt, Hash: u.Hash, Scope: append([]string(nil), u.Scope...)}
		ids[u.ID] = true
	}
	configs := map[string]map[string]any{}
	for id, c := range w.Configs {
		if id == "" || c == nil {
			return fmt.Errorf("%w: configs: an entry without a service id or object", ErrBadSnapshot)
		}
		c = deepCopy(c)
		delete(c, "serviceId")
		configs[id] = c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users, s.configs, s.tokens = users, configs, map[string]*tokenState{}
	return nil
}

// Throttle queues a 429 with Retry-After, then a 503 with Retry-After, on
// route: Appmixer's API behind a rate limit or a restarting engine.
func (s *Server) Throttle(route string, retryAfter time.Duration) {
	s.AddFault(Fault{Route: route, Status: 429, RetryAfter: retryAfter})
	s.AddFault(Fault{Route: route, Status: 503, RetryAfter: retryAfter})
}
