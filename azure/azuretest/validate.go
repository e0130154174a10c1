package azuretest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// gerr is a Graph error to write.
type gerr struct {
	status      int
	code, msg   string
	replication bool // produced by the replication-delay emulation
}

func badRequest(format string, args ...any) *gerr {
	return &gerr{status: http.StatusBadRequest, code: "Request_BadRequest", msg: fmt.Sprintf(format, args...)}
}

func (s *Server) writeGErr(w http.ResponseWriter, r *http.Request, e *gerr) {
	if e.replication {
		emulator.MarkFaulted(r.Context())
	}
	writeGraphError(w, r, e.status, e.code, e.msg)
}

// Properties of each type. Modeled ones are stored; the other documented
// properties are accepted and ignored; anything else is rejected, as Graph's
// OData reader does. Graph: learn.microsoft.com/graph/api/resources/application.
var (
	appModeled  = set("displayName", "signInAudience", "web", "api", "requiredResourceAccess", "tags", "notes", "passwordCredentials")
	appReadOnly = set("id", "appId", "createdDateTime", "publisherDomain", "deletedDateTime", "uniqueName")
	appIgnored  = set("addIns", "appRoles", "applicationTemplateId", "certification", "defaultRedirectUri", "description",
		"disabledByMicrosoftStatus", "groupMembershipClaims", "identifierUris", "info", "isDeviceOnlyAuthSupported",
		"isFallbackPublicClient", "keyCredentials", "logo", "nativeAuthenticationApisEnabled", "oauth2RequirePostResponse",
		"optionalClaims", "parentalControlSettings", "publicClient", "requestSignatureVerification", "samlMetadataUrl",
		"serviceManagementReference", "servicePrincipalLockConfiguration", "spa", "tokenEncryptionKeyId", "uniqueName",
		"verifiedPublisher")
	webProps      = set("redirectUris", "implicitGrantSettings", "homePageUrl", "logoutUrl", "redirectUriSettings")
	implicitProps = set("enableAccessTokenIssuance", "enableIdTokenIssuance")
	apiProps      = set("requestedAccessTokenVersion", "acceptMappedClaims", "knownClientApplications", "oauth2PermissionScopes", "preAuthorizedApplications")
	rraProps      = set("resourceAppId", "resourceAccess")
	raProps       = set("id", "type")
	pwdProps      = set("displayName", "endDateTime", "startDateTime", "customKeyIdentifier")

	signInAudiences = set("AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// checkProps rejects properties the type does not define. Instance
// annotations ("@odata.type", "owners@odata.bind") are allowed.
func checkProps(m map[string]json.RawMessage, typeName string, allowed ...map[string]bool) *gerr {
	for _, k := range sortedKeys(m) {
		if strings.Contains(k, "@") {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a[k]
		}
		if !ok {
			return badRequest("The property '%s' does not exist on type 'microsoft.graph.%s'. Make sure to only use property names that are defined by the type or mark the type as open type.", k, typeName)
		}
	}
	return nil
}

func decodeObject(raw json.RawMessage, prop, typeName string, allowed ...map[string]bool) (map[string]json.RawMessage, *gerr) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badRequest("Cannot convert the value of property '%s' to the expected type 'microsoft.graph.%s'.", prop, typeName)
	}
	return m, checkProps(m, typeName, allowed...)
}

func decodeValue(raw json.RawMessage, prop, edm string, v any) *gerr {
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("Cannot convert the literal '%s' to the expected type '%s' for property '%s'.", strings.TrimSpace(string(raw)), edm, prop)
	}
	return nil
}

// nullCollection is ODataLib's answer to null for a non-nullable collection.
func nullCollection(prop, edm string) *gerr {
	return badRequest("A null value was found for the property named '%s', which has the expected type 'Collection(%s)[Nullable=False]'. The expected type 'Collection(%s)[Nullable=False]' does not allow null values.", prop, edm, edm)
}

