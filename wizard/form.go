package wizard

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// answers are the form's values. huh writes through pointers into it, so the
// struct lives on the heap and outlives model copies.
type answers struct {
	URL, Username, Password string
	AppName, Audience       string
	Permissions, Custom     string
	Expiry, TenantField     string
	Auth, Tenant            string
	AdminConsent            bool
	hasToken                bool     // APPMIXER_TOKEN given: the password may stay empty
	demoURL, demoTenant     string   // the demo's own services: the only answers it takes
	demoUsers               []string // the demo Appmixer's users: their passwords are filled in

	// urlInput gets its live check line from the Update loop (refreshURLStatus):
	// huh runs DescriptionFunc in a command goroutine, which would race with
	// the typing that changes the value.
	urlInput *huh.Input

	describers []func(width int) // the form's descriptions, wrapped anew at each width (form_wrap.go)
	descWidth  int
}

// refreshURLStatus updates the line under the URL input; it reports whether it changed.
func (a *answers) refreshURLStatus(last *string) bool {
	st := urlStatus(a.URL)
	if a.urlInput == nil || st == *last {
		return false
	}
	*last = st
	a.urlInput.Description(Wrap(st, a.descWidth))
	return true
}

const customPermissions = "custom"

// formField is where a form asks for an input: the question's label and its form.
type formField struct {
	label string
	kind  formKind
	key   string // the huh field's key, to put the focus on it
}

// formFields are the inputs the TUI and the accessible mode ask for, by the
// hint that names them: an error about one leads back to its question.
var formFields = map[hint.Input]formField{
	hint.AppmixerURL:      {"Appmixer API URL", formSignIn, "url"},
	hint.AppmixerUsername: {"Appmixer admin username", formSignIn, "username"},
	hint.AppmixerPassword: {"Appmixer admin password", formSignIn, "password"},
	hint.Auth:             {"Sign in to Azure with", formSignIn, "auth"},
	hint.Tenant:           {"Azure tenant", formSignIn, "tenant"},
	hint.AppName:          {"App registration name", formSetup, "app"},
	hint.SecretExpiry:     {"Client secret expiry", formSetup, "expiry"},
	hint.Audience:         {"Supported account types", formSetup, "audience"},
	hint.Permissions:      {"API permissions", formSetup, "permissions"},
	hint.TenantField:      {"Tenant field in Appmixer", formSetup, "tenantField"},
	hint.AdminConsent:     {"Grant admin consent now?", formSetup, "consent"},
}

// usernameHelp says who may sign in: an admin; in the demo, its users.
func (a *answers) usernameHelp() string {
	if len(a.demoUsers) > 0 {
		return "The demo's users: " + strings.Join(a.demoUsers, ", ") + " (the demo fills in their passwords)."
	}
	return "An Appmixer admin: the connector configuration needs the admin scope."
}

// forDemo limits the answers to the demo's own services and users.
func (a *answers) forDemo(o steps.Options) {
	a.demoURL, a.demoTenant = o.AppmixerURL, o.Tenant
	a.demoUsers = slices.Sorted(maps.Keys(o.SimulatedUsers))
}

// answersFrom pre-fills the form from flags and env (already in Options).
func answersFrom(o steps.Options) *answers {
	a := &answers{
		URL:          o.AppmixerURL,
		Username:     o.AppmixerUsername,
		Password:     o.AppmixerPassword.Reveal(), // only into the hidden input, never printed
		AppName:      orText(o.AppName, steps.DefaultAppName),
		Audience:     orText(o.Audience, steps.DefaultAudience),
		Permissions:  orText(o.Permissions, steps.DefaultPermissions),
		Expiry:       o.SecretExpiry.String(),
		TenantField:  string(o.TenantField),
		Auth:         orText(o.AuthMethod, "device"),
		Tenant:       o.Tenant,
		AdminConsent: o.AdminConsent,
		hasToken:     !o.AppmixerToken.IsZero(),
	}
	if _, preset := azure.Presets[strings.ToLower(a.Permissions)]; preset {
		a.Permissions = strings.ToLower(a.Permissions)
	} else {
		a.Custom, a.Permissions = a.Permissions, customPermissions
	}
	return a
}

// apply writes the answers back into the run's options.
func (a *answers) apply(o steps.Options) (steps.Options, error) {
	u, err := appmixer.ParseAPIURL(a.URL)
	if err != nil {
		return o, err
	}
	o.AppmixerURL = u.String()
	o.AppmixerUsername = strings.TrimSpace(a.Username)
	if a.Password != "" {
		o.AppmixerPassword = steps.NewSecret(a.Password)
	}
	o.AppName = strings.TrimSpace(a.AppName)
	o.Audience = a.Audience
	o.Permissions = a.Permissions
	if a.Permissions == customPermissions {
		o.Permissions = strings.TrimSpace(a.Custom)
	}
	if o.SecretExpiry, err = steps.ParseExpiry(a.Expiry); err != nil {
		return o, err
	}
	o.TenantField = steps.TenantField(a.TenantField)
	o.AuthMethod = a.Auth
	o.Tenant = strings.TrimSpace(a.Tenant)
	o.AdminConsent = a.AdminConsent
	return o, nil
}

