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
	details     []map[string]any // Graph's error.details, when it gives them
	replication bool             // produced by the replication-delay emulation
}

func badRequest(format string, args ...any) *gerr {
	return &gerr{status: http.StatusBadRequest, code: "Request_BadRequest", msg: fmt.Sprintf(format, args...)}
}

func (s *Server) writeGErr(w http.ResponseWriter, r *http.Request, e *gerr) {
	if e.replication {
		emulator.MarkFaulted(r.Context())
	}
	writeGraphErrorDetails(w, r, e.status, e.code, e.msg, e.details)
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

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

var signInAudiences = set("AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount")

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
