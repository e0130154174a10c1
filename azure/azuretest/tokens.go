package azuretest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

type tokenKind int

const (
	kindUser       tokenKind = iota // delegated: the seeded admin
	kindAutomation                  // client credentials: the automation principal
	kindApp                         // client credentials: an app created in the tenant
)

type tokenInfo struct {
	kind     tokenKind
	appID    string
	oid      string
	audience string
	expires  time.Time
	gen      int
	roles    []string
}

type refreshInfo struct {
	clientID string
	scopes   []string
}

// mintJWT builds a JWT-shaped token. Access tokens look RS256-signed (the
// client does not verify them; only this server does, by lookup).
func mintJWT(header, claims map[string]any, signed bool) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	sig := ""
	if signed {
		sig = enc.EncodeToString([]byte(randomString(64, "0123456789abcdef")))
	}
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + sig
}

// issueAccessToken records and returns an access token for the Graph
// resource. Claims follow Entra v1 access tokens:
// Entra: learn.microsoft.com/entra/identity-platform/access-token-claims-reference.
// Caller holds s.mu.
func (s *Server) issueAccessToken(ti tokenInfo, scp string, lifetime time.Duration) string {
	now := s.now()
	ti.expires = now.Add(lifetime)
	ti.gen = s.tokenGen
	claims := map[string]any{
		"aud": ti.audience, "iss": s.URL + "/" + s.TenantID + "/", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": ti.expires.Unix(), "tid": s.TenantID, "oid": ti.oid, "sub": ti.oid, "appid": ti.appID,
		"ver": "1.0", "uti": randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
	}
	switch ti.kind {
	case kindUser:
		claims["idtyp"] = "user"
		claims["scp"] = scp
		claims["upn"] = s.user.upn
		claims["unique_name"] = s.user.upn
		claims["name"] = s.user.name
		claims["appidacr"] = "0"
	default:
		claims["idtyp"] = "app"
		claims["appidacr"] = "1"
		if len(ti.roles) > 0 {
			claims["roles"] = ti.roles
		}
	}
	tok := mintJWT(map[string]any{"typ": "JWT", "alg": "RS256", "kid": "azuretest"}, claims, true)
	info := ti
	s.tokens[tok] = &info
	return tok
}

// idToken is unsigned (alg none): MSAL reads its claims without verifying.
// Entra: learn.microsoft.com/entra/identity-platform/id-token-claims-reference.
func (s *Server) idToken(clientID string, lifetime time.Duration) string {
	now := s.now()
	return mintJWT(map[string]any{"typ": "JWT", "alg": "none"}, map[string]any{
		"aud": clientID, "iss": s.URL + "/" + s.TenantID + "/v2.0", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(lifetime).Unix(), "name": s.user.name, "oid": s.user.oid, "sub": s.user.oid,
		"preferred_username": s.user.upn, "tid": s.TenantID, "ver": "2.0",
	}, false)
}

// clientInfo is base64url {"uid","utid"}, which MSAL uses as the home account id.
func (s *Server) clientInfo() string {
	b, _ := json.Marshal(map[string]string{"uid": s.user.oid, "utid": s.TenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// lookupToken validates a bearer token for Graph. Caller holds s.mu.
func (s *Server) lookupToken(tok string) (*tokenInfo, string) {
	if tok == "" {
		return nil, "Access token is empty."
	}
	if strings.Count(tok, ".") != 2 {
		return nil, "IDX14100: JWT is not well formed, there are no dots (.)."
	}
	ti, ok := s.tokens[tok]
	if !ok {
		return nil, "Access token validation failure. Invalid signature."
	}
	if ti.audience != s.URL {
		return nil, "Access token validation failure. Invalid audience."
	}
	if ti.gen != s.tokenGen || !s.now().Before(ti.expires) {
		return nil, "Lifetime validation failed, the token is expired."
	}
	return ti, ""
}
