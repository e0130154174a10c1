package handover

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Markdown is the handover record as Markdown: everything a customer's admin
// needs to find, check and renew the setup later, and never the secret.
func Markdown(r Record) []byte {
	s := r.Outcome.Summary
	var b strings.Builder
	title := cmp.Or(r.Instance, s.AppmixerURL)
	fmt.Fprintf(&b, "# Microsoft connector handover: %s\n\n", inline(title))
	fmt.Fprintf(&b, "Written %s by msconnector-wizard %s (`%s`).", r.Written.UTC().Format("2006-01-02 15:04 MST"), inline(r.Version), inline(r.Outcome.Label))
	if s.DryRun {
		b.WriteString(" **Dry run: nothing was changed; the values are what a real run would make.**")
	}
	b.WriteString(" This record holds no secret: the client secret's value is kept by Appmixer only.\n\n")

	b.WriteString("## Azure app registration\n\n")
	table(&b, [][2]string{
		{"Tenant ID", code(s.TenantID)},
		{"App (display name)", inline(s.AppName)},
		{"Application (client) ID", code(s.ClientID)},
		{"Object ID", code(s.ObjectID)},
		{"Supported account types", inline(steps.AudienceLabel(s.Audience))},
		{"Redirect URI: OAuth callback (Web)", code(s.CallbackURL)},
		{"Redirect URI: OneDrive picker (Web)", code(s.PickerURL)},
		{"API permissions (Microsoft Graph, delegated)", cmp.Or(inline(strings.Join(s.Permissions, ", ")), notRead(r.Outcome.Command))},
		{"Admin consent", inline(consentWords(s.AdminConsent))},
	})

	b.WriteString("## Client secret\n\n")
	secret := [][2]string{{"Hint", code(s.SecretHint)}, {"Secret ID (keyId)", code(s.SecretKeyID)}}
	if !s.SecretExpires.IsZero() {
		secret = append(secret, [2]string{"Expires", day(s.SecretExpires)},
			[2]string{"Rotate before", day(RotateBy(s.SecretExpires)) + " (two weeks before it expires)"})
	}
	if s.SecretWhy != "" {
		secret = append(secret, [2]string{"Lifetime", inline("shorter than asked: " + s.SecretWhy)})
	}
	table(&b, secret)

	b.WriteString("## Appmixer\n\n")
	set := keysSet(s)
	table(&b, [][2]string{
		{"API", code(s.AppmixerURL)},
		{"Connector configuration", code("appmixer:microsoft")},
		{"Keys it holds (names only)", codes(s.AppmixerKeys)},
		{"Keys this run set", cmp.Or(codes(set), "none (they were already right)")},
		{"Tenant field", inline(tenantWords(s))},
	})

	if r.Outcome.Status != nil {
		b.WriteString("## Status checks\n\n| | check | finding |\n|---|---|---|\n")
		for _, c := range r.Outcome.Status.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", steps.StatusMark(c.Level), inline(c.Name), inline(c.Detail))
		}
		b.WriteString("\n")
	}
	if len(s.Verified) > 0 {
		b.WriteString("## What the run proved\n\n")
		for _, v := range s.Verified {
			fmt.Fprintf(&b, "- %s\n", inline(v))
		}
		b.WriteString("\n")
	}
	if r.Rotate != "" {
		b.WriteString("## To rotate the secret\n\n")
		b.WriteString("Set the Appmixer password in `APPMIXER_PASSWORD` (or a token in `APPMIXER_TOKEN`), then run:\n\n")
		fmt.Fprintf(&b, "```sh\n%s\n```\n\n", r.Rotate)
		b.WriteString("It creates a new secret, stores and proves it, then removes the old one this tool made.\n")
	}
	return []byte(b.String())
}

// notRead says a value is unknown because the command does not read it (a
// bare dash would read as "none").
func notRead(command string) string {
	return "not read by `" + command + "` (`status` lists it)"
}

func table(b *strings.Builder, rows [][2]string) {
	b.WriteString("| | |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s |\n", r[0], cmp.Or(r[1], "—"))
	}
	b.WriteString("\n")
}

// inline makes text safe inside a table cell: one line, no column breaks.
func inline(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", "`", "'").Replace(s)
}

// code is an ID or URL people copy, as code ("" stays empty).
func code(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return "`" + strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s) + "`"
}

func codes(list []string) string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, code(s))
	}
	return strings.Join(out, ", ")
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func consentWords(state string) string {
	switch state {
	case steps.ConsentGranted:
		return "granted for every user of the tenant"
	case steps.ConsentPartial:
		return "granted, but without some permissions: users are asked for those"
	case steps.ConsentSkipped, steps.ConsentNotGranted:
		return "not granted: each user consents the first time they connect"
	}
	return "not checked: each user consents the first time they connect, unless an admin granted it"
}

func tenantWords(s steps.Summary) string {
	if s.TenantField {
		return "on: when users connect Microsoft in Appmixer they type " + cmp.Or(s.TenantID, "the tenant ID") + " (or common) into the Tenant field"
	}
	return "off: users sign in with any allowed Microsoft account and type no tenant"
}
