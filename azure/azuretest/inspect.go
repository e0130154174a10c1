package azuretest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Applications returns copies of the tenant's active applications
// (including ones still replicating; not those in deleted items).
// PasswordCredentials never carry secretText.
func (s *Server) Applications() []Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Application, 0, len(s.apps))
	for _, rec := range s.apps {
		if !rec.deleted() {
			out = append(out, cloneApp(rec.app))
		}
	}
	return out
}

// DeletedApplications returns copies of the applications in deleted items.
func (s *Server) DeletedApplications() []Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Application
	for _, rec := range s.apps {
		if rec.deleted() {
			out = append(out, cloneApp(rec.app))
		}
	}
	return out
}

// ApplicationJSON returns the whole stored document of the app with this
// appId (active or deleted), as Graph would return it: every property.
func (s *Server) ApplicationJSON(appID string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.apps {
		if strings.EqualFold(rec.app.AppID, appID) {
			return cloneJSON(rec.doc).(map[string]any), true
		}
	}
	return nil, false
}

// ApplicationOwners returns the object ids of the owners of the app with
// this appId (active or deleted).
func (s *Server) ApplicationOwners(appID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.apps {
		if strings.EqualFold(rec.app.AppID, appID) {
			return append([]string(nil), rec.owners...)
		}
	}
	return nil
}

// ServicePrincipals returns copies of every active service principal, seeded ones included.
func (s *Server) ServicePrincipals() []ServicePrincipal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ServicePrincipal, 0, len(s.sps))
	for _, rec := range s.sps {
		if !rec.deleted() {
			var sp ServicePrincipal
			fromJSONMap(rec.doc, &sp)
			out = append(out, sp)
		}
	}
	return out
}

// PermissionGrants returns copies of every oauth2PermissionGrant of active service principals.
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

// ErrNotFound is returned by the seeding helpers for an unknown appId.
var ErrNotFound = errors.New("azuretest: not found")

// MutateApplication edits an active app as someone in the portal would. Only
// the properties fn changes are written (every other stored property stays as
// it is); their values must have Graph's types. id and appId cannot change.
// A password credential fn removes stops working; one it adds with a KeyID
// is kept, and with SecretText it works at once.
func (s *Server) MutateApplication(appID string, fn func(*Application)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.appByAppIDLocked(appID, false)
	if rec == nil {
		return fmt.Errorf("%w: no application with appId %q; list them with Applications()", ErrNotFound, appID)
	}
	before := cloneAppKeepSecrets(rec.app)
	next := cloneAppKeepSecrets(rec.app)
	fn(&next)
	next.ID, next.AppID = rec.app.ID, rec.app.AppID
	doc, err := overlayView(rec, before, next, s.now())
	if err != nil {
		return fmt.Errorf("azuretest: MutateApplication %s: %w", appID, err)
	}
	rec.setDoc(doc)
	return nil
}

// overlayView writes into a copy of rec's document the top-level properties
// that differ between the typed views before and after, checked against
// Graph's schema; password credentials are reconciled with rec's secrets.
func overlayView(rec *appRecord, before, after Application, now time.Time) (map[string]any, error) {
	doc := cloneJSON(rec.doc).(map[string]any)
	bm, am := toJSONMap(before), toJSONMap(after)
	for k, v := range am {
		p, ok := propOf("application", k)
		if !ok || k == "passwordCredentials" {
			continue
		}
		v = coerceNulls(v, p)
		if reflect.DeepEqual(coerceNulls(bm[k], p), v) {
			continue
		}
		if k == "uniqueName" && v == "" {
			v = nil
		}
		nv, e := checkValue(v, p)
		if e != nil {
			return nil, errors.New(e.msg)
		}
		doc[p.name] = normalizeValue(nv, p)
	}
	if !reflect.DeepEqual(bm["passwordCredentials"], am["passwordCredentials"]) {
		doc["passwordCredentials"] = reconcileSecrets(rec, after.PasswordCredentials, now)
	}
	return doc, nil
}

