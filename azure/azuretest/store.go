package azuretest

import (
	"strings"
	"time"
)

// The exported resource types are typed views of the stored documents, with
// Graph v1.0's JSON names, so tests can compare them with what went over the
// wire. The stored document (every property of the Graph type) is what Graph
// returns; GetApplicationJSON shows all of it.
// Graph: learn.microsoft.com/graph/api/resources/application

// Application is a Graph application object (an app registration).
type Application struct {
	ID                     string                   `json:"id"`
	AppID                  string                   `json:"appId"`
	UniqueName             string                   `json:"uniqueName,omitempty"` // set only by upsert
	DisplayName            string                   `json:"displayName"`
	SignInAudience         string                   `json:"signInAudience"`
	CreatedDateTime        time.Time                `json:"createdDateTime"`
	Web                    *WebApplication          `json:"web"`
	API                    *APIApplication          `json:"api"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess"`
	PasswordCredentials    []PasswordCredential     `json:"passwordCredentials"`
	Tags                   []string                 `json:"tags"`
	Notes                  *string                  `json:"notes"`
	IdentifierURIs         []string                 `json:"identifierUris"`
	Spa                    *RedirectURIs            `json:"spa"`
	PublicClient           *RedirectURIs            `json:"publicClient"`
	IsFallbackPublicClient *bool                    `json:"isFallbackPublicClient"`
	PublisherDomain        string                   `json:"publisherDomain,omitempty"` // read-only, set by Graph
}

// WebApplication is the application's "Web" platform.
type WebApplication struct {
	HomePageURL           *string                `json:"homePageUrl"`
	LogoutURL             *string                `json:"logoutUrl"`
	RedirectURIs          []string               `json:"redirectUris"`
	ImplicitGrantSettings *ImplicitGrantSettings `json:"implicitGrantSettings"`
	RedirectURISettings   []RedirectURISetting   `json:"redirectUriSettings"`
}

// RedirectURISetting is one entry of web.redirectUriSettings.
type RedirectURISetting struct {
	URI   *string `json:"uri"`
	Index *int    `json:"index"`
}

// RedirectURIs is the spa and publicClient platforms: only redirect URIs.
type RedirectURIs struct {
	RedirectURIs []string `json:"redirectUris"`
}

// ImplicitGrantSettings holds the two implicit-grant switches of the Web platform.
type ImplicitGrantSettings struct {
	EnableAccessTokenIssuance bool `json:"enableAccessTokenIssuance"`
	EnableIDTokenIssuance     bool `json:"enableIdTokenIssuance"`
}

// APIApplication is the application's "api" settings.
type APIApplication struct {
	RequestedAccessTokenVersion *int              `json:"requestedAccessTokenVersion"`
	OAuth2PermissionScopes      []PermissionScope `json:"oauth2PermissionScopes"`
	AcceptMappedClaims          *bool             `json:"acceptMappedClaims"`
	KnownClientApplications     []string          `json:"knownClientApplications"`
	PreAuthorizedApplications   []PreAuthorized   `json:"preAuthorizedApplications"`
}

// PreAuthorized is one api.preAuthorizedApplications entry.
type PreAuthorized struct {
	AppID                  string   `json:"appId"`
	DelegatedPermissionIDs []string `json:"delegatedPermissionIds"`
}

// RequiredResourceAccess is one resource's entry in "API permissions".
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one permission: Type "Scope" (delegated) or "Role" (application).
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is a client secret's metadata. SecretText is only ever
// set in the addPassword response (and, for SeedApplication, on input);
// stored copies keep it nil. A null displayName reads as "".
type PasswordCredential struct {
	CustomKeyIdentifier *string   `json:"customKeyIdentifier"`
	DisplayName         string    `json:"displayName"`
	EndDateTime         time.Time `json:"endDateTime"`
	Hint                string    `json:"hint"`
	KeyID               string    `json:"keyId"`
	SecretText          *string   `json:"secretText"`
	StartDateTime       time.Time `json:"startDateTime"`
}

