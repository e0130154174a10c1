package steps

// ConsentFlow is `consent`: the tenant-wide admin consent for an existing
// setup, for an admin who skipped it at setup (or whose grant lacks a
// permission), without running setup's other steps.
func ConsentFlow(Options) []Stage {
	return []Stage{{FindSetup{}}, {AdminConsent{}}}
}

func consentReport(st *State, out *Outcome) Report {
	s := out.Summary
	r := Report{Headline: "Admin consent is granted", Level: StatusOK, Notes: s.Notes,
		Facts: []Fact{{"App", s.AppName, false}, {"Client ID", s.ClientID, true}, consentFact(s)}}
	if s.DryRun {
		r.Headline, r.Level = "Dry run: nothing was changed", StatusWarn
	}
	if s.AdminConsent == ConsentSkipped {
		r.Headline, r.Level = "Admin consent was not granted", StatusWarn
		r.Lines = []string{"Each user is asked to consent the first time they connect Microsoft in Appmixer."}
	}
	r.Later = []Later{{"Check it later", "status"}}
	return r
}
