// Package appmixertest is an in-process, TLS emulator of the Appmixer REST API
// parts the wizard uses: sign-in, the current user, and service configs.
// It is as strict as the public docs describe, with knobs for faults.
package appmixertest

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Default seeded admin.
const (
	DefaultAdminUsername = "admin@example.com"
	DefaultAdminPassword = "demo-admin-password"
)

// Server is a running emulator. Create it with NewServer and Close it.
type Server struct {
	URL string // https://127.0.0.1:PORT

	ts        *httptest.Server
	certs     *emulator.CA
	transport *http.Transport
	secret    []byte // HMAC key for token signatures
	latency   time.Duration
	hostnames []string // extra DNS names in the TLS certificate

	mu          sync.Mutex
	users       map[string]*user // by username
	tokens      map[string]*tokenState
	expireAfter int
	configs     map[string]map[string]any // serviceId → values (without serviceId)
	faults      *emulator.Faults
	log         emulator.Log
}

// Option configures NewServer.
type Option func(*Server)

// WithUser adds a user (or replaces one with the same username).
func WithUser(username, password string, admin bool) Option {
	return func(s *Server) { s.AddUser(username, password, admin) }
}

// WithLatency delays every response by d.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithHostnames adds DNS names to the server's TLS certificate, so a client
// whose dialer sends those names to this server (no DNS lookup) can reach it
// as https://NAME.
func WithHostnames(names ...string) Option {
	return func(s *Server) { s.hostnames = append(s.hostnames, names...) }
}

// NewServer starts an emulator with the default admin seeded. It panics if
// it cannot start, like httptest.NewServer.
func NewServer(opts ...Option) *Server {
	s := &Server{
		secret:  randomBytes(32),
		users:   map[string]*user{},
		tokens:  map[string]*tokenState{},
		configs: map[string]map[string]any{},
		faults:  emulator.NewFaults(),
	}
	s.AddUser(DefaultAdminUsername, DefaultAdminPassword, true)
	for _, o := range opts {
		o(s)
	}
	c, err := emulator.NewCA("appmixertest", s.hostnames...)
	if err != nil {
		panic("appmixertest: creating certificates: " + err.Error())
	}
	s.certs = c
	front := &emulator.Front{
		Faults: s.faults, Log: &s.log, Next: http.HandlerFunc(s.route),
		Latency: func() time.Duration { return s.latency },
		Classify: func(r *http.Request) (string, bool) {
			return route(r.Method, r.URL.Path), isWrite(r.Method, r.URL.Path)
		},
		ErrorBody: func(w http.ResponseWriter, _ *http.Request, status int) { writeError(w, status, "") },
	}
	s.ts = httptest.NewUnstartedServer(front)
	// HTTP/1.1 only, so a Reset fault can hijack the connection.
	s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{c.Server}, NextProtos: []string{"http/1.1"}}
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake noise from clients that do not trust us
	s.ts.StartTLS()
	s.URL = s.ts.URL
	s.transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.Pool}}
	return s
}

// Close releases hanging requests, then stops the server.
func (s *Server) Close() {
	s.faults.Close()
	s.ts.Close()
	s.transport.CloseIdleConnections()
}

// Client returns an HTTP client that trusts the emulator's CA.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.transport} }

// CACertPEM returns the emulator's CA certificate (for SSL_CERT_FILE).
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.certs.PEM...) }

// route dispatches to the endpoint handlers. Unknown method+path pairs get
// 404 like any hapi router.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch route(r.Method, r.URL.Path) {
	case "POST /user/auth":
		s.handleAuth(w, r)
	case "GET /user":
		s.handleUser(w, r)
	case "GET /service-config":
		s.handleListConfigs(w, r)
	case "POST /service-config":
		s.handleCreateConfig(w, r)
	case "GET /service-config/{id}":
		s.handleGetConfig(w, r)
	case "PUT /service-config/{id}":
		s.handlePutConfig(w, r)
	case "DELETE /service-config/{id}":
		s.handleDeleteConfig(w, r)
	default:
		writeError(w, http.StatusNotFound, "Not Found")
	}
}
