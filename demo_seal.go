package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
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
)

// sealedRoute is one emulator as the sealed client reaches it: the names
// (host:port) it answers to, its loopback URL and its CA.
type sealedRoute struct {
	names []string
	url   string
	ca    []byte
}

// sealedClient is an HTTP client whose only destinations are the routes'
// names, each dialled to its emulator on loopback and trusted by its CA
// alone: no DNS lookup, no proxy, no other host.
func sealedClient(routes ...sealedRoute) *http.Client {
	roots := x509.NewCertPool()
	dial := map[string]string{}
	for _, r := range routes {
		roots.AppendCertsFromPEM(r.ca)
		for _, name := range r.names {
			dial[name] = hostOf(r.url)
		}
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy: nil, // never the environment's proxy
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, ok := dial[addr]
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

// sealOptions points o at simulated services through the sealed client:
// Entra ID at login, Graph at graph, the simulated tenant, the resume file
// in the demo's folder, no remembered sign-in. Both demos go through it, so
// an endpoint or sign-in setting is sealed in one place. The Appmixer URL
// and the credentials are the caller's.
func sealOptions(o *steps.Options, client *http.Client, login, graph, tenant, stateDir string) {
	o.AzureHTTP, o.AppmixerHTTP = client, client
	o.Cloud, o.AuthorityHost, o.GraphURL, o.Tenant = "public", "https://"+login+"/", "https://"+graph, tenant
	o.StateDir, o.Remember, o.Simulated = stateDir, nil, true
	if o.AuthMethod == "" {
		o.AuthMethod = "device"
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}
