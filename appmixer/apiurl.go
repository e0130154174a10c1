package appmixer

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// frontEnds maps the first label of a hosted Appmixer host that serves a web
// UI (not the REST API) to the name the error message uses. Hosted tenants are
// my.T.appmixer.cloud (Studio), backoffice.T.appmixer.cloud and api.T.appmixer.cloud
// (docs.appmixer.com "Access Appmixer REST API": base URL https://api.YOUR_TENANT.appmixer.cloud).
var frontEnds = map[string]string{
	"my":         "the Appmixer web front end",
	"studio":     "the Appmixer web front end",
	"backoffice": "the Appmixer Backoffice",
}

// ParseAPIURL validates the Appmixer API base URL and returns it normalised
// as scheme://host[:port] with no path. A missing scheme means https. Plain
// http is accepted only for loopback hosts. Every refusal's hint says which URL
// to use (as its Value when it can be derived); no error shows user info.
func ParseAPIURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, hint.New("the Appmixer API URL is empty", hint.Change(hint.AppmixerURL, "give the API URL, like "+exampleAPI))
	}
	if !strings.Contains(s, "://") {
		// "api.acme.appmixer.cloud" is what people paste from the address bar
		// without the scheme; https is the only sensible guess.
		s = "https://" + strings.TrimPrefix(s, "//")
	}
	shown := httpx.RedactURL(s)
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse's own error repeats the raw text, which may hold a password.
		return nil, hint.Errorf(hint.Change(hint.AppmixerURL, "give the API URL, like "+exampleAPI),
			"the Appmixer API URL %q is not a valid URL: %s", shown, httpx.ParseReason(err))
	}
	if u.User != nil {
		return nil, hint.Errorf(hint.Change(hint.AppmixerURL, "remove the part before \"@\"; the username is given on its own"),
			"the Appmixer API URL %q contains a user name or password", shown)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return nil, hint.Errorf(hint.Change(hint.AppmixerURL, "give the API URL, like "+exampleAPI), "the Appmixer API URL %q has no host name", shown)
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	fixed := baseURL("https", host, port)
	use := func(text string) hint.Hint { return hint.Hint{Input: hint.AppmixerURL, Value: fixed, Text: text} }
	switch scheme {
	case "https":
	case "http":
		if !isLoopback(host) {
			return nil, hint.Errorf(use("use https"), "the Appmixer API URL %q uses plain http, which is allowed only for loopback hosts (localhost, 127.0.0.1, [::1])", shown)
		}
		fixed = baseURL("http", host, port)
	default:
		return nil, hint.Errorf(use("use https"), "the Appmixer API URL %q does not start with https:// (it has %s://)", shown, scheme)
	}
	if first, rest, ok := strings.Cut(host, "."); ok && isHostedAppmixer(rest) {
		if what, isUI := frontEnds[first]; isUI {
			api := baseURL("https", "api."+rest, port)
			return nil, hint.Errorf(hint.Hint{Input: hint.AppmixerURL, Value: api, Text: "use the API URL, not " + what},
				"%s is %s, not its API", baseURL(scheme, host, port), what)
		}
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return nil, hint.Errorf(use("give the bare API URL"), "the Appmixer API URL %q contains a query (?…) or fragment (#…)", shown)
	}
	if p := u.EscapedPath(); p != "" && p != "/" {
		return nil, hint.Errorf(use("give the bare API URL"), "the Appmixer API URL %q has a path (%s); the API base URL has none", shown, p)
	}
	out, err := url.Parse(fixed)
	if err != nil { // unreachable for a host that url.Parse already accepted
		return nil, fmt.Errorf("the Appmixer API URL %q cannot be normalised: %s", shown, httpx.ParseReason(err))
	}
	return out, nil
}

// exampleAPI is the shape of a hosted tenant's API URL.
const exampleAPI = "https://api.YOUR_TENANT.appmixer.cloud"

// isHostedAppmixer reports whether domain is a tenant domain under Appmixer's
// hosted service (e.g. "acme.appmixer.cloud").
func isHostedAppmixer(domain string) bool {
	return strings.HasSuffix(domain, ".appmixer.cloud") || domain == "appmixer.cloud" ||
		strings.HasSuffix(domain, ".appmixer.com") || domain == "appmixer.com"
}

// isLoopback accepts localhost and loopback IPs, the only places plain http
// cannot leak a password or token to the network.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// baseURL builds scheme://host[:port], dropping the scheme's default port and
// bracketing IPv6 literals.
func baseURL(scheme, host, port string) string {
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	h := host
	if port != "" {
		h = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		h = "[" + host + "]"
	}
	return scheme + "://" + h
}

// CallbackURL is the OAuth redirect URI Appmixer uses for the Microsoft
// connector: the config's own callbackUrl when set (Backoffice docs, "Services":
// a service config may redefine the default callbackUrl), else {api}/auth/microsoft/callback.
func CallbackURL(api *url.URL, cfg Config) string {
	if v := strings.TrimSpace(cfg["callbackUrl"]); v != "" {
		return v
	}
	return strings.TrimRight(api.String(), "/") + "/auth/microsoft/callback"
}

// PickerURL is the OneDrive file picker page that must also be a redirect URI
// (seed: "/plugins/appmixer/microsoft/onedrive/picker").
func PickerURL(api *url.URL) string {
	return strings.TrimRight(api.String(), "/") + "/plugins/appmixer/microsoft/onedrive/picker"
}
