package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// app is one invocation: its flags, and the exit code the command set.
type app struct {
	env  env
	args []string
	v    values
	code int
	ran  bool // a command's RunE started: an error after this is not a usage error
}

// usageError is a wrong or missing input: exit 2. It may wrap the error
// that said so, whose hint (a corrected value) is then said too.
type usageError struct {
	msg string
	err error
}

func (e usageError) Error() string { return e.msg }
func (e usageError) Unwrap() error { return e.err }

// usageOf prefixes a parse error with the flag it came from, keeping its hint.
func usageOf(flag string, err error) usageError { return usageError{flag + ": " + err.Error(), err} }

// longHelp is two paragraphs without line breaks of their own: fang wraps
// them to the terminal.
const longHelp = "msconnector-wizard sets up Appmixer's Microsoft connector: the Azure app registration " +
	"(redirect URIs, permissions, client secret) and the appmixer:microsoft configuration. " +
	"It shows each change and asks before making it.\n\n" +
	"Exit codes: 0 done, 1 failed (one line says why and what to do) or stopped at a plan, " +
	"2 wrong usage, 130 interrupted (run the same command again to continue)."

const examples = `# Try it against simulated Azure and Appmixer services
msconnector-wizard --demo
# Set up, asking each question
msconnector-wizard
# Headless (scripts, CI); the password comes from APPMIXER_PASSWORD
msconnector-wizard --yes \
  --appmixer-url https://api.acme.appmixer.cloud \
  --appmixer-username admin@acme.com
# For cron and monitoring: exit 1 when anything needs attention
msconnector-wizard status --json`

// commands builds the command tree from steps.Commands: the root is setup,
// and every command of the table is a subcommand with its own flags.
func (a *app) commands() *cobra.Command {
	setup, _ := steps.LookupCommand("setup")
	root := &cobra.Command{
		Use: "msconnector-wizard", Short: "Set up Appmixer's Microsoft connector end to end",
		Long: longHelp, Example: examples, Args: argsOf(setup),
		RunE: func(cmd *cobra.Command, args []string) error { return a.runCommand(cmd, setup, args) },
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	for _, name := range runFlagOrder {
		d := runFlags[name]
		d.name = name
		d.bind(root.PersistentFlags(), &a.v, a.env.getenv(d.env), d)
	}
	_ = root.PersistentFlags().MarkHidden("appmixer-password")
	for _, name := range steps.SignInFlags {
		a.bind(root.PersistentFlags(), name)
	}
	for _, name := range setup.Flags {
		a.bind(root.Flags(), name)
	}
	for _, c := range steps.Commands {
		sub := &cobra.Command{Use: c.Name, Short: c.Short, Args: argsOf(c),
			RunE: func(cmd *cobra.Command, args []string) error { return a.runCommand(cmd, c, args) }}
		if c.Arg != nil {
			sub.Use += " " + c.Arg.Name
			sub.ValidArgs = c.Arg.Values
		}
		for _, name := range c.Flags {
			a.bind(sub.Flags(), name)
		}
		root.AddCommand(sub)
	}
	a.bindExtras(root) // issue 15: inventory, reports, trace, logout (extras_cli.go)
	return root
}

// argsOf checks a command's words against the table: the one word it takes, or none.
func argsOf(c steps.Command) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if cmd.Parent() == nil && len(args) > 0 { // the root: a word is a command it does not know
			var names []string
			for _, sc := range cmd.Commands() { // the table's and logout, as --help lists them
				if !sc.Hidden && sc.Name() != "help" && sc.Name() != "completion" {
					names = append(names, sc.Name())
				}
			}
			return fmt.Errorf("unknown command %q: the commands are %s", args[0], strings.Join(names, ", "))
		}
		if len(args) > 1 {
			return fmt.Errorf("%s takes at most one word after it (got %q)", c.Name, strings.Join(args, " "))
		}
		arg := ""
		if len(args) == 1 {
			arg = args[0]
		}
		return steps.Usage(c.Name, arg)
	}
}

