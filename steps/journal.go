package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/privfile"
)

// Journal is the resume file: what runs created, so a run that died after
// minting a secret but before storing it can be finished and its orphan removed.
// It never holds a secret; it is written 0600 in a 0700 directory.
// A nil *Journal (dry run) records nothing and knows nothing.
type Journal struct {
	path string
	key  string

	mu       sync.Mutex
	file     journalFile
	readOnly bool // dry run: remembers in memory, writes nothing
	// Note says something a person should know about the file as it was read
	// ("it was empty"); "" when nothing.
	Note string
}

type journalFile struct {
	Version int                      `json:"version"`
	Setups  map[string]*JournalEntry `json:"setups"`
}

// JournalEntry is one Appmixer + tenant pair.
type JournalEntry struct {
	AppID       string          `json:"appId,omitempty"`
	ObjectID    string          `json:"objectId,omitempty"`
	AppCreated  time.Time       `json:"appCreated,omitzero"`   // when Graph created the app (replication is waited for a while after)
	StoredKeyID string          `json:"storedKeyId,omitempty"` // the credential Appmixer holds
	Pending     []PendingSecret `json:"pending,omitempty"`     // minted (or about to be), not yet stored
	Updated     time.Time       `json:"updated"`
}

// PendingSecret is a secret a run started to create.
type PendingSecret struct {
	AppID       string    `json:"appId,omitempty"` // the app it was made on
	DisplayName string    `json:"displayName"`
	KeyID       string    `json:"keyId,omitempty"` // "" until addPassword answered
	Created     time.Time `json:"created"`
}

const journalVersion = 1

// DefaultStateDir is where the journal lives unless --state-dir says otherwise.
func DefaultStateDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory for the state file (%w): set XDG_CONFIG_HOME or HOME", err)
	}
	return filepath.Join(dir, "appmixer-msconnector"), nil
}

// OpenJournal loads dir/state.json (absent is fine) for the tenant + Appmixer pair.
func OpenJournal(dir, tenantID, api string) (*Journal, error) {
	j := &Journal{path: filepath.Join(dir, "state.json"), key: tenantID + " " + api}
	data, err := os.ReadFile(j.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read state file: %w", err)
	case len(bytes.TrimSpace(data)) == 0:
		// A file cut to nothing (a full disk, a crash mid-write by another
		// tool) must not block every run: it knew nothing worth keeping.
		j.Note = "the resume file " + j.path + " was empty; it is written afresh"
	default:
		if err := json.Unmarshal(data, &j.file); err != nil {
			return nil, fmt.Errorf("state file %s is damaged (%v): move it aside and run again", j.path, err)
		}
		if j.file.Version > journalVersion {
			return nil, fmt.Errorf("state file %s was written by a newer version: upgrade this tool", j.path)
		}
	}
	if j.file.Setups == nil {
		j.file.Setups = map[string]*JournalEntry{}
	}
	return j, nil
}

// Path is where the journal is kept.
func (j *Journal) Path() string {
	if j == nil {
		return ""
	}
	return j.path
}

