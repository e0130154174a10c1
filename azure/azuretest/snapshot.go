package azuretest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// worldV1 is the JSON form of the emulated tenant (Snapshot, Restore):
// everything a later run must find as it was. Times are absolute, so
// replication, secret propagation and expiry carry on across a restore.
// Client secrets and tokens are kept as hashes (the emulator only verifies
// them); the automation principal's secret is kept as is, since
// AutomationCredentials hands it out. Device codes are not kept.
type worldV1 struct {
	Kind       string                  `json:"kind"` // "azuretest"
	Version    int                     `json:"version"`
	Saved      time.Time               `json:"saved"`
	TenantID   string                  `json:"tenantId"`
	OrgName    string                  `json:"orgName"`
	Domain     string                  `json:"domain"`
	User       snapUser                `json:"user"`
	Automation snapAutomation          `json:"automation"`
	GraphSPID  string                  `json:"graphServicePrincipalId"`
	Apps       []snapApp               `json:"applications"`
	SPs        []snapSP                `json:"servicePrincipals"`
	Grants     []OAuth2PermissionGrant `json:"oauth2PermissionGrants"`
	Policies   snapPolicies            `json:"policies"`
	Tokens     []snapToken             `json:"accessTokens"`
	Refresh    map[string]refreshInfo  `json:"refreshTokens"` // by hash
}

type snapUser struct {
	ObjectID string `json:"objectId"`
	UPN      string `json:"userPrincipalName"`
	Name     string `json:"displayName"`
}

type snapAutomation struct {
	AppID  string   `json:"appId"`
	Secret string   `json:"secret"`
	SPID   string   `json:"servicePrincipalId"`
	Roles  []string `json:"roles"`
}

type snapApp struct {
	Doc       map[string]any        `json:"document"`
	VisibleAt time.Time             `json:"visibleAt"`
	Secrets   map[string]snapSecret `json:"secrets"` // by keyId
	Owners    []string              `json:"owners"`
	DeletedAt *time.Time            `json:"deletedAt,omitempty"`
}

type snapSecret struct {
	Hash      string    `json:"hash"`
	CreatedAt time.Time `json:"createdAt"`
}

type snapSP struct {
	Doc       map[string]any          `json:"document"`
	Owners    []string                `json:"owners"`
	DeletedAt *time.Time              `json:"deletedAt,omitempty"`
	Parked    []OAuth2PermissionGrant `json:"grantsWhileDeleted,omitempty"`
	Home      bool                    `json:"homeTenantApp"`
}

type snapPolicies struct {
	TenantMaxLifetime time.Duration        `json:"tenantMaxLifetime"` // 0: the default policy is disabled
	Apps              map[string]appPolicy `json:"apps"`              // by application object id
	ReadsDenied       bool                 `json:"readsDenied"`
}

type snapToken struct {
	Hash     string    `json:"hash"`
	Kind     tokenKind `json:"kind"`
	AppID    string    `json:"appId"`
	OID      string    `json:"oid"`
	Resource string    `json:"resource"`
	Aud      string    `json:"aud"`
	Expires  time.Time `json:"expires"`
	Roles    []string  `json:"roles,omitempty"`
}

const snapshotKind, snapshotVersion = "azuretest", 1

// ErrBadSnapshot wraps every reason Restore refuses a snapshot.
var ErrBadSnapshot = errors.New("azuretest: bad snapshot")

