package steps

// Command is one entry of the command table: everything a front end needs to
// offer a command, run it and report its end. Adding a command means writing
// its steps and one entry here; the command line, the start menu, the three
// front ends and --json take it from the table.
type Command struct {
	Name  string // as typed: "rotate-secret"
	Short string // one line for --help
	Title string // in menus and headings: "Rotate the secret"
	About string // the menu's second line
	// Flags are the command's own flags, besides the sign-in ones every command takes.
	Flags    []string
	Arg      *Arg // a word after the command (tenant on|off)
	Destroys bool // deletes: asked by typing a name, or --yes headless
	ReadOnly bool // never writes: no dry run to speak of, the resume file is only read
	NeedsApp bool // the start menu offers it only when Appmixer holds a clientId
	Flow     func(Options) []Stage
	report   func(st *State, out *Outcome) Report
	menu     func(m Menu) MenuItem // the menu's line; nil: Title and About
}

// Arg is a command's positional word.
type Arg struct {
	Name   string   // "on|off"
	Values []string // the words accepted
	Set    func(o *Options, v string)
}

// The sign-in flags every command takes.
var SignInFlags = []string{"appmixer-url", "appmixer-username", "auth", "tenant", "cloud", "authority-host", "graph-url",
	"state-dir", "timeout", "wait-timeout"}

// Commands is the command table, in the order menus and --help list it.
var Commands = []Command{
	{
		Name: "setup", Short: "register or repair the app and store it in Appmixer (the default)",
		Title: "Set up", About: "Check every setting, fix what drifted.",
		Flags: []string{"app-name", "app-id", "audience", "permissions", "secret-expiry", "tenant-field", "admin-consent"},
		Flow:  SetupFlow, report: setupReport, menu: setupMenuItem,
	},
	{
		Name: "status", Short: "check every setting; exit 1 if anything needs attention",
		Title: "Check status", About: "Read-only: settings, secret, Appmixer's keys.",
		Flags: []string{"app-id", "permissions"}, ReadOnly: true,
		Flow: StatusFlow, report: statusReport,
	},
	{
		Name: "rotate-secret", Short: "new client secret: proven, stored, then the old one removed",
		Title: "Rotate the secret", About: "New secret in, proven, then the old one out.",
		Flags: []string{"app-id", "secret-expiry", "keep-old"}, NeedsApp: true,
		Flow: RotateFlow, report: rotateReport,
	},
	{
		Name: "tenant", Short: "turn Appmixer's tenant field on or off",
		Title: "Tenant field", Flags: []string{"app-id"}, NeedsApp: true,
		Arg:  &Arg{Name: "on|off", Values: []string{"on", "off"}, Set: func(o *Options, v string) { o.TenantField = TenantField(v) }},
		Flow: TenantFlow, report: tenantReport, menu: tenantMenuItem,
	},
	{
		Name: "consent", Short: "grant tenant-wide admin consent for the app's permissions",
		Title: "Grant admin consent", About: "For every user of the tenant, so nobody is asked.",
		Flags: []string{"app-id", "permissions"}, NeedsApp: true,
		Flow: ConsentFlow, report: consentReport,
	},
	{
		Name: "teardown", Short: "delete the app and Appmixer's Microsoft keys",
		Title: "Tear down", About: "Delete the app and Appmixer's Microsoft keys.",
		Flags: []string{"app-id"}, Destroys: true, NeedsApp: true,
		Flow: TeardownFlow, report: teardownReport,
	},
}

// LookupCommand finds a command of the table by name.
func LookupCommand(name string) (Command, bool) {
	for _, c := range Commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Label is how messages name the command with its word: "tenant on".
func (c Command) Label(arg string) string {
	if arg != "" {
		return c.Name + " " + arg
	}
	return c.Name
}

// SetupFlow is the seed's procedure in order (docs/ARCHITECTURE.md); every
// step needs the one before it. The sign-ins come first in every command
// (the Session runs them).
func SetupFlow(o Options) []Stage {
	flow := []Stage{{RegisterApp{}}, {RedirectURIs{}}, {APIPermissions{}}, {ServicePrincipal{}}}
	if o.AdminConsent {
		flow = append(flow, Stage{AdminConsent{}})
	}
	return append(flow, Stage{ClientSecret{}}, Stage{StoreInAppmixer{}}, Stage{TenantFieldStep{}}, Stage{Verify{}})
}

// Menu is the start menu of an existing setup: what the sign-in found, and
// what can be done with it.
type Menu struct {
	ClientID    string // Appmixer's clientId ("" when it holds none)
	TenantField bool
	TenantID    string
	Items       []MenuItem
}

// MenuItem is one choice: a command, with its word.
type MenuItem struct {
	Command string
	Arg     string
	Title   string
	About   string
}

// buildMenu lists what the setup the sign-in found can be asked to do.
func buildMenu(s *State) Menu {
	m := Menu{ClientID: s.config()["clientId"], TenantField: tenantFieldOn(s.config()), TenantID: s.tenant()}
	for _, c := range Commands {
		if c.NeedsApp && m.ClientID == "" {
			continue // rotating, the tenant field and tearing down could only say "set up first"
		}
		it := MenuItem{Command: c.Name, Title: c.Title, About: c.About}
		if c.menu != nil {
			it = c.menu(m)
		}
		m.Items = append(m.Items, it)
	}
	return m
}

// setupMenuItem says what setup does with what Appmixer holds now.
func setupMenuItem(m Menu) MenuItem {
	it := MenuItem{Command: "setup", Title: "Set up", About: "Check every setting, fix what drifted."}
	if m.ClientID == "" {
		it.About = "Register the app and store it in Appmixer."
	}
	return it
}

// tenantMenuItem flips the field from what Appmixer holds now.
func tenantMenuItem(m Menu) MenuItem {
	if m.TenantField {
		return MenuItem{Command: "tenant", Arg: "off", Title: "Tenant field: turn off", About: "Users sign in through the common endpoint."}
	}
	return MenuItem{Command: "tenant", Arg: "on", Title: "Tenant field: turn on", About: "Users type your tenant ID when connecting."}
}
