package steps

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Outcome is the end of one command run by a Session: every front end renders
// it (one renderer per front end), --json prints it.
type Outcome struct {
	Command  string        // the table's name ("" when the sign-in failed before a command was chosen)
	Label    string        // with its word: "tenant on"
	Summary  Summary       // the facts, never the secret
	Status   *StatusReport // status's checks
	Report   Report        // what the last screen says (zero when Err is set)
	Steps    []StepResult  // every step, sign-ins included
	Err      error         // the run failed, or stopped (ErrQuit); nil for a status with findings
	FromMenu bool          // the command was chosen in the start menu
}

// ExitErr is what decides the exit code: the run's error, else status's
// findings (warnings included: they are what a cron job should hear).
func (o *Outcome) ExitErr() error {
	if o.Err != nil {
		return o.Err
	}
	if o.Status != nil {
		return o.Status.Err()
	}
	return nil
}

// Changed lists the steps that changed something, by title.
func (o *Outcome) Changed() []string {
	var out []string
	for _, r := range o.Steps {
		if r.Status == StatusDone && len(r.Changes) > 0 {
			out = append(out, r.Step.Title)
		}
	}
	return out
}

// Report is a command's last screen as data: a headline, label/value facts,
// sentences, warnings, the status table, and the commands to run later.
type Report struct {
	Headline string
	Level    StatusLevel // how the headline reads: ok, warn, fail
	Facts    []Fact
	Lines    []string
	Notes    []string
	Checks   []StatusCheck
	Later    []Later
}

// Fact is one label/value row. Copy marks a value people copy (an ID, a URL):
// a front end never breaks it across lines.
type Fact struct {
	Label, Value string
	Copy         bool
}

// Later is a command to run later, and why.
type Later struct {
	What    string // "Check it later"
	Command string // "status"
}

func setupReport(st *State, out *Outcome) Report {
	s := out.Summary
	r := Report{Headline: "The Microsoft connector is set up", Level: StatusOK}
	if s.DryRun {
		r.Headline, r.Level = "Dry run: nothing was changed. This is what a real run would do.", StatusWarn
	}
	r.Facts = append(r.Facts, Fact{"App", s.AppName, false}, Fact{"Client ID", cmp.Or(s.ClientID, "(the new app's)"), true},
		Fact{"Tenant ID", s.TenantID, true}, secretFact(s, "Client secret"), Fact{"Account types", AudienceLabel(s.Audience), false},
		Fact{"Appmixer", s.AppmixerURL, true}, Fact{"Callback URL", s.CallbackURL, true}, Fact{"Picker URL", s.PickerURL, true})
	r.Facts = append(r.Facts, consentFact(s), signedInFact(s))
	r.Lines = append(r.Lines, tenantLine(s))
	r.Lines = append(r.Lines, proved(s)...)
	if s.AdminConsent == ConsentSkipped {
		r.Notes = append(r.Notes, "Admin consent was skipped: each user is asked to consent to the app's permissions the first time they connect Microsoft in Appmixer.")
	}
	if s.SecretWhy != "" {
		r.Notes = append(r.Notes, "The secret's lifetime is shorter than asked: "+s.SecretWhy+".")
	}
	r.Notes = append(r.Notes, s.Notes...)
	r.Later = []Later{{"Check it later", "status"}, {"Renew the secret before it expires", "rotate-secret"}}
	return r
}

func statusReport(st *State, out *Outcome) Report {
	rep := out.Status
	if rep == nil {
		rep = &StatusReport{}
	}
	fails, warns := rep.Counts()
	r := Report{Checks: rep.Checks, Lines: []string{"Read-only: nothing was changed."}}
	switch {
	case len(rep.Checks) == 0:
		r.Headline, r.Level = "No checks ran", StatusWarn
	case fails+warns == 0:
		r.Headline, r.Level = fmt.Sprintf("All %d checks passed", len(rep.Checks)), StatusOK
	case fails == 0:
		r.Headline, r.Level = fmt.Sprintf("%d warning(s): the setup works, but needs attention soon", warns), StatusWarn
	default:
		r.Headline, r.Level = fmt.Sprintf("%d problem(s), %d warning(s)", fails, warns), StatusFail
	}
	return r
}

func rotateReport(st *State, out *Outcome) Report {
	s := out.Summary
	r := Report{Headline: "The secret is rotated", Level: StatusOK}
	if s.DryRun {
		r.Headline, r.Level = "Dry run: nothing was changed. This is what a rotation would do.", StatusWarn
	}
	r.Facts = []Fact{{"App", s.AppName, false}, {"Client ID", s.ClientID, true}, secretFact(s, "New client secret"), signedInFact(s)}
	r.Lines = proved(s)
	if s.SecretWhy != "" {
		r.Notes = append(r.Notes, "The secret's lifetime is shorter than asked: "+s.SecretWhy+".")
	}
	r.Notes = append(r.Notes, s.Notes...)
	r.Later = []Later{{"Check it later", "status"}}
	return r
}