func (a *app) bind(fs *pflag.FlagSet, name string) {
	d := flagDefs[name]
	d.name = name
	env := ""
	if d.env != "" {
		env = a.env.getenv(d.env)
	}
	d.bind(fs, &a.v, env, d)
}

// execute runs the tree under fang (styled help, --version, completions, man
// page); errors are one line, and with --json one object on stdout too.
func execute(ctx context.Context, root *cobra.Command, a *app) error {
	wrapFlagHelp(root)
	return fang.Execute(ctx, root, fang.WithVersion(version()), fang.WithErrorHandler(func(_ io.Writer, _ fang.Styles, err error) {
		if !a.ran {
			a.usage(err)
		}
	}))
}

// usage reports a usage error in one line (and, with --json, as one object
// on stdout) and returns its exit code.
func (a *app) usage(err error) int {
	a.code = exitUsage
	if wantsJSON(a.args) {
		_ = wizard.EncodeJSON(a.env.out, struct {
			OK      bool   `json:"ok"`
			Command string `json:"command"`
			Error   string `json:"error"`
		}{false, commandOf(a.args), strings.ReplaceAll(wizard.ErrorLine(err, wizard.Invocation(false, "")), "\nerror: ", "\n")}) // one mistake a line, as on stderr
	}
	fmt.Fprintln(a.env.err, "error: "+wizard.ErrorLine(err, wizard.Invocation(false, ""))+" (see --help)")
	return a.code
}

// commandOf names the command the raw words ask for (setup when none does),
// for a usage error found before the flags were parsed.
func commandOf(args []string) string {
	for _, w := range args {
		if w == "--" {
			break
		}
		if _, ok := steps.LookupCommand(w); ok || w == "logout" {
			return w
		}
	}
	return "setup"
}

// wantsJSON reads --json from the raw words, for a usage error found before
// the flags were parsed.
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// runCommand checks the inputs, picks the front end and runs the command.
func (a *app) runCommand(cmd *cobra.Command, c steps.Command, args []string) error {
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	if err := a.check(cmd, c, arg); err != nil {
		return err
	}
	stopTrace, err := a.startTrace()
	if err != nil {
		return err
	}
	defer stopTrace()
	a.ran = true
	if a.v.extra.inventory != "" {
		a.code = a.runInventory(cmd.Context(), c, arg)
		return nil
	}
	out, err := a.start(cmd.Context(), c, arg, cmd.Parent() == nil)
	if err != nil {
		fmt.Fprintln(a.env.err, "error: "+err.Error())
		a.code = exitFail
		return nil
	}
	a.code = exitCode(out)
	if err := a.writeReports(out); err != nil {
		fmt.Fprintln(a.env.err, "error: "+err.Error())
		a.code = max(a.code, exitFail)
	}
	if a.code == exitInterrupted {
		again := "run the same command again to continue"
		if a.v.demoScene != "" {
			again = "run it again without --demo-scene to continue (with it, the scene starts over)"
		}
		fmt.Fprintln(a.env.err, "interrupted: nothing else was changed; "+again)
	}
	return nil
}

// exitCode turns an outcome into the process's exit code.
func exitCode(out *steps.Outcome) int {
	err := out.ExitErr()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitFail
}

// check refuses usage mistakes before anything runs.
func (a *app) check(cmd *cobra.Command, c steps.Command, arg string) error {
	if a.v.password != "" {
		return usageError{msg: passwordRefused} // run refuses it first; kept should a spelling slip past
	}
	if err := flagAsValue(cmd); err != nil {
		return err
	}
	if c.Arg != nil {
		if err := steps.Usage(c.Name, arg); err != nil {
			return usageError{msg: err.Error()}
		}
		c.Arg.Set(&a.v.opts, arg)
	}
	if err := a.checkValues(); err != nil {
		return err
	}
	if err := a.checkDemo(cmd); err != nil {
		return err
	}
	if err := a.checkExtras(); err != nil {
		return err
	}
	return a.checkInputs(c)
}

