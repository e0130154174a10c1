package steps

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
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
	Fix    string      `json:"fix,omitempty"` // the command that repairs it: setup, rotate-secret, tenant on, teardown
}

// StatusReport is what `status` found.
type StatusReport struct {
	Checks []StatusCheck `json:"checks"`
}

func (r *StatusReport) add(level StatusLevel, name, fix, format string, a ...any) {
	r.Checks = append(r.Checks, StatusCheck{Name: name, Level: level, Detail: fmt.Sprintf(format, a...), Fix: fix})
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
// that failed or warned. Warnings count: a secret that expires in 59 days is
// exactly what a cron job should alert on.
func (r *StatusReport) Err() error {
	fails, warns := r.Counts()
	if fails+warns == 0 {
		return nil
	}
	var found []string
	for _, level := range []StatusLevel{StatusFail, StatusWarn} {
		for _, c := range r.Checks {
			if c.Level == level {
				what, _, _ := strings.Cut(c.Detail, ": ") // the finding, not its explanation
				found = append(found, c.Name+" ("+what+")")
			}
		}
	}
	return hint.Errorf(hint.Hint{Text: "each check says what to run"}, "status: %d problem(s), %d warning(s): %s", fails, warns, strings.Join(found, ", "))
}

// StatusFlow is `status`: one read-only step that checks every setting.
func StatusFlow(Options) []Stage { return []Stage{{CheckStatus{}}} }

// CheckStatus compares the setup with what `setup` would make of it, by asking
// the setup steps themselves (their plans' changes are exactly the drift), and
// adds what setup cannot see: the secret's expiry and whether it still works.
type CheckStatus struct{}

func (CheckStatus) Info() Info {
	return Info{ID: IDStatus, Title: "Check the setup", Screen: "Azure portal app registration + Backoffice Connector Configuration",
		About:    "Checks the app registration, the secret and Appmixer's keys against what setup makes; changes nothing.",
		Checking: "Checking every setting", ReadOnly: true}
}

func (c CheckStatus) Check(ctx context.Context, s *State) error {
	r := &StatusReport{}
	s.Made.Status = r
	checkAppmixerKeys(r, s)
	if err := openJournal(s); err != nil {
		return err
	}
	appID := cmp.Or(s.Opts.AppID, s.config()["clientId"])
	if appID == "" {
		r.add(StatusFail, "App registration", "setup", "unknown: Appmixer holds no clientId")
		checkTenantField(r, s)
		return nil
	}
	app, deleted, err := lookupApp(ctx, s, c.Info(), appID, true)
	switch {
	case err != nil:
		return err
	case deleted:
		r.add(StatusFail, "App registration", "teardown", "client ID %s was deleted (it is in Entra ID's deleted applications, restorable for 30 days): clear Appmixer's keys with teardown, or register a new app with setup", appID)
		checkTenantField(r, s)
		return nil
	case app == nil:
		r.add(StatusFail, "App registration", "setup", "no app with client ID %s in tenant %s (another tenant?)", appID, s.tenant())
		checkTenantField(r, s)
		return nil
	}
	s.Found.App = app
	adoptAudience(s)
	r.add(StatusOK, "App registration", "", "%q, client ID %s", app.DisplayName, app.AppID)
	r.add(StatusOK, "Supported account types", "", "%s", AudienceLabel(app.SignInAudience))
	if err := (RegisterApp{}).Check(ctx, s); err != nil { // the permission catalogue
		return err
	}
	checkRedirects(r, s)
	checkPermissions(r, s)
	if err := (ServicePrincipal{}).Check(ctx, s); err != nil { // also tries Appmixer's secret
		return err
	}
	if hasSP(s) {
		r.add(StatusOK, "Service principal", "", "exists")
	} else {
		r.add(StatusFail, "Service principal", "setup", "missing, so Entra ID refuses the app's client credentials (AADSTS7000229)")
	}
	if err := checkConsent(ctx, r, s); err != nil {
		return err
	}
	checkSecret(r, s)
	checkTenantField(r, s)
	return nil
}

func checkAppmixerKeys(r *StatusReport, s *State) {
	if !s.Found.ConfigExists {
		r.add(StatusFail, "Appmixer configuration", "setup", "%s has no %s configuration", s.Signed.API, configName)
		return // its keys are missing too: one line says it
	}
	r.add(StatusOK, "Appmixer configuration", "", "%s at %s, %d key(s)", configName, s.Signed.API, len(s.config()))
	id := s.config()["clientId"]
	switch {
	case id == "":
		r.add(StatusFail, "Appmixer clientId", "setup", "missing")
	case s.Opts.AppID != "" && !strings.EqualFold(id, s.Opts.AppID):
		r.add(StatusFail, "Appmixer clientId", "setup", "is %s, not the app %s named for this check", id, s.Opts.AppID)
	default:
		r.add(StatusOK, "Appmixer clientId", "", "%s", id)
	}
	switch {
	case s.config()["clientSecret"] != "":
		r.add(StatusOK, "Appmixer clientSecret", "", "%s (value never shown)", appmixerHint(s))
	case id == "":
		r.add(StatusFail, "Appmixer clientSecret", "setup", "missing")
	default:
		r.add(StatusFail, "Appmixer clientSecret", "rotate-secret", "missing")
	}
}

// checkRedirects uses the Redirect URIs step's plan: its changes are what is missing.
func checkRedirects(r *StatusReport, s *State) {
	p := (RedirectURIs{}).Plan(s)
	if uris := names(changesOf(p.Changes, SubjectRedirectURI)); len(uris) > 0 {
		r.add(StatusFail, "Redirect URIs", "setup", "missing %s", strings.Join(uris, ", "))
	} else {
		r.add(StatusOK, "Redirect URIs", "", "Appmixer's callback and the OneDrive picker are there")
	}
	if grants := names(changesOf(p.Changes, SubjectImplicitGrant)); len(grants) > 0 {
		r.add(StatusFail, "Implicit grant", "setup", "%s off (the OneDrive picker needs both)", strings.Join(grants, " and "))
	} else {
		r.add(StatusOK, "Implicit grant", "", "access tokens and ID tokens on")
	}
}

// checkPermissions uses the API permissions step's plan against --permissions (default: documented).
func checkPermissions(r *StatusReport, s *State) {
	p := (APIPermissions{}).Plan(s)
	if _, err := wantedScopes(s); err != nil {
		r.add(StatusFail, "API permissions", "", "%s", err.Error())
		return
	}
	if missing := names(changesOf(p.Changes, SubjectPermission)); len(missing) > 0 {
		r.add(StatusFail, "API permissions", "setup", "missing %s", strings.Join(missing, ", "))
		return
	}
	r.add(StatusOK, "API permissions", "", "%s", strings.Join(p.Found, ", "))
}

// checkSecret: does Appmixer's secret work (one client-credentials token), and when does it expire.
func checkSecret(r *StatusReport, s *State) {
	if s.config()["clientSecret"] == "" {
		return // already reported with the Appmixer keys
	}
	switch {
	case s.Found.Stored.Works:
		r.add(StatusOK, "Secret works", "", "Entra ID issued a client-credentials token for Appmixer's clientId and clientSecret")
	case s.Found.Stored.NoSP:
		// reported as the service principal
	default:
		r.add(StatusFail, "Secret works", "rotate-secret", "no: %s", s.Found.Stored.Why)
	}
	now := s.Opts.Now()
	c := storedCredential(s)
	switch {
	case c == nil:
		r.add(StatusWarn, "Secret expiry", "rotate-secret", "unknown: Appmixer's secret %s matches none of the app's secrets", appmixerHint(s))
	case !now.Before(c.EndDateTime):
		r.add(StatusFail, "Secret expiry", "rotate-secret", "expired on %s", day(c.EndDateTime))
	case c.EndDateTime.Sub(now) < SecretWarnBefore:
		r.add(StatusWarn, "Secret expiry", "rotate-secret", "expires %s (in %s): rotate it before then", day(c.EndDateTime), describeDays(now, c.EndDateTime))
	default:
		r.add(StatusOK, "Secret expiry", "", "expires %s (in %s)", day(c.EndDateTime), describeDays(now, c.EndDateTime))
	}
	var stale int
	for _, pc := range s.Found.App.PasswordCredentials {
		if IsGeneratedSecretName(pc.DisplayName) && (c == nil || pc.KeyID != c.KeyID) {
			stale++
		}
	}
	if stale > 0 {
		r.add(StatusOK, "Older secrets", "", "%d other secret(s) made by this tool (Appmixer does not use them); rotate-secret removes the ones made for this Appmixer", stale)
	}
}

// checkConsent reports the tenant-wide grant of setup --admin-consent, using
// that step's own check. No grant is fine (each user consents at first
// sign-in); a grant that lacks a permission surprises users, so it warns.
func checkConsent(ctx context.Context, r *StatusReport, s *State) error {
	if !hasSP(s) {
		return nil // no service principal: reported on its own line
	}
	if err := (AdminConsent{}).Check(ctx, s); err != nil {
		// Listing grants needs Directory.Read.All (Graph: list oauth2PermissionGrants),
		// more than the rest of status reads: a least-privilege sign-in still gets its table.
		if ge, ok := azure.AsGraphError(err); ok && ge.StatusCode == http.StatusForbidden {
			r.add(StatusOK, "Admin consent", "", "not checked: this sign-in may not read consent grants (that needs Directory.Read.All)")
			return nil
		}
		return err
	}
	missing, err := missingConsent(s)
	switch {
	case err != nil:
		// the API permissions line already says what is wrong with --permissions
	case s.Found.Grant == nil:
		r.add(StatusOK, "Admin consent", "", "not granted: each user consents at first sign-in (the consent command grants it for the whole tenant)")
	case len(missing) > 0:
		r.add(StatusWarn, "Admin consent", "consent", "the tenant-wide grant lacks %s, so users are asked to consent anyway", strings.Join(missing, ", "))
	default:
		r.add(StatusOK, "Admin consent", "", "granted for all users: %s", s.Found.Grant.Scope)
	}
	return nil
}

func checkTenantField(r *StatusReport, s *State) {
	single := s.Found.App != nil && s.Found.App.SignInAudience == "AzureADMyOrg"
	switch {
	case tenantFieldOn(s.config()):
		r.add(StatusOK, "Tenant field", "", "on: users type %s (or common) into the Tenant field", s.tenant())
	case single:
		r.add(StatusFail, "Tenant field", "tenant on", "off, but a single-tenant app cannot use Microsoft's common endpoint")
	default:
		r.add(StatusOK, "Tenant field", "", "off: users sign in through Microsoft's common endpoint")
	}
}

// Plan shows the table as found lines; status never plans a change.
func (CheckStatus) Plan(s *State) Plan {
	var p Plan
	if s.Made.Status != nil {
		for _, ch := range s.Made.Status.Checks {
			p.Found = append(p.Found, StatusMark(ch.Level)+" "+ch.Name+": "+ch.Detail)
		}
	}
	return p
}

func (CheckStatus) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }

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