func decodeStrings(raw json.RawMessage, prop string) ([]string, *gerr) {
	if isNull(raw) {
		return nil, nullCollection(prop, "Edm.String")
	}
	var out []string
	if e := decodeValue(raw, prop, "Collection(Edm.String)", &out); e != nil {
		return nil, e
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// applyAppBody merges a POST or PATCH body into a. Arrays are replaced whole;
// complex values (web, api, implicitGrantSettings) are merged property by property.
// Graph: learn.microsoft.com/graph/api/application-update.
func applyAppBody(a *Application, m map[string]json.RawMessage, create bool) *gerr {
	if e := checkProps(m, "application", appModeled, appReadOnly, appIgnored); e != nil {
		return e
	}
	for _, k := range sortedKeys(m) {
		if appReadOnly[k] {
			return badRequest("Property '%s' is read-only and cannot be set.", k)
		}
	}
	raw := func(k string) (json.RawMessage, bool) { v, ok := m[k]; return v, ok }

	if v, ok := raw("displayName"); ok {
		var s *string
		if e := decodeValue(v, "displayName", "Edm.String", &s); e != nil {
			return e
		}
		if s == nil {
			a.DisplayName = ""
		} else {
			a.DisplayName = *s
		}
	}
	if v, ok := raw("signInAudience"); ok {
		var s *string
		if e := decodeValue(v, "signInAudience", "Edm.String", &s); e != nil {
			return e
		}
		if s == nil {
			return badRequest("Invalid value specified for property 'signInAudience' of resource 'Application'.")
		}
		a.SignInAudience = *s
	}
	if v, ok := raw("notes"); ok {
		var s *string
		if e := decodeValue(v, "notes", "Edm.String", &s); e != nil {
			return e
		}
		a.Notes = s
	}
	if v, ok := raw("tags"); ok {
		tags, e := decodeStrings(v, "tags")
		if e != nil {
			return e
		}
		a.Tags = tags
	}
	if v, ok := raw("passwordCredentials"); ok {
		var pcs []json.RawMessage
		if isNull(v) {
			return nullCollection("passwordCredentials", "microsoft.graph.passwordCredential")
		}
		if e := decodeValue(v, "passwordCredentials", "Collection(microsoft.graph.passwordCredential)", &pcs); e != nil {
			return e
		}
		if len(pcs) > 0 {
			// Graph: secrets are minted by addPassword; PATCH cannot change them.
			return badRequest("Property 'passwordCredentials' cannot be set in this request; use the addPassword and removePassword actions.")
		}
	}
	if v, ok := raw("web"); ok {
		if e := applyWeb(a, v); e != nil {
			return e
		}
	}
	if v, ok := raw("api"); ok {
		if e := applyAPI(a, v); e != nil {
			return e
		}
	}
	if v, ok := raw("requiredResourceAccess"); ok {
		rra, e := decodeRRA(v)
		if e != nil {
			return e
		}
		a.RequiredResourceAccess = rra
	}
	return nil
}

func applyWeb(a *Application, v json.RawMessage) *gerr {
	if isNull(v) {
		a.Web = &WebApplication{}
		return nil
	}
	m, e := decodeObject(v, "web", "webApplication", webProps)
	if e != nil {
		return e
	}
	if a.Web == nil {
		a.Web = &WebApplication{}
	}
	if rv, ok := m["redirectUris"]; ok {
		uris, e := decodeStrings(rv, "redirectUris")
		if e != nil {
			return e
		}
		a.Web.RedirectURIs = uris
	}
	for _, k := range []string{"homePageUrl", "logoutUrl"} {
		if rv, ok := m[k]; ok {
			var s *string
			if e := decodeValue(rv, k, "Edm.String", &s); e != nil {
				return e
			}
			if k == "homePageUrl" {
				a.Web.HomePageURL = s
			} else {
				a.Web.LogoutURL = s
			}
		}
	}
	if rv, ok := m["implicitGrantSettings"]; ok {
		if isNull(rv) {
			a.Web.ImplicitGrantSettings = &ImplicitGrantSettings{}
		} else {
			im, e := decodeObject(rv, "implicitGrantSettings", "implicitGrantSettings", implicitProps)
			if e != nil {
				return e
			}
			if a.Web.ImplicitGrantSettings == nil {
				a.Web.ImplicitGrantSettings = &ImplicitGrantSettings{}
			}
			if bv, ok := im["enableAccessTokenIssuance"]; ok {
				if e := decodeValue(bv, "enableAccessTokenIssuance", "Edm.Boolean", &a.Web.ImplicitGrantSettings.EnableAccessTokenIssuance); e != nil {
					return e
				}
			}
			if bv, ok := im["enableIdTokenIssuance"]; ok {
				if e := decodeValue(bv, "enableIdTokenIssuance", "Edm.Boolean", &a.Web.ImplicitGrantSettings.EnableIDTokenIssuance); e != nil {
					return e
				}
			}
		}
	}
	return nil
}

func applyAPI(a *Application, v json.RawMessage) *gerr {
	if isNull(v) {
		a.API = &APIApplication{}
		return nil
	}
	m, e := decodeObject(v, "api", "apiApplication", apiProps)
	if e != nil {
		return e
	}
	if a.API == nil {
		a.API = &APIApplication{}
	}
	if rv, ok := m["requestedAccessTokenVersion"]; ok {
		var n *int
		if e := decodeValue(rv, "requestedAccessTokenVersion", "Edm.Int32", &n); e != nil {
			return e
		}
		a.API.RequestedAccessTokenVersion = n
	}
	return nil
}

func decodeRRA(v json.RawMessage) ([]RequiredResourceAccess, *gerr) {
	if isNull(v) {
		return nil, nullCollection("requiredResourceAccess", "microsoft.graph.requiredResourceAccess")
	}
	var items []json.RawMessage
	if e := decodeValue(v, "requiredResourceAccess", "Collection(microsoft.graph.requiredResourceAccess)", &items); e != nil {
		return nil, e
	}
	out := []RequiredResourceAccess{}
	for _, it := range items {
		m, e := decodeObject(it, "requiredResourceAccess", "requiredResourceAccess", rraProps)
		if e != nil {
			return nil, e
		}
		var rr RequiredResourceAccess
		if rv, ok := m["resourceAppId"]; ok {
			if e := decodeValue(rv, "resourceAppId", "Edm.String", &rr.ResourceAppID); e != nil {
				return nil, e
			}
		}
		rr.ResourceAccess = []ResourceAccess{}
		if rv, ok := m["resourceAccess"]; ok {
			if isNull(rv) {
				return nil, nullCollection("resourceAccess", "microsoft.graph.resourceAccess")
			}
			var ras []json.RawMessage
			if e := decodeValue(rv, "resourceAccess", "Collection(microsoft.graph.resourceAccess)", &ras); e != nil {
				return nil, e
			}
			for _, ra := range ras {
				rm, e := decodeObject(ra, "resourceAccess", "resourceAccess", raProps)
				if e != nil {
					return nil, e
				}
				var x ResourceAccess
				if iv, ok := rm["id"]; ok {
					if e := decodeValue(iv, "id", "Edm.Guid", &x.ID); e != nil {
						return nil, e
					}
				}
				if tv, ok := rm["type"]; ok {
					if e := decodeValue(tv, "type", "Edm.String", &x.Type); e != nil {
						return nil, e
					}
				}
				rr.ResourceAccess = append(rr.ResourceAccess, x)
			}
		}
		out = append(out, rr)
	}
	return out, nil
}

// validateApp checks the resulting object, so PATCH is held to the same rules as create.
func validateApp(a *Application) *gerr {
	if strings.TrimSpace(a.DisplayName) == "" {
		return badRequest("A value is required for property 'displayName' of resource 'Application'.")
	}
	if utf8.RuneCountInString(a.DisplayName) > 256 { // characters, not bytes
		return badRequest("Invalid value specified for property 'displayName' of resource 'Application'.")
	}
	if !signInAudiences[a.SignInAudience] {
		return badRequest("Invalid value specified for property 'signInAudience' of resource 'Application'. Allowed values: AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount, PersonalMicrosoftAccount.")
	}
	var ver *int
	if a.API != nil {
		ver = a.API.RequestedAccessTokenVersion
	}
	if ver != nil && *ver != 1 && *ver != 2 {
		return badRequest("Invalid value specified for property 'requestedAccessTokenVersion' of resource 'Application'.")
	}
	// Graph: apiApplication reference — personal accounts need v2 access tokens (azure-cli#15512).
	if strings.Contains(a.SignInAudience, "PersonalMicrosoftAccount") && (ver == nil || *ver != 2) {
		return &gerr{status: http.StatusBadRequest, code: "InvalidAccessTokenVersion",
			msg: "Property api.requestedAccessTokenVersion is invalid. An application whose signInAudience includes personal Microsoft accounts must set api.requestedAccessTokenVersion to 2."}
	}
	if a.Web != nil {
		if len(a.Web.RedirectURIs) > 256 {
			return badRequest("Invalid value specified for property 'redirectUris' of resource 'Application'. At most 256 redirect URIs are allowed.")
		}
		for _, u := range a.Web.RedirectURIs {
			if why := redirectURIProblem(u); why != "" {
				return badRequest("Invalid value specified for property 'redirectUris' of resource 'Application'. '%s' %s", u, why)
			}
		}
	}
	for _, rr := range a.RequiredResourceAccess {
		if !isGUID(rr.ResourceAppID) {
			return badRequest("Invalid value specified for property 'resourceAppId' of resource 'RequiredResourceAccess'.")
		}
		for _, ra := range rr.ResourceAccess {
			if !isGUID(ra.ID) {
				return badRequest("Invalid value specified for property 'id' of resource 'ResourceAccess'.")
			}
			if ra.Type != "Scope" && ra.Type != "Role" {
				return badRequest("Invalid value specified for property 'type' of resource 'ResourceAccess'. Allowed values: Scope, Role.")
			}
		}
	}
	for _, t := range a.Tags {
		if len(t) > 256 {
			return badRequest("Invalid value specified for property 'tags' of resource 'Application'. A tag can have at most 256 characters.")
		}
	}
	return nil
}

// redirectURIProblem applies Entra's redirect URI rules: absolute https (or
// http on a loopback host), at most 256 characters, no fragment.
// Entra: learn.microsoft.com/entra/identity-platform/reply-url.
func redirectURIProblem(raw string) string {
	if len(raw) > 256 {
		return "is longer than 256 characters."
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "is not an absolute URI."
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "must not contain a fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		switch strings.ToLower(u.Hostname()) {
		case "localhost", "127.0.0.1", "::1":
			return ""
		}
		return "uses http; only https or http://localhost (loopback) is allowed."
	}
	return "must use https (or http://localhost)."
}

// parseGraphTime accepts Graph's DateTimeOffset forms.
func parseGraphTime(s string) (time.Time, bool) {
	for _, f := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.9999999"} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
