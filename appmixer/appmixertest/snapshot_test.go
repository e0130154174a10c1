package appmixertest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
)

func TestSnapshotRestore(t *testing.T) {
	s := start(t, appmixertest.WithUser("viewer@example.com", "pw-viewer", false))
	s.SetServiceConfig("appmixer:microsoft", map[string]any{"clientId": "c", "clientSecret": "kept-as-is", "keep": true})
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{appmixertest.DefaultAdminPassword, "pw-viewer"} {
		if strings.Contains(string(snap), secret) {
			t.Fatalf("the snapshot holds a password")
		}
	}
	old := s.IssueToken(appmixertest.DefaultAdminUsername)

	other := start(t)
	other.SetServiceConfig("appmixer:slack", map[string]any{"x": "y"})
	if err := other.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if cfg, ok := other.ServiceConfig("appmixer:microsoft"); !ok || cfg["clientSecret"] != "kept-as-is" || cfg["keep"] != true {
		t.Fatalf("config after restore: %v %v", cfg, ok)
	}
	if _, ok := other.ServiceConfig("appmixer:slack"); ok {
		t.Fatal("restore replaces the world; it does not merge")
	}
	viewer := login(t, other, "viewer@example.com", "pw-viewer")
	if u := call(t, other, "GET", "/user", viewer, "", ""); u.status != 200 || u.body["scope"].([]any)[0] != "user" || len(u.body["scope"].([]any)) != 1 {
		t.Fatalf("viewer after restore: %s", u.raw)
	}
	login(t, other, appmixertest.DefaultAdminUsername, appmixertest.DefaultAdminPassword)
	if a := call(t, other, "POST", "/user/auth", "", `{"username":"viewer@example.com","password":"wrong"}`, ""); a.status != 401 {
		t.Fatalf("wrong password after restore: %d", a.status)
	}
	if a := call(t, s, "GET", "/user", old, "", ""); a.status != 200 {
		t.Fatal("the source server is untouched")
	}

	for name, bad := range map[string]string{
		"not JSON":    `{`,
		"other kind":  `{"kind":"azuretest","version":1}`,
		"future":      `{"kind":"appmixertest","version":2}`,
		"bad id":      `{"kind":"appmixertest","version":1,"users":[{"id":"x","username":"a","salt":"00","passwordHash":"` + strings.Repeat("a", 64) + `"}]}`,
		"bad hash":    `{"kind":"appmixertest","version":1,"users":[{"id":"` + strings.Repeat("a", 24) + `","username":"a","salt":"00","passwordHash":"plain"}]}`,
		"bad scope":   `{"kind":"appmixertest","version":1,"users":[{"id":"` + strings.Repeat("a", 24) + `","username":"a","salt":"00","passwordHash":"` + strings.Repeat("a", 64) + `","scope":["root"]}]}`,
		"null config": `{"kind":"appmixertest","version":1,"configs":{"appmixer:x":null}}`,
	} {
		err := other.Restore([]byte(bad))
		if !errors.Is(err, appmixertest.ErrBadSnapshot) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, ok := other.ServiceConfig("appmixer:microsoft"); !ok {
		t.Fatal("a refused restore must change nothing")
	}
}

func TestThrottleAndHostnames(t *testing.T) {
	s := start(t, appmixertest.WithHostnames("api.demo.example"))
	addr := strings.TrimPrefix(s.URL, "https://")
	pool := s.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	s.Throttle("GET /user", 2*time.Second)
	tok := s.IssueToken(appmixertest.DefaultAdminUsername)
	var got []string
	for range 3 {
		req, _ := http.NewRequest("GET", "https://api.demo.example/user", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got = append(got, res.Status[:3]+"/"+res.Header.Get("Retry-After"))
	}
	if strings.Join(got, " ") != "429/2 503/2 200/" {
		t.Fatalf("throttled answers %v", got)
	}
}
