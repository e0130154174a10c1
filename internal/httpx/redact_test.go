package httpx

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://admin:PW@host/x":     "https://…@host/x",
		"ftp://admin:PW@host":         "ftp://…@host",
		"https://admin:PW%zz@host":    "https://…@host",
		"https://admin:PW@":           "https://…@",
		"https://admin:PW/x@host":     "https://…@host",
		"admin:PW@host":               "…@host",
		"//admin:PW@host":             "//…@host",
		"https://host/p?next=a@b":     "https://host/p?next=a@b",
		"https://graph.microsoft.com": "https://graph.microsoft.com",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// url.Parse repeats its input in its errors; ParseReason never does.
func TestParseReasonNeverQuotesTheURL(t *testing.T) {
	for _, raw := range []string{"https://admin:PWSECRET%zz@host", "https://admin:PWSECRET/x@host", "https://ho st:PWSECRET", "htt\x7fp://admin:PWSECRET@h", ":PWSECRET"} {
		_, err := url.Parse(raw)
		if err == nil {
			t.Fatalf("%q parsed", raw)
		}
		if r := ParseReason(err); strings.Contains(r, "PWSECRET") || r == "" {
			t.Errorf("%q → %q", raw, r)
		}
	}
}

func TestRedactText(t *testing.T) {
	for _, s := range []string{
		"Authorization: Bearer abc.def-SECRET",
		`{"access_token":"AT-SECRET","refresh_token":"RT-SECRET","id_token":"IT-SECRET"}`,
		"client_secret=CS-SECRET&scope=x",
		`"secretText": "ST-SECRET"`,
		`{"clientSecret":"CS2-SECRET","password":"PW-SECRET"}`,
		"assertion=AS-SECRET code=CODE-SECRET device_code=DC-SECRET",
		"token eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0.SIG-SECRET here",
	} {
		if got := RedactText(s); strings.Contains(got, "SECRET") {
			t.Errorf("RedactText(%q) = %q", s, got)
		}
	}
	keep := `graph: 404 Request_ResourceNotFound {"error_codes":[7000215]} $filter=displayName eq 'Appmixer'`
	if got := RedactText(keep); got != keep {
		t.Errorf("RedactText changed harmless text: %q", got)
	}
}
