package main

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// values are every flag's value; each command binds the flags it takes to
// the same fields, so parsing fills them whichever command runs.
type values struct {
	opts        steps.Options
	expiry      string
	tenantField string
	yes, json   bool
	demo        bool
	demoScene   string
	accessible  bool
	password    string // refused: a password never comes from a flag
	extra       extraValues
}

// flagDef is one flag of the command line, defined once.
type flagDef struct {
	name, short, usage, env string
	bind                    func(fs *pflag.FlagSet, v *values, def string, d flagDef)
}

func str(p func(*values) *string, def string) func(*pflag.FlagSet, *values, string, flagDef) {
	return func(fs *pflag.FlagSet, v *values, envDef string, d flagDef) {
		if envDef != "" {
			def = envDef
		}
		fs.StringVarP(p(v), d.name, d.short, def, d.usage)
	}
}

func boolean(p func(*values) *bool) func(*pflag.FlagSet, *values, string, flagDef) {
	return func(fs *pflag.FlagSet, v *values, envDef string, d flagDef) {
		fs.BoolVarP(p(v), d.name, d.short, envDef != "", d.usage)
	}
}

func duration(p func(*values) *time.Duration, def time.Duration) func(*pflag.FlagSet, *values, string, flagDef) {
	return func(fs *pflag.FlagSet, v *values, _ string, d flagDef) { fs.DurationVar(p(v), d.name, def, d.usage) }
}

// flagDefs are the flags by name: the sign-in flags every command takes,
// each command's own (steps.Commands lists them), and the run's.
var flagDefs = map[string]flagDef{
	"appmixer-url": {usage: "Appmixer API base URL, e.g. https://api.acme.appmixer.cloud", env: "APPMIXER_URL",
		bind: str(func(v *values) *string { return &v.opts.AppmixerURL }, "")},
	"appmixer-username": {usage: "Appmixer admin user; the password comes from APPMIXER_PASSWORD or a prompt", env: "APPMIXER_USERNAME",
		bind: str(func(v *values) *string { return &v.opts.AppmixerUsername }, "")},
	"auth": {usage: "Azure sign-in: device | browser | azure-cli | environment",
		bind: str(func(v *values) *string { return &v.opts.AuthMethod }, "device")},
	"tenant": {usage: "Azure tenant ID or domain (default: your home tenant)", env: "AZURE_TENANT_ID",
		bind: str(func(v *values) *string { return &v.opts.Tenant }, "")},
	"cloud": {usage: "Azure cloud: public | usgov | usgov-dod | china",
		bind: str(func(v *values) *string { return &v.opts.Cloud }, "public")},
	"authority-host": {usage: "Entra ID authority host URL", env: "AZURE_AUTHORITY_HOST",
		bind: str(func(v *values) *string { return &v.opts.AuthorityHost }, "")},
	"graph-url": {usage: "Microsoft Graph base URL (default: the cloud's)",
		bind: str(func(v *values) *string { return &v.opts.GraphURL }, "")},
	"state-dir": {usage: "Where the resume file is kept (default: your config directory)",
		bind: str(func(v *values) *string { return &v.opts.StateDir }, "")},
	"timeout": {usage: "bound on each network request (a whole call, retries included, gets twice that)",
		bind: duration(func(v *values) *time.Duration { return &v.opts.Timeout }, 30*time.Second)},
	"wait-timeout": {usage: "bound on waiting for Azure replication and secret propagation",
		bind: duration(func(v *values) *time.Duration { return &v.opts.WaitTimeout }, 2*time.Minute)},
	"app-name": {usage: "display name of the Azure app registration",
		bind: str(func(v *values) *string { return &v.opts.AppName }, steps.DefaultAppName)},
	"app-id": {usage: "act on this existing app (its Application (client) ID)",
		bind: str(func(v *values) *string { return &v.opts.AppID }, "")},
	"audience": {usage: "Who can sign in: single-tenant | multi-tenant | multi-tenant-and-personal",
		bind: str(func(v *values) *string { return &v.opts.Audience }, steps.DefaultAudience)},
	"permissions": {usage: "Graph delegated permissions: documented | onedrive | all | a comma list (offline_access and User.Read are always added)",
		bind: str(func(v *values) *string { return &v.opts.Permissions }, steps.DefaultPermissions)},
	"secret-expiry": {usage: "New secret's lifetime. " + steps.ExpiryRule,
		bind: str(func(v *values) *string { return &v.expiry }, "24months")},
	"tenant-field": {usage: "Appmixer's tenant field: on | off (default: leave as is; single-tenant turns it on)",
		bind: str(func(v *values) *string { return &v.tenantField }, "")},
	"admin-consent": {usage: "grant tenant-wide admin consent for the permissions",
		bind: boolean(func(v *values) *bool { return &v.opts.AdminConsent })},
	"keep-old": {usage: "keep the old secrets this tool created",
		bind: boolean(func(v *values) *bool { return &v.opts.KeepOld })},
}

// runFlags are the flags of the run itself, on every command.
var runFlags = map[string]flagDef{
	"yes": {short: "y", usage: "apply every change without asking (headless)",
		bind: boolean(func(v *values) *bool { return &v.yes })},
	"dry-run": {usage: "show the plan; change nothing anywhere",
		bind: boolean(func(v *values) *bool { return &v.opts.DryRun })},
	"json": {usage: "print one JSON object (never the secret)",
		bind: boolean(func(v *values) *bool { return &v.json })},
	"demo": {usage: "run against built-in simulated Azure and Appmixer services; the demo world lasts between runs",
		bind: boolean(func(v *values) *bool { return &v.demo })},
	"demo-scene": {usage: "With --demo, start the demo world over from a scene: " + demoSceneHelp,
		bind: str(func(v *values) *string { return &v.demoScene }, "")},
	"accessible": {usage: "plain questions for screen readers; works with any input and output", env: "ACCESSIBLE",
		bind: boolean(func(v *values) *bool { return &v.accessible })},
	"appmixer-password": {usage: "not accepted: set APPMIXER_PASSWORD or type it at the prompt",
		bind: str(func(v *values) *string { return &v.password }, "")},
}

// runFlagOrder lists the run flags for help.
var runFlagOrder = []string{"yes", "dry-run", "json", "demo", "demo-scene", "accessible", "appmixer-password"}
