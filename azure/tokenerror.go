package azure

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// Entra ID codes this package acts on
// (learn.microsoft.com/entra/identity-platform/reference-error-codes).
const (
	aadstsInvalidSecret      = 7000215 // wrong secret, or a new one not propagated yet
	aadstsExpiredSecret      = 7000222 // the secret has expired
	aadstsNoServicePrincipal = 7000229 // the app has no service principal in the tenant
	aadstsTransient          = 90033   // "a transient error has occurred": try again
)

// tokenAnswer is Entra ID's token endpoint error answer:
// {"error","error_description","error_codes":[…]} (OAuth 2.0, RFC 6749 §5.2,
// plus Entra's AADSTS codes).
type tokenAnswer struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Codes       []int  `json:"error_codes"`
}

// readAnswer fills ae from one Entra ID answer (the token endpoint's, or a
// metadata call's): the OAuth error, the first line of the description without
// its trace lines, the AADSTS code, the status and whether it may pass. It is
// the one decoder of these answers; it reports whether the body was one.
func (ae *AuthError) readAnswer(status int, header http.Header, body []byte) bool {
	ae.Status = status
	ae.RetryAfter = httpx.RetryAfter(header)
	var a tokenAnswer
	parsed := len(body) > 0 && json.Unmarshal(body, &a) == nil && (a.Error != "" || a.Description != "" || len(a.Codes) > 0)
	if parsed {
		ae.OAuthError = a.Error
		ae.Description = oneLine(traceRE.ReplaceAllString(firstLine(a.Description), ""))
		if len(a.Codes) > 0 {
			ae.AADSTS = a.Codes[0]
		} else if m := aadstsRE.FindStringSubmatch(ae.Description); m != nil {
			ae.AADSTS, _ = strconv.Atoi(m[1])
		}
	}
	if ae.Description == "" && ae.OAuthError == "" {
		ae.Description = fmt.Sprintf("Entra ID answered %d %s", status, http.StatusText(status))
	}
	ae.Transient = status == http.StatusTooManyRequests || status >= 500 ||
		a.Error == "temporarily_unavailable" || slices.Contains(a.Codes, aadstsTransient)
	return parsed
}
