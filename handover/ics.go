package handover

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	ics "github.com/arran4/golang-ical"
)

// ICS is a calendar (RFC 5545) with one all-day event on the rotate-by date,
// two weeks before the secret expires, with a reminder that morning. It
// names the app and the command to run, never the secret.
func ICS(r Record) ([]byte, error) {
	s := r.Outcome.Summary
	if s.SecretExpires.IsZero() {
		return nil, errors.New("no reminder: the secret's expiry is not known (a dry run, or Appmixer holds no secret of this app)")
	}
	by := RotateBy(s.SecretExpires).UTC()
	cal := ics.NewCalendar()
	cal.SetProductId("-//appmixer-tools//msconnector-wizard " + r.Version + "//EN")
	cal.SetMethod(ics.MethodPublish)
	// The key id makes the UID stable: writing the reminder again replaces
	// the calendar's event instead of adding a second one.
	ev := cal.AddEvent(cmp.Or(s.SecretKeyID, s.ClientID) + "@msconnector-wizard")
	ev.SetDtStampTime(r.Written)
	ev.SetAllDayStartAt(by)
	ev.SetAllDayEndAt(by.AddDate(0, 0, 1))
	what := cmp.Or(r.Instance, s.AppmixerURL)
	ev.SetSummary(fmt.Sprintf("Rotate the Microsoft connector secret of %s", what))
	desc := []string{
		fmt.Sprintf("The client secret of the Azure app %q (client ID %s, tenant %s) that Appmixer's Microsoft connector uses at %s expires on %s.",
			s.AppName, s.ClientID, s.TenantID, s.AppmixerURL, day(s.SecretExpires)),
		"Its hint is " + s.SecretHint + ", its secret ID " + s.SecretKeyID + ".",
	}
	if r.Rotate != "" {
		desc = append(desc, "With APPMIXER_PASSWORD (or APPMIXER_TOKEN) set, run: "+r.Rotate)
	}
	ev.SetDescription(strings.Join(desc, "\n"))
	alarm := ev.AddAlarm()
	alarm.SetAction(ics.ActionDisplay)
	alarm.SetTrigger("PT9H") // 09:00 on the day
	alarm.SetProperty(ics.ComponentPropertyDescription, "Rotate the Microsoft connector secret of "+what)
	return []byte(cal.Serialize(ics.WithNewLine("\r\n"))), nil // RFC 5545 §3.1: CRLF
}
