package steps_test

import (
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

func dryRun(o *steps.Options) { o.DryRun = true }

// writesNone fails the test if either emulator saw a write.
func (h *harness) writesNone(what string) {
	h.t.Helper()
	if _, writes := h.calls(); writes != 0 {
		h.t.Fatalf("%s wrote %d times:\n%s", what, writes, h.log())
	}
}

// setSecretEnd moves the expiry of every secret of the app (as if time had passed).
func (h *harness) setSecretEnd(appID string, end time.Time) {
	h.t.Helper()
	err := h.az.MutateApplication(appID, func(a *azuretest.Application) {
		for i := range a.PasswordCredentials {
			a.PasswordCredentials[i].StartDateTime = end.Add(-365 * 24 * time.Hour)
			a.PasswordCredentials[i].EndDateTime = end
		}
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func checkByName(r *steps.StatusReport, name string) steps.StatusCheck {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return steps.StatusCheck{Name: name, Level: "absent"}
}

func azureApp(name string) azuretest.Application { return azuretest.Application{DisplayName: name} }