// flagAsValue catches `--app-name --yes`: a string flag takes the next word
// as its value even when it is one of our flags, and the run would go on
// with an app named "--yes" and without --yes.
func flagAsValue(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		v := f.Value.String()
		if err != nil || f.Value.Type() != "string" || !strings.HasPrefix(v, "-") {
			return
		}
		name, _, _ := strings.Cut(strings.TrimLeft(v, "-"), "=")
		if cmd.Flags().Lookup(name) != nil {
			err = usageError{msg: fmt.Sprintf("--%s needs a value, but the next word is the flag %s: write --%s VALUE", f.Name, v, f.Name)}
		}
	})
	return err
}

// guidShape is a GUID as the portal shows it: an Application (client) ID, a tenant ID.
var guidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkValues refuses flag values that could only fail later, after changes
// were made (Graph refuses them with a 400 of its own).
func (a *app) checkValues() error {
	o := &a.v.opts
	o.AppName, o.AppID = strings.TrimSpace(o.AppName), strings.TrimSpace(o.AppID)
	switch {
	case o.AppName == "":
		return usageError{msg: "--app-name is empty: give the app registration a name (default Appmixer)"}
	case utf8.RuneCountInString(o.AppName) > 256:
		// The limit azuretest holds Graph's displayName to.
		return usageError{msg: "--app-name is longer than 256 characters, Entra ID's limit for an app's display name"}
	case o.AppID != "" && !guidShape.MatchString(o.AppID):
		return usageError{msg: fmt.Sprintf("--app-id %q is not an Application (client) ID: copy the GUID from the app's Overview page", o.AppID)}
	case o.Timeout <= 0:
		return usageError{msg: fmt.Sprintf("--timeout %s: give a positive duration such as 30s", o.Timeout)}
	case o.WaitTimeout <= 0:
		return usageError{msg: fmt.Sprintf("--wait-timeout %s: give a positive duration such as 2m", o.WaitTimeout)}
	}
	if _, err := azure.ParseSignInMethod(o.AuthMethod); err != nil {
		return usageOf("--auth", err)
	}
	if _, err := azure.LookupCloud(o.Cloud); err != nil {
		return usageOf("--cloud", err)
	}
	if _, ok := steps.Audiences[o.Audience]; !ok {
		return usageError{msg: fmt.Sprintf("--audience %q: use single-tenant, multi-tenant or multi-tenant-and-personal", o.Audience)}
	}
	if _, _, err := steps.PermissionNames(o.Permissions); err != nil {
		return usageOf("--permissions", err)
	}
	exp, err := steps.ParseExpiry(a.v.expiry)
	if err != nil {
		return usageOf("--secret-expiry", err)
	}
	o.SecretExpiry = exp
	switch a.v.tenantField {
	case "", "on", "off":
		if a.v.tenantField != "" {
			o.TenantField = steps.TenantField(a.v.tenantField)
		}
	default:
		return usageError{msg: fmt.Sprintf("--tenant-field %q: use on or off", a.v.tenantField)}
	}
	if o.Audience == "single-tenant" && o.TenantField == steps.TenantFieldOff {
		return usageError{msg: "--audience single-tenant needs the tenant field (a single-tenant app cannot use Microsoft's common endpoint): drop --tenant-field off"}
	}
	if o.AppmixerURL != "" && !a.v.demo {
		if _, err := appmixer.ParseAPIURL(o.AppmixerURL); err != nil {
			return usageOf("--appmixer-url", err)
		}
	}
	return nil
}

// demoSealed are the flags that would point the demo somewhere: the demo
// uses only its own services, so they are refused rather than ignored.
var demoSealed = []string{"appmixer-url", "authority-host", "graph-url", "tenant", "cloud"}

