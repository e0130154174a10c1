package appmixer_test

import (
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// FuzzParseAPIURL: any input gives a normalised https (or loopback http) base
// with no path, user info or query, or one error line that never repeats a
// password the input carried; parsing the result again gives the same URL.
func FuzzParseAPIURL(f *testing.F) {
	for _, s := range []string{
		"https://api.acme.appmixer.cloud", "api.acme.appmixer.cloud", "https://my.acme.appmixer.cloud",
		"http://localhost:2200", "http://[::1]:80/", "https://user:s3cretpw@api.x.io", "ftp://x", "//api.x.io/path?q=1#f",
		"https://api.x.io:99999", "https://%zz", "http://10.0.0.1", " https://API.X.IO/ ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := appmixer.ParseAPIURL(raw)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("multi-line error %q", msg)
			}
			if pu, perr := url.Parse(strings.TrimSpace(raw)); perr == nil && pu.User != nil {
				// The password as it stood in the URL (":pw" or "pw@"); the bare
				// word could be part of the message's own text ("password").
				if pw, ok := pu.User.Password(); ok && len(pw) >= 4 && (strings.Contains(msg, ":"+pw) || strings.Contains(msg, pw+"@")) {
					t.Fatalf("error repeats the password: %q", msg)
				}
			}
			return
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
			t.Fatalf("%q → %q keeps more than scheme://host[:port]", raw, u)
		}
		if u.Hostname() == "" {
			t.Fatalf("%q → %q has no host", raw, u)
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			t.Fatalf("%q → scheme %q", raw, u.Scheme)
		}
		again, err := appmixer.ParseAPIURL(u.String())
		if err != nil || again.String() != u.String() {
			t.Fatalf("not stable: %q → %q → %v, %v", raw, u, again, err)
		}
	})
}

// FuzzMerge: Merge keeps every key it was not told to set or remove, never
// changes its input, and sets exactly what was asked.
func FuzzMerge(f *testing.F) {
	f.Add("customerKey=keep me;clientId=old", "clientId=new;clientSecret=s3cr3t", "microsoftTenant")
	f.Add("", "clientId=x", "")
	f.Add("a=1;b=2;c=3", "", "a;b;c;d")
	f.Add("clientSecret=old", "clientSecret=new", "clientSecret")
	f.Fuzz(func(t *testing.T, oldSpec, setSpec, removeSpec string) {
		old := appmixer.Config(pairs(oldSpec))
		set := pairs(setSpec)
		var remove []string
		if removeSpec != "" {
			remove = strings.Split(removeSpec, ";")
		}
		before := maps.Clone(old)
		out := appmixer.Merge(old, set, remove...)
		if !maps.Equal(old, before) {
			t.Fatal("Merge changed its input")
		}
		removed := map[string]bool{}
		for _, k := range remove {
			removed[k] = true
			if _, ok := out[k]; ok {
				t.Fatalf("key %q was to be removed", k)
			}
		}
		for k, v := range set {
			if !removed[k] && out[k] != v {
				t.Fatalf("key %q = %q, want %q", k, out[k], v)
			}
		}
		for k, v := range old {
			if _, isSet := set[k]; !isSet && !removed[k] && out[k] != v {
				t.Fatalf("customer key %q lost or changed: %q → %q", k, v, out[k])
			}
		}
		for k := range out {
			_, inOld := old[k]
			_, inSet := set[k]
			if !inOld && !inSet {
				t.Fatalf("key %q came from nowhere", k)
			}
		}
	})
}

// pairs reads "k=v;k2=v2".
func pairs(spec string) map[string]string {
	m := map[string]string{}
	if spec == "" {
		return m
	}
	for _, p := range strings.Split(spec, ";") {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}
