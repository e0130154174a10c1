package azure_test

import (
	"context"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

func TestLookupCloud(t *testing.T) {
	for name, graph := range map[string]string{
		"public": "https://graph.microsoft.com", "": "https://graph.microsoft.com", "USGov": "https://graph.microsoft.us",
		"usgov-dod": "https://dod-graph.microsoft.us", "china": "https://microsoftgraph.chinacloudapi.cn",
	} {
		c, err := azure.LookupCloud(name)
		if err != nil || c.GraphURL != graph || !strings.HasPrefix(c.AuthorityHost, "https://login.") {
			t.Errorf("%q: %+v %v", name, c, err)
		}
	}
	_, err := azure.LookupCloud("germany")
	if err == nil || !strings.Contains(err.Error(), "public, usgov, usgov-dod, china") && !strings.Contains(err.Error(), "china, public, usgov, usgov-dod") {
		t.Fatalf("error should list valid names: %v", err)
	}
}

func TestAuthorityHostRules(t *testing.T) {
	ok := map[string]string{
		"https://login.microsoftonline.com":  "https://login.microsoftonline.com/",
		"https://127.0.0.1:8443/":            "https://127.0.0.1:8443/",
		"HTTPS://login.example.internal/":    "https://login.example.internal/",
		" https://login.microsoftonline.us ": "https://login.microsoftonline.us/",
	}
	for in, want := range ok {
		got, err := azure.NormalizeAuthorityHost(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"http://127.0.0.1:8080":                     "must use https",
		"http://login.example.com":                  "must use https",
		"ftp://login.microsoftonline.com":           "not an https URL",
		"login.microsoftonline.com":                 "not an https URL",
		"https://login.microsoftonline.com/contoso": "has a path (/contoso)",
		"https://login.microsoftonline.com/?x=1":    "query",
		"https://user:hunter2@login.example.com/":   "user info",
		"": "empty",
	}
	for in, want := range bad {
		_, err := azure.NormalizeAuthorityHost(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want error containing %q, got %v", in, want, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("password echoed: %v", err)
		}
		if h, ok := hint.Of(err); err != nil && (!ok || h.Input != hint.AuthorityHost) {
			t.Errorf("%q: hint %+v, want one naming the authority host", in, h)
		}
	}
	_, err := azure.NormalizeAuthorityHost("https://login.microsoftonline.com/contoso")
	if h, _ := hint.Of(err); h.Value != "https://login.microsoftonline.com/" {
		t.Errorf("the hint should offer the host without the path: %+v", h)
	}
}

func TestGraphURLRules(t *testing.T) {
	ok := map[string]string{
		"https://graph.microsoft.com/":      "https://graph.microsoft.com",
		"https://graph.microsoft.com/v1.0/": "https://graph.microsoft.com",
		"http://127.0.0.1:9000":             "http://127.0.0.1:9000",
		"http://localhost:9000/v1.0":        "http://localhost:9000",
		"http://[::1]:9000":                 "http://[::1]:9000",
		"https://proxy.example/graph":       "https://proxy.example/graph",
	}
	for in, want := range ok {
		got, err := azure.NormalizeGraphURL(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"http://graph.microsoft.com", "http://10.0.0.1:80"} {
		_, err := azure.NormalizeGraphURL(in)
		if h, _ := hint.Of(err); err == nil || !strings.Contains(err.Error(), "plain http") || !strings.Contains(err.Error(), "loopback") || h.Input != hint.GraphURL {
			t.Errorf("%q: want https/loopback error, got %v (%+v)", in, err, h)
		}
	}
}

func TestInstanceDiscoveryHosts(t *testing.T) {
	for host, ms := range map[string]bool{
		"https://login.microsoftonline.com/": true, "https://login.microsoftonline.us/": true,
		"https://login.chinacloudapi.cn/": true, "https://127.0.0.1:8443/": false, "https://login.example.com/": false,
	} {
		if azure.IsMicrosoftAuthorityHost(host) != ms {
			t.Errorf("%s: want %v", host, ms)
		}
	}
}

func TestSignInRefusesBadEndpointsBeforeAnyNetwork(t *testing.T) {
	cases := []struct {
		o    azure.SignInOptions
		want string
	}{
		{azure.SignInOptions{Method: azure.SignInEnvironment, AuthorityHost: "http://127.0.0.1:1"}, "must use https"},
		{azure.SignInOptions{Method: azure.SignInEnvironment, GraphURL: "http://graph.example"}, "loopback"},
		{azure.SignInOptions{Method: azure.SignInEnvironment, Cloud: azure.Cloud{Name: "mars"}}, "unknown cloud"},
		{azure.SignInOptions{Method: "password"}, "unknown method"},
		{azure.SignInOptions{Method: azure.SignInDevice}, "OnDeviceCode"},
	}
	for _, c := range cases {
		_, err := azure.SignIn(context.Background(), c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: want %q, got %v", c.o, c.want, err)
		}
	}
	if _, err := azure.ParseSignInMethod("Azure-CLI"); err != nil {
		t.Error(err)
	}
	_, err := azure.ParseSignInMethod("cert")
	if h, _ := hint.Of(err); err == nil || h.Input != hint.Auth || !strings.Contains(h.Text, "device, browser, azure-cli or environment") {
		t.Errorf("got %v, hint %+v", err, h)
	}
}
