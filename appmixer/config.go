package appmixer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ServiceID is the Appmixer service whose config holds the Microsoft
// connector's clientId, clientSecret and microsoftTenant.
const ServiceID = "appmixer:microsoft"

// Config holds a service config's values (serviceId excluded). Non-string
// values from the server are converted to text ("true", "42").
type Config map[string]string

// ChangeKind says how a key differs between two configs.
type ChangeKind string

const (
	KindAdd    ChangeKind = "add"
	KindChange ChangeKind = "change"
	KindRemove ChangeKind = "remove"
)

// Change is one key's difference; Before/After are masked for secret keys.
type Change struct {
	Key           string
	Kind          ChangeKind
	Before, After string
}

// Merge returns a copy of old with set applied and remove deleted. Every other
// key is kept: PUT /service-config/:id replaces the whole object, so a key
// dropped here would be wiped from the customer's config.
func Merge(old Config, set map[string]string, remove ...string) Config {
	out := make(Config, len(old)+len(set))
	maps.Copy(out, old)
	maps.Copy(out, set)
	for _, k := range remove {
		delete(out, k)
	}
	return out
}

// Diff lists the keys that differ between old and new, sorted by key, with
// secret values masked so the result can be shown or logged.
func Diff(old, new Config) []Change {
	var out []Change
	for _, k := range slices.Sorted(maps.Keys(union(old, new))) {
		before, inOld := old[k]
		after, inNew := new[k]
		var ch Change
		switch {
		case inOld && !inNew:
			ch = Change{Key: k, Kind: KindRemove, Before: before}
		case !inOld && inNew:
			ch = Change{Key: k, Kind: KindAdd, After: after}
		case before != after:
			ch = Change{Key: k, Kind: KindChange, Before: before, After: after}
		default:
			continue
		}
		if IsSecretKey(k) {
			ch.Before, ch.After = MaskSecret(ch.Before), MaskSecret(ch.After)
		}
		out = append(out, ch)
	}
	return out
}

func union(a, b Config) map[string]struct{} {
	u := make(map[string]struct{}, len(a)+len(b))
	for k := range a {
		u[k] = struct{}{}
	}
	for k := range b {
		u[k] = struct{}{}
	}
	return u
}

// IsSecretKey reports whether a config key holds a secret (clientSecret, any
// key containing "secret", "password" or "token", case-insensitive).
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "secret") || strings.Contains(k, "password") || strings.Contains(k, "token")
}

// MaskSecret shows at most the first 3 characters of s as a hint ("abc…").
// Values of 3 characters or fewer are fully hidden ("…"); "" stays "".
func MaskSecret(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) <= 3 {
		return "…"
	}
	return string(r[:3]) + "…"
}

// Masked returns a copy of c with secret values masked, for display.
func (c Config) Masked() Config {
	out := make(Config, len(c))
	for k, v := range c {
		if IsSecretKey(k) {
			v = MaskSecret(v)
		}
		out[k] = v
	}
	return out
}

// String and GoString print the config with secret values masked, so a stray
// %v in an error or a log line cannot show clientSecret.
func (c Config) String() string { return fmt.Sprint(map[string]string(c.Masked())) }

func (c Config) GoString() string { return "appmixer.Config" + c.String() }
