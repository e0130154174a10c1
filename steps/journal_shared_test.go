package steps_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The instances of an inventory run side by side in one process and share
// one resume file: each keeps its own entry, none loses another's.
func TestJournalsOfOneFileKeepEachOthersEntries(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	var journals []*steps.Journal
	for i := range n {
		j, err := steps.OpenJournal(dir, "tenant", fmt.Sprintf("https://api.i%d.appmixer.cloud", i))
		if err != nil {
			t.Fatal(err)
		}
		journals = append(journals, j)
	}
	var wg sync.WaitGroup
	for i, j := range journals {
		wg.Go(func() {
			app := &azure.Application{AppID: fmt.Sprintf("app-%d", i), ID: fmt.Sprintf("obj-%d", i)}
			if err := j.RecordApp(app); err != nil {
				t.Error(err)
			}
			if err := j.BeginSecret(app.AppID, fmt.Sprintf("secret-%d", i), time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range n {
		j, err := steps.OpenJournal(dir, "tenant", fmt.Sprintf("https://api.i%d.appmixer.cloud", i))
		if err != nil {
			t.Fatal(err)
		}
		if e := j.Entry(); e.AppID != fmt.Sprintf("app-%d", i) || len(e.Pending) != 1 {
			t.Errorf("instance %d lost its entry: %+v", i, e)
		}
	}
}
