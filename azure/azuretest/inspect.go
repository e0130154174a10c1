package azuretest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Applications returns deep copies of the tenant's applications (including
// ones still replicating). PasswordCredentials never carry secretText.
func (s *Server) Applications() []Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Application, 0, len(s.apps))
	for _, rec := range s.apps {
		out = append(out, cloneApp(rec.app))
	}
	return out
}

// ServicePrincipals returns copies of every service principal, seeded ones included.
func (s *Server) ServicePrincipals() []ServicePrincipal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ServicePrincipal, 0, len(s.sps))
	for _, sp := range s.sps {
		out = append(out, cloneSP(*sp))
	}
	return out
}

// PermissionGrants returns copies of every oauth2PermissionGrant.
func (s *Server) PermissionGrants() []OAuth2PermissionGrant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OAuth2PermissionGrant, 0, len(s.grants))
	for _, g := range s.grants {
		out = append(out, cloneGrant(*g))
	}
	return out
}

// MutatePermissionGrants edits every grant as an admin would in the portal
// (API permissions → revoke or grant one permission); ids cannot change.
func (s *Server) MutatePermissionGrants(fn func(*OAuth2PermissionGrant)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.grants {
		id := g.ID
		fn(g)
		g.ID = id
	}
}

// ErrNotFound is returned by MutateApplication for an unknown appId.
var ErrNotFound = errors.New("azuretest: not found")

// MutateApplication edits an app as someone in the portal would (no validation;
// id, appId and secrets cannot change).
func (s *Server) MutateApplication(appID string, fn func(*Application)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil {
		return fmt.Errorf("%w: no application with appId %q; list them with Applications()", ErrNotFound, appID)
	}
	next := cloneApp(rec.app)
	fn(&next)
	normalizeApp(&next)
	next.ID, next.AppID, next.CreatedDateTime = rec.app.ID, rec.app.AppID, rec.app.CreatedDateTime
	kept := next.PasswordCredentials[:0]
	for _, pc := range next.PasswordCredentials {
		if pc.KeyID != "" {
			pc.SecretText = nil
			kept = append(kept, pc)
		}
	}
	next.PasswordCredentials = kept
	for k := range rec.secrets {
		found := false
		for _, pc := range kept {
			found = found || pc.KeyID == k
		}
		if !found {
			delete(rec.secrets, k) // a secret removed in the portal stops working
		}
	}
	rec.app = next
	return nil
}

// SeedApplication adds an existing, already replicated app. Empty ids are
// generated. A PasswordCredential with SecretText set becomes a working,
// already propagated secret (its text is then dropped from the stored copy).
func (s *Server) SeedApplication(a Application) Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a = cloneAppKeepSecrets(a)
	if a.ID == "" {
		a.ID = newGUID()
	}
	if a.AppID == "" {
		a.AppID = newGUID()
	}
	a.ID, a.AppID = strings.ToLower(a.ID), strings.ToLower(a.AppID)
	if a.CreatedDateTime.IsZero() {
		a.CreatedDateTime = now.Truncate(time.Second)
	}
	if a.SignInAudience == "" {
		a.SignInAudience = "AzureADMultipleOrgs"
	}
	normalizeApp(&a)
	rec := &appRecord{secrets: map[string]secretRecord{}}
	for i := range a.PasswordCredentials {
		pc := &a.PasswordCredentials[i]
		if pc.KeyID == "" {
			pc.KeyID = newGUID()
		}
		if pc.StartDateTime.IsZero() {
			pc.StartDateTime = now.Add(-time.Hour)
		}
		if pc.EndDateTime.IsZero() {
			pc.EndDateTime = pc.StartDateTime.AddDate(2, 0, 0)
		}
		if pc.SecretText != nil {
			text := *pc.SecretText
			if len(text) >= 3 {
				pc.Hint = text[:3]
			}
			rec.secrets[pc.KeyID] = secretRecord{text: text, createdAt: now.Add(-24 * time.Hour)}
			pc.SecretText = nil
		}
	}
	rec.app = a
	s.apps = append(s.apps, rec)
	return cloneApp(a)
}

func cloneAppKeepSecrets(a Application) Application {
	texts := make([]*string, len(a.PasswordCredentials))
	for i, pc := range a.PasswordCredentials {
		texts[i] = pc.SecretText
	}
	out := cloneApp(a)
	for i := range out.PasswordCredentials {
		if texts[i] != nil {
			t := *texts[i]
			out.PasswordCredentials[i].SecretText = &t
		}
	}
	return out
}
