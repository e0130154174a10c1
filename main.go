// Command msconnector-wizard sets up Appmixer's Microsoft connector end to end:
// the Azure app registration (through Microsoft Graph) and the appmixer:microsoft
// connector configuration (through the Appmixer API), showing each change first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// Exit codes: 0 ok, 1 the run failed, 2 usage (a flag or input is missing or wrong), 130 interrupted.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	// exitInterrupted is the shell's convention for a run stopped by ctrl+c (128 + SIGINT).
	exitInterrupted = 130
)

func main() {
	// A short-lived CLI: fewer collections during start-up (the first frame) at
	// the cost of a few MiB; peak memory stays far below its budget.
	debug.SetGCPercent(400)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{
		in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv,
		tty: term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()),
	}))
}

// env is the process's outside world, injected so tests drive run() directly.
type env struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	getenv func(string) string
	tty    bool
	client *http.Client // nil = system roots; tests pass one trusting their emulators
}

// usageError is a wrong or missing input: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// cli holds the parsed command line.
type cli struct {
	command     string // setup | status | rotate-secret | tenant | teardown
	tenantArg   string // on|off for `tenant`
	opts        steps.Options
	yes, json   bool
	demo        bool
	accessible  bool
	keepOld     bool
	expiry      string
	tenantField string
}

func run(ctx context.Context, args []string, e env) int {
	c, err := parse(args, e)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(e.err, "error:", err)
		return exitUsage
	}
	if err := c.checkValues(); err != nil { // before the demo, which sets some of them
		fmt.Fprintln(e.err, "error:", err)
		return exitUsage
	}
	if c.demo {
		stop, err := startDemo(&c.opts, e)
		if err != nil {
			fmt.Fprintln(e.err, "error: start the demo:", err)
			return exitFail
		}
		defer stop()
	}
	if e.client != nil && !c.demo {
		c.opts.AzureHTTP, c.opts.AppmixerHTTP = e.client, e.client
	}
	if err := c.validate(e); err != nil {
		fmt.Fprintln(e.err, "error:", err)
		return exitUsage
	}
	h := wizard.Headless{Out: e.out, Err: e.err, JSON: c.json}
	ui := wizard.UI{In: e.in, Out: e.out, Demo: c.demo, Accessible: c.accessible}
	interactive := e.tty && !c.yes && !c.opts.DryRun && !c.json
	switch {
	case c.command != "setup" && interactive:
		err = wizard.RunTUICommand(ctx, wizard.Command{Name: c.command, Arg: c.tenantArg, KeepOld: c.keepOld}, c.opts, ui)
	case c.command != "setup":
		err = wizard.RunCommand(ctx, wizard.Command{Name: c.command, Arg: c.tenantArg, Yes: c.yes, KeepOld: c.keepOld}, c.opts, h)
	case interactive:
		_, err = wizard.RunTUI(ctx, c.opts, ui)
	default:
		_, err = wizard.RunHeadless(ctx, c.opts, steps.SetupFlow(c.opts), h)
	}
	var usage usageError
	var cmdUsage wizard.UsageError
	if errors.As(err, &usage) || errors.As(err, &cmdUsage) {
		fmt.Fprintln(e.err, "error:", err)
		return exitUsage
	}
	if errors.Is(err, context.Canceled) { // ctrl+c in the TUI, SIGINT/SIGTERM headless
		fmt.Fprintln(e.err, "interrupted: nothing else was changed; run the same command again to continue")
		return exitInterrupted
	}
	if errors.Is(err, steps.ErrQuit) { // the person chose to stop: not an error, but not done either
		fmt.Fprintln(e.err, err)
		return exitFail
	}
	if err != nil {
		if !c.json {
			fmt.Fprintln(e.err, "error:", err)
		}
		return exitFail
	}
	return exitOK
}

var commands = []string{"setup", "status", "rotate-secret", "tenant", "teardown"}