// reconcileSecrets turns a typed credential list into the stored one: a
// credential without KeyID is dropped, one with SecretText becomes a working
// (already propagated) secret, and a secret no longer listed stops working.
func reconcileSecrets(rec *appRecord, pcs []PasswordCredential, now time.Time) []any {
	old := map[string]any{}
	if arr, ok := rec.doc["passwordCredentials"].([]any); ok {
		for _, e := range arr {
			if m, ok := e.(map[string]any); ok {
				old[strings.ToLower(fmt.Sprint(m["keyId"]))] = m
			}
		}
	}
	out := []any{}
	kept := map[string]bool{}
	for _, pc := range pcs {
		if pc.KeyID == "" {
			continue
		}
		key := strings.ToLower(pc.KeyID)
		if pc.SecretText != nil {
			text := *pc.SecretText
			if len(text) >= 3 {
				pc.Hint = text[:3]
			}
			rec.secrets[key] = secretRecord{hash: hashSecret(text), createdAt: now.Add(-24 * time.Hour)}
		}
		kept[key] = true
		m := credentialJSON(pc)
		if o, ok := old[key].(map[string]any); ok && pc.DisplayName == "" && o["displayName"] == nil {
			m["displayName"] = nil // keep a null name null
		}
		out = append(out, m)
	}
	for k := range rec.secrets {
		if !kept[strings.ToLower(k)] {
			delete(rec.secrets, k) // a secret removed in the portal stops working
		}
	}
	return out
}

func credentialJSON(pc PasswordCredential) map[string]any {
	return map[string]any{
		"customKeyIdentifier": ptrOrNil(pc.CustomKeyIdentifier), "displayName": pc.DisplayName,
		"endDateTime": formatGraphTime(pc.EndDateTime), "hint": pc.Hint, "keyId": strings.ToLower(pc.KeyID),
		"secretText": nil, "startDateTime": formatGraphTime(pc.StartDateTime),
	}
}

func ptrOrNil(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// SeedApplication adds an existing, already replicated app. Empty ids are
// generated. A PasswordCredential with SecretText set becomes a working,
// already propagated secret (its text is then dropped from the stored copy);
// its EndDateTime (default: two years after StartDateTime) is kept, so an
// expiring or expired secret can be seeded.
func (s *Server) SeedApplication(a Application) Application {
	app, err := s.SeedApplicationProperties(a, nil)
	if err != nil {
		panic(err) // a typed Application only fails on values Graph would refuse
	}
	return app
}

// SeedApplicationProperties is SeedApplication plus any other documented
// application properties in Graph's JSON form (e.g. "info", "optionalClaims",
// "appRoles"), checked against Graph's schema.
func (s *Server) SeedApplicationProperties(a Application, props map[string]any) (Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a = cloneAppKeepSecrets(a)
	normalizeApp(&a)
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
	if a.PublisherDomain == "" {
		a.PublisherDomain = s.domain
	}
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
	}
	rec := &appRecord{secrets: map[string]secretRecord{}}
	rec.setDoc(newAppDoc())
	doc, err := overlayView(rec, rec.app, a, now)
	if err != nil {
		return Application{}, fmt.Errorf("azuretest: SeedApplication: %w", err)
	}
	for k, v := range props {
		p, ok := propOf("application", k)
		if !ok {
			return Application{}, fmt.Errorf("azuretest: SeedApplication: %q is not a property of microsoft.graph.application", k)
		}
		nv, e := checkValue(cloneJSON(v), p)
		if e != nil {
			return Application{}, fmt.Errorf("azuretest: SeedApplication: %s", e.msg)
		}
		doc[p.name] = normalizeValue(nv, p)
	}
	rec.setDoc(doc)
	if e := s.validateAppLocked(rec, &rec.app); e != nil {
		return Application{}, fmt.Errorf("azuretest: SeedApplication: %s: %s", e.code, e.msg)
	}
	s.apps = append(s.apps, rec)
	return cloneApp(rec.app), nil
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
