package azuretest

import (
	"encoding/json"
	"time"
)

// The exported resource types use Graph v1.0's JSON names so tests can
// compare them with what went over the wire.
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
}

// WebApplication is the application's "Web" platform.
type WebApplication struct {
	HomePageURL           *string                `json:"homePageUrl"`
	LogoutURL             *string                `json:"logoutUrl"`
	RedirectURIs          []string               `json:"redirectUris"`
	ImplicitGrantSettings *ImplicitGrantSettings `json:"implicitGrantSettings"`
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
// set in the addPassword response; stored copies keep it nil.
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

// appRecord is the stored application plus what Graph never shows.
type appRecord struct {
	app       Application
	visibleAt time.Time               // replication: invisible to reads until then
	secrets   map[string]secretRecord // keyId → secret
}

type secretRecord struct {
	text      string
	createdAt time.Time
}

func cloneApp(a Application) Application {
	var out Application
	b, err := json.Marshal(a)
	if err == nil && json.Unmarshal(b, &out) == nil {
		// JSON round trip drops nothing we model and yields a deep copy.
		out.CreatedDateTime = a.CreatedDateTime
		for i := range out.PasswordCredentials {
			out.PasswordCredentials[i].SecretText = nil
		}
		return out
	}
	return a
}

func cloneSP(sp ServicePrincipal) ServicePrincipal {
	var out ServicePrincipal
	b, err := json.Marshal(sp)
	if err == nil && json.Unmarshal(b, &out) == nil {
		return out
	}
	return sp
}

func cloneGrant(g OAuth2PermissionGrant) OAuth2PermissionGrant {
	out := g
	if g.PrincipalID != nil {
		p := *g.PrincipalID
		out.PrincipalID = &p
	}
	return out
}

// normalizeApp fills the collections Graph never returns as null.
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
	if a.API == nil {
		a.API = &APIApplication{}
	}
	if a.API.OAuth2PermissionScopes == nil {
		a.API.OAuth2PermissionScopes = []PermissionScope{}
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
}