func parse(args []string, e env) (*cli, error) {
	c := &cli{command: "setup"}
	o := &c.opts
	fs := flag.NewFlagSet("msconnector-wizard", flag.ContinueOnError)
	// The flag package would print its whole usage after any mistake; a
	// mistake is one line (run prints it), and --help prints helpText.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	str := func(p *string, name, envName, def, usage string) {
		if v := e.getenv(envName); envName != "" && v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage)
	}
	str(&o.AppmixerURL, "appmixer-url", "APPMIXER_URL", "", "Appmixer API base URL, e.g. https://api.acme.appmixer.cloud (env APPMIXER_URL)")
	str(&o.AppmixerUsername, "appmixer-username", "APPMIXER_USERNAME", "", "Appmixer admin user (env APPMIXER_USERNAME); the password comes from APPMIXER_PASSWORD or a prompt")
	str(&o.AppName, "app-name", "", steps.DefaultAppName, "display name of the Azure app registration")
	str(&o.AppID, "app-id", "", "", "converge this existing app (its Application (client) ID)")
	str(&o.Audience, "audience", "", steps.DefaultAudience, "single-tenant | multi-tenant | multi-tenant-and-personal")
	str(&o.Permissions, "permissions", "", steps.DefaultPermissions, "documented | onedrive | all | comma list of Graph delegated scopes")
	str(&c.expiry, "secret-expiry", "", "24months", "new secret lifetime: 24months, 730d, 2y or a date 2028-11-27")
	str(&c.tenantField, "tenant-field", "", "", "on | off (default: leave as is; single-tenant turns it on)")
	str(&o.AuthMethod, "auth", "", "device", "Azure sign-in: device | browser | azure-cli | environment")
	str(&o.Tenant, "tenant", "AZURE_TENANT_ID", "", "Azure tenant ID or domain (default: your home tenant)")
	str(&o.Cloud, "cloud", "", "public", "public | usgov | usgov-dod | china")
	str(&o.AuthorityHost, "authority-host", "AZURE_AUTHORITY_HOST", "", "Entra ID authority host URL (env AZURE_AUTHORITY_HOST)")
	str(&o.GraphURL, "graph-url", "", "", "Microsoft Graph base URL (default: the cloud's)")
	str(&o.StateDir, "state-dir", "", "", "where the resume file is kept (default: your config directory)")
	fs.BoolVar(&o.AdminConsent, "admin-consent", false, "grant tenant-wide admin consent for the permissions")
	fs.BoolVar(&o.DryRun, "dry-run", false, "show the plan; change nothing anywhere")
	fs.BoolVar(&c.json, "json", false, "print one JSON object (never the secret)")
	fs.BoolVar(&c.yes, "yes", false, "apply every change without asking (headless)")
	fs.BoolVar(&c.yes, "y", false, "shorthand for --yes")
	fs.BoolVar(&c.demo, "demo", false, "run against built-in simulated Azure and Appmixer services")
	fs.BoolVar(&c.keepOld, "keep-old", false, "rotate-secret: keep the old secrets this tool created")
	fs.BoolVar(&c.accessible, "accessible", e.getenv("ACCESSIBLE") != "", "plain prompts for screen readers (env ACCESSIBLE=1)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Second, "bound on each network request")
	fs.DurationVar(&o.WaitTimeout, "wait-timeout", 2*time.Minute, "bound on waiting for Azure replication and secret propagation")
	var pw string
	fs.StringVar(&pw, "appmixer-password", "", "not accepted: set APPMIXER_PASSWORD or type it at the prompt")
	words, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(e.out, fs)
			return nil, err
		}
		return nil, usageError{err.Error() + " (see --help)"}
	}
	if pw != "" {
		return nil, usageError{"the Appmixer password is never accepted as a flag (it would stay in shell history): set APPMIXER_PASSWORD or type it at the prompt"}
	}
	if err := flagAsValue(fs); err != nil {
		return nil, err
	}
	if len(words) > 0 && words[0] == "help" {
		printHelp(e.out, fs)
		return nil, flag.ErrHelp
	}
	if len(words) > 0 {
		if !slices.Contains(commands, words[0]) {
			return nil, usageError{fmt.Sprintf("unknown command %q: commands are %s", words[0], strings.Join(commands, ", "))}
		}
		c.command, words = words[0], words[1:]
	}
	if c.command == "tenant" && len(words) > 0 {
		c.tenantArg, words = words[0], words[1:]
	}
	if len(words) > 0 {
		return nil, usageError{fmt.Sprintf("unexpected argument %q after %s", words[0], c.command)}
	}
	o.AppmixerPassword = steps.NewSecret(e.getenv("APPMIXER_PASSWORD"))
	o.AppmixerToken = steps.NewSecret(e.getenv("APPMIXER_TOKEN"))
	return c, nil
}

