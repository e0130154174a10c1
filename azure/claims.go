package azure

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// tokenClaims are the access-token claims the wizard reads. The signature is not
// checked: the token came straight from the token endpoint over TLS and is only
// read to avoid an extra Graph call for the tenant and user name.
type tokenClaims struct {
	TenantID          string `json:"tid"`
	ObjectID          string `json:"oid"`
	UPN               string `json:"upn"`
	UniqueName        string `json:"unique_name"`
	PreferredUsername string `json:"preferred_username"`
	Name              string `json:"name"`
	AppID             string `json:"appid"`
	IDType            string `json:"idtyp"`
	Scp               string `json:"scp"`
}

func parseTokenClaims(token string) (tokenClaims, error) {
	var c tokenClaims
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return c, errors.New("the access token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, errors.New("the access token's claims are not base64url")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, errors.New("the access token's claims are not JSON")
	}
	return c, nil
}

// userName is the delegated user's name, "" for an app-only token.
func (c tokenClaims) userName() string {
	if c.Scp == "" && c.UPN == "" && c.PreferredUsername == "" && c.UniqueName == "" {
		return "" // app-only token (roles, no scp): a service principal
	}
	for _, s := range []string{c.UPN, c.PreferredUsername, c.UniqueName} {
		if s != "" {
			return s
		}
	}
	return ""
}
