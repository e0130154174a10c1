package azuretest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
	resource string // resGraph or resARM: which API accepts it
	aud      string // the aud claim: the resource as the client named it
	expires  time.Time
	gen      int
	roles    []string
}

type refreshInfo struct {
	ClientID string   `json:"clientId"`
	Scopes   []string `json:"scopes"`
}

// hashSecret is what the emulator keeps of a secret it only has to verify
// (client secrets, tokens): Entra never shows a secret again after creation.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// audience is a v1 token's aud: the resource without a trailing slash for
// Graph (https://graph.microsoft.com), as given otherwise.
// Entra: learn.microsoft.com/entra/identity-platform/access-token-claims-reference (aud).
func audience(res string) string {
	if res == "" {
		return GraphAppID
	}
	return res
}

// userToken is the delegated token for the scopes' resource.
func (s *Server) userToken(clientID string, scopes []string) tokenInfo {
	ti := tokenInfo{kind: kindUser, appID: clientID, oid: s.user.oid, resource: resGraph, aud: s.URL}
	for _, sc := range scopes {
		if oidcScopes[sc] {
			continue
		}
		if res, _ := scopeResource(sc); res != "" {
			ti.resource, ti.aud = s.resourceKind(res), audience(res)
		}
		break
	}
	return ti
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

// issueAccessToken records (by hash) and returns an access token. Claims
// follow Entra v1 access tokens:
// Entra: learn.microsoft.com/entra/identity-platform/access-token-claims-reference.
// Caller holds s.mu.
func (s *Server) issueAccessToken(ti tokenInfo, scp string, lifetime time.Duration) string {
	now := s.now()
	ti.expires = now.Add(lifetime)
	ti.gen = s.tokenGen
	if ti.resource == "" {
		ti.resource = resGraph
	}
	if ti.aud == "" {
		ti.aud = s.URL
	}
	claims := map[string]any{
		"aud": ti.aud, "iss": "https://sts.windows.net/" + s.TenantID + "/", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": ti.expires.Unix(), "tid": s.TenantID, "oid": ti.oid, "sub": ti.oid, "appid": ti.appID,
		"ver": "1.0", "uti": randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
	}
	switch ti.kind {
	case kindUser:
		claims["idtyp"] = "user"
		claims["scp"] = scp
		if ti.resource == resARM {
			claims["scp"] = "user_impersonation"
		}
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
	s.tokens[hashSecret(tok)] = &info
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

// lookupToken validates a bearer token for resource (resGraph, resARM). Caller holds s.mu.
func (s *Server) lookupToken(tok, resource string) (*tokenInfo, string) {
	if tok == "" {
		return nil, "Access token is empty."
	}
	if strings.Count(tok, ".") != 2 {
		return nil, "IDX14100: JWT is not well formed, there are no dots (.)."
	}
	ti, ok := s.tokens[hashSecret(tok)]
	if !ok {
		return nil, "Access token validation failure. Invalid signature."
	}
	if ti.resource != resource {
		return nil, "Access token validation failure. Invalid audience."
	}
	if ti.gen != s.tokenGen || !s.now().Before(ti.expires) {
		return nil, "Lifetime validation failed, the token is expired."
	}
	return ti, ""
}
