package azure

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzParsePermissionList: any --permissions value gives clean, unique,
// comma-free names or one error line; a list it returns parses to itself.
func FuzzParsePermissionList(f *testing.F) {
	for _, s := range []string{"", "documented", "ALL", "onedrive", "User.Read,Files.Read.All", " offline_access , user.read,User.Read ",
		"all,User.Read", ",,,", "Files Read", "Files.Reed.All", "x'y", "\x00", "User.Read,,Mail.Send,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := ParsePermissionList(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(s, "\r\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(names) == 0 {
			t.Fatal("no error and no names")
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || n != strings.TrimSpace(n) || strings.ContainsAny(n, ", \t/'\"") {
				t.Fatalf("name %q from %q is not a clean permission name", n, s)
			}
			if seen[strings.ToLower(n)] {
				t.Fatalf("duplicate %q from %q", n, s)
			}
			seen[strings.ToLower(n)] = true
		}
		again, err := ParsePermissionList(strings.Join(names, ","))
		if err != nil || strings.Join(again, ",") != strings.Join(names, ",") {
			t.Fatalf("%q → %v → %v, %v", s, names, again, err)
		}
	})
}

// FuzzDecodeGraphError: any error answer (status, body, headers) decodes to a
// one-line error that keeps the status, never panics, and never grows without bound.
func FuzzDecodeGraphError(f *testing.F) {
	f.Add(404, `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.","innerError":{"request-id":"r1"}}}`, "", "")
	f.Add(429, `{"error":{"code":"TooManyRequests","message":"Too many requests."}}`, "7", "")
	f.Add(400, `{"error":{"code":"CredentialInvalidLifetimeAsPerAppPolicy","message":"Credential lifetime exceeds the max value allowed as per assigned policy 'P90D'."}}`, "", "rid")
	f.Add(502, `<html>Bad gateway</html>`, "-1", "")
	f.Add(500, ``, "99999999999999999999", "")
	f.Add(401, `{"error":{"code":"InvalidAuthenticationToken","message":"line one\nline two\r\nthree"}}`, "", "")
	f.Add(403, `{"error":null}`, "", "")
	f.Add(0, `{"error":{"code":7}}`, "", "")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter, requestID string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Retry-After", retryAfter)
		resp.Header.Set("request-id", requestID)
		ge := decodeGraphError("GET", "/applications", resp.StatusCode, resp.Header, []byte(body))
		if ge == nil || ge.StatusCode != status {
			t.Fatalf("lost the status: %+v", ge)
		}
		if ge.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", ge.RetryAfter)
		}
		msg := ge.Error()
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("multi-line error %q", msg)
		}
		if !strings.HasPrefix(msg, "graph: GET /applications: ") {
			t.Fatalf("error does not say which call failed: %q", msg)
		}
	})
}
