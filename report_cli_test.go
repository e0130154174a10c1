package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

// setup --report and --report-ics write the handover record and the reminder:
// 0600, every fact of the run, never the secret or the password.
func TestReportAndReminderOfASetup(t *testing.T) {
	az, amx, vars := headlessEnv(t)
	dir := t.TempDir()
	md, ics := filepath.Join(dir, "acme.md"), filepath.Join(dir, "acme.ics")
	code, stdout, stderr := runWith(t, trusting(t, az.CACertPEM(), amx.CACertPEM()), vars, false,
		"--auth", "environment", "--graph-url", az.URL, "--state-dir", t.TempDir(), "--yes", "--tenant-field", "on",
		"--report", md, "--report-ics", ics)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	cfg, _ := amx.ServiceConfig(appmixer.ServiceID)
	app := az.Applications()[0]
	record := readPrivate(t, md)
	for _, want := range []string{az.TenantID, app.AppID, app.ID, app.DisplayName, "personal Microsoft accounts",
		amx.URL + "/auth/microsoft/callback", amx.URL + "/plugins/appmixer/microsoft/onedrive/picker",
		"Files.ReadWrite.All", "offline_access", "| Admin consent |", app.PasswordCredentials[0].KeyID, "| Rotate before |",
		"`clientId`, `clientSecret`, `microsoftTenant`", "type " + az.TenantID + " (or common)", "## What the run proved",
		"msconnector-wizard rotate-secret --appmixer-url " + amx.URL, "Written "} {
		if !strings.Contains(record, want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	reminder := readPrivate(t, ics)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "BEGIN:VEVENT\r\n", "DTSTART;VALUE=DATE:", "BEGIN:VALARM\r\n"} {
		if !strings.Contains(reminder, want) {
			t.Errorf("the reminder lacks %q", want)
		}
	}
	secret, _ := cfg["clientSecret"].(string)
	_, automation := az.AutomationCredentials() // the service principal the run signed in with
	for name, text := range map[string]string{"record": record, "reminder": reminder} {
		for _, s := range []string{secret, vars["APPMIXER_PASSWORD"], automation} {
			if s == "" || strings.Contains(text, s) {
				t.Errorf("the %s holds a secret (or none was set)", name)
			}
		}
		if jwtRE.MatchString(text) {
			t.Errorf("the %s holds a token", name)
		}
	}
	// status writes its record too, with the checks.
	code, _, _ = runWith(t, trusting(t, az.CACertPEM(), amx.CACertPEM()), vars, false,
		"status", "--auth", "environment", "--graph-url", az.URL, "--state-dir", t.TempDir(), "--report", md)
	if code != exitOK || !strings.Contains(readPrivate(t, md), "## Status checks") {
		t.Errorf("status --report: exit %d", code)
	}
}

// --report-dir writes one record and reminder per instance, and an index.
func TestReportDirOfAnInventory(t *testing.T) {
	w := newFleetWorld(t)
	dir := filepath.Join(t.TempDir(), "records")
	code, stdout, stderr := w.run(t, "--yes", "--report-dir", dir)
	if code != exitFail {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"acme.md", "acme.ics", "globex.md", "globex.ics", "index.md"} {
		readPrivate(t, filepath.Join(dir, f))
	}
	if _, err := os.Stat(filepath.Join(dir, "initech.md")); err == nil {
		t.Error("a record was written for the instance that failed")
	}
	index := readPrivate(t, filepath.Join(dir, "index.md"))
	if !strings.Contains(index, "[acme.md](acme.md)") || !strings.Contains(index, "| initech | failed: no record |") {
		t.Errorf("index:\n%s", index)
	}
	if !strings.Contains(readPrivate(t, filepath.Join(dir, "acme.md")), "rotate-secret --inventory "+w.inv+" --only acme") {
		t.Error("acme's record does not say how to rotate it from the inventory")
	}
	secrets := maps.Clone(w.vars)
	for name, amx := range w.amx { // the client secret each instance's Appmixer now holds
		cfg, _ := amx.ServiceConfig(appmixer.ServiceID)
		if s, _ := cfg["clientSecret"].(string); s != "" {
			secrets[name+"'s clientSecret"] = s
		}
	}
	if len(secrets) != len(w.vars)+2 {
		t.Fatalf("acme's and globex's Appmixers hold no client secret to look for: %v", slices.Collect(maps.Keys(secrets)))
	}
	for name, v := range secrets {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if b, _ := os.ReadFile(p); err == nil && !d.IsDir() && strings.Contains(string(b), v) {
				t.Errorf("%s holds %s", p, name)
			}
			return nil
		})
	}
}

func TestReportFlagMistakes(t *testing.T) {
	for _, args := range [][]string{
		{"--report", "/no/such/dir/r.md", "--demo", "--yes"},
		{"--report-dir", t.TempDir(), "--demo", "--yes"},
		{"tenant", "on", "--report", "r.md", "--demo", "--yes"},
	} {
		code, _, stderr := runMain(t, nil, false, args...)
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// readPrivate reads a file the run wrote and checks it is owner-only.
func readPrivate(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatalf("%s was not written: %v", p, err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v, want 0600", p, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(p)
	return string(b)
}
