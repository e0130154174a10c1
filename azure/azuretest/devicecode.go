package azuretest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
	deviceRedeemed
)

type deviceCode struct {
	userCode, deviceCode, clientID string
	scopes                         []string
	expiresAt, autoApproveAt       time.Time
	state                          deviceState
	expired                        bool
}

// deviceCodeLifetime is Entra's 15 minutes (expires_in 900).
const deviceCodeLifetime = 15 * time.Minute

// Entra: learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code#device-authorization-response
// MSAL posts client_id and scope to the token endpoint URL with "token" replaced by "devicecode".
func (s *Server) serveDeviceCode(w http.ResponseWriter, r *http.Request, tenant string) {
	clientID := strings.ToLower(r.PostForm.Get("client_id"))
	if clientID == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	if _, ok := firstPartyPublicClients[clientID]; !ok {
		writeEntraError(w, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, s.TenantID))
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if code, n, msg := s.checkDelegatedScopes(scopes); code != "" {
		writeEntraError(w, http.StatusBadRequest, code, n, msg)
		return
	}
	now := s.now()
	dc := &deviceCode{
		userCode:   randomString(9, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
		deviceCode: randomString(120, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
		clientID:   clientID,
		scopes:     scopes,
		expiresAt:  now.Add(deviceCodeLifetime),
	}
	s.mu.Lock()
	if s.cfg.autoApprove > 0 {
		dc.autoApproveAt = now.Add(s.cfg.autoApprove)
	}
	s.devices = append(s.devices, dc)
	s.mu.Unlock()
	verify := s.baseURL(r) + "/devicelogin"
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code":        dc.userCode,
		"device_code":      dc.deviceCode,
		"verification_uri": verify,
		"expires_in":       int(deviceCodeLifetime.Seconds()),
		"interval":         5,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.",
			verify, dc.userCode),
	})
}

// grantDeviceCode answers MSAL's polling. MSAL keeps polling only on a 400
// with error authorization_pending or slow_down (oauth.go isWaitDeviceCodeErr).
// Entra: v2-oauth2-device-code#expected-errors.
func (s *Server) grantDeviceCode(w http.ResponseWriter, r *http.Request) {
	code, clientID := r.PostForm.Get("device_code"), strings.ToLower(r.PostForm.Get("client_id"))
	if code == "" {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var dc *deviceCode
	for _, d := range s.devices {
		if d.deviceCode == code {
			dc = d
		}
	}
	if dc == nil || dc.clientID != clientID {
		writeEntraError(w, http.StatusBadRequest, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid.")
		return
	}
	now := s.now()
	if dc.state == devicePending && !dc.autoApproveAt.IsZero() && !now.Before(dc.autoApproveAt) {
		dc.state = deviceApproved
	}
	switch {
	case dc.state == deviceDeclined:
		writeEntraError(w, http.StatusBadRequest, "authorization_declined", 70000, "The user declined the authentication request.")
	case dc.state == deviceRedeemed:
		writeEntraError(w, http.StatusBadRequest, "invalid_grant", 70000, "The provided device code has already been redeemed.")
	case dc.expired || !now.Before(dc.expiresAt):
		writeEntraError(w, http.StatusBadRequest, "expired_token", 70019, "Verification code expired.")
	case dc.state == devicePending:
		writeEntraError(w, http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	default:
		dc.state = deviceRedeemed
		writeJSON(w, http.StatusOK, s.userTokenResponse(dc.clientID, dc.scopes))
	}
}

var errNoDeviceCode = errors.New("azuretest: no pending device code with that user code")

// findPendingLocked returns the pending code for userCode, or the latest pending one for "".
func (s *Server) findPendingLocked(userCode string) (*deviceCode, error) {
	now := s.now()
	for i := len(s.devices) - 1; i >= 0; i-- {
		d := s.devices[i]
		if d.state != devicePending || d.expired || !now.Before(d.expiresAt) {
			continue
		}
		if userCode == "" || strings.EqualFold(d.userCode, userCode) {
			return d, nil
		}
	}
	if userCode == "" {
		return nil, fmt.Errorf("%w: none is waiting; start the device code sign-in first", errNoDeviceCode)
	}
	return nil, fmt.Errorf("%w %q: check PendingDeviceCodes", errNoDeviceCode, userCode)
}

// ApproveDeviceCode signs the seeded user in for userCode ("" = the latest pending code).
func (s *Server) ApproveDeviceCode(userCode string) error {
	return s.setDeviceState(userCode, func(d *deviceCode) { d.state = deviceApproved })
}

// DeclineDeviceCode makes the next poll answer authorization_declined.
func (s *Server) DeclineDeviceCode(userCode string) error {
	return s.setDeviceState(userCode, func(d *deviceCode) { d.state = deviceDeclined })
}

// ExpireDeviceCode makes the next poll answer expired_token.
func (s *Server) ExpireDeviceCode(userCode string) error {
	return s.setDeviceState(userCode, func(d *deviceCode) { d.expired = true })
}

func (s *Server) setDeviceState(userCode string, fn func(*deviceCode)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.findPendingLocked(userCode)
	if err != nil {
		return err
	}
	fn(d)
	return nil
}

// PendingDeviceCodes lists the user codes still waiting for the user.
func (s *Server) PendingDeviceCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []string
	for _, d := range s.devices {
		if d.state == devicePending && !d.expired && now.Before(d.expiresAt) &&
			(d.autoApproveAt.IsZero() || now.Before(d.autoApproveAt)) {
			out = append(out, d.userCode)
		}
	}
	return out
}