// Validators. Each returns one line saying what to type instead.

// checkURL is validateURL, and in the demo the demo's own Appmixer only.
func (a *answers) checkURL(s string) error {
	if err := validateURL(s); err != nil {
		return err
	}
	if a.demoURL != "" && strings.TrimRight(strings.TrimSpace(s), "/") != a.demoURL {
		return errors.New("the demo uses its own simulated Appmixer and never connects anywhere else: keep " + a.demoURL)
	}
	return nil
}

// checkTenant: in the demo, only the simulated tenant.
func (a *answers) checkTenant(s string) error {
	if a.demoTenant != "" && strings.TrimSpace(s) != "" && !strings.EqualFold(strings.TrimSpace(s), a.demoTenant) {
		return errors.New("the demo signs in to its own simulated tenant only: keep " + a.demoTenant)
	}
	return nil
}

func validateURL(s string) error {
	_, err := appmixer.ParseAPIURL(s)
	return err
}

// urlStatus is the live line under the URL input: what will be used, or why not.
func urlStatus(s string) string {
	if strings.TrimSpace(s) == "" {
		return "e.g. https://api.acme.appmixer.cloud"
	}
	u, err := appmixer.ParseAPIURL(s)
	if err != nil {
		return "✗ " + err.Error()
	}
	return "✓ " + u.String()
}

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s is required", what)
		}
		return nil
	}
}

func (a *answers) validatePassword(s string) error {
	if s == "" && !a.hasToken {
		return errors.New("the password is required (or set APPMIXER_TOKEN)")
	}
	return nil
}

// validateTenantField refuses "off" for a single-tenant app at the question:
// such an app cannot use Microsoft's common endpoint.
func (a *answers) validateTenantField(s string) error {
	if a.Audience == "single-tenant" && s == string(steps.TenantFieldOff) {
		return errors.New("a single-tenant app needs the Tenant field (it cannot use Microsoft's common endpoint): choose On or Leave as it is")
	}
	return nil
}

func validateExpiry(s string) error {
	_, err := steps.ParseExpiry(s)
	return err
}

func (a *answers) validateCustom(s string) error {
	if a.Permissions != customPermissions {
		return nil
	}
	_, err := azure.ParsePermissionList(s)
	return err
}

// Texts shown beside the choices: what each means, in a line.
var (
	audienceOptions = []huh.Option[string]{
		huh.NewOption("Work/school + personal accounts (default)", "multi-tenant-and-personal"),
		huh.NewOption("Work/school accounts in any organisation", "multi-tenant"),
		huh.NewOption("Only your organisation (single tenant)", "single-tenant"),
	}
	appNameHelp     = "Shown to users on Microsoft's consent screen."
	passwordHelp    = "Nothing shows as you type, not even its length; kept in memory only."
	authHelp        = "The device code works anywhere, over SSH too."
	tenantHelp      = "Tenant ID or domain; empty = your home tenant."
	customHelp      = "Delegated Graph permission names; checked against Graph before anything changes."
	tenantFieldHelp = "Appmixer's microsoftTenant key: adds a Tenant field to the Microsoft connect dialog."
	consentHelp     = "Consents for the whole organisation, so users are not asked one by one."
	audienceHelp    = "Who can connect Microsoft accounts in Appmixer. Personal = outlook.com and personal OneDrive. " +
		"Single tenant needs the Tenant field on: users then type your tenant ID when they connect."

	permissionOptions = []huh.Option[string]{
		huh.NewOption("Documented: sign-in + OneDrive/SharePoint files", "documented"),
		huh.NewOption("OneDrive: documented + read SharePoint sites", "onedrive"),
		huh.NewOption("All: every Microsoft component (mail, calendar, files, Teams, chat)", "all"),
		huh.NewOption("Custom list", customPermissions),
	}
	permissionHelp = "Delegated Graph permissions the app asks for. Documented = User.Read, Files.Read.All, " +
		"Files.ReadWrite.All, offline_access (Appmixer's guide). All adds Mail, Calendars, Sites, Teams and Chat scopes."

	tenantFieldOptions = []huh.Option[string]{
		huh.NewOption("Leave as it is (single tenant turns it on)", string(steps.TenantFieldKeep)),
		huh.NewOption("On: users type a tenant ID when connecting", string(steps.TenantFieldOn)),
		huh.NewOption("Off: users sign in through the common endpoint", string(steps.TenantFieldOff)),
	}

	authOptions = []huh.Option[string]{
		huh.NewOption("Device code: sign in on any device with a code", "device"),
		huh.NewOption("Browser on this machine", "browser"),
		huh.NewOption("Azure CLI (az login) session", "azure-cli"),
		huh.NewOption("Environment (AZURE_CLIENT_ID, AZURE_TENANT_ID, …)", "environment"),
	}
)

