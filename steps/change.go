package steps

import (
	"fmt"
	"slices"
	"time"
)

// Kind says what a change does to its subject.
type Kind string

const (
	Add    Kind = "add"
	Remove Kind = "remove"
	Update Kind = "update"
)

// Subject is the sort of thing a change touches. Front ends and the status
// check read it; nothing parses a change's text.
type Subject string

const (
	SubjectApp              Subject = "app"               // the app registration (Name: display name, ID: object id)
	SubjectAudience         Subject = "audience"          // supported account types (Before/After: Graph's signInAudience)
	SubjectTag              Subject = "tag"               // the app's tag this program finds it by
	SubjectRedirectURI      Subject = "redirect-uri"      // a Web redirect URI (Name)
	SubjectImplicitGrant    Subject = "implicit-grant"    // Name: ImplicitAccessTokens or ImplicitIDTokens
	SubjectPermission       Subject = "permission"        // a Graph delegated permission (Name, ID: scope id)
	SubjectServicePrincipal Subject = "service-principal" // the app's enterprise application (ID: object id)
	SubjectAdminConsent     Subject = "admin-consent"     // the tenant-wide grant (ID: grant id; Before/After: scopes)
	SubjectSecret           Subject = "secret"            // a client secret (Name: description, ID: keyId, Expires)
	SubjectConfigKey        Subject = "config-key"        // a key of appmixer:microsoft (Name; secret values as hints)
	SubjectConfig           Subject = "config"            // the appmixer:microsoft object itself
)

// The two implicit-grant flags the OneDrive picker needs.
const (
	ImplicitAccessTokens = "access tokens"
	ImplicitIDTokens     = "ID tokens"
)

// Change is one thing a plan will change (or a run changed). A step's Apply
// carries out exactly its plan's changes; Before/After never hold a secret.
type Change struct {
	Kind    Kind      `json:"kind"`
	Subject Subject   `json:"subject"`
	Name    string    `json:"name,omitempty"`   // which one: URI, permission, key, secret description
	ID      string    `json:"id,omitempty"`     // its machine identity: scope id, keyId, object id
	Before  string    `json:"before,omitempty"` // as it is now ("" = absent)
	After   string    `json:"after,omitempty"`  // as it will be ("" = removed)
	Expires time.Time `json:"expires,omitzero"` // a secret's end date
	Why     string    `json:"why,omitempty"`    // why this one, when not obvious ("left by an interrupted run")
}

// String is the change as one line a person reads: "+ redirect URI (Web): https://…".
func (c Change) String() string {
	mark := map[Kind]string{Add: "+", Remove: "-", Update: "~"}[c.Kind]
	what, before, after := c.words()
	line := mark + " " + what
	switch {
	case c.Kind == Update && before != "" && after != "":
		line += ": " + before + " → " + after
	case c.Kind == Remove && before != "":
		line += ": " + before
	case after != "":
		line += ": " + after
	}
	if c.Why != "" {
		line += " (" + c.Why + ")"
	}
	return line
}

// What names the change's subject in words: "redirect URI (Web)".
func (c Change) What() string { w, _, _ := c.words(); return w }

// words are what the line names and its two values, by subject.
func (c Change) words() (what, before, after string) {
	switch c.Subject {
	case SubjectApp:
		return "app registration", c.Name, c.Name
	case SubjectAudience:
		return "supported account types", AudienceLabel(c.Before), AudienceLabel(c.After)
	case SubjectTag:
		return "tag (so later runs find this app)", c.Before, c.After
	case SubjectRedirectURI:
		return "redirect URI (Web)", c.Name, c.Name
	case SubjectImplicitGrant:
		return "implicit grant: " + c.Name, c.Before, c.After
	case SubjectPermission:
		return "Microsoft Graph delegated permission", c.Name, c.Name
	case SubjectServicePrincipal:
		return "service principal (enterprise application)", c.Name, c.Name
	case SubjectAdminConsent:
		return "admin consent for all users", c.Before, c.After
	case SubjectSecret:
		v := c.Name
		if c.Before != "" {
			v += " (" + c.Before + ")"
		}
		if !c.Expires.IsZero() {
			v += ", expires " + day(c.Expires)
		}
		if c.After != "" {
			v += " (" + c.After + ")"
		}
		return "client secret", v, v
	case SubjectConfigKey:
		return configName + " " + c.Name, c.Before, c.After
	case SubjectConfig:
		return "configuration " + configName, c.Name, c.Name
	}
	return string(c.Subject), c.Before, c.After
}

// configName is the Appmixer service whose keys the program sets.
const configName = "appmixer:microsoft"

// changesOf returns the changes of one subject (and kind, when kinds is not empty).
func changesOf(cs []Change, subject Subject, kinds ...Kind) []Change {
	var out []Change
	for _, c := range cs {
		if c.Subject != subject {
			continue
		}
		if len(kinds) > 0 && !slices.Contains(kinds, c.Kind) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// names lists the Name of each change.
func names(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Format("2006-01-02")
}

// describeDays is "12 days", for people: calendar days from today to the
// date shown beside it (UTC, as Graph gives it), so 2026-12-04 → 2026-12-14
// reads "10 days", not the 9 whole days left at this hour.
func describeDays(now, end time.Time) string {
	d := daysBetween(now, end)
	if d == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

// daysBetween counts calendar days from now's date to end's date, in UTC.
func daysBetween(now, end time.Time) int {
	y, m, d := now.UTC().Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = end.UTC().Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return int(to.Sub(from).Hours() / 24)
}
