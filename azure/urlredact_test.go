package azure_test

import (
	"context"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// passwordURLs hold the password PWsecret42 in every shape that used to be
// echoed: a scheme other than https, a bad % escape, no host, a "port".
var passwordURLs = []string{
	"ftp://admin:PWsecret42@host",
	"https://admin:PWsecret42%zz@host",
	"https://admin:PWsecret42@",
	"https://admin:PWsecret42@host",
	"http://admin:PWsecret42@graph.example.com",
	"https://admin:PWsecret42/x@host",
	"https://admin:PWsecret42@host/path?q=1",
	"admin:PWsecret42@host",
	" https://admin:PWsecret42@host:99999 ",
}

// No URL input error shows a password: not the Graph URL's, not the
// authority host's (flag or AZURE_AUTHORITY_HOST), not url.Parse's own text.
func TestURLErrorsNeverShowThePassword(t *testing.T) {
	for _, raw := range passwordURLs {
		checks := map[string]error{}
		_, checks["NormalizeGraphURL"] = azure.NormalizeGraphURL(raw)
		_, checks["NormalizeAuthorityHost"] = azure.NormalizeAuthorityHost(raw)
		_, checks["SignIn graph URL"] = azure.SignIn(context.Background(), azure.SignInOptions{Method: azure.SignInEnvironment, GraphURL: raw})
		_, checks["SignIn authority host"] = azure.SignIn(context.Background(), azure.SignInOptions{Method: azure.SignInEnvironment, AuthorityHost: raw})
		t.Setenv("AZURE_AUTHORITY_HOST", raw)
		_, checks["SignIn AZURE_AUTHORITY_HOST"] = azure.SignIn(context.Background(), azure.SignInOptions{Method: azure.SignInEnvironment})
		for what, err := range checks {
			if err == nil {
				t.Errorf("%s(%q): accepted", what, raw)
				continue
			}
			if strings.Contains(err.Error(), "PWsecret42") {
				t.Errorf("%s(%q) shows the password: %q", what, raw, err)
			}
		}
	}
}