// The inputs come in two forms, one group per decision so each fits 80×24.
// newSignInForm asks how to sign in to both services; the menu (an existing
// setup) or newSetupForm (what to set up) follows the sign-in, so the
// lifecycle commands never ask setup questions and a wrong password fails
// before anyone answers them.
func newSignInForm(a *answers) *huh.Form {
	a.describers = nil
	a.urlInput = huh.NewInput().Key("url")
	a.describe(func(d string) { a.urlInput.Description(d) }, urlStatus(a.URL))
	username := huh.NewInput().Key("username").Title("Appmixer admin username").Value(&a.Username).
		Validate(func(s string) error {
			if a.hasToken {
				return nil
			}
			if len(a.demoUsers) > 0 && !slices.Contains(a.demoUsers, strings.TrimSpace(s)) {
				return errors.New("the demo's Appmixer has " + strings.Join(a.demoUsers, " and "))
			}
			return required("the username")(s)
		})
	a.describe(func(d string) { username.Description(d) }, a.usernameHelp())
	fields := []huh.Field{
		a.urlInput.Title("Appmixer API URL").
			Placeholder("https://api.YOUR_TENANT.appmixer.cloud").Value(&a.URL).Validate(a.checkURL),
		username,
	}
	if len(a.demoUsers) == 0 { // the demo fills the password in from the username
		password := huh.NewInput().Key("password").Title("Appmixer admin password").
			EchoMode(huh.EchoModeNone).Value(&a.Password).Validate(a.validatePassword)
		a.describe(func(d string) { password.Description(d) }, passwordHelp)
		fields = append(fields, password)
	}
	appmixerGroup := huh.NewGroup(fields...).
		Title("Sign in to Appmixer").Description("Replaces: Backoffice login. The user must be an admin.")

	auth := huh.NewSelect[string]().Key("auth").Title("Sign in to Azure with").Options(authOptions...).Value(&a.Auth)
	a.describe(func(d string) { auth.Description(d) }, authHelp)
	tenant := huh.NewInput().Key("tenant").Title("Azure tenant (optional)").Value(&a.Tenant).Validate(a.checkTenant)
	a.describe(func(d string) { tenant.Description(d) }, tenantHelp)
	azureGroup := huh.NewGroup(auth, tenant).Title("Sign in to Azure").Description("Replaces: Azure portal login.")

	return huh.NewForm(appmixerGroup, azureGroup).WithShowHelp(false)
}

// newSetupForm asks what the setup makes: the app, its account types,
// permissions, secret expiry, the tenant field and admin consent.
func newSetupForm(a *answers) *huh.Form {
	a.describers = nil
	app := huh.NewInput().Key("app").Title("App registration name").Value(&a.AppName).Validate(required("the app name"))
	a.describe(func(d string) { app.Description(d) }, appNameHelp)
	expiry := huh.NewInput().Key("expiry").Title("Client secret expiry").Value(&a.Expiry).Validate(validateExpiry)
	a.describe(func(d string) { expiry.Description(d) }, steps.ExpiryRule)
	appGroup := huh.NewGroup(app, expiry).
		Title("The app registration").Description("Replaces: Azure portal → App registrations → + New registration.")

	audience := huh.NewSelect[string]().Key("audience").Title("Supported account types").Options(audienceOptions...).Value(&a.Audience)
	a.describe(func(d string) { audience.Description(d) }, audienceHelp)

	perms := huh.NewSelect[string]().Key("permissions").Title("API permissions").Options(permissionOptions...).Value(&a.Permissions)
	a.describe(func(d string) { perms.Description(d) }, permissionHelp)
	custom := huh.NewInput().Key("custom").Title("Custom permissions (comma list)").
		Placeholder("User.Read,Files.Read.All,offline_access").Value(&a.Custom).Validate(a.validateCustom)
	a.describe(func(d string) { custom.Description(d) }, customHelp)
	customGroup := huh.NewGroup(custom).WithHideFunc(func() bool { return a.Permissions != customPermissions })

	tenantField := huh.NewSelect[string]().Key("tenantField").Title("Tenant field in Appmixer").
		Options(tenantFieldOptions...).Value(&a.TenantField).Validate(a.validateTenantField)
	a.describe(func(d string) { tenantField.Description(d) }, tenantFieldHelp)
	consent := huh.NewConfirm().Key("consent").Title("Grant admin consent now?").
		Value(&a.AdminConsent).WithButtonAlignment(lipgloss.Left) // under the question, not adrift mid-screen
	a.describe(func(d string) { consent.Description(d) }, consentHelp)

	return huh.NewForm(appGroup, huh.NewGroup(audience), huh.NewGroup(perms), customGroup,
		huh.NewGroup(tenantField, consent)).WithShowHelp(false)
}
