package steps

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// StatusLevel is how a status check came out.
type StatusLevel string

const (
	StatusOK   StatusLevel = "ok"   // ✓
	StatusWarn StatusLevel = "warn" // ! works now, needs attention soon
	StatusFail StatusLevel = "fail" // x broken now
)

// SecretWarnBefore: a secret Appmixer holds that expires sooner than this is a warning.
const SecretWarnBefore = 60 * 24 * time.Hour

// StatusCheck is one line of the status table. Detail never holds a secret.
type StatusCheck struct {
	Name   string      `json:"name"`
	Level  StatusLevel `json:"level"`
	Detail string      `json:"detail"`
}

// StatusReport is what `status` found, filled by CheckStatus.
type StatusReport struct {
	Checks []StatusCheck `json:"checks"`
}

func (r *StatusReport) add(level StatusLevel, name, format string, a ...any) {
	r.Checks = append(r.Checks, StatusCheck{Name: name, Level: level, Detail: fmt.Sprintf(format, a...)})
}

// Counts returns the number of failed checks and of warnings.
func (r *StatusReport) Counts() (fails, warns int) {
	for _, c := range r.Checks {
		switch c.Level {
		case StatusFail:
			fails++
		case StatusWarn:
			warns++
		}
	}
	return fails, warns
}

// Err is nil when every check passed; otherwise one line naming every check
// that failed or warned, with what it found. Warnings count: a secret that
// expires in 59 days is exactly what a cron job should alert on.
func (r *StatusReport) Err() error {
	fails, warns := r.Counts()
	if fails+warns == 0 {
		return nil
	}
	var found []string
	for _, level := range []StatusLevel{StatusFail, StatusWarn} {
		for _, c := range r.Checks {
			if c.Level == level {
				what, _, _ := strings.Cut(c.Detail, ": ") // the finding, without the fix
				found = append(found, c.Name+" ("+what+")")
			}
		}
	}
	return fmt.Errorf("status: %d problem(s), %d warning(s): %s; each check says what to run", fails, warns, strings.Join(found, ", "))
}

// StatusFlow is `status`: sign in, then one read-only step that checks every
// setting. It never writes, dry run or not.
func StatusFlow(report *StatusReport) []Stage {
	return []Stage{{SignInAzure{}, SignInAppmixer{}}, {CheckStatus{Report: report}}}
}

// CheckStatus compares the setup with what `setup` would make of it, by asking
// the setup steps themselves (their plans' changes are exactly the drift), and
// adds what setup cannot see: the secret's expiry and whether it still works.
type CheckStatus struct{ Report *StatusReport }

func (CheckStatus) Info() Info {
	return Info{ID: IDStatus, Title: "Check the setup", Screen: "Azure portal app registration + Backoffice Connector Configuration",
		About: "Checks the app registration, the secret and Appmixer's keys against what setup makes; changes nothing."}
}

func (c CheckStatus) Check(ctx context.Context, s *State) error {
	s.Opts.DryRun = true // the journal is opened read-only; nothing is applied anyway
	r := c.Report
	r.Checks = nil
	checkAppmixerKeys(r, s)
	if err := openJournal(s); err != nil {
		return err
	}
	appID := orDefault(s.Opts.AppID, s.Config["clientId"])
	if appID == "" {
		r.add(StatusFail, "App registration", "unknown: Appmixer holds no clientId; run setup")
		checkTenantField(r, s)
		return nil
	}
	app, err := s.Graph.GetApplicationByAppID(ctx, appID)
	if azure.IsNotFound(err) {
		r.add(StatusFail, "App registration", "no app with client ID %s in tenant %s (deleted?): run setup", appID, s.TenantID)
		checkTenantField(r, s)
		return nil
	}
	if err != nil {
		return err
	}
	s.App = app
	adoptAudience(s)
	r.add(StatusOK, "App registration", "%q, client ID %s", app.DisplayName, app.AppID)
	r.add(StatusOK, "Supported account types", "%s", labelOr(app.SignInAudience))
	if err := (RegisterApp{}).Check(ctx, s); err != nil { // the permission catalogue
		return err
	}
	checkRedirects(r, s)
	checkPermissions(r, s)
	if err := (ServicePrincipal{}).Check(ctx, s); err != nil { // also tries Appmixer's secret
		return err
	}
	if (ServicePrincipal{}).Plan(s).Empty() {
		r.add(StatusOK, "Service principal", "exists")
	} else {
		r.add(StatusFail, "Service principal", "missing, so Entra ID refuses the app's client credentials (AADSTS7000229): run setup")
	}
	if err := checkConsent(ctx, r, s); err != nil {
		return err
	}
	checkSecret(r, s)
	checkTenantField(r, s)
	return nil
}

