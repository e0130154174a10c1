package emulator

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The proxy answers a routed Microsoft name from the emulator (whose
// certificate carries the name) and refuses everything else.
func TestConnectProxyRoutesOnlyGivenNames(t *testing.T) {
	ca, err := NewCA("proxytest", "login.microsoftonline.com")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("emulated " + r.Host))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}}
	srv.StartTLS()
	defer srv.Close()
	p, err := NewConnectProxy(map[string]string{"login.microsoftonline.com:443": strings.TrimPrefix(srv.URL, "https://")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	proxyURL, _ := url.Parse(p.URL)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: ca.Pool}}}
	res, err := client.Get("https://login.microsoftonline.com/common/discovery/instance")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := res.Body.Read(buf)
	res.Body.Close()
	if string(buf[:n]) != "emulated login.microsoftonline.com" {
		t.Fatalf("routed answer %q", buf[:n])
	}
	if _, err := client.Get("https://example.com/"); err == nil {
		t.Fatal("an unrouted name must be refused")
	}
	// A plain-HTTP request through the proxy gets the proxy's 403, not the network.
	if res, err := client.Get("http://example.com/"); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("plain HTTP: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	refused := p.Refused()
	if len(refused) != 2 || refused[0] != "CONNECT example.com:443" || refused[1] != "GET example.com" {
		t.Fatalf("refused %v", refused)
	}
}
