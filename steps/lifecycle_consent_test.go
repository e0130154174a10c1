package steps_test

import (
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// consent grants what setup skipped, for every user, and nothing else.
func TestConsentGrantsForTheWholeTenant(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	_, before := assertSetUp(t, h)
	if len(h.az.PermissionGrants()) != 0 {
		t.Fatal("setup granted consent unasked")
	}
	out, err := h.runCmd("consent")
	if err != nil {
		t.Fatal(err)
	}
	grants := h.az.PermissionGrants()
	if len(grants) != 1 || grants[0].ConsentType != "AllPrincipals" {
		t.Fatalf("grants %+v", grants)
	}
	for _, scope := range []string{"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"} {
		if !strings.Contains(" "+grants[0].Scope+" ", " "+scope+" ") {
			t.Errorf("the grant lacks %s: %q", scope, grants[0].Scope)
		}
	}
	if out.Summary.AdminConsent != steps.ConsentGranted || out.Report.Headline != "Admin consent is granted" {
		t.Fatalf("summary %q, headline %q", out.Summary.AdminConsent, out.Report.Headline)
	}
	for _, n := range out.Report.Notes { // what skipping would leave is said at the question, not after applying
		if strings.Contains(n, "Skipping") {
			t.Errorf("the applied consent's result says %q", n)
		}
	}
	if h.stored()["clientSecret"] != before["clientSecret"] || len(h.onlyApp().PasswordCredentials) != 1 {
		t.Fatal("consent touched the secret")
	}

	h.resetLogs()
	if _, err := h.runCmd("consent"); err != nil {
		t.Fatal(err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("a second consent wrote:\n%s", h.log())
	}
}

// Skipped at its plan, consent says so and what it means for users.
func TestConsentSkippedSaysWhatItMeans(t *testing.T) {
	h := newHarness(t)
	h.mustRun()
	out, err := h.runWith("consent", skipConsent{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Report.Level != steps.StatusWarn || !strings.Contains(strings.Join(out.Report.Lines, " "), "asked to consent") {
		t.Fatalf("report %+v", out.Report)
	}
	if len(h.az.PermissionGrants()) != 0 {
		t.Fatal("granted although skipped")
	}
}

// Without a setup there is nothing to consent to: one line that says to set up first.
func TestConsentBeforeSetupSaysSetUpFirst(t *testing.T) {
	h := newHarness(t)
	_, err := h.runCmd("consent")
	if err == nil || !strings.Contains(err.Error(), "holds no clientId") {
		t.Fatalf("got %v", err)
	}
	if _, writes := h.calls(); writes != 0 {
		t.Fatalf("wrote:\n%s", h.log())
	}
}