func checkAppmixerKeys(r *StatusReport, s *State) {
	if !s.ConfigExists {
		r.add(StatusFail, "Appmixer configuration", "%s has no %s configuration: run setup", s.API, appmixer.ServiceID)
		return // its keys are missing too: one line says it
	}
	r.add(StatusOK, "Appmixer configuration", "%s at %s, %d key(s)", appmixer.ServiceID, s.API, len(s.Config))
	id := s.Config["clientId"]
	switch {
	case id == "":
		r.add(StatusFail, "Appmixer clientId", "missing: run setup")
	case s.Opts.AppID != "" && !strings.EqualFold(id, s.Opts.AppID):
		r.add(StatusFail, "Appmixer clientId", "is %s, not the --app-id %s: run setup --app-id %s to store it", id, s.Opts.AppID, s.Opts.AppID)
	default:
		r.add(StatusOK, "Appmixer clientId", "%s", id)
	}
	switch {
	case s.Config["clientSecret"] != "":
		r.add(StatusOK, "Appmixer clientSecret", "%s (value never shown)", appmixerHint(s))
	case id == "":
		r.add(StatusFail, "Appmixer clientSecret", "missing: run setup")
	default:
		r.add(StatusFail, "Appmixer clientSecret", "missing: run rotate-secret")
	}
}

// checkRedirects uses step 4's plan: its changes are what is missing.
func checkRedirects(r *StatusReport, s *State) {
	var uris, grants []string
	for _, c := range (RedirectURIs{}).Plan(s).Changes {
		if strings.HasPrefix(c.What, "implicit grant") {
			grants = append(grants, strings.TrimPrefix(c.What, "implicit grant: "))
		} else {
			uris = append(uris, c.After)
		}
	}
	if len(uris) > 0 {
		r.add(StatusFail, "Redirect URIs", "missing %s: run setup", strings.Join(uris, ", "))
	} else {
		r.add(StatusOK, "Redirect URIs", "Appmixer's callback and the OneDrive picker are there")
	}
	if len(grants) > 0 {
		r.add(StatusFail, "Implicit grant", "%s off (the OneDrive picker needs both): run setup", strings.Join(grants, " and "))
	} else {
		r.add(StatusOK, "Implicit grant", "access tokens and ID tokens on")
	}
}

// checkPermissions uses step 5's plan against --permissions (default: documented).
func checkPermissions(r *StatusReport, s *State) {
	p := (APIPermissions{}).Plan(s)
	if len(p.Notes) > 0 && p.Empty() && p.Found == nil {
		r.add(StatusFail, "API permissions", "%s", p.Notes[0])
		return
	}
	var missing []string
	for _, c := range p.Changes {
		missing = append(missing, c.After)
	}
	if len(missing) > 0 {
		r.add(StatusFail, "API permissions", "missing %s: run setup", strings.Join(missing, ", "))
		return
	}
	r.add(StatusOK, "API permissions", "%s", strings.Join(p.Found, ", "))
}

