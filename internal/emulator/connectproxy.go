package emulator

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// ConnectProxy is an HTTPS proxy (HTTP CONNECT) that tunnels the host names
// it is given to an emulator's address and refuses everything else, so a
// child process pointed at it (HTTPS_PROXY) can reach Microsoft's well-known
// names only as the emulator and never the network. MSAL Python, for one,
// asks login.microsoftonline.com about any authority it does not know.
type ConnectProxy struct {
	URL string // http://127.0.0.1:PORT, for HTTPS_PROXY

	ln     net.Listener
	routes map[string]string // "host:port" → emulator address
	srv    *http.Server

	mu      sync.Mutex
	refused []string
}

// NewConnectProxy starts a proxy tunnelling each "host:port" key of routes
// to its address. Close it when done.
func NewConnectProxy(routes map[string]string) (*ConnectProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &ConnectProxy{URL: "http://" + ln.Addr().String(), ln: ln, routes: map[string]string{}}
	for k, v := range routes {
		p.routes[strings.ToLower(k)] = v
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve)}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Refused lists the host:port targets the proxy turned away (a child that
// tried to reach the network).
func (p *ConnectProxy) Refused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.refused...)
}

// Close stops the proxy and its tunnels.
func (p *ConnectProxy) Close() { _ = p.srv.Close() }

func (p *ConnectProxy) serve(w http.ResponseWriter, r *http.Request) {
	target := strings.ToLower(r.Host)
	addr, ok := p.routes[target]
	if r.Method != http.MethodConnect || !ok {
		p.mu.Lock()
		p.refused = append(p.refused, r.Method+" "+target)
		p.mu.Unlock()
		http.Error(w, "emulator proxy: no route to "+target, http.StatusForbidden)
		return
	}
	up, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		_, _ = io.Copy(up, buf) // what the client already sent, then the rest
		up.Close()
	}()
	_, _ = io.Copy(conn, up)
	conn.Close()
}