// ServicePrincipal is a Graph servicePrincipal (an "enterprise application").
type ServicePrincipal struct {
	ID                     string            `json:"id"`
	AppID                  string            `json:"appId"`
	DisplayName            string            `json:"displayName"`
	AppDisplayName         string            `json:"appDisplayName"`
	AppOwnerOrganizationID string            `json:"appOwnerOrganizationId"`
	ServicePrincipalType   string            `json:"servicePrincipalType"`
	AccountEnabled         bool              `json:"accountEnabled"`
	SignInAudience         string            `json:"signInAudience"`
	ServicePrincipalNames  []string          `json:"servicePrincipalNames"`
	Tags                   []string          `json:"tags"`
	OAuth2PermissionScopes []PermissionScope `json:"oauth2PermissionScopes"`
	AppRoles               []AppRole         `json:"appRoles"`
	Notes                  *string           `json:"notes"`
}

// PermissionScope is a delegated permission a resource exposes.
type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"` // "User" or "Admin"
	IsEnabled               bool   `json:"isEnabled"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription"`
}

// AppRole is an application permission a resource exposes.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
}

// OAuth2PermissionGrant is a delegated-permission grant (admin consent when
// ConsentType is "AllPrincipals").
type OAuth2PermissionGrant struct {
	ID          string  `json:"id"`
	ClientID    string  `json:"clientId"`
	ConsentType string  `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  string  `json:"resourceId"`
	Scope       string  `json:"scope"`
}

// appRecord is a stored application, active or in deleted items, plus what
// Graph never shows.
type appRecord struct {
	doc       map[string]any          // the whole microsoft.graph.application; passwordCredentials without secretText
	app       Application             // typed view of doc (setDoc keeps it current)
	visibleAt time.Time               // replication: invisible to reads until then
	secrets   map[string]secretRecord // keyId → secret hash
	owners    []string                // object ids of owners (users, service principals)
	deletedAt time.Time               // zero while active; set while in deleted items
}

func (rec *appRecord) setDoc(d map[string]any) {
	rec.doc = d
	rec.app = Application{}
	fromJSONMap(d, &rec.app)
	normalizeApp(&rec.app)
}

func (rec *appRecord) deleted() bool { return !rec.deletedAt.IsZero() }

// spRecord is a stored service principal, active or in deleted items.
type spRecord struct {
	doc       map[string]any
	sp        ServicePrincipal
	owners    []string
	deletedAt time.Time
	parked    []*OAuth2PermissionGrant // its grants while it is in deleted items
	home      bool                     // its application is registered in this tenant
}

func (rec *spRecord) setDoc(d map[string]any) {
	rec.doc = d
	rec.sp = ServicePrincipal{}
	fromJSONMap(d, &rec.sp)
	if rec.sp.OAuth2PermissionScopes == nil {
		rec.sp.OAuth2PermissionScopes = []PermissionScope{}
	}
}

func (rec *spRecord) deleted() bool { return !rec.deletedAt.IsZero() }

type secretRecord struct {
	hash      string // hashSecret of the secret text: Entra never shows a secret again
	createdAt time.Time
}

func cloneGrant(g OAuth2PermissionGrant) OAuth2PermissionGrant {
	out := g
	if g.PrincipalID != nil {
		p := *g.PrincipalID
		out.PrincipalID = &p
	}
	return out
}

// cloneApp deep-copies a typed view; password credentials lose secretText.
func cloneApp(a Application) Application {
	var out Application
	fromJSONMap(toJSONMap(a), &out)
	out.CreatedDateTime = a.CreatedDateTime
	for i := range out.PasswordCredentials {
		out.PasswordCredentials[i].SecretText = nil
	}
	return out
}

// normalizeApp fills the collections Graph never returns as null in the typed view.
func normalizeApp(a *Application) {
	if a.Web == nil {
		a.Web = &WebApplication{}
	}
	if a.Web.RedirectURIs == nil {
		a.Web.RedirectURIs = []string{}
	}
	if a.Web.ImplicitGrantSettings == nil {
		a.Web.ImplicitGrantSettings = &ImplicitGrantSettings{}
	}
	if a.Web.RedirectURISettings == nil {
		a.Web.RedirectURISettings = []RedirectURISetting{}
	}
	if a.API == nil {
		a.API = &APIApplication{}
	}
	if a.API.OAuth2PermissionScopes == nil {
		a.API.OAuth2PermissionScopes = []PermissionScope{}
	}
	if a.API.KnownClientApplications == nil {
		a.API.KnownClientApplications = []string{}
	}
	if a.API.PreAuthorizedApplications == nil {
		a.API.PreAuthorizedApplications = []PreAuthorized{}
	}
	for _, rs := range []**RedirectURIs{&a.Spa, &a.PublicClient} {
		if *rs == nil {
			*rs = &RedirectURIs{}
		}
		if (*rs).RedirectURIs == nil {
			(*rs).RedirectURIs = []string{}
		}
	}
	if a.RequiredResourceAccess == nil {
		a.RequiredResourceAccess = []RequiredResourceAccess{}
	}
	for i := range a.RequiredResourceAccess {
		if a.RequiredResourceAccess[i].ResourceAccess == nil {
			a.RequiredResourceAccess[i].ResourceAccess = []ResourceAccess{}
		}
	}
	if a.PasswordCredentials == nil {
		a.PasswordCredentials = []PasswordCredential{}
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.IdentifierURIs == nil {
		a.IdentifierURIs = []string{}
	}
}

// newAppDoc is a fresh application as Graph creates it: every property, the
// complex ones Graph always returns as objects (web, api, info, spa,
// publicClient, parentalControlSettings, verifiedPublisher) already objects.
// Graph: the 201 response sample of learn.microsoft.com/graph/api/application-post-applications.
func newAppDoc() map[string]any {
	d := normalizeObject(map[string]any{}, "application")
	for _, k := range []string{"api", "info", "spa", "publicClient", "verifiedPublisher"} {
		p, _ := propOf("application", k)
		d[k] = normalizeObject(map[string]any{}, p.typ)
	}
	d["web"] = normalizeObject(map[string]any{
		"implicitGrantSettings": normalizeObject(map[string]any{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}, "implicitGrantSettings"),
	}, "webApplication")
	d["parentalControlSettings"] = normalizeObject(map[string]any{"legalAgeGroupRule": "Allow"}, "parentalControlSettings")
	return d
}

// newSPDoc is a fresh service principal with every property.
func newSPDoc() map[string]any {
	d := normalizeObject(map[string]any{}, "servicePrincipal")
	d["info"] = normalizeObject(map[string]any{}, "informationalUrl")
	d["verifiedPublisher"] = normalizeObject(map[string]any{}, "verifiedPublisher")
	return d
}

// appReadOnly are the application properties only Graph sets.
// Graph: application resource ("Read-only"); uniqueName is set through the
// upsert URL (application-upsert), passwordCredentials through addPassword.
var appReadOnly = set("id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "uniqueName",
	"applicationTemplateId", "certification", "createdByAppId", "disabledByMicrosoftStatus", "verifiedPublisher", "isDisabled")

// spReadOnly are the servicePrincipal properties only Graph sets.
// Graph: servicePrincipal resource ("Read-only"); appId only on create.
var spReadOnly = set("id", "deletedDateTime", "appDisplayName", "appDescription", "appOwnerOrganizationId",
	"applicationTemplateId", "createdByAppId", "disabledByMicrosoftStatus", "servicePrincipalType", "signInAudience",
	"verifiedPublisher", "isDisabled", "resourceSpecificApplicationPermissions")

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func lowerGUID(s string) string { return strings.ToLower(s) }