// checkSecret: does Appmixer's secret work (one client-credentials token), and when does it expire.
func checkSecret(r *StatusReport, s *State) {
	if s.Config["clientSecret"] == "" {
		return // already reported with the Appmixer keys
	}
	switch {
	case s.stored.works:
		r.add(StatusOK, "Secret works", "Entra ID issued a client-credentials token for Appmixer's clientId and clientSecret")
	case s.stored.noSP:
		// reported as the service principal
	default:
		r.add(StatusFail, "Secret works", "no: %s; run rotate-secret", s.stored.why)
	}
	now := s.Opts.Now()
	c := storedCredential(s)
	switch {
	case c == nil:
		r.add(StatusWarn, "Secret expiry", "unknown: Appmixer's secret %s matches none of the app's secrets: run rotate-secret", appmixerHint(s))
	case !now.Before(c.EndDateTime):
		r.add(StatusFail, "Secret expiry", "expired on %s: run rotate-secret", day(c.EndDateTime))
	case c.EndDateTime.Sub(now) < SecretWarnBefore:
		r.add(StatusWarn, "Secret expiry", "expires %s (in %s): run rotate-secret before then", day(c.EndDateTime), daysLeft(now, c.EndDateTime))
	default:
		r.add(StatusOK, "Secret expiry", "expires %s (in %s)", day(c.EndDateTime), daysLeft(now, c.EndDateTime))
	}
	var stale int
	for _, pc := range s.App.PasswordCredentials {
		if strings.HasPrefix(pc.DisplayName, SecretNamePrefix) && (c == nil || pc.KeyID != c.KeyID) {
			stale++
		}
	}
	if stale > 0 {
		r.add(StatusOK, "Older secrets", "%d other secret(s) made by this tool (Appmixer does not use them); rotate-secret removes them", stale)
	}
}

// checkConsent reports the tenant-wide grant of setup --admin-consent, using
// that step's own check. No grant is fine (each user consents at first
// sign-in); a grant that lacks a permission surprises users, so it warns.
func checkConsent(ctx context.Context, r *StatusReport, s *State) error {
	if !(ServicePrincipal{}).Plan(s).Empty() {
		return nil // no service principal: reported on its own line
	}
	st := AdminConsent{} // looks the service principal up when a working secret spared that
	if err := st.Check(ctx, s); err != nil {
		// Listing grants needs Directory.Read.All (Graph: list oauth2PermissionGrants),
		// more than the rest of status reads: a least-privilege sign-in still gets its table.
		if ge, ok := azure.AsGraphError(err); ok && ge.StatusCode == http.StatusForbidden {
			r.add(StatusOK, "Admin consent", "not checked: this sign-in may not read consent grants (that needs Directory.Read.All)")
			return nil
		}
		return err
	}
	missing, err := st.wantScope(s)
	switch {
	case err != nil:
		// the API permissions line already says what is wrong with --permissions
	case s.grant == nil:
		r.add(StatusOK, "Admin consent", "not granted: each user consents at first sign-in (setup --admin-consent grants it for the whole tenant)")
	case len(missing) > 0:
		r.add(StatusWarn, "Admin consent", "the tenant-wide grant lacks %s, so users are asked to consent anyway: run setup --admin-consent", strings.Join(missing, ", "))
	default:
		r.add(StatusOK, "Admin consent", "granted for all users: %s", s.grant.Scope)
	}
	return nil
}

func checkTenantField(r *StatusReport, s *State) {
	single := s.App != nil && s.App.SignInAudience == "AzureADMyOrg"
	switch {
	case tenantFieldOn(s.Config):
		r.add(StatusOK, "Tenant field", "on: users type %s (or common) into the Tenant field", s.TenantID)
	case single:
		r.add(StatusFail, "Tenant field", "off, but a single-tenant app cannot use Microsoft's common endpoint: run `tenant on`")
	default:
		r.add(StatusOK, "Tenant field", "off: users sign in through Microsoft's common endpoint")
	}
}

func daysLeft(now, end time.Time) string {
	d := int(end.Sub(now).Hours() / 24)
	if d == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

// Plan shows the table as found lines; status never plans a change.
func (c CheckStatus) Plan(*State) Plan {
	var p Plan
	for _, ch := range c.Report.Checks {
		p.Found = append(p.Found, StatusMark(ch.Level)+" "+ch.Name+": "+ch.Detail)
	}
	return p
}

func (CheckStatus) Apply(context.Context, *State) ([]Change, error) { return nil, nil }

// StatusMark is the table's symbol for a level: ✓, ! or x.
func StatusMark(l StatusLevel) string {
	switch l {
	case StatusFail:
		return "x"
	case StatusWarn:
		return "!"
	}
	return "✓"
}
