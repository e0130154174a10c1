package wizard

import (
	"fmt"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// Each front end says a hint in its own words: scripts get the flag and the
// environment variable, the full-screen UI the field and the key to press.

// inputFlag is how a shell names an input: its flag and its variable.
type inputFlag struct{ flag, env string }

// Flag is the input's flag ("--tenant"), "" when it has none.
func (f inputFlag) Flag() string { return f.flag }

// Env is the input's environment variable(s), "" when it has none.
func (f inputFlag) Env() string { return f.env }

// InputFlags maps every hint input to the command line; a test checks each
// flag exists.
var InputFlags = map[hint.Input]inputFlag{
	hint.AppmixerURL:      {"--appmixer-url", "APPMIXER_URL"},
	hint.AppmixerUsername: {"--appmixer-username", "APPMIXER_USERNAME"},
	hint.AppmixerPassword: {"", "APPMIXER_PASSWORD (or APPMIXER_TOKEN)"},
	hint.AppName:          {"--app-name", ""},
	hint.AppID:            {"--app-id", ""},
	hint.Audience:         {"--audience", ""},
	hint.Permissions:      {"--permissions", ""},
	hint.SecretExpiry:     {"--secret-expiry", ""},
	hint.TenantField:      {"--tenant-field", ""},
	hint.AdminConsent:     {"--admin-consent", ""},
	hint.Auth:             {"--auth", ""},
	hint.Tenant:           {"--tenant", "AZURE_TENANT_ID"},
	hint.Cloud:            {"--cloud", ""},
	hint.AuthorityHost:    {"--authority-host", "AZURE_AUTHORITY_HOST"},
	hint.GraphURL:         {"--graph-url", ""},
	hint.StateDir:         {"--state-dir", ""},
	hint.Timeout:          {"--timeout", ""},
	hint.WaitTimeout:      {"--wait-timeout", ""},
	hint.AzureEnvironment: {"", "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"},
	hint.CACertificate:    {"", "SSL_CERT_FILE"},
}

// forShell phrases a hint for someone at a shell prompt (headless, and the
// line a TUI leaves behind): flags, variables, commands to type.
func forShell(h hint.Hint, inv invocation) string {
	var parts []string
	if h.Text != "" {
		parts = append(parts, h.Text)
	}
	if f, ok := InputFlags[h.Input]; ok && h.Input != "" {
		parts = append(parts, shellInput(f, h.Value))
	}
	if h.Command != "" {
		parts = append(parts, "run "+inv.command(h.Command))
	}
	if h.Retry {
		again := "run the same command again"
		if h.After > 0 {
			again += fmt.Sprintf(" in %s", h.After.Round(time.Second))
		}
		parts = append(parts, again)
	}
	return strings.Join(parts, "; ")
}

// shellInput is what to do about an input at a shell: "pass --flag value",
// "set --flag (or VAR)".
func shellInput(f inputFlag, value string) string {
	if f.flag != "" && value != "" {
		return "pass " + inputWords(f, value)
	}
	return "set " + inputWords(f, value)
}

// inputWords names an input as the command line takes it, without a verb
// (the TUI says "run again with …").
func inputWords(f inputFlag, value string) string {
	switch {
	case f.flag != "" && value != "":
		return f.flag + " " + value
	case f.flag != "" && f.env != "":
		return f.flag + " (or " + f.env + ")"
	case f.flag != "":
		return f.flag
	}
	return f.env
}

// ErrorLine is the one line a shell user reads: what failed, then what to do.
func ErrorLine(err error, inv invocation) string { return errorLine(err, inv) }

// errorLine is the one line a shell user reads: what failed, then what to do.
func errorLine(err error, inv invocation) string {
	msg := err.Error()
	if h, ok := hint.Of(err); ok {
		if s := forShell(h, inv); s != "" {
			msg += ": " + s
		}
	}
	return msg
}