// Snapshot returns the tenant's whole world as JSON: tenant, user,
// applications (deleted ones too, every stored property), service
// principals, grants, secret hashes with their creation times, replication
// times, policies and live tokens (hashed).
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := worldV1{
		Kind: snapshotKind, Version: snapshotVersion, Saved: s.now(),
		TenantID: s.TenantID, OrgName: s.orgName, Domain: s.domain,
		User:       snapUser{ObjectID: s.user.oid, UPN: s.user.upn, Name: s.user.name},
		Automation: snapAutomation{AppID: s.automation.appID, Secret: s.automation.secret, SPID: s.automation.spID, Roles: s.automation.roles},
		GraphSPID:  s.graphSPID,
		Policies:   snapPolicies{TenantMaxLifetime: s.lifetimeMax, Apps: map[string]appPolicy{}, ReadsDenied: s.policiesDenied},
		Refresh:    map[string]refreshInfo{},
	}
	for _, rec := range s.apps {
		a := snapApp{Doc: cloneJSON(rec.doc).(map[string]any), VisibleAt: rec.visibleAt, Secrets: map[string]snapSecret{},
			Owners: append([]string{}, rec.owners...), DeletedAt: timePtr(rec.deletedAt)}
		for k, sec := range rec.secrets {
			a.Secrets[k] = snapSecret{Hash: sec.hash, CreatedAt: sec.createdAt}
		}
		w.Apps = append(w.Apps, a)
	}
	for _, rec := range s.sps {
		sp := snapSP{Doc: cloneJSON(rec.doc).(map[string]any), Owners: append([]string{}, rec.owners...),
			DeletedAt: timePtr(rec.deletedAt), Home: rec.home}
		for _, g := range rec.parked {
			sp.Parked = append(sp.Parked, cloneGrant(*g))
		}
		w.SPs = append(w.SPs, sp)
	}
	for _, g := range s.grants {
		w.Grants = append(w.Grants, cloneGrant(*g))
	}
	for k, p := range s.appPolicies {
		w.Policies.Apps[k] = p
	}
	now := s.now()
	for h, ti := range s.tokens {
		if ti.gen == s.tokenGen && now.Before(ti.expires) {
			w.Tokens = append(w.Tokens, snapToken{Hash: h, Kind: ti.kind, AppID: ti.appID, OID: ti.oid,
				Resource: ti.resource, Aud: ti.aud, Expires: ti.expires, Roles: ti.roles})
		}
	}
	for h, rt := range s.refreshes {
		w.Refresh[h] = *rt
	}
	return json.MarshalIndent(w, "", "  ")
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Restore replaces the tenant's world with a Snapshot's. The whole file is
// checked first (documents against Graph's schema, ids, references between
// objects) and nothing changes if any of it is wrong. The emulator's knobs
// (delays, latency, faults) stay as they are. Call it before clients use the
// server: TenantID changes to the snapshot's.
func (s *Server) Restore(b []byte) error {
	var w worldV1
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("%w: not JSON: %v", ErrBadSnapshot, err)
	}
	if w.Kind != snapshotKind || w.Version != snapshotVersion {
		return fmt.Errorf("%w: kind %q version %d, want %q version %d", ErrBadSnapshot, w.Kind, w.Version, snapshotKind, snapshotVersion)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadSnapshot, fmt.Sprintf(format, args...))
	}
	for what, id := range map[string]string{"tenantId": w.TenantID, "user.objectId": w.User.ObjectID,
		"automation.appId": w.Automation.AppID, "automation.servicePrincipalId": w.Automation.SPID, "graphServicePrincipalId": w.GraphSPID} {
		if !isGUID(id) {
			return bad("%s %q is not a GUID", what, id)
		}
	}
	if w.Domain == "" || w.User.UPN == "" || w.Automation.Secret == "" {
		return bad("domain, user.userPrincipalName and automation.secret are required")
	}
	objects := map[string]bool{strings.ToLower(w.User.ObjectID): true}
	var apps []*appRecord
	for i, a := range w.Apps {
		rec, err := restoreApp(a)
		if err != nil {
			return bad("applications[%d]: %v", i, err)
		}
		if objects[rec.app.ID] {
			return bad("applications[%d]: id %s is used twice", i, rec.app.ID)
		}
		objects[rec.app.ID] = true
		apps = append(apps, rec)
	}
	var sps []*spRecord
	spIDs := map[string]bool{}
	for i, sp := range w.SPs {
		rec, err := restoreSP(sp)
		if err != nil {
			return bad("servicePrincipals[%d]: %v", i, err)
		}
		if objects[rec.sp.ID] {
			return bad("servicePrincipals[%d]: id %s is used twice", i, rec.sp.ID)
		}
		objects[rec.sp.ID], spIDs[rec.sp.ID] = true, true
		sps = append(sps, rec)
	}
	if !spIDs[strings.ToLower(w.GraphSPID)] || !spIDs[strings.ToLower(w.Automation.SPID)] {
		return bad("the Microsoft Graph and automation service principals must be among servicePrincipals")
	}
	var grants []*OAuth2PermissionGrant
	for i, g := range w.Grants {
		if g.ID == "" || !spIDs[strings.ToLower(g.ClientID)] || !spIDs[strings.ToLower(g.ResourceID)] {
			return bad("oauth2PermissionGrants[%d]: needs an id and clientId/resourceId of stored service principals", i)
		}
		g := cloneGrant(g)
		grants = append(grants, &g)
	}
	for i, sp := range sps {
		for _, g := range sp.parked {
			if !spIDs[strings.ToLower(g.ClientID)] || !spIDs[strings.ToLower(g.ResourceID)] {
				return bad("servicePrincipals[%d]: a grant kept while deleted names an unknown service principal", i)
			}
		}
	}
	for appObjID, p := range w.Policies.Apps {
		if !objects[strings.ToLower(appObjID)] || !isGUID(p.ID) || p.MaxLifetime <= 0 {
			return bad("policies.apps[%s]: needs a stored application, a policy id and a positive maxLifetime", appObjID)
		}
	}
	tokens := map[string]*tokenInfo{}
	for i, t := range w.Tokens {
		if !hashRE.MatchString(t.Hash) || (t.Resource != resGraph && t.Resource != resARM) {
			return bad("accessTokens[%d]: needs a sha256 hash and resource %q or %q", i, resGraph, resARM)
		}
		tokens[t.Hash] = &tokenInfo{kind: t.Kind, appID: t.AppID, oid: t.OID, resource: t.Resource, aud: t.Aud, expires: t.Expires, roles: t.Roles}
	}
	for h := range w.Refresh {
		if !hashRE.MatchString(h) {
			return bad("refreshTokens: key %q is not a sha256 hash", h)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.TenantID, s.orgName, s.domain = strings.ToLower(w.TenantID), w.OrgName, w.Domain
	s.user = seededUser{oid: strings.ToLower(w.User.ObjectID), upn: w.User.UPN, name: w.User.Name}
	s.automation = automationPrincipal{appID: strings.ToLower(w.Automation.AppID), secret: w.Automation.Secret,
		spID: strings.ToLower(w.Automation.SPID), roles: w.Automation.Roles}
	s.graphSPID = strings.ToLower(w.GraphSPID)
	s.apps, s.sps, s.grants = apps, sps, grants
	s.lifetimeMax, s.policiesDenied = w.Policies.TenantMaxLifetime, w.Policies.ReadsDenied
	s.appPolicies = map[string]appPolicy{}
	for k, p := range w.Policies.Apps {
		s.appPolicies[strings.ToLower(k)] = p
	}
	for _, t := range tokens {
		t.gen = s.tokenGen
	}
	s.tokens, s.refreshes, s.devices = tokens, map[string]*refreshInfo{}, nil
	for h, rt := range w.Refresh {
		rt := rt
		s.refreshes[h] = &rt
	}
	return nil
}

// restoreApp checks a stored application document against Graph's schema.
func restoreApp(a snapApp) (*appRecord, error) {
	doc, err := restoreDoc(a.Doc, "application")
	if err != nil {
		return nil, err
	}
	rec := &appRecord{visibleAt: a.VisibleAt, owners: a.Owners, secrets: map[string]secretRecord{}}
	if a.DeletedAt != nil {
		rec.deletedAt = *a.DeletedAt
	}
	rec.setDoc(doc)
	if !isGUID(rec.app.ID) || !isGUID(rec.app.AppID) || strings.TrimSpace(rec.app.DisplayName) == "" {
		return nil, errors.New("id and appId must be GUIDs and displayName set")
	}
	rec.app.ID, rec.app.AppID = strings.ToLower(rec.app.ID), strings.ToLower(rec.app.AppID)
	keys := map[string]bool{}
	for _, pc := range rec.app.PasswordCredentials {
		if pc.SecretText != nil {
			// Graph returns secretText only in the addPassword answer; a stored one would show on every GET.
			return nil, fmt.Errorf("passwordCredential %s holds its secretText; keep only its hash in secrets", pc.KeyID)
		}
		keys[strings.ToLower(pc.KeyID)] = true
	}
	for k, sec := range a.Secrets {
		if !keys[strings.ToLower(k)] || !hashRE.MatchString(sec.Hash) {
			return nil, fmt.Errorf("secret %s: needs a passwordCredential with that keyId and a sha256 hash", k)
		}
		rec.secrets[strings.ToLower(k)] = secretRecord{hash: sec.Hash, createdAt: sec.CreatedAt}
	}
	return rec, nil
}

func restoreSP(sp snapSP) (*spRecord, error) {
	doc, err := restoreDoc(sp.Doc, "servicePrincipal")
	if err != nil {
		return nil, err
	}
	rec := &spRecord{owners: sp.Owners, home: sp.Home}
	if sp.DeletedAt != nil {
		rec.deletedAt = *sp.DeletedAt
	}
	for _, g := range sp.Parked {
		g := cloneGrant(g)
		rec.parked = append(rec.parked, &g)
	}
	rec.setDoc(doc)
	if !isGUID(rec.sp.ID) || rec.sp.AppID == "" {
		return nil, errors.New("id must be a GUID and appId set")
	}
	rec.sp.ID = strings.ToLower(rec.sp.ID)
	return rec, nil
}

// restoreDoc checks every property of a stored document (read-only ones
// included: they are part of the world) and gives it Graph's full shape.
func restoreDoc(d map[string]any, typeName string) (map[string]any, error) {
	if d == nil {
		return nil, errors.New("no document")
	}
	checked, e := checkObject(cloneJSON(d).(map[string]any), typeName, nil)
	if e != nil {
		return nil, errors.New(e.msg)
	}
	return normalizeObject(checked, typeName), nil
}
