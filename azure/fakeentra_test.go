package azure_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

const fakeTenant = "11111111-2222-3333-4444-555555555555"

// fakeEntra is a minimal Entra ID authority host for MSAL (OIDC metadata on
// itself, so DisableInstanceDiscovery applies) whose token endpoint and,
// optionally, metadata a test answers.
type fakeEntra struct {
	*httptest.Server
	metadata func(w http.ResponseWriter, r *http.Request) // nil = valid metadata
	token    func(w http.ResponseWriter, r *http.Request, n int)
	tokens   atomic.Int32
}

func newFakeEntra(t *testing.T, token func(w http.ResponseWriter, r *http.Request, n int)) *fakeEntra {
	t.Helper()
	f := &fakeEntra{token: token}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeEntra) serve(w http.ResponseWriter, r *http.Request) {
	base := f.URL + "/" + fakeTenant
	switch {
	case strings.HasSuffix(r.URL.Path, "/v2.0/.well-known/openid-configuration"):
		if f.metadata != nil {
			f.metadata(w, r)
			return
		}
		writeJSONT(w, http.StatusOK, map[string]any{
			"issuer": base + "/v2.0", "token_endpoint": base + "/oauth2/v2.0/token",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize", "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
			"jwks_uri": base + "/discovery/v2.0/keys",
		})
	case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
		_, _ = io.Copy(io.Discard, r.Body)
		f.token(w, r, int(f.tokens.Add(1)))
	default:
		http.NotFound(w, r)
	}
}

func writeJSONT(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// okToken answers a client-credentials request with an app-only token.
func okToken(w http.ResponseWriter) {
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"tid":"` + fakeTenant + `","appid":"a","roles":["x"]}`))
	writeJSONT(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": "eyJhbGciOiJub25lIn0." + claims + ".sig"})
}

// entraErr answers like Entra ID's token endpoint refusing a request.
func entraErr(w http.ResponseWriter, status int, oauthErr string, code int, desc string) {
	writeJSONT(w, status, map[string]any{"error": oauthErr, "error_description": desc + "\r\nTrace ID: t\r\nCorrelation ID: c", "error_codes": []int{code}})
}

// session is a signed-in session whose Entra ID is f.
func (f *fakeEntra) session() *azure.Session {
	return &azure.Session{AuthorityHost: f.URL + "/", TenantID: fakeTenant, HTTPClient: f.Client(), GraphURL: "https://graph.microsoft.com", Timeout: 5 * time.Second}
}

// stealer is a server no request may reach: it fails the test when hit.
func stealer(t *testing.T, tls bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		t.Errorf("a redirect was followed to %s %s (body %q)", r.Method, r.URL, b)
	})
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(h) // httptest's one certificate: the client trusts it too
	} else {
		s = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}
