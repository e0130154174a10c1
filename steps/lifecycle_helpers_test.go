package steps_test

import (
	"context"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// runFlow walks a lifecycle flow headless with a fresh State, as a new process would.
func (h *harness) runFlow(flow []steps.Stage, mod ...func(*steps.Options)) ([]steps.StepResult, *steps.State, error) {
	h.t.Helper()
	o := h.opts
	for _, m := range mod {
		m(&o)
	}
	st := steps.NewState(o)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rn := &steps.Runner{Stages: flow, DryRun: o.DryRun}
	res, err := rn.Run(ctx, st)
	return res, st, err
}

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