func tenantReport(st *State, out *Outcome) Report {
	s := out.Summary
	r := Report{Headline: "Tenant field is off", Level: StatusOK, Lines: []string{tenantLine(s)}, Notes: s.Notes}
	if s.TenantField {
		r.Headline = "Tenant field is on"
		r.Facts = []Fact{{"Tenant ID", s.TenantID, true}}
	}
	if s.DryRun {
		r.Headline, r.Level = "Dry run: nothing was changed", StatusWarn
	}
	return r
}

func teardownReport(st *State, out *Outcome) Report {
	s := out.Summary
	r := Report{Headline: "Torn down", Level: StatusOK, Notes: s.Notes}
	deleted, cleared := false, false
	for _, res := range out.Steps {
		deleted = deleted || res.Step.ID == IDDeleteApp && len(res.Changes) > 0
		cleared = cleared || res.Step.ID == IDClearAppmixer && len(res.Changes) > 0
	}
	switch {
	case deleted:
		r.Lines = append(r.Lines, fmt.Sprintf("Removed the app %q (client ID %s).", s.AppName, s.ClientID))
	default:
		r.Lines = append(r.Lines, "No app registration was left to delete.")
	}
	switch {
	case cleared:
		r.Lines = append(r.Lines, "Removed Appmixer's Microsoft keys; any other keys are kept.")
	case slices.ContainsFunc(teardownKeys, func(k string) bool { return slices.Contains(s.AppmixerKeys, k) }):
		r.Headline, r.Level = "Torn down in part: Appmixer's keys were kept", StatusWarn
	default:
		r.Lines = append(r.Lines, "Appmixer holds no Microsoft keys.")
	}
	if s.DryRun {
		r.Headline, r.Level = "Dry run: nothing was changed. This is what a teardown would remove.", StatusWarn
	}
	return r
}

// secretFact is "abc… (new, stored in Appmixer), expires 2028-12-04, in 730 days".
func secretFact(s Summary, label string) Fact {
	var parts []string
	switch {
	case s.SecretHint != "" && s.SecretNew:
		parts = append(parts, s.SecretHint+" (new, stored in Appmixer)")
	case s.SecretHint != "":
		parts = append(parts, s.SecretHint)
	}
	switch {
	case s.DryRun && !s.SecretExpires.IsZero():
		parts = append(parts, "a new one would expire "+day(s.SecretExpires))
	case !s.SecretExpires.IsZero():
		parts = append(parts, "expires "+day(s.SecretExpires), inDays(s.SecretExpires))
	}
	return Fact{Label: label, Value: strings.Join(parts, ", ")}
}

func inDays(t time.Time) string {
	d := time.Until(t)
	if d < 0 {
		return "expired"
	}
	return "in " + describeDays(time.Now(), t)
}

// tenantLine says what users do with the Tenant field.
func tenantLine(s Summary) string {
	if s.TenantField {
		return "Tenant field is on: when users connect Microsoft in Appmixer they type " + cmp.Or(s.TenantID, "your tenant ID") + " (or common) into it."
	}
	return "Tenant field is off: users sign in with any allowed Microsoft account, with no tenant to type."
}

// signedInFact says who made the changes: the Azure account (or a service
// principal) and the Appmixer user.
func signedInFact(s Summary) Fact {
	azure := cmp.Or(s.AzureUser, "a service principal")
	if s.AppmixerUser == "" {
		return Fact{Label: "Signed in as", Value: azure + " (Azure)"}
	}
	return Fact{Label: "Signed in as", Value: azure + " (Azure), " + s.AppmixerUser + " (Appmixer)"}
}

// proved says what the run proved works, one line each.
func proved(s Summary) []string {
	var ls []string
	for _, v := range s.Verified {
		ls = append(ls, "Proved: "+v+".")
	}
	return ls
}

// consentFact says what became of the tenant-wide admin consent.
func consentFact(s Summary) Fact {
	v := map[string]string{
		ConsentGranted:    "granted for every user of the tenant",
		ConsentPartial:    "granted, but without some permissions: users are asked for those",
		ConsentSkipped:    "skipped: each user consents when they first connect",
		ConsentNotGranted: "not granted: each user consents when they first connect",
		"":                "not asked for: each user consents when they first connect",
	}[s.AdminConsent]
	return Fact{Label: "Admin consent", Value: v}
}
