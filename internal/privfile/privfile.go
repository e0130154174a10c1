// Package privfile writes files only their owner may read, atomically: the
// resume file, the remembered sign-in's record, handover records and the
// demo's world all go through Write.
package privfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path, mode 0600, through a temporary file in the same
// directory that is synced and then renamed over path: a reader never sees
// half a file, and a crash leaves the old one whole.
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone already once renamed
	if err = tmp.Chmod(0o600); err == nil {
		if _, err = tmp.Write(data); err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
