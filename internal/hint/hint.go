// Package hint keeps what a person can do about an error apart from the
// error itself. An error says in one line what failed; its Hint is data, and
// each front end phrases it for its user: headless names the flag and the
// environment variable, the TUI names the field and the key to press.
package hint

import (
	"errors"
	"fmt"
	"time"
)

// Input is something the person can change. Its value is the flag's name
// without the dashes; a test checks that every Input is a flag of the
// command line (or, for the few with no flag, an environment variable).
type Input string

const (
	AppmixerURL      Input = "appmixer-url"
	AppmixerUsername Input = "appmixer-username"
	AppmixerPassword Input = "appmixer-password" // APPMIXER_PASSWORD / APPMIXER_TOKEN: never a flag
	AppName          Input = "app-name"
	AppID            Input = "app-id"
	Audience         Input = "audience"
	Permissions      Input = "permissions"
	SecretExpiry     Input = "secret-expiry"
	TenantField      Input = "tenant-field"
	AdminConsent     Input = "admin-consent"
	Auth             Input = "auth"
	Tenant           Input = "tenant"
	Cloud            Input = "cloud"
	AuthorityHost    Input = "authority-host"
	GraphURL         Input = "graph-url"
	StateDir         Input = "state-dir"
	Timeout          Input = "timeout"
	WaitTimeout      Input = "wait-timeout"
	AzureEnvironment Input = "azure-environment" // AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET
	CACertificate    Input = "ca-certificate"    // SSL_CERT_FILE: trust a private CA
)

// Inputs lists every Input, for the test that checks each has a flag or variable.
var Inputs = []Input{AppmixerURL, AppmixerUsername, AppmixerPassword, AppName, AppID, Audience, Permissions,
	SecretExpiry, TenantField, AdminConsent, Auth, Tenant, Cloud, AuthorityHost, GraphURL, StateDir, Timeout,
	WaitTimeout, AzureEnvironment, CACertificate}

// Hint is what to do next. Every field is optional; a front end says the
// parts that are set, in its own words.
type Hint struct {
	Text    string        // what to do, in words any front end can show ("sign in as an Appmixer admin"); never a flag or a key
	Input   Input         // the input to change, when changing one fixes it
	Value   string        // a suggested value for Input ("device" for Auth)
	Command string        // a command to run next: "setup", "rotate-secret", "tenant on", "status"
	Retry   bool          // the same command again may well succeed (a transient failure)
	After   time.Duration // Retry: wait this long first (a throttling Retry-After)
}

// IsZero reports whether the hint says nothing.
func (h Hint) IsZero() bool { return h == Hint{} }

// Error is an error with a hint beside it. Error() is the failure alone.
type Error struct {
	Err  error
	Hint Hint
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Wrap attaches h to err (nil stays nil). An inner hint is kept unless h says more.
func Wrap(err error, h Hint) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Hint: h}
}

// Errorf is fmt.Errorf with a hint; %w works as usual.
func Errorf(h Hint, format string, a ...any) error {
	return &Error{Err: fmt.Errorf(format, a...), Hint: h}
}

// New is an error with text msg and hint h.
func New(msg string, h Hint) error { return &Error{Err: errors.New(msg), Hint: h} }

// Of returns the outermost hint in err's chain that is not empty.
func Of(err error) (Hint, bool) {
	for err != nil {
		var he *Error
		if !errors.As(err, &he) {
			return Hint{}, false
		}
		if !he.Hint.IsZero() {
			return he.Hint, true
		}
		err = he.Err
	}
	return Hint{}, false
}

// Retry is the hint of a transient failure: the same command again.
func Retry(text string) Hint { return Hint{Text: text, Retry: true} }

// Change is the hint to change one input.
func Change(in Input, text string) Hint { return Hint{Input: in, Text: text} }

// Run is the hint to run another command.
func Run(command, text string) Hint { return Hint{Command: command, Text: text} }
