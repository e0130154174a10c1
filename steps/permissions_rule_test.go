package steps_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Graph's ids of the scopes Appmixer's connector signs users in with, and Mail.Send.
const (
	offlineAccessID = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"
	userReadID      = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
	mailSendID      = "e383f46e-2787-4529-855e-0e479a3ffac0"
)

// Appmixer's connector always asks for offline_access and User.Read, so a
// custom list that lacks them gets them, and the last screen says so.
func TestACustomListKeepsTheScopesTheConnectorSignsInWith(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun(func(o *steps.Options) { o.Permissions = "Mail.Send" })
	var got []string
	for _, rra := range h.onlyApp().RequiredResourceAccess {
		if rra.ResourceAppID != azuretest.GraphAppID {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			got = append(got, ra.ID)
		}
	}
	for name, id := range map[string]string{"Mail.Send": mailSendID, "offline_access": offlineAccessID, "User.Read": userReadID} {
		if !slices.Contains(got, id) {
			t.Errorf("the app lacks %s: Graph permissions %v", name, got)
		}
	}
	if !slices.ContainsFunc(out.Report.Notes, func(n string) bool {
		return strings.Contains(n, "Added offline_access and User.Read")
	}) {
		t.Errorf("the last screen does not say the scopes were added: %q", out.Report.Notes)
	}
}

// A list that has them already (any case) is kept as given, with no note.
func TestAListWithTheScopesIsKeptAsGiven(t *testing.T) {
	names, added, err := steps.PermissionNames("Mail.Send, user.read ,OFFLINE_ACCESS")
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 0 || len(names) != 3 {
		t.Fatalf("names %v, added %v", names, added)
	}
}

// skipConsent applies every plan but admin consent's.
type skipConsent struct{ steps.Yes }

func (skipConsent) Confirm(_ context.Context, q steps.Question) (steps.Decision, error) {
	if q.Step.ID == steps.IDAdminConsent {
		return steps.Skip, nil
	}
	return steps.Apply, nil
}

// Admin consent skipped at its plan: the last screen says so and what it
// means for users, not only a mark beside the step.
func TestSkippedAdminConsentIsInTheSummary(t *testing.T) {
	h := newHarness(t)
	out, err := h.runWith("setup", skipConsent{}, func(o *steps.Options) { o.AdminConsent = true })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(out.Report.Notes, func(n string) bool {
		return strings.Contains(n, "Admin consent was skipped") && strings.Contains(n, "first time they connect")
	}) {
		t.Fatalf("notes %q", out.Report.Notes)
	}
	var fact string
	for _, f := range out.Report.Facts {
		if f.Label == "Admin consent" {
			fact = f.Value
		}
	}
	if !strings.HasPrefix(fact, "skipped: each user consents") {
		t.Fatalf("admin consent fact %q", fact)
	}
	if len(h.az.PermissionGrants()) != 0 {
		t.Fatal("consent granted although skipped")
	}

	h2 := newHarness(t)
	out = h2.mustRun(func(o *steps.Options) { o.AdminConsent = true })
	if slices.ContainsFunc(out.Report.Notes, func(n string) bool { return strings.Contains(n, "Admin consent was skipped") }) {
		t.Fatalf("granted consent reported skipped: %q", out.Report.Notes)
	}
}

// The last screen says who made the changes and what the run proved.
func TestSetupReportSaysWhoSignedInAndWhatWasProved(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun()
	app := h.onlyApp()
	var who string
	for _, f := range out.Report.Facts {
		if f.Label == "Signed in as" {
			who = f.Value
		}
	}
	if !strings.Contains(who, "(Azure)") || !strings.Contains(who, h.opts.AppmixerUsername+" (Appmixer)") {
		t.Errorf("signed in as %q", who)
	}
	if !slices.ContainsFunc(out.Report.Lines, func(l string) bool {
		return strings.HasPrefix(l, "Proved: Entra ID issued a token for client "+app.AppID)
	}) {
		t.Errorf("the report does not say what was proved: %q", out.Report.Lines)
	}
}
