package wizard

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func formModel(o steps.Options, f *fakeEngine) *model {
	return newModel(config{
		opts:    o,
		infos:   testInfos,
		start:   f.start,
		cancel:  func() {},
		now:     func() time.Time { return fixedNow },
		cmdName: "msconnector-wizard",
	})
}

func TestFormValidatesURLAsTyped(t *testing.T) {
	f := &fakeEngine{}
	s := newScreen(t, formModel(steps.Options{}, f), 80, 24)
	scr := s.waitFor("Appmixer API URL", "The REST API base")
	s.golden("empty", scr)

	s.key("http://api.acme.appmixer.cloud")
	scr = s.waitFor("✗ the Appmixer API URL")
	if !strings.Contains(paneText(scr), "plain http") {
		t.Errorf("live check does not say why:\n%s", scr)
	}
	s.key("enter") // invalid: stays on the field
	for range len("http://api.acme.appmixer.cloud") {
		s.tm.Send(backspace)
	}
	s.key("api.acme.appmixer.cloud")
	scr = s.waitFor("✓ https://api.acme.appmixer.cloud")
	s.golden("valid", scr)
	if f.count() != 0 {
		t.Fatal("a run started before the form was complete")
	}
	s.key("ctrl+c")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

var _ sync.Mutex
