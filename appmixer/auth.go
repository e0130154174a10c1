package appmixer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// User is the signed-in Appmixer user (GET /user).
type User struct {
	ID       string
	Username string
	Scope    []string
}

// IsAdmin reports whether the user has the admin scope, which the
// service-config endpoints require (docs "Service Configuration").
func (u *User) IsAdmin() bool { return slices.Contains(u.Scope, "admin") }

// ErrNotAdmin is wrapped by RequireAdmin when the user lacks the admin scope.
var ErrNotAdmin = errors.New("the admin scope is missing")

// adminHint: connector configuration needs an Appmixer admin.
var adminHint = hint.Hint{Text: "sign in as an Appmixer admin (a user with the admin scope)"}

// Login signs in with POST /user/auth and keeps the credentials in memory so
// a later 401 can be answered by signing in once more.
func (c *Client) Login(ctx context.Context, username, password string) error {
	if username == "" {
		return hint.New("Appmixer sign-in needs a username and a password", hint.Change(hint.AppmixerUsername, "give the username of an Appmixer admin"))
	}
	if password == "" {
		return hint.New("Appmixer sign-in needs a username and a password", hint.Change(hint.AppmixerPassword, "give the password (or a token instead)"))
	}
	body, err := json.Marshal(map[string]string{"username": username, "password": password})
	if err != nil {
		return fmt.Errorf("encoding the Appmixer sign-in request: %w", err)
	}
	// Signing in creates nothing: retried like a read on 429, 5xx and cut connections.
	r := request{method: http.MethodPost, path: "/user/auth", body: body, secrets: []string{password}}
	res, err := c.send(ctx, r, "")
	if err != nil {
		return err
	}
	switch res.status {
	case http.StatusOK, http.StatusCreated:
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("Appmixer sign-in failed for %q: wrong username or password: %w", username, c.apiError(r, res))
	default:
		return fmt.Errorf("Appmixer sign-in failed for %q: %w", username, c.apiError(r, res))
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := c.decode(r, res, &out); err != nil {
		return err
	}
	if out.Token == "" {
		return hint.Errorf(notTheAPI, "Appmixer's answer to %s at %s has no token", r, c.api)
	}
	c.mu.Lock()
	c.token, c.username, c.password = out.Token, username, password
	c.mu.Unlock()
	return nil
}

// UseToken signs in with an existing access token (APPMIXER_TOKEN). Without a
// password a 401 cannot be repaired, so it becomes ErrTokenExpired.
func (c *Client) UseToken(token string) {
	c.mu.Lock()
	c.token, c.username, c.password = token, "", ""
	c.mu.Unlock()
}

// CurrentUser reads GET /user.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	r := request{method: http.MethodGet, path: "/user"}
	res, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if res.status != http.StatusOK {
		return nil, fmt.Errorf("reading the signed-in Appmixer user: %w", c.apiError(r, res))
	}
	var out struct {
		ID       string   `json:"id"`
		Username string   `json:"username"`
		Email    string   `json:"email"`
		Scope    []string `json:"scope"`
	}
	if err := c.decode(r, res, &out); err != nil {
		return nil, err
	}
	u := &User{ID: out.ID, Username: out.Username, Scope: out.Scope}
	if u.Username == "" {
		u.Username = out.Email // users may sign in by email only (docs "Authentication")
	}
	return u, nil
}

// RequireAdmin returns the current user, or an error wrapping ErrNotAdmin when
// the user cannot manage service configs.
func (c *Client) RequireAdmin(ctx context.Context) (*User, error) {
	u, err := c.CurrentUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return u, hint.Errorf(adminHint, "Appmixer user %q is not an Appmixer admin: %w", u.Username, ErrNotAdmin)
	}
	return u, nil
}