// checkDemo refuses what a demo cannot honour, in one line each.
func (a *app) checkDemo(cmd *cobra.Command) error {
	if !a.v.demo {
		if a.v.demoScene != "" {
			return usageError{msg: "--demo-scene starts a demo world: add --demo"}
		}
		return nil
	}
	for _, name := range demoSealed {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return usageError{msg: fmt.Sprintf("--%s: the demo uses its own simulated services and never connects anywhere else; drop --%s (or drop --demo)", name, name)}
		}
	}
	if f := cmd.Flags().Lookup("appmixer-username"); f != nil && f.Changed {
		if _, ok := demoUsers[a.v.opts.AppmixerUsername]; !ok {
			return usageError{msg: fmt.Sprintf("--appmixer-username %q: the demo's Appmixer has %s", a.v.opts.AppmixerUsername, demoUserNames)}
		}
	}
	if a.v.demoScene != "" {
		if _, ok := lookupScene(a.v.demoScene); !ok {
			return usageError{msg: fmt.Sprintf("--demo-scene %q: the scenes are %s", a.v.demoScene, sceneNames())}
		}
	}
	return nil
}

// interactive: a person at a terminal answers the questions.
func (a *app) interactive() bool {
	return a.env.tty && !a.v.yes && !a.v.opts.DryRun && !a.v.json
}

// checkInputs: headless, every input must be there, and changes need --yes.
func (a *app) checkInputs(c steps.Command) error {
	o := &a.v.opts
	o.AppmixerPassword = steps.NewSecret(a.env.getenv("APPMIXER_PASSWORD"))
	o.AppmixerToken = steps.NewSecret(a.env.getenv("APPMIXER_TOKEN"))
	o.Remember = a.remember()
	if a.v.extra.inventory != "" {
		return a.checkInventory(c)
	}
	if a.interactive() || a.v.accessible && !a.v.yes && !a.v.json {
		return nil // the TUI and the accessible mode ask
	}
	if a.v.demo {
		return a.needYes(c, nil) // the demo fills the inputs in, but a script's contract is the same
	}
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
	return a.needYes(c, missing)
}

// needYes: a command that changes things runs headless only with --yes (or
// --dry-run); a missing input is named with its variable.
func (a *app) needYes(c steps.Command, missing []string) error {
	switch {
	case a.v.yes || a.v.opts.DryRun || c.ReadOnly:
	case a.v.json && a.env.tty:
		return usageError{msg: "--json prints one object for scripts and asks nothing: add --yes to apply (or --dry-run to only see the plan)" + also(missing)}
	case c.Destroys:
		return usageError{msg: c.Name + " deletes the app registration and Appmixer's Microsoft keys: pass --yes to confirm (or --dry-run to see what it would remove)" + also(missing)}
	default:
		return usageError{msg: "no terminal to ask questions in: pass --yes to apply without asking, --dry-run to only see the plan, or --accessible to answer plain questions" + also(missing)}
	}
	if len(missing) > 0 {
		return usageError{msg: "missing " + strings.Join(missing, ", ")}
	}
	return nil
}

func also(missing []string) string {
	if len(missing) == 0 {
		return ""
	}
	return "; also missing " + strings.Join(missing, ", ")
}

// start runs the command in the front end the invocation calls for.
func (a *app) start(ctx context.Context, c steps.Command, arg string, bare bool) (*steps.Outcome, error) {
	o := a.v.opts
	inv := wizard.Invocation(a.v.demo, a.v.opts.StateDir)
	if a.v.demo {
		stop, err := startDemo(ctx, &o, a.v.demoScene, a.env)
		if err != nil {
			return nil, fmt.Errorf("start the demo: %w", err)
		}
		defer stop()
	} else if a.env.client != nil {
		o.AzureHTTP, o.AppmixerHTTP = a.env.client, a.env.client
	}
	se := steps.NewSession(o)
	req := steps.Request{Command: c.Name, Arg: arg}
	asked := req
	if bare {
		// The bare program at a terminal offers the start menu for an
		// existing setup instead of going straight to setup.
		asked.Command = ""
	}
	ui := wizard.UI{In: a.env.in, Out: a.env.out, Err: a.env.err, Demo: a.v.demo, Inv: inv}
	switch {
	case a.v.accessible && !a.v.yes && !a.v.json && !a.v.opts.DryRun:
		return wizard.RunAccessible(ctx, se, asked, ui), nil
	case a.interactive():
		return wizard.RunTUI(ctx, se, asked, ui), nil
	}
	return wizard.Headless{Out: a.env.out, Err: a.env.err, JSON: a.v.json, Inv: inv}.Run(ctx, se, req), nil
}
