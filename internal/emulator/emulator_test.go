package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCATrustsOnlyItself(t *testing.T) {
	ca, err := NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/reset" {
			ResetConn(w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}}
	srv.StartTLS()
	defer srv.Close()
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool}}}
	resp, err := trusting.Get(srv.URL)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a client trusting the CA: %v %v", resp, err)
	}
	resp.Body.Close()
	other, _ := NewCA("other")
	stranger := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: other.Pool}}}
	var unknown x509.UnknownAuthorityError
	if _, err := stranger.Get(srv.URL); !errors.As(err, &unknown) {
		t.Fatalf("a client trusting another CA must be refused, got %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca.PEM) {
		t.Fatal("PEM does not parse")
	}
	if _, err := trusting.Post(srv.URL+"/reset", "text/plain", nil); err == nil {
		t.Fatal("a reset connection must give the client an error")
	}
}
