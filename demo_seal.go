package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"
)

// The demo's services answer under names of the reserved .test domain
// (RFC 2606), which no resolver knows: the demo's HTTP client dials them
// straight to the in-process emulators and refuses every other name, so
// nothing the demo does can reach the network, whatever a URL says.
const (
	demoAppmixerHost = "api.demo.appmixer.test"
	demoLoginHost    = "login.demo.test"
	demoGraphHost    = "graph.demo.test"
	demoAppmixerURL  = "https://" + demoAppmixerHost
	demoAuthority    = "https://" + demoLoginHost + "/"
	demoGraphURL     = "https://" + demoGraphHost
)

// sealedClient is an HTTP client whose only destinations are routes
// (host:port → a loopback address): no DNS lookup, no proxy, no other host.
func sealedClient(routes map[string]string, roots *x509.CertPool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy: nil, // never the environment's proxy
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, ok := routes[addr]
			if !ok {
				return nil, fmt.Errorf("the demo uses only its own simulated services; %s is not one of them", addr)
			}
			return dialer.DialContext(ctx, network, to)
		},
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}}
}
