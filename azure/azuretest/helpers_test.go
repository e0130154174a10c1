package azuretest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

func newServer(t *testing.T, opts ...azuretest.Option) *azuretest.Server {
	t.Helper()
	s := azuretest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// tokenRaw posts a form to the token endpoint and returns status and JSON body.
func tokenRaw(t *testing.T, s *azuretest.Server, tenant string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := s.Client().PostForm(s.URL+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("token response: %v", err)
	}
	return resp.StatusCode, m
}

func clientCredentials(t *testing.T, s *azuretest.Server, id, secret string) (int, map[string]any) {
	return tokenRaw(t, s, s.TenantID, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {s.GraphScope()},
	})
}

func automationToken(t *testing.T, s *azuretest.Server) string {
	t.Helper()
	id, secret := s.AutomationCredentials()
	st, m := clientCredentials(t, s, id, secret)
	if st != 200 {
		t.Fatalf("automation token: %d %v", st, m)
	}
	return m["access_token"].(string)
}

type resp struct {
	status int
	body   map[string]any
	header http.Header
	raw    string
}

func (r resp) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r resp) errMsg() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

// graph calls Graph; body may be nil, a string (sent raw) or any JSON value.
func graph(t *testing.T, s *azuretest.Server, tok, method, path string, body any) resp {
	t.Helper()
	return graphH(t, s, tok, method, path, body, nil)
}

// graphH is graph with extra request headers.
func graphH(t *testing.T, s *azuretest.Server, tok, method, path string, body any, h http.Header) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+"/v1.0"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out.body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %q", method, path, b)
		}
	}
	return out
}

func mustStatus(t *testing.T, r resp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.raw)
	}
}

func createApp(t *testing.T, s *azuretest.Server, tok string, body map[string]any) map[string]any {
	t.Helper()
	r := graph(t, s, tok, "POST", "/applications", body)
	mustStatus(t, r, 201)
	return r.body
}

func ptr[T any](v T) *T { return &v }

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func portOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}
