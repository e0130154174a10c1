package handover

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

var written = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

func sampleRecord() Record {
	sum := steps.Summary{
		AppName: "Appmixer, Acme; prod | ñandú – 日本語 " + strings.Repeat("long ", 12), ClientID: "11111111-2222-3333-4444-555555555555",
		ObjectID: "99999999-8888-7777-6666-555555555555", TenantID: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
		Audience: "multi-tenant-and-personal", SecretHint: "Abc…", SecretKeyID: "kkkkkkkk-0000-1111-2222-333333333333",
		SecretExpires: time.Date(2028, 5, 4, 0, 0, 0, 0, time.UTC), SecretNew: true, TenantField: true,
		AdminConsent: steps.ConsentGranted, Permissions: []string{"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"},
		AppmixerKeys: []string{"callbackUrl", "clientId", "clientSecret", "microsoftTenant"}, AppmixerURL: "https://api.acme.appmixer.cloud",
		CallbackURL: "https://api.acme.appmixer.cloud/auth/microsoft/callback", PickerURL: "https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker",
		Verified: []string{"Entra ID issued a client-credentials token for the new client ID and secret", "Appmixer holds the new clientId and clientSecret"},
		Steps: []steps.StepResult{{Status: steps.StatusDone, Changes: []steps.Change{
			{Kind: steps.Add, Subject: steps.SubjectConfigKey, Name: "clientId"},
			{Kind: steps.Update, Subject: steps.SubjectConfigKey, Name: "clientSecret", Before: "Old…", After: "Abc…"},
			{Kind: steps.Add, Subject: steps.SubjectConfigKey, Name: "microsoftTenant"}}}},
	}
	return Record{Written: written, Version: "v1.2.3", Instance: "acme", Outcome: &steps.Outcome{Command: "setup", Label: "setup", Summary: sum},
		Rotate: "msconnector-wizard rotate-secret --appmixer-url https://api.acme.appmixer.cloud --appmixer-username admin@acme.com --tenant aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee --yes"}
}

// The record holds every fact the issue lists, with the Markdown intact.
func TestMarkdownHasTheHandoverFacts(t *testing.T) {
	md := string(Markdown(sampleRecord()))
	for _, want := range []string{
		"2026-05-04", "v1.2.3", "`aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`", "`11111111-2222-3333-4444-555555555555`",
		"`99999999-8888-7777-6666-555555555555`", "personal Microsoft accounts",
		"`https://api.acme.appmixer.cloud/auth/microsoft/callback`", "`https://api.acme.appmixer.cloud/plugins/appmixer/microsoft/onedrive/picker`",
		"User.Read, Files.Read.All, Files.ReadWrite.All, offline_access", "granted for every user",
		"| Hint | `Abc…` |", "`kkkkkkkk-0000-1111-2222-333333333333`", "| Expires | 2028-05-04 |", "| Rotate before | 2028-04-20",
		"`clientId`, `clientSecret`, `microsoftTenant`", "`callbackUrl`", "type aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee (or common) into the Tenant field",
		"- Entra ID issued a client-credentials token", "rotate-secret --appmixer-url https://api.acme.appmixer.cloud",
		`Appmixer, Acme; prod \| ñandú`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	// Every table row has two cells (the record's tables are all two-column
	// without a status): no value broke a column.
	rows := 0
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			rows++
			if strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 3 {
				t.Errorf("a table row is broken: %q", l)
			}
		}
	}
	if rows == 0 {
		t.Error("the record has no table rows to check")
	}
}

// RFC 5545 §3.1: lines end in CRLF and are at most 75 octets, folded with
// CRLF + one space, never inside a UTF-8 character; §3.3.11: TEXT escapes
// backslash, semicolon, comma and newline. §3.6.1: a VEVENT has UID and DTSTAMP.
func TestICSFollowsRFC5545(t *testing.T) {
	rec := sampleRecord()
	data, err := ICS(rec)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasSuffix(text, "\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Fatal("lines do not all end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("a line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("a fold split a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Error("nothing was folded, so folding was not tested")
	}
	// Unfold (§3.1) and read the properties.
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	props := map[string]string{}
	var order []string
	for _, l := range strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n") {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("not a content line: %q", l)
		}
		order = append(order, name)
		if _, seen := props[name]; !seen {
			props[name] = value
		}
	}
	want := []string{"BEGIN", "VERSION", "PRODID", "METHOD", "BEGIN", "UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY", "DESCRIPTION", "BEGIN", "ACTION", "TRIGGER", "DESCRIPTION", "END", "END", "END"}
	if !slices.Equal(slices.Sorted(slices.Values(order)), slices.Sorted(slices.Values(want))) {
		t.Errorf("properties %v, want %v", order, want)
	}
	if props["VERSION"] != "2.0" || props["DTSTART;VALUE=DATE"] != "20280420" || props["DTEND;VALUE=DATE"] != "20280421" ||
		props["DTSTAMP"] != "20260504T103000Z" || props["UID"] != "kkkkkkkk-0000-1111-2222-333333333333@msconnector-wizard" {
		t.Errorf("wrong values: %v", props)
	}
	desc := props["DESCRIPTION"]
	if !strings.Contains(desc, `Appmixer\, Acme\; prod | ñandú`) || !strings.Contains(desc, `2028-05-04.\nIts hint is Abc…`) {
		t.Errorf("TEXT escaping is wrong: %q", desc)
	}
	if regexp.MustCompile(`[^\\][,;]`).MatchString(strings.ReplaceAll(desc, `\\`, "")) {
		t.Errorf("an unescaped comma or semicolon in TEXT: %q", desc)
	}
}

func TestICSNeedsAnExpiry(t *testing.T) {
	rec := sampleRecord()
	rec.Outcome.Summary.SecretExpires = time.Time{}
	if _, err := ICS(rec); err == nil {
		t.Fatal("a reminder without a date")
	}
}

func TestWriteFileIsOwnerOnly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme.md")
	if err := WriteFile(p, []byte("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("a temporary file was left: %v", entries)
	}
}

// A value the command did not read says so; a dash would read as "none".
func TestMarkdownSaysWhatTheCommandDidNotRead(t *testing.T) {
	r := sampleRecord()
	r.Outcome.Command, r.Outcome.Summary.Permissions = "rotate-secret", nil
	md := string(Markdown(r))
	if !strings.Contains(md, "| API permissions (Microsoft Graph, delegated) | not read by `rotate-secret` (`status` lists it) |") {
		t.Fatalf("record:\n%s", md)
	}
}
