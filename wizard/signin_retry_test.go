package wizard

import (
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emutest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// A wrong Appmixer password: the Azure sign-in is stopped at once, the error
// says what failed, and retry brings the sign-in form back to fix it.
func TestSignInFailureRetryReopensTheForm(t *testing.T) {
	w := emutest.Start(t)
	e := &cmdEnv{t: t, w: w, az: w.Az, amx: w.Amx, opts: w.Options(t.TempDir())}
	e.opts.AppmixerPassword = steps.NewSecret("wrong-password")
	s := liveTUI(t, e, steps.Request{})
	s.signInForm()
	scr := s.waitFor("Sign in to Appmixer failed", "wrong username or password", "r change answer")
	if strings.Contains(scr, "wrong-password") {
		t.Fatal("the password is on screen")
	}
	s.key("r")
	s.waitFor("┃ Appmixer admin password") // the field the error names has the focus
	s.key("ctrl+u")
	s.key(appmixertest.DefaultAdminPassword)
	s.key("enter")
	s.waitFor("┃ Sign in to Azure with")
	s.key("enter")
	s.waitFor("┃ Azure tenant")
	s.key("enter")
	// Signed in now: no setup exists yet, so the setup questions follow.
	s.waitFor("┃ App registration name")
	if _, ok := e.amx.ServiceConfig(appmixer.ServiceID); ok {
		t.Fatal("nothing should be written before the setup is confirmed")
	}
	// Neither password in any frame drawn so far (the screen above is one frame).
	s.pump()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pw := range []string{"wrong-password", appmixertest.DefaultAdminPassword} {
		if strings.Contains(s.raw.String(), pw) {
			t.Errorf("the password %.3s… reached the terminal", pw)
		}
	}
}
