package azure_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
)

// newRemember is a Remember of its own: records in a temporary directory, a
// cache under a temporary XDG_CACHE_HOME with a name no other run uses, and
// its keyring key removed at the end.
func newRemember(t *testing.T) (*azure.Remember, func() *azure.Remember) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	dir, name := t.TempDir(), "msconnector-test-"+hex.EncodeToString(b)
	fresh := func() *azure.Remember { return &azure.Remember{Dir: dir, CacheName: name} } // a new process's
	r := fresh()
	t.Cleanup(func() { _, _ = fresh().Forget() })
	return r, fresh
}

// signInDevice signs in with a device code (approved by the emulator at once)
// and counts the codes shown.
func signInDevice(t *testing.T, srv *azuretest.Server, r *azure.Remember, codes *int) *azure.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := azure.SignIn(ctx, azure.SignInOptions{
		Method: azure.SignInDevice, TenantID: srv.TenantID, AuthorityHost: srv.URL, GraphURL: srv.URL,
		HTTPClient: srv.Client(), Timeout: 5 * time.Second, Remember: r,
		OnDeviceCode: func(azure.DeviceCodePrompt) { *codes++ },
	})
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if _, err := fastGraph(s).FindApplications(ctx, azure.AppFilter{DisplayName: "nothing-here"}); err != nil {
		t.Fatalf("Graph refused the session's token: %v", err)
	}
	return s
}

// The second run signs in without a code: azidentity finds the record and
// refreshes the token from the encrypted cache (the emulator's access tokens
// last a minute, which MSAL counts as expired, so the refresh token is used).
func TestRememberedSignInNeedsNoSecondCode(t *testing.T) {
	srv := newEmulator(t, azuretest.WithDeviceCodeAutoApprove(time.Millisecond), azuretest.WithTokenLifetime(time.Minute))
	r, fresh := newRemember(t)
	if _, err := os.Stat("/proc/keys"); err != nil {
		t.Skip("no kernel keyring here: TestSignInWithoutKeyring covers this system")
	}
	codes := 0
	first := signInDevice(t, srv, r, &codes)
	if codes != 1 || first.Remembered {
		t.Fatalf("first run: %d codes, remembered %v", codes, first.Remembered)
	}
	if first.Note != "" {
		t.Skipf("the keyring is not usable here (%s): TestSignInWithoutKeyring covers this system", first.Note)
	}
	records, _ := filepath.Glob(filepath.Join(r.Dir, "signin-*.json"))
	if len(records) != 1 {
		t.Fatalf("want one sign-in record, have %v", records)
	}
	fi, _ := os.Stat(records[0])
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the record is %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(records[0])
	if strings.Contains(string(data), "eyJ") || !strings.Contains(string(data), "homeAccountId") {
		t.Errorf("the record should hold the account and no token: %s", data)
	}
	refreshes := tokenAnswers(srv)
	second := signInDevice(t, srv, fresh(), &codes)
	if codes != 1 {
		t.Fatalf("the second run showed a device code: %d in all", codes)
	}
	if !second.Remembered || !strings.EqualFold(second.TenantID, srv.TenantID) || second.UserName == "" {
		t.Errorf("second run: remembered %v, tenant %q, user %q", second.Remembered, second.TenantID, second.UserName)
	}
	if tokenAnswers(srv) <= refreshes {
		t.Error("no refresh-token grant reached Entra ID: the token did not come from the remembered sign-in")
	}
	// The cache on disk is encrypted: no token in it in the clear.
	filepath.WalkDir(os.Getenv("XDG_CACHE_HOME"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "refresh_token") || strings.Contains(string(b), "AccessToken") {
				t.Errorf("%s holds the cache in the clear", p)
			}
		}
		return nil
	})

	// logout: everything goes, and the next run asks again.
	removed, err := fresh().Forget()
	if err != nil || len(removed) < 2 {
		t.Fatalf("Forget removed %v: %v", removed, err)
	}
	if records, _ := filepath.Glob(filepath.Join(r.Dir, "signin-*.json")); len(records) != 0 {
		t.Errorf("records left after Forget: %v", records)
	}
	third := signInDevice(t, srv, fresh(), &codes)
	if codes != 2 || third.Remembered {
		t.Errorf("after Forget: %d codes in all, remembered %v", codes, third.Remembered)
	}
}

// Without a keyring (a headless server), the run says so once and goes on;
// nothing is written, and the next run asks for a code again.
func TestSignInWithoutKeyring(t *testing.T) {
	azure.WithoutKeyring(t)
	srv := newEmulator(t, azuretest.WithDeviceCodeAutoApprove(time.Millisecond))
	r, _ := newRemember(t)
	codes := 0
	first := signInDevice(t, srv, r, &codes)
	if !strings.Contains(first.Note, "will not be remembered") || !strings.Contains(first.Note, "no keyring") {
		t.Errorf("the note: %q", first.Note)
	}
	second := signInDevice(t, srv, r, &codes)
	if codes != 2 || second.Remembered {
		t.Errorf("%d codes, remembered %v: without a keyring each run signs in", codes, second.Remembered)
	}
	if second.Note != "" {
		t.Errorf("the note was said twice in one process: %q", second.Note)
	}
	if entries, _ := os.ReadDir(r.Dir); len(entries) != 0 {
		t.Errorf("files were written without a keyring: %v", entries)
	}
}

// A record whose sign-in no longer works (signed out elsewhere: the cache is
// gone) leads to a normal prompt, and a new record.
func TestStaleRecordPromptsAgain(t *testing.T) {
	srv := newEmulator(t, azuretest.WithDeviceCodeAutoApprove(time.Millisecond))
	r, fresh := newRemember(t)
	codes := 0
	if s := signInDevice(t, srv, r, &codes); s.Note != "" {
		t.Skipf("the keyring is not usable here: %s", s.Note)
	}
	os.RemoveAll(filepath.Join(os.Getenv("XDG_CACHE_HOME"), ".IdentityService"))
	s := signInDevice(t, srv, fresh(), &codes)
	if codes != 2 || s.Remembered {
		t.Errorf("%d codes, remembered %v", codes, s.Remembered)
	}
}

// tokenAnswers counts the token endpoint's successful answers: with no
// device code and no client credentials in play, each is a refresh.
func tokenAnswers(srv *azuretest.Server) int {
	n := 0
	for _, q := range srv.Requests() {
		if strings.HasSuffix(q.Path, "/oauth2/v2.0/token") && q.Status == 200 {
			n++
		}
	}
	return n
}
