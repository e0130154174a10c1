package azuretest

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// WithHostnames adds DNS names to the server's TLS certificate, so a client
// whose dialer sends those names to this server (no DNS lookup) can reach it
// as https://NAME (port 443 through a proxy or dialer) or https://NAME:PORT.
// Every URL the server builds (discovery documents, nextLinks, Location)
// names the host the client used, as Entra and Graph answer for the host
// they were asked under.
func WithHostnames(names ...string) Option {
	return func(c *config) { c.hostnames = append(c.hostnames, names...) }
}

// hostForms lists every host[:port] that names a server at base (loopback
// by IP and by name) plus the extra names, lower case.
func hostForms(base string, extra []string) map[string]bool {
	u, _ := url.Parse(base)
	port := u.Port()
	out := map[string]bool{}
	for _, h := range append([]string{"127.0.0.1", "localhost", "[::1]"}, extra...) {
		h = strings.ToLower(h)
		out[h+":"+port] = true
		if h != "127.0.0.1" && h != "localhost" && h != "[::1]" {
			out[h] = true // reached on 443 through a dialer or proxy
		}
	}
	return out
}

// isOwnHost reports whether host[:port] names this server.
func (s *Server) isOwnHost(host string) bool { return s.hosts[strings.ToLower(host)] }

// baseURL is https://HOST for the host the request was sent to, if that
// names this server, else the server's URL.
func (s *Server) baseURL(r *http.Request) string {
	if r != nil && s.isOwnHost(r.Host) {
		return "https://" + strings.ToLower(r.Host)
	}
	return s.URL
}

// isOwnURL reports whether raw (scheme://host[:port][/]) is one of this
// server's base URLs.
func (s *Server) isOwnURL(raw string) bool {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || !strings.EqualFold(u.Scheme, "https") || (u.Path != "" && u.Path != "/") {
		return false
	}
	host := u.Host
	if _, _, err := net.SplitHostPort(host); err != nil && u.Port() == "" {
		host = u.Hostname()
	}
	return s.isOwnHost(host)
}

// instanceHost maps the host an instance-discovery request names to the
// host[:port] that reaches this server, "" if it is not one of ours. MSAL
// Python names the instance by host name only, without the port
// (msal/authority.py: "https://{instance}{path}/oauth2/v2.0/authorize").
func (s *Server) instanceHost(host string) string {
	host = strings.ToLower(host)
	if s.isOwnHost(host) {
		return host
	}
	if host == "127.0.0.1" || host == "localhost" {
		u, _ := url.Parse(s.URL)
		return host + ":" + u.Port()
	}
	return ""
}
