package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
	"github.com/appmixer-tools/msconnector-wizard/internal/privfile"
)

// DefaultCacheName names this program's token cache (and its keyring key).
const DefaultCacheName = "msconnector-wizard"

// Remember keeps a person's device-code or browser sign-in between runs: the
// tokens in azidentity's encrypted persistent cache, and the
// AuthenticationRecord that finds them (account and tenant, no secret) as a
// 0600 file in Dir. One Remember serves a whole process.
type Remember struct {
	Dir       string // where the records live: the config directory
	CacheName string // "" = DefaultCacheName

	once     sync.Once
	cache    azidentity.Cache
	cacheErr error
	noted    sync.Once
}

func (r *Remember) cacheName() string {
	if r.CacheName == "" {
		return DefaultCacheName
	}
	return r.CacheName
}

// openCache opens the persistent cache once per process.
func (r *Remember) openCache() (azidentity.Cache, error) {
	r.once.Do(func() { r.cache, r.cacheErr = newPersistentCache(r.cacheName()) })
	return r.cache, r.cacheErr
}

// note is said once per process: later sign-ins of an inventory keep quiet.
func (r *Remember) note(why string) string {
	out := ""
	r.noted.Do(func() { out = "the Azure sign-in will not be remembered for the next run: " + why })
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// recordPath is the record's file for one authority, tenant and client.
func (r *Remember) recordPath(host, tenant, clientID string) string {
	host = strings.TrimPrefix(strings.TrimPrefix(strings.TrimRight(host, "/"), "https://"), "http://")
	name := unsafeName.ReplaceAllString(strings.ToLower(strings.Join([]string{host, orOrganizations(tenant), clientID}, "_")), "-")
	return filepath.Join(r.Dir, "signin-"+name+".json")
}

func orOrganizations(t string) string {
	if t == "" {
		return "organizations"
	}
	return t
}

func (r *Remember) load(path string) (azidentity.AuthenticationRecord, bool) {
	var rec azidentity.AuthenticationRecord
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &rec) != nil || rec.HomeAccountID == "" {
		return azidentity.AuthenticationRecord{}, false
	}
	return rec, true
}

func (r *Remember) save(path string, rec azidentity.AuthenticationRecord) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return privfile.Write(path, data)
}

// Forget removes every remembered sign-in: the records in Dir and the token
// cache with its keyring key. It says what it removed.
func (r *Remember) Forget() ([]string, error) {
	var removed []string
	var errs []error
	records, _ := filepath.Glob(filepath.Join(r.Dir, "signin-*.json"))
	for _, p := range records {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	files, err := forgetCache(r.cacheName())
	removed = append(removed, files...)
	if err != nil {
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}

// userCredential is a device-code or browser credential: both azidentity
// types have Authenticate.
type userCredential interface {
	azcore.TokenCredential
	Authenticate(context.Context, *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error)
}

// newUserCredential builds the method's credential on a cache, with a
// record to sign in silently from (silent: never prompt).
type newUserCredential func(c azidentity.Cache, rec azidentity.AuthenticationRecord, silent bool) (userCredential, error)

// signInUser signs a person in: silently from a remembered sign-in when
// there is one that still works, else with the method's prompt, remembering
// the new sign-in. s.Remembered and s.Note say what happened.
func signInUser(ctx context.Context, r *Remember, s *Session, o SignInOptions, tro *policy.TokenRequestOptions, newCred newUserCredential) (userCredential, azidentity.AuthenticationRecord, error) {
	var c azidentity.Cache
	if r != nil {
		var err error
		if c, err = r.openCache(); err != nil {
			s.Note, r = r.note(err.Error()), nil
		}
	}
	path := ""
	if r != nil {
		path = r.recordPath(s.authorityHost(), o.TenantID, clientIDOrDefault(o.ClientID))
		if rec, ok := r.load(path); ok {
			cred, err := newCred(c, rec, true)
			if err == nil {
				if _, err = cred.GetToken(ctx, *tro); err == nil {
					s.Remembered = true
					return cred, rec, nil
				}
			}
			if ctx.Err() != nil {
				return nil, rec, err
			}
			httpx.Tracef("azidentity", "the remembered sign-in of %s cannot be used (%v): signing in again", rec.Username, err)
		}
	}
	cred, err := newCred(c, azidentity.AuthenticationRecord{}, false)
	if err != nil {
		return nil, azidentity.AuthenticationRecord{}, err
	}
	rec, err := cred.Authenticate(ctx, tro)
	if err != nil {
		return nil, rec, err
	}
	if r != nil {
		if err := r.save(path, rec); err != nil {
			s.Note = r.note(fmt.Sprintf("its record could not be written (%v)", err))
		}
	}
	return cred, rec, nil
}
