package azuretest

import (
	"fmt"
	"net/http"
	"time"
)

// The tenant's default app management policy and per-app policies restrict
// password lifetimes. Graph: learn.microsoft.com/graph/api/resources/tenantappmanagementpolicy,
// /resources/appmanagementpolicy ("If this resource is not configured for an
// application …, the restrictions default to the settings in the
// tenantAppManagementPolicy object"), /api/tenantappmanagementpolicy-get.

// defaultPolicyID is the tenant default policy's id in Graph's sample response.
const defaultPolicyID = "00000000-0000-0000-0000-000000000000"

// policyCutoff is restrictForAppsCreatedAfterDateTime of the emulated
// policies: before any app the emulator holds, so they apply to every app.
var policyCutoff = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)

// appPolicy is an appManagementPolicy assigned to one application.
type appPolicy struct {
	ID          string        `json:"id"`
	DisplayName string        `json:"displayName"`
	MaxLifetime time.Duration `json:"maxLifetime"`
}

// SetSecretLifetimePolicy caps secret lifetime with the tenant's default app
// management policy (0 = the policy is disabled).
func (s *Server) SetSecretLifetimePolicy(max time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetimeMax = max
}

// SetAppSecretLifetimePolicy assigns an app management policy capping secret
// lifetime to the app with this appId (0 removes it); it overrides the
// tenant default for that app. It returns the policy id.
func (s *Server) SetAppSecretLifetimePolicy(appID string, max time.Duration) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil {
		return "", fmt.Errorf("%w: no application with appId %q", ErrNotFound, appID)
	}
	if max <= 0 {
		delete(s.appPolicies, rec.app.ID)
		return "", nil
	}
	p := appPolicy{ID: newGUID(), DisplayName: "Credential lifetime policy for " + rec.app.DisplayName, MaxLifetime: max}
	if old, ok := s.appPolicies[rec.app.ID]; ok {
		p.ID = old.ID
	}
	s.appPolicies[rec.app.ID] = p
	return p.ID, nil
}

// DenyPolicyReads makes the policy endpoints answer 403, as Graph does for a
// principal without Policy.Read.All (deny = false lets them read again).
func (s *Server) DenyPolicyReads(deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policiesDenied = deny
}

// policyDeniedLocked answers 403 Authorization_RequestDenied when reads are denied.
// Graph: learn.microsoft.com/graph/api/tenantappmanagementpolicy-get (Policy.Read.All).
func (s *Server) policyDeniedLocked(w http.ResponseWriter, r *http.Request) bool {
	if s.policiesDenied {
		s.writeGErr(w, r, &gerr{status: http.StatusForbidden, code: "Authorization_RequestDenied", msg: "Insufficient privileges to complete the operation."})
	}
	return s.policiesDenied
}

// graphPolicies serves /v1.0/policies/defaultAppManagementPolicy.
func (s *Server) graphPolicies(w http.ResponseWriter, r *http.Request, segs []string) {
	if len(segs) != 1 || segs[0] != "defaultAppManagementPolicy" {
		seg := "policies"
		if len(segs) > 0 {
			seg = segs[len(segs)-1]
		}
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+seg+"'.")
		return
	}
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policyDeniedLocked(w, r) {
		return
	}
	pwd := []any{}
	if s.lifetimeMax > 0 {
		pwd = append(pwd, lifetimeRestriction(s.lifetimeMax))
	}
	s.writeEntity(w, r, http.StatusOK, "policies/defaultAppManagementPolicy", map[string]any{
		"id":          defaultPolicyID,
		"displayName": "Default app management tenant policy",
		"description": "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
		"isEnabled":   s.lifetimeMax > 0,
		"applicationRestrictions": map[string]any{
			"passwordCredentials": pwd, "keyCredentials": []any{}, "identifierUris": nil,
		},
		"servicePrincipalRestrictions": map[string]any{"passwordCredentials": []any{}, "keyCredentials": []any{}},
	})
}

func lifetimeRestriction(max time.Duration) map[string]any {
	return map[string]any{
		"restrictionType": "passwordLifetime", "maxLifetime": isoDays(max),
		"restrictForAppsCreatedAfterDateTime": formatGraphTime(policyCutoff), "state": "enabled", "excludeActors": nil,
	}
}

// appManagementPolicies serves GET /applications/{id}/appManagementPolicies.
// Graph: learn.microsoft.com/graph/api/appmanagementpolicy-list-appliesto and the applications' relationship.
func (s *Server) appManagementPolicies(w http.ResponseWriter, r *http.Request, by, ident string) {
	s.mu.Lock()
	rec, e := s.appLocked(by, ident)
	if e != nil {
		s.mu.Unlock()
		s.writeGErr(w, r, e)
		return
	}
	if s.policyDeniedLocked(w, r) {
		s.mu.Unlock()
		return
	}
	items := []map[string]any{}
	if p, ok := s.appPolicies[rec.app.ID]; ok {
		items = append(items, map[string]any{
			"id": p.ID, "displayName": p.DisplayName, "description": "Caps the lifetime of client secrets.",
			"isEnabled": true, "deletedDateTime": nil,
			"restrictions": map[string]any{
				"passwordCredentials": []any{lifetimeRestriction(p.MaxLifetime)}, "keyCredentials": []any{},
			},
		})
	}
	s.mu.Unlock()
	s.writeCollection(w, r, "appManagementPolicies", items)
}

// checkLifetimeLocked refuses a secret longer than the policy that applies
// to the app: its own app management policy, else the tenant default. The
// message names only the policy, as Graph's does (OfficeDev/microsoft-365-agents-toolkit#10998:
// "Credential lifetime exceeds the max value allowed as per assigned policy '…'",
// detail InvalidKeyEndDate on EndDate); a client must read the policy to learn the maximum.
func (s *Server) checkLifetimeLocked(rec *appRecord, start, end time.Time) *gerr {
	max, policyID := s.lifetimeMax, defaultPolicyID
	if p, ok := s.appPolicies[rec.app.ID]; ok {
		max, policyID = p.MaxLifetime, p.ID
	}
	if max <= 0 || rec.app.CreatedDateTime.Before(policyCutoff) || end.Sub(start) <= max {
		return nil
	}
	msg := fmt.Sprintf("Credential lifetime exceeds the max value allowed as per assigned policy '%s'.", policyID)
	return &gerr{status: http.StatusBadRequest, code: "CredentialInvalidLifetimeAsPerAppPolicy", msg: msg,
		details: []map[string]any{{"code": "InvalidKeyEndDate", "message": msg, "target": "EndDate"}}}
}

// isoDays renders a duration as an ISO 8601 period, as policies state it (e.g. P90D).
func isoDays(d time.Duration) string {
	days := d / (24 * time.Hour)
	if rem := d % (24 * time.Hour); rem != 0 {
		return fmt.Sprintf("P%dDT%dS", days, int(rem.Seconds()))
	}
	return fmt.Sprintf("P%dD", days)
}
