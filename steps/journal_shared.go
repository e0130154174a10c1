package steps

import (
	"encoding/json"
	"os"
	"sync"
)

// fileLocks serialise the writes of every Journal of one process to one file:
// an inventory runs many setups side by side, each with its own Journal on
// the shared resume file.
var fileLocks sync.Map // path → *sync.Mutex

func fileLock(path string) *sync.Mutex {
	l, _ := fileLocks.LoadOrStore(path, &sync.Mutex{})
	return l.(*sync.Mutex)
}

// mergeFromDisk takes the other setups' entries as the file holds them now,
// keeping this Journal's own entry, so a save never drops what another
// Journal wrote since this one was opened. Called with the file's lock held.
func (j *Journal) mergeFromDisk() {
	data, err := os.ReadFile(j.path)
	if err != nil {
		return
	}
	var disk journalFile
	if json.Unmarshal(data, &disk) != nil || disk.Setups == nil || disk.Version > journalVersion {
		return
	}
	for k, e := range disk.Setups {
		if k != j.key {
			j.file.Setups[k] = e
		}
	}
}