const helpText = `msconnector-wizard sets up Appmixer's Microsoft connector: the Azure app
registration (redirect URIs, permissions, client secret) and the appmixer:microsoft
configuration. It shows each change and asks before making it.

Usage:
  msconnector-wizard [command] [flags]

Commands:
  setup            register or repair the app and store it in Appmixer (the default)
  status           check every setting; exit 1 if anything needs attention
  rotate-secret    new client secret: stored, proven, then the old one removed
  tenant on|off    turn Appmixer's tenant field on or off
  teardown         delete the app and Appmixer's Microsoft keys

Examples:
  msconnector-wizard --demo                       try it against simulated services
  msconnector-wizard                              set up, asking each question
  msconnector-wizard --yes --appmixer-url https://api.acme.appmixer.cloud \
      --appmixer-username admin@acme.com          headless (scripts, CI); the password
                                                  comes from APPMIXER_PASSWORD
  msconnector-wizard status --json                for cron and monitoring

Exit codes: 0 done, 1 failed (one line says why), 2 wrong usage, 130 interrupted.

Flags (before or after the command):
`

// printHelp writes the help text and every flag with its default.
func printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, helpText)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// flagAsValue catches `--app-name --yes`: the flag package takes the next
// word as the value even when it is one of our flags, and the run would go on
// with an app named "--yes" and without --yes.
func flagAsValue(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok || err != nil {
			return
		}
		v, ok := g.Get().(string)
		if !ok || !strings.HasPrefix(v, "-") {
			return
		}
		name, _, _ := strings.Cut(strings.TrimLeft(v, "-"), "=")
		if fs.Lookup(name) != nil {
			err = usageError{fmt.Sprintf("--%s needs a value, but the next word is the flag %s: write --%s VALUE", f.Name, v, f.Name)}
		}
	})
	return err
}

// parseInterspersed parses flags wherever they stand, so `--demo status` and
// `status --demo` mean the same; it returns the other words in order. After
// "--" every word is taken as it is.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(words, rest...), nil
		}
		if len(rest) == 0 {
			return words, nil
		}
		words, args = append(words, rest[0]), rest[1:]
	}
}

// guidShape is an Application (client) ID as the portal shows it.
var guidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkValues refuses flag values that could only fail later, after changes
// were made (Graph refuses them with a 400 of its own).
func (c *cli) checkValues() error {
	o := &c.opts
	o.AppName, o.AppID = strings.TrimSpace(o.AppName), strings.TrimSpace(o.AppID)
	switch {
	case o.AppName == "":
		return usageError{"--app-name is empty: give the app registration a name (default Appmixer)"}
	case utf8.RuneCountInString(o.AppName) > 256:
		// The limit azuretest holds Graph's displayName to (validate.go).
		return usageError{"--app-name is longer than 256 characters, Entra ID's limit for an app's display name"}
	case o.AppID != "" && !guidShape.MatchString(o.AppID):
		return usageError{fmt.Sprintf("--app-id %q is not an Application (client) ID: copy the GUID from the app's Overview page", o.AppID)}
	case o.Timeout <= 0:
		return usageError{fmt.Sprintf("--timeout %s: give a positive duration such as 30s", o.Timeout)}
	case o.WaitTimeout <= 0:
		return usageError{fmt.Sprintf("--wait-timeout %s: give a positive duration such as 2m", o.WaitTimeout)}
	}
	if _, err := azure.ParseSignInMethod(o.AuthMethod); err != nil {
		return usageError{"--auth: " + err.Error()}
	}
	if _, err := azure.LookupCloud(o.Cloud); err != nil {
		return usageError{"--cloud: " + err.Error()}
	}
	return nil
}

