package appmixer

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
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
// http is accepted only for loopback hosts. Every refusal says which URL to use.
func ParseAPIURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("the Appmixer API URL is empty: pass --appmixer-url (or APPMIXER_URL), e.g. https://api.YOUR_TENANT.appmixer.cloud")
	}
	if !strings.Contains(s, "://") {
		// "api.acme.appmixer.cloud" is what people paste from the address bar
		// without the scheme; https is the only sensible guess.
		s = "https://" + strings.TrimPrefix(s, "//")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the raw text, which may hold a password
		}
		return nil, fmt.Errorf("the Appmixer API URL %q is not a valid URL (use the form https://api.YOUR_TENANT.appmixer.cloud): %w", redactURL(raw), err)
	}
	shown := redactURL(s)
	if u.User != nil {
		return nil, fmt.Errorf("the Appmixer API URL %q must not contain a user name or password: remove the part before \"@\" and sign in with --appmixer-username instead", shown)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return nil, fmt.Errorf("the Appmixer API URL %q has no host name: use the form https://api.YOUR_TENANT.appmixer.cloud", shown)
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	fixed := baseURL("https", host, port)
	switch scheme {
	case "https":
	case "http":
		if !isLoopback(host) {
			return nil, fmt.Errorf("the Appmixer API URL %q uses plain http, which is allowed only for loopback hosts (localhost, 127.0.0.1, [::1]): use %s", shown, fixed)
		}
		fixed = baseURL("http", host, port)
	default:
		return nil, fmt.Errorf("the Appmixer API URL %q must start with https:// (got %s://): use %s", shown, scheme, fixed)
	}
	if first, rest, ok := strings.Cut(host, "."); ok && isHostedAppmixer(rest) {
		if what, isUI := frontEnds[first]; isUI {
			return nil, fmt.Errorf("%s is %s, not its API: use %s", baseURL(scheme, host, port), what, baseURL("https", "api."+rest, port))
		}
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return nil, fmt.Errorf("the Appmixer API URL %q must not contain a query (?…) or fragment (#…): use %s", shown, fixed)
	}
	if p := u.EscapedPath(); p != "" && p != "/" {
		return nil, fmt.Errorf("the Appmixer API URL %q has a path (%s) but must be the bare API base URL: use %s", shown, p, fixed)
	}
	out, err := url.Parse(fixed)
	if err != nil { // unreachable for a host that url.Parse already accepted
		return nil, fmt.Errorf("the Appmixer API URL %q cannot be normalised: %w", shown, err)
	}
	return out, nil
}

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

// redactURL hides user info (it may hold a password) in a URL shown in errors.
func redactURL(s string) string {
	s = strings.TrimSpace(s)
	prefix, rest := "", s
	if j := strings.Index(s, "://"); j >= 0 {
		prefix, rest = s[:j+3], s[j+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if i := strings.LastIndex(rest[:end], "@"); i >= 0 {
		return prefix + "…" + rest[i:]
	}
	return s
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
