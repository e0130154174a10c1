package azure

import (
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
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
	return Cloud{}, hint.Errorf(hint.Change(hint.Cloud, "choose one of "+strings.Join(CloudNames(), ", ")), "unknown cloud %q (known: %s)", name, strings.Join(CloudNames(), ", "))
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
// credentials there; so plain http is refused with that explanation. No error
// shows the URL's user info.
func NormalizeAuthorityHost(raw string) (string, error) {
	u, shown, err := parseEndpoint("authority host", hint.AuthorityHost, raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" {
		return "", hint.Errorf(hint.Change(hint.AuthorityHost, "use an https URL"),
			"authority host %s: must use https (azidentity/MSAL send credentials there and refuse plain http, even on loopback)", shown)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return "", hint.Errorf(hint.Hint{Input: hint.AuthorityHost, Value: "https://" + u.Host + "/", Text: "give only the scheme and host; the tenant is given on its own"},
			"authority host %s has a path (%s)", shown, "/"+p)
	}
	return "https://" + u.Host + "/", nil
}

// NormalizeGraphURL checks a Graph base URL and returns it without a trailing
// slash or "/v1.0". Plain http is allowed only for loopback: Graph requests carry
// bearer tokens, and azcore's bearer policy refuses non-TLS endpoints otherwise.
// No error shows the URL's user info.
func NormalizeGraphURL(raw string) (string, error) {
	u, shown, err := parseEndpoint("graph URL", hint.GraphURL, raw)
	if err != nil {
		return "", err
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", hint.Errorf(hint.Change(hint.GraphURL, "use an https URL"),
			"graph URL %s uses plain http, which is accepted only for loopback (bearer tokens are sent to it; azcore refuses them over plain http)", shown)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/v1.0")
	return u.Scheme + "://" + u.Host + strings.TrimRight(p, "/"), nil
}

// parseEndpoint parses a URL input. Every error shows the URL redacted
// (shown): user info may hold a password, and url.Parse's own error would
// quote it whole.
func parseEndpoint(what string, in hint.Input, raw string) (u *url.URL, shown string, err error) {
	s := strings.TrimSpace(raw)
	shown = strconv.Quote(httpx.RedactURL(s))
	if s == "" {
		return nil, shown, hint.Errorf(hint.Change(in, "give a URL like https://host"), "%s is empty", what)
	}
	u, err = url.Parse(s)
	if err != nil {
		return nil, shown, hint.Errorf(hint.Change(in, "give a URL like https://host"), "%s %s is not a URL: %s", what, shown, httpx.ParseReason(err))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, shown, hint.Errorf(hint.Change(in, "give an https:// URL"), "%s %s is not an https URL", what, shown)
	case u.Host == "":
		return nil, shown, hint.Errorf(hint.Change(in, "give a URL like https://host"), "%s %s has no host", what, shown)
	case u.User != nil:
		return nil, shown, hint.Errorf(hint.Change(in, "remove the user name and password from the URL"), "%s %s has user info", what, shown)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, shown, hint.Errorf(hint.Change(in, "remove the query and fragment"), "%s %s has a query or fragment", what, shown)
	}
	return u, shown, nil
}