// validate checks values and, headless, that every input is there.
func (c *cli) validate(e env) error {
	o := &c.opts
	if _, ok := steps.Audiences[o.Audience]; !ok {
		return usageError{fmt.Sprintf("--audience %q: use single-tenant, multi-tenant or multi-tenant-and-personal", o.Audience)}
	}
	if _, err := azure.ParsePermissionList(o.Permissions); err != nil {
		return usageError{"--permissions: " + err.Error()}
	}
	exp, err := steps.ParseExpiry(c.expiry)
	if err != nil {
		return usageError{"--secret-expiry: " + err.Error()}
	}
	o.SecretExpiry = exp
	switch c.tenantField {
	case "", "on", "off":
		o.TenantField = steps.TenantField(c.tenantField)
	default:
		return usageError{fmt.Sprintf("--tenant-field %q: use on or off", c.tenantField)}
	}
	if o.Audience == "single-tenant" && o.TenantField == steps.TenantFieldOff {
		return usageError{"--audience single-tenant needs the tenant field (a single-tenant app cannot use Microsoft's common endpoint): drop --tenant-field off"}
	}
	if o.AppmixerURL != "" {
		if _, err := appmixer.ParseAPIURL(o.AppmixerURL); err != nil {
			return usageError{"--appmixer-url: " + err.Error()}
		}
	}
	if e.tty && !c.yes && !o.DryRun && !c.json {
		return nil // the TUI asks for what is missing
	}
	readOnly := c.command == "status"
	var missing []string
	if o.AppmixerURL == "" {
		missing = append(missing, "--appmixer-url (or APPMIXER_URL)")
	}
	if o.AppmixerToken.IsZero() {
		if o.AppmixerUsername == "" {
			missing = append(missing, "--appmixer-username (or APPMIXER_USERNAME)")
		}
		if o.AppmixerPassword.IsZero() {
			missing = append(missing, "APPMIXER_PASSWORD (or APPMIXER_TOKEN)")
		}
	}
	if !c.yes && !o.DryRun && !readOnly && c.json && e.tty {
		return usageError{"--json prints one object for scripts and asks nothing: add --yes to apply (or --dry-run to only see the plan)" + missingText(missing)}
	}
	if !c.yes && !o.DryRun && !readOnly {
		return usageError{"no terminal to ask questions in: pass --yes to apply without asking (or --dry-run to only see the plan)" + missingText(missing)}
	}
	if len(missing) > 0 {
		return usageError{"missing " + strings.Join(missing, ", ")}
	}
	return nil
}

func missingText(missing []string) string {
	if len(missing) == 0 {
		return ""
	}
	return "; also missing " + strings.Join(missing, ", ")
}

// startDemo runs both emulators in-process (TLS, a seeded admin and tenant) and
// points the options at them. The device code is approved after a short, visible delay.
func startDemo(o *steps.Options, e env) (func(), error) {
	az := azuretest.NewServer(azuretest.WithDeviceCodeAutoApprove(3*time.Second), azuretest.WithReplicationDelay(1500*time.Millisecond), azuretest.WithSecretPropagationDelay(time.Second))
	amx := appmixertest.NewServer()
	o.AzureHTTP, o.AppmixerHTTP = az.Client(), amx.Client()
	o.AuthorityHost, o.GraphURL, o.Tenant = az.URL, az.URL, az.TenantID
	o.AuthMethod, o.Cloud = "device", "public"
	o.AppmixerURL, o.AppmixerUsername = amx.URL, appmixertest.DefaultAdminUsername
	o.AppmixerPassword, o.AppmixerToken = steps.NewSecret(appmixertest.DefaultAdminPassword), steps.Secret{}
	if o.StateDir == "" {
		dir, err := os.MkdirTemp("", "msconnector-demo-*")
		if err != nil {
			az.Close()
			amx.Close()
			return nil, err
		}
		o.StateDir = dir
	}
	fmt.Fprintln(e.err, "Demo: Azure and Appmixer are simulated in this process; nothing real is changed.")
	dir := o.StateDir
	return func() { az.Close(); amx.Close(); os.RemoveAll(dir) }, nil
}
