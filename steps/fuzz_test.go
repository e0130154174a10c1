package steps_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// FuzzParseExpiry: any --secret-expiry value is a lifetime within the rule
// (from MinExpiry to 24 months from now), or one error line.
func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"", "24months", "24 months", "18m", "730d", "2y", "2028-11-27", "0d", "-5m", "99999999999999999999d",
		"3650y", "1 fortnight", "2028-02-30", "  12MO  ", "1e3d", "٣d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		now := time.Now() // ParseExpiry counts from now too
		e, err := steps.ParseExpiry(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(s, "\r\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if e.Months < 0 || e.Days < 0 {
			t.Fatalf("%q → negative %+v", s, e)
		}
		end := e.End(now)
		if end.Before(now.Add(steps.MinExpiry)) || end.After(now.AddDate(0, 24, 1)) {
			t.Fatalf("%q → ends %s, outside the rule (now %s)", s, end, now)
		}
		if e.String() == "" {
			t.Fatalf("%q → empty String()", s)
		}
	})
}

// FuzzOpenJournal: any state-file content is loaded or refused with one line
// that says what to do; a loaded journal can record and save again.
func FuzzOpenJournal(f *testing.F) {
	f.Add([]byte(`{"version":1,"setups":{"t https://api.x":{"appId":"a","objectId":"o","storedKeyId":"k","pending":[{"displayName":"appmixer-wizard 1","keyId":"","created":"2026-01-01T00:00:00Z"}],"updated":"2026-01-01T00:00:00Z"}}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"setups":null}`))
	f.Add([]byte(`{"version":1,"setups":{"t https://api.x":null}}`))
	f.Add([]byte(`{"setups":{"t https://api.x":{"pending":[null,{}]}}}`))
	f.Add([]byte(``))
	f.Add([]byte(`{`))
	f.Add([]byte(`[]`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, content []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "state.json"), content, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := steps.OpenJournal(dir, "t", "https://api.x")
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "state file") {
				t.Fatalf("error does not name the state file: %q", msg)
			}
			return
		}
		e := j.Entry()
		_ = j.StoredKeyID(e.AppID)
		if err := j.RecordApp(&azure.Application{AppID: "app", ID: "obj"}); err != nil {
			t.Fatalf("record after load: %v", err)
		}
		if err := j.BeginSecret("app", "appmixer-wizard x", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := j.SecretStored("k2"); err != nil {
			t.Fatal(err)
		}
		j2, err := steps.OpenJournal(dir, "t", "https://api.x")
		if err != nil {
			t.Fatalf("the journal cannot read what it wrote: %v", err)
		}
		if got := j2.StoredKeyID("app"); got != "k2" {
			t.Fatalf("stored key %q after reload, want k2", got)
		}
		info, err := os.Stat(filepath.Join(dir, "state.json"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("state file mode %v, %v", info.Mode().Perm(), err)
		}
	})
}
