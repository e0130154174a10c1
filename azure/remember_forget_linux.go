package azure

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// forgetCache removes azidentity's Linux cache: its files (where
// azidentity/cache puts them: $XDG_CACHE_HOME, else ~/.cache, then
// .IdentityService/<name>) and the keyring key that encrypted them.
func forgetCache(name string) ([]string, error) {
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(home, ".cache")
	}
	var removed []string
	var errs []error
	for _, n := range []string{name, name + ".lockfile", name + ".cae", name + ".cae.lockfile"} {
		p := filepath.Join(dir, ".IdentityService", n)
		switch err := os.Remove(p); {
		case err == nil:
			removed = append(removed, p)
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, err)
		}
	}
	forgetKeys(name, name+".cae")
	return removed, errors.Join(errs...)
}

// forgetKeys unlinks the cache's keys from the user's keyrings; without
// them the files could not be read anyway.
func forgetKeys(descriptions ...string) {
	user, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_USER_KEYRING, false)
	if err != nil {
		return
	}
	rings := []int{user}
	if p, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, user, 0, 0); err == nil {
		rings = append(rings, p)
	}
	for _, ring := range rings {
		for _, d := range descriptions {
			if id, err := unix.KeyctlSearch(ring, "user", d, 0); err == nil {
				_, _ = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, ring, 0, 0)
			}
		}
	}
}
