package azuretest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// A client whose dialer sends a stable name to the server (no DNS) reaches
// it under that name; the documents it gets back name that host.
func TestStableHostnames(t *testing.T) {
	s := newServer(t, azuretest.WithHostnames("login.demo.example", "graph.demo.example"))
	addr := strings.TrimPrefix(s.URL, "https://")
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr) // every name goes to the emulator
		},
	}}
	res, err := client.Get("https://login.demo.example/" + s.TenantID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if m["issuer"] != "https://login.demo.example/"+s.TenantID+"/v2.0" ||
		m["token_endpoint"] != "https://login.demo.example/"+s.TenantID+"/oauth2/v2.0/token" {
		t.Fatalf("discovery under the stable name: %v", m)
	}
	// A token for that name's Graph is accepted; nextLinks stay on that name.
	id, secret := s.AutomationCredentials()
	res, err = client.PostForm("https://login.demo.example/"+s.TenantID+"/oauth2/v2.0/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"https://graph.demo.example/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	tok, _ := m["access_token"].(string)
	s.SetPageSize(1)
	req, _ := http.NewRequest("GET", "https://graph.demo.example/v1.0/servicePrincipals", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(m["@odata.nextLink"].(string), "https://graph.demo.example/v1.0/servicePrincipals?") {
		t.Fatalf("Graph under the stable name: %d %v", res.StatusCode, m)
	}
	// The certificate does not cover names it was not given.
	if _, err := client.Get("https://other.example/common/discovery/instance"); err == nil {
		t.Fatal("a name outside the certificate must fail verification")
	}
}