// Entry returns a copy of this setup's entry.
func (j *Journal) Entry() JournalEntry {
	if j == nil {
		return JournalEntry{}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if e := j.file.Setups[j.key]; e != nil {
		c := *e
		c.Pending = slices.Clone(e.Pending)
		return c
	}
	return JournalEntry{}
}

// AppID is the app an earlier run created or used.
func (j *Journal) AppID() string { return j.Entry().AppID }

// StoredKeyID is the credential Appmixer holds for appID, as last recorded.
func (j *Journal) StoredKeyID(appID string) string {
	if e := j.Entry(); e.AppID == appID {
		return e.StoredKeyID
	}
	return ""
}

// RecordApp notes the app in use; unchanged, it writes nothing. Another app
// makes the recorded stored key meaningless, but the pending secrets of the
// previous app are kept: they are still leftovers to clean up there.
func (j *Journal) RecordApp(app *azure.Application) error {
	if e := j.Entry(); e.AppID == app.AppID && e.ObjectID == app.ID && e.AppCreated.Equal(app.CreatedDateTime) {
		return nil
	}
	return j.update(func(e *JournalEntry) {
		if e.AppID != app.AppID {
			e.StoredKeyID = ""
		}
		e.AppID, e.ObjectID, e.AppCreated = app.AppID, app.ID, app.CreatedDateTime
	})
}

// ForgetApp records that the setup has no app any more (torn down).
func (j *Journal) ForgetApp() error {
	return j.update(func(e *JournalEntry) { e.AppID, e.ObjectID, e.AppCreated, e.StoredKeyID = "", "", time.Time{}, "" })
}

// CreatedRecently reports whether the recorded app appID was created within
// window before now (Graph may still be replicating it).
func (j *Journal) CreatedRecently(appID string, now time.Time, window time.Duration) bool {
	e := j.Entry()
	return appID != "" && e.AppID == appID && !e.AppCreated.IsZero() && now.Sub(e.AppCreated) < window
}

// BeginSecret is written before addPassword, so a crash during the call leaves a trace.
func (j *Journal) BeginSecret(appID, displayName string, now time.Time) error {
	return j.update(func(e *JournalEntry) {
		e.Pending = append(e.Pending, PendingSecret{AppID: appID, DisplayName: displayName, Created: now})
	})
}

// SecretMinted records the new credential's key id.
func (j *Journal) SecretMinted(displayName, keyID string) error {
	return j.update(func(e *JournalEntry) {
		for i := range e.Pending {
			if e.Pending[i].DisplayName == displayName {
				e.Pending[i].KeyID = keyID
			}
		}
	})
}

// SecretStored records that Appmixer holds keyID; nothing is pending any more.
func (j *Journal) SecretStored(keyID string) error {
	return j.update(func(e *JournalEntry) { e.StoredKeyID, e.Pending = keyID, nil })
}

// Forget drops pending entries that were cleaned up.
func (j *Journal) Forget(displayNames ...string) error {
	return j.update(func(e *JournalEntry) {
		e.Pending = slices.DeleteFunc(e.Pending, func(p PendingSecret) bool { return slices.Contains(displayNames, p.DisplayName) })
	})
}

func (j *Journal) update(fn func(*JournalEntry)) error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.readOnly {
		l := fileLock(j.path)
		l.Lock()
		defer l.Unlock()
		j.mergeFromDisk()
	}
	e := j.file.Setups[j.key]
	if e == nil {
		e = &JournalEntry{}
		j.file.Setups[j.key] = e
	}
	fn(e)
	e.Updated = time.Now().UTC()
	j.file.Version = journalVersion
	if j.readOnly {
		return nil
	}
	return j.save()
}

// save writes atomically (temp file + rename) with owner-only permissions.
func (j *Journal) save() error {
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	data, err := json.MarshalIndent(j.file, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state file: %w", err)
	}
	if err := privfile.Write(j.path, data); err != nil {
		return fmt.Errorf("write state file %s: %w", j.path, err)
	}
	return nil
}

// openJournal loads the resume file once the tenant is known; a dry run or a
// read-only command only reads it. A directory the run could not write is
// found here, before any change is made.
func openJournal(s *State) error {
	if s.Journal != nil {
		return nil
	}
	dir := s.Opts.StateDir
	if dir == "" {
		d, err := DefaultStateDir()
		if err != nil {
			return hint.Wrap(err, hint.Change(hint.StateDir, "choose a directory for the resume file"))
		}
		dir = d
	}
	j, err := OpenJournal(dir, s.tenant(), s.Signed.API)
	if err != nil {
		return hint.Wrap(err, hint.Change(hint.StateDir, "choose another directory for the resume file, or move the damaged file aside"))
	}
	j.readOnly = !s.writes()
	if !j.readOnly {
		if err := j.checkWritable(); err != nil {
			return hint.Wrap(err, hint.Change(hint.StateDir, "choose a directory this user can write"))
		}
	}
	s.Journal = j
	if j.Note != "" {
		s.progress(Info{ID: IDRegisterApp, Title: "Resume file"}, j.Note)
	}
	return nil
}

// checkWritable makes sure the file can be written, before anything else is.
func (j *Journal) checkWritable() error {
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the state directory %s cannot be created: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("the state directory %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
