package appmixer_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestParseAPIURL(t *testing.T) {
	tests := []struct {
		in     string
		want   string   // normalised URL when accepted
		errHas []string // substrings of the error when refused
		use    string   // the URL the hint offers, when it can tell
		errNot string   // must not appear in the error
	}{
		// accepted
		{in: "https://api.acme.appmixer.cloud", want: "https://api.acme.appmixer.cloud"},
		{in: "  https://API.Acme.appmixer.cloud/  ", want: "https://api.acme.appmixer.cloud"},
		{in: "https://api.acme.appmixer.cloud:443", want: "https://api.acme.appmixer.cloud"},
		{in: "https://appmixer.example.com:8443", want: "https://appmixer.example.com:8443"},
		{in: "api.acme.appmixer.cloud", want: "https://api.acme.appmixer.cloud"},  // missing scheme → https
		{in: "api.acme.appmixer.cloud/", want: "https://api.acme.appmixer.cloud"}, // and a lone slash
		{in: "http://localhost:2200", want: "http://localhost:2200"},
		{in: "http://localhost", want: "http://localhost"},
		{in: "http://127.0.0.1:2200/", want: "http://127.0.0.1:2200"},
		{in: "http://[::1]:2200", want: "http://[::1]:2200"},
		{in: "HTTPS://api.acme.appmixer.cloud", want: "https://api.acme.appmixer.cloud"},

		// refused
		{in: "", errHas: []string{"empty"}},
		{in: "ftp://api.acme.appmixer.cloud", errHas: []string{"https://", "ftp://"}, use: "https://api.acme.appmixer.cloud"},
		{in: "http://api.acme.appmixer.cloud", errHas: []string{"plain http", "loopback"}, use: "https://api.acme.appmixer.cloud"},
		{in: "http://10.0.0.5:2200", errHas: []string{"plain http"}, use: "https://10.0.0.5:2200"},
		{in: "https://api.acme.appmixer.cloud/api/v1", errHas: []string{"path (/api/v1)"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://api.acme.appmixer.cloud?x=1", errHas: []string{"query"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://api.acme.appmixer.cloud/#/flows", errHas: []string{"fragment"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://my.acme.appmixer.cloud", errHas: []string{"web front end"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://my.acme.appmixer.cloud/designer/123", errHas: []string{"web front end"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://backoffice.acme.appmixer.cloud", errHas: []string{"Backoffice"}, use: "https://api.acme.appmixer.cloud"},
		{in: "my.acme.appmixer.cloud", errHas: []string{"web front end"}, use: "https://api.acme.appmixer.cloud"},
		{in: "https://bob:hunter22@api.acme.appmixer.cloud", errHas: []string{"user name or password"}, errNot: "hunter22"},
		{in: "https://", errHas: []string{"no host"}},
		{in: "https://api.acme.appmixer.cloud:notaport", errHas: []string{"not a valid URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := appmixer.ParseAPIURL(tt.in)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("ParseAPIURL(%q) error %v, want %s", tt.in, err, tt.want)
				}
				if u.String() != tt.want {
					t.Fatalf("ParseAPIURL(%q) = %s, want %s", tt.in, u, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseAPIURL(%q) = %s, want an error", tt.in, u)
			}
			msg := err.Error()
			t.Log(msg)
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if tt.errNot != "" && strings.Contains(msg, tt.errNot) {
				t.Errorf("error %q leaks %q", msg, tt.errNot)
			}
			h, ok := hint.Of(err)
			if !ok || h.Input != hint.AppmixerURL || h.Value != tt.use || strings.Contains(h.Text, "--") {
				t.Errorf("hint %+v, want one for the Appmixer URL offering %q", h, tt.use)
			}
		})
	}
}

func TestDerivedURLs(t *testing.T) {
	api, _ := url.Parse("https://api.acme.appmixer.cloud")
	if got, want := appmixer.CallbackURL(api, nil), "https://api.acme.appmixer.cloud/auth/microsoft/callback"; got != want {
		t.Errorf("CallbackURL = %s, want %s", got, want)
	}
	custom := appmixer.Config{"callbackUrl": "https://auth.acme.example/microsoft/cb"}
	if got := appmixer.CallbackURL(api, custom); got != custom["callbackUrl"] {
		t.Errorf("CallbackURL with callbackUrl = %s, want the override", got)
	}
	if got := appmixer.CallbackURL(api, appmixer.Config{"callbackUrl": "  "}); !strings.HasSuffix(got, "/auth/microsoft/callback") {
		t.Errorf("blank callbackUrl should fall back to the default, got %s", got)
	}
	if got, want := appmixer.PickerURL(api), "https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker"; got != want {
		t.Errorf("PickerURL = %s, want %s", got, want)
	}
	local, _ := appmixer.ParseAPIURL("http://[::1]:2200/")
	if got, want := appmixer.PickerURL(local), "http://[::1]:2200/plugins/appmixer/microsoft/onedrive/picker"; got != want {
		t.Errorf("PickerURL = %s, want %s", got, want)
	}
}
