package azure

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Cloud names a national cloud's Entra ID authority host and Graph endpoint.
type Cloud struct{ Name, AuthorityHost, GraphURL string }

// Endpoints from learn.microsoft.com/graph/deployments (national cloud deployments).
var clouds = map[string]Cloud{
	"public":    {Name: "public", AuthorityHost: "https://login.microsoftonline.com/", GraphURL: "https://graph.microsoft.com"},
	"usgov":     {Name: "usgov", AuthorityHost: "https://login.microsoftonline.us/", GraphURL: "https://graph.microsoft.us"},
	"usgov-dod": {Name: "usgov-dod", AuthorityHost: "https://login.microsoftonline.us/", GraphURL: "https://dod-graph.microsoft.us"},
	"china":     {Name: "china", AuthorityHost: "https://login.chinacloudapi.cn/", GraphURL: "https://microsoftgraph.chinacloudapi.cn"},
}

// CloudNames lists the names LookupCloud accepts, sorted.
func CloudNames() []string {
	names := make([]string, 0, len(clouds))
	for n := range clouds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupCloud returns the named cloud ("" means public); names are case-insensitive.
func LookupCloud(name string) (Cloud, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = "public"
	}
	if c, ok := clouds[n]; ok {
		return c, nil
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: use one of %s", name, strings.Join(CloudNames(), ", "))
}

// microsoftAuthorityHosts are the hosts MSAL trusts for instance discovery
// (MSAL Go apps/internal/oauth/ops/authority/authority.go aadTrustedHostList).
// Any other host gets DisableInstanceDiscovery, or MSAL would first ask
// login.microsoftonline.com about it and fail.
var microsoftAuthorityHosts = map[string]bool{
	"login.microsoftonline.com":        true,
	"login.microsoftonline.us":         true,
	"login.chinacloudapi.cn":           true,
	"login.partner.microsoftonline.cn": true,
	"login.windows.net":                true,
	"login.microsoft.com":              true,
	"login-us.microsoftonline.com":     true,
	"login.usgovcloudapi.net":          true,
	"login.microsoftonline.de":         true,
	"sts.windows.net":                  true,
}

// IsMicrosoftAuthorityHost reports whether MSAL may run instance discovery for host (a URL or host name).
func IsMicrosoftAuthorityHost(host string) bool {
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	return microsoftAuthorityHosts[strings.ToLower(host)]
}

// isLoopback reports whether host (no port) is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NormalizeAuthorityHost checks an Entra ID authority host URL and returns it as
// "https://host[:port]/". azidentity refuses any authority that is not https
// (azidentity.go setAuthorityHost), even on loopback, because MSAL sends
// credentials there; so plain http is refused with that explanation.
func NormalizeAuthorityHost(raw string) (string, error) {
	u, err := parseEndpoint("authority host", raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("authority host %s: must use https (azidentity/MSAL send credentials there and refuse plain http, even on loopback); serve it over TLS and trust its CA with SSL_CERT_FILE", raw)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return "", fmt.Errorf("authority host %s: give only scheme and host (like https://login.microsoftonline.com/), without the path %q; set the tenant with --tenant", raw, "/"+p)
	}
	return "https://" + u.Host + "/", nil
}

// NormalizeGraphURL checks a Graph base URL and returns it without a trailing
// slash or "/v1.0". Plain http is allowed only for loopback: Graph requests carry
// bearer tokens, and azcore's bearer policy refuses non-TLS endpoints otherwise.
func NormalizeGraphURL(raw string) (string, error) {
	u, err := parseEndpoint("graph URL", raw)
	if err != nil {
		return "", err
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("graph URL %s: must use https (bearer tokens are sent to it; azcore refuses them over plain http); plain http is accepted only for loopback", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/v1.0")
	return u.Scheme + "://" + u.Host + strings.TrimRight(p, "/"), nil
}

func parseEndpoint(what, raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("%s is empty: give a URL like https://host", what)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a URL: %w", what, raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%s %q: needs an https:// URL", what, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s %q: has no host; give a URL like https://host", what, raw)
	}
	if u.User != nil {
		// never echo user info: it may hold a password
		return nil, fmt.Errorf("%s for host %s: remove the user info from the URL", what, u.Host)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s %q: remove the query or fragment", what, raw)
	}
	return u, nil
}
