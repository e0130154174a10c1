package appmixertest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// user is an Appmixer user. Only a salted hash of the password is kept:
// the emulator only verifies it.
type user struct {
	ID, Username string
	Salt, Hash   string // hex
	Scope        []string
}

func hashPassword(salt, password string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + password))
	return hex.EncodeToString(sum[:])
}

func (u *user) setPassword(password string) {
	u.Salt = hex.EncodeToString(randomBytes(16))
	u.Hash = hashPassword(u.Salt, password)
}

func (u *user) passwordIs(password string) bool {
	return hmac.Equal([]byte(u.Hash), []byte(hashPassword(u.Salt, password)))
}

// tokenState tracks one issued token.
type tokenState struct {
	userID string
	uses   int  // authenticated requests made with it
	dead   bool // expired by ExpireAllTokens or ExpireTokensAfter
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return b
}

// AddUser adds a user (or replaces the password and scope of an existing one).
// Admins carry the scopes ["user","admin"], others ["user"] (docs "User": GET /user → "scope").
func (s *Server) AddUser(username, password string, admin bool) {
	scope := []string{"user"}
	if admin {
		scope = append(scope, "admin")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[username]; ok {
		u.setPassword(password)
		u.Scope = scope
		return
	}
	// Appmixer user ids are MongoDB ObjectIds: 24 hex digits (docs example "5c88c7cc04a917256c726c3d").
	u := &user{ID: hex.EncodeToString(randomBytes(12)), Username: username, Scope: scope}
	u.setPassword(password)
	s.users[username] = u
}

// IssueToken returns a valid token for username ("" if there is no such user).
func (s *Server) IssueToken(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[username]
	if !ok {
		return ""
	}
	return s.issueLocked(u)
}

// issueLocked mints an HS256 JWT whose claims match Appmixer's tokens (docs
// "Authentication" sample decodes to {"id","scope","iat","exp"}).
func (s *Server) issueLocked(u *user) string {
	enc := base64.RawURLEncoding
	now := time.Now()
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"id": u.ID, "scope": u.Scope, "iat": now.Unix(), "exp": now.Add(30 * 24 * time.Hour).Unix(),
		"jti": hex.EncodeToString(randomBytes(8)), // distinct tokens even within one second
	})
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(signing))
	tok := signing + "." + enc.EncodeToString(mac.Sum(nil))
	s.tokens[tok] = &tokenState{userID: u.ID}
	return tok
}

// ExpireTokensAfter makes every token (issued or future) die after n
// authenticated requests; 0 means tokens never expire.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	s.expireAfter = n
	s.mu.Unlock()
}

// ExpireAllTokens kills every token issued so far.
func (s *Server) ExpireAllTokens() {
	s.mu.Lock()
	for _, t := range s.tokens {
		t.dead = true
	}
	s.mu.Unlock()
}

// authenticate checks the bearer token and counts the use. On failure it
// writes 401 (hapi-auth-jwt2 style: "Missing authentication", "Invalid token",
// "Token expired") and returns nil.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *user {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		writeError(w, http.StatusUnauthorized, "Missing authentication")
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tokens[tok]
	if !ok {
		writeError(w, http.StatusUnauthorized, "Invalid token")
		return nil
	}
	if s.expireAfter > 0 && st.uses >= s.expireAfter {
		st.dead = true
	}
	if st.dead {
		writeError(w, http.StatusUnauthorized, "Token expired")
		return nil
	}
	st.uses++
	for _, u := range s.users {
		if u.ID == st.userID {
			c := *u
			c.Scope = append([]string(nil), u.Scope...)
			return &c
		}
	}
	writeError(w, http.StatusUnauthorized, "Invalid token")
	return nil
}

// requireAdmin is authenticate plus hapi's scope check: the service-config
// endpoints need the admin scope (docs "Service Configuration"), else 403.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) *user {
	u := s.authenticate(w, r)
	if u == nil || !authorizeAdmin(w, u) {
		return nil
	}
	return u
}

// authorizeAdmin writes 403 "Insufficient scope" unless u has the admin scope.
func authorizeAdmin(w http.ResponseWriter, u *user) bool {
	for _, sc := range u.Scope {
		if sc == "admin" {
			return true
		}
	}
	writeError(w, http.StatusForbidden, "Insufficient scope")
	return false
}

// authorizedPayload follows hapi's request lifecycle for routes with a body:
// authenticate (401), parse the payload (400/413/415), then authorize the
// scope (403); validation of fields comes after that.
func (s *Server) authorizedPayload(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	u := s.authenticate(w, r)
	if u == nil {
		return nil, false
	}
	body, ok := readObject(w, r)
	if !ok || !authorizeAdmin(w, u) {
		return nil, false
	}
	return body, true
}

// handleAuth: POST /user/auth {"username"|"email","password"} →
// {"user":{…},"token"} (docs "Authentication", Sign-in User); 401 on bad credentials.
func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	name, _ := body["username"].(string)
	if name == "" {
		name, _ = body["email"].(string) // "a username or email must be included"
	}
	pass, _ := body["password"].(string)
	if pass == "" {
		writeError(w, http.StatusBadRequest, `"password" is required`)
		return
	}
	if name == "" {
		writeError(w, http.StatusBadRequest, `"username" or "email" is required`)
		return
	}
	s.mu.Lock()
	u, ok := s.users[name]
	if !ok || !u.passwordIs(pass) {
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "Invalid username or password.")
		return
	}
	tok := s.issueLocked(u)
	info := userJSON(u)
	s.mu.Unlock()
	delete(info, "scope") // the sign-in answer's user object has no scope in the docs sample
	writeJSON(w, http.StatusOK, map[string]any{"user": info, "token": tok})
}

// handleUser: GET /user → {"id","username","email","scope",…} (docs "User").
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	u := s.authenticate(w, r)
	if u == nil {
		return
	}
	writeJSON(w, http.StatusOK, userJSON(u))
}

func userJSON(u *user) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "email": u.Username,
		"isActive": true, "scope": append([]string(nil), u.Scope...), "plan": "free"}
}
