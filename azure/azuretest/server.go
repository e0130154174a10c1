// Package azuretest is an in-process emulator of Entra ID sign-in and
// Microsoft Graph v1.0, in the style of net/http/httptest: one TLS server with
// its own CA serves Entra under /{tenant}/... and Graph under /v1.0/....
package azuretest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// Server is a running emulator. Create it with NewServer and Close it.
type Server struct {
	URL      string // "https://127.0.0.1:PORT": authority host and Graph base URL
	TenantID string // GUID of the seeded tenant

	srv    *httptest.Server
	ca     *emulator.CA
	client *http.Client

	hosts map[string]bool // host[:port] forms that name this server (see baseURL)

	mu             sync.Mutex
	cfg            config
	lifetimeMax    time.Duration        // tenant default app management policy (0 = disabled)
	appPolicies    map[string]appPolicy // app object id → its app management policy
	policiesDenied bool
	pageSize       int
	user           seededUser
	automation     automationPrincipal
	orgName        string
	domain         string // the tenant's verified (initial) domain
	graphSPID      string

	apps   []*appRecord // active and in deleted items
	sps    []*spRecord  // active and in deleted items
	grants []*OAuth2PermissionGrant

	tokens    map[string]*tokenInfo
	tokenGen  int
	refreshes map[string]*refreshInfo
	devices   []*deviceCode

	faults *emulator.Faults
	log    emulator.Log
	closed bool
}

type seededUser struct {
	oid, upn, name string
}

type automationPrincipal struct {
	appID, secret, spID string
	roles               []string
}

// NewServer starts an emulator with a seeded tenant. The caller must Close it.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tenantID == "" {
		cfg.tenantID = newGUID()
	}
	ca, err := emulator.NewCA("azuretest", cfg.hostnames...)
	if err != nil {
		// Only a broken crypto/rand gets here; httptest panics the same way.
		panic(err)
	}
	s := &Server{
		TenantID:    strings.ToLower(cfg.tenantID),
		ca:          ca,
		cfg:         cfg,
		tokens:      map[string]*tokenInfo{},
		refreshes:   map[string]*refreshInfo{},
		faults:      emulator.NewFaults(),
		appPolicies: map[string]appPolicy{},
		pageSize:    DefaultPageSize,
	}
	s.seed()

	front := &emulator.Front{
		Faults: s.faults, Log: &s.log, Next: http.HandlerFunc(s.route),
		Latency: func() time.Duration {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.cfg.latency
		},
		Classify: func(r *http.Request) (string, bool) {
			route, graph := routeKey(r.Method, r.URL.Path)
			return route, graph && isWriteMethod(r.Method)
		},
		ErrorBody: s.faultError,
	}
	s.srv = httptest.NewUnstartedServer(front)
	s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}, MinVersion: tls.VersionTLS12}
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake noise from clients that do not trust us
	s.srv.StartTLS()
	s.URL = s.srv.URL
	s.hosts = hostForms(s.URL, cfg.hostnames)
	s.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: ca.Pool, MinVersion: tls.VersionTLS12},
		Proxy:               nil,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}}
	return s
}

// Close releases hanging requests and shuts the server down.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.faults.Close()
	s.srv.CloseClientConnections()
	s.srv.Close()
	if t, ok := s.client.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// Client returns an HTTP client that trusts only the emulator's CA.
func (s *Server) Client() *http.Client { return s.client }

// CACertPEM returns the CA certificate (PEM), e.g. for SSL_CERT_FILE in a child process.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.PEM...) }

// CertPool returns a pool holding only the emulator's CA.
func (s *Server) CertPool() *x509.CertPool { return s.ca.Pool.Clone() }

// GraphScope is the scope for a Graph token from this emulator.
func (s *Server) GraphScope() string { return s.URL + "/.default" }

// ARMScope is the scope for an Azure Resource Manager token (what az login asks for).
func (s *Server) ARMScope() string { return "https://management.core.windows.net//.default" }

// User returns the seeded user's object id and user principal name (the
// admin who approves device codes; an owner candidate).
func (s *Server) User() (objectID, upn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user.oid, s.user.upn
}

// AutomationCredentials returns the automation service principal's client ID and secret.
func (s *Server) AutomationCredentials() (clientID, clientSecret string) {
	return s.automation.appID, s.automation.secret
}

// SetReplicationDelay changes the delay for applications created from now on.
func (s *Server) SetReplicationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.replicationDelay = d
}

// SetSecretPropagationDelay changes how long a new secret is refused.
func (s *Server) SetSecretPropagationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.secretPropagation = d
}

// ExpireAllTokens makes every access token issued so far invalid for Graph.
func (s *Server) ExpireAllTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenGen++
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v1.0" || strings.HasPrefix(p, "/v1.0/"):
		s.serveGraph(w, r)
	case isARMPath(p):
		s.serveARM(w, r)
	default:
		s.serveEntra(w, r)
	}
}

func isWriteMethod(m string) bool {
	switch m {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
