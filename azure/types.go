package azure

import (
	"encoding/json"
	"time"
)

// GraphAppID is Microsoft Graph's application (client) id, the same in every tenant.
const GraphAppID = "00000003-0000-0000-c000-000000000000"

// Application is the subset of Graph's application resource the wizard uses
// (learn.microsoft.com/graph/api/resources/application).
type Application struct {
	ID                     string                   `json:"id,omitempty"`
	AppID                  string                   `json:"appId,omitempty"`
	DisplayName            string                   `json:"displayName,omitempty"`
	SignInAudience         string                   `json:"signInAudience,omitempty"`
	Web                    *WebApplication          `json:"web,omitempty"`
	API                    *APIApplication          `json:"api,omitempty"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess,omitempty"`
	PasswordCredentials    []PasswordCredential     `json:"passwordCredentials,omitempty"`
	Tags                   []string                 `json:"tags,omitempty"`
	Notes                  string                   `json:"notes,omitempty"`
	CreatedDateTime        time.Time                `json:"createdDateTime,omitzero"` // read-only: when Graph created it
}

// WebApplication is Graph's webApplication resource.
// HomePageURL and LogoutURL are read and sent back so a PATCH of web, which
// may replace the complex value whole, keeps what the customer set there.
type WebApplication struct {
	RedirectURIs          []string               `json:"redirectUris"`
	ImplicitGrantSettings *ImplicitGrantSettings `json:"implicitGrantSettings,omitempty"`
	HomePageURL           string                 `json:"homePageUrl,omitempty"`
	LogoutURL             string                 `json:"logoutUrl,omitempty"`
}

// ImplicitGrantSettings is Graph's implicitGrantSettings resource.
type ImplicitGrantSettings struct {
	EnableAccessTokenIssuance bool `json:"enableAccessTokenIssuance"`
	EnableIDTokenIssuance     bool `json:"enableIdTokenIssuance"`
}

// APIApplication is the part of Graph's apiApplication resource the wizard sets.
type APIApplication struct {
	RequestedAccessTokenVersion *int `json:"requestedAccessTokenVersion,omitempty"`
}

// RequiredResourceAccess is Graph's requiredResourceAccess resource.
type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one permission: ID of the scope or role, Type "Scope" (delegated) or "Role".
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// PasswordCredential is Graph's passwordCredential; SecretText is set only in addPassword's answer.
type PasswordCredential struct {
	KeyID         string    `json:"keyId,omitempty"`
	DisplayName   string    `json:"displayName,omitempty"`
	Hint          string    `json:"hint,omitempty"`
	StartDateTime time.Time `json:"startDateTime,omitzero"`
	EndDateTime   time.Time `json:"endDateTime,omitzero"`
	SecretText    string    `json:"secretText,omitempty"`
}

// String never shows the secret: only its hint (Graph's first 3 characters).
func (p PasswordCredential) String() string {
	return "secret " + p.KeyID + " (" + p.DisplayName + ", hint " + p.Hint + "…, expires " + p.EndDateTime.Format("2006-01-02") + ")"
}

// GoString keeps %#v from printing the secret too.
func (p PasswordCredential) GoString() string { return p.String() }

// ApplicationPatch holds the fields of a PATCH; nil fields are not sent.
// Graph replaces arrays whole, so slices must carry the full list.
type ApplicationPatch struct {
	SignInAudience         *string                  `json:"signInAudience,omitempty"`
	Web                    *WebApplication          `json:"web,omitempty"`
	API                    *APIApplication          `json:"api,omitempty"`
	RequiredResourceAccess []RequiredResourceAccess `json:"requiredResourceAccess,omitempty"`
	Tags                   []string                 `json:"tags,omitempty"`
}

// MarshalJSON sends exactly the non-nil fields, so an empty (non-nil) slice
// clears a list, which omitempty would silently drop.
func (p ApplicationPatch) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if p.SignInAudience != nil {
		m["signInAudience"] = *p.SignInAudience
	}
	if p.Web != nil {
		m["web"] = p.Web
	}
	if p.API != nil {
		m["api"] = p.API
	}
	if p.RequiredResourceAccess != nil {
		m["requiredResourceAccess"] = p.RequiredResourceAccess
	}
	if p.Tags != nil {
		m["tags"] = p.Tags
	}
	return json.Marshal(m)
}

// IsEmpty reports whether the patch would change nothing.
func (p ApplicationPatch) IsEmpty() bool {
	return p.SignInAudience == nil && p.Web == nil && p.API == nil && p.RequiredResourceAccess == nil && p.Tags == nil
}

// ServicePrincipal is the subset of Graph's servicePrincipal resource the wizard uses.
type ServicePrincipal struct {
	ID                     string            `json:"id,omitempty"`
	AppID                  string            `json:"appId,omitempty"`
	DisplayName            string            `json:"displayName,omitempty"`
	OAuth2PermissionScopes []PermissionScope `json:"oauth2PermissionScopes,omitempty"`
	Tags                   []string          `json:"tags,omitempty"`
}

// PermissionScope is one delegated permission a resource offers.
type PermissionScope struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// OAuth2PermissionGrant is Graph's oAuth2PermissionGrant (delegated consent).
// PrincipalID nil means null: consent for all principals.
type OAuth2PermissionGrant struct {
	ID          string  `json:"id,omitempty"`
	ClientID    string  `json:"clientId"`
	ConsentType string  `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  string  `json:"resourceId"`
	Scope       string  `json:"scope"`
}

// Organization is the tenant as Graph's /organization shows it.
type Organization struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// User is the signed-in user as Graph's /me shows it.
type User struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
}

// AppFilter selects applications; set exactly one field.
type AppFilter struct{ DisplayName, AppID, Tag string }
