package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// SignInMethod picks the azidentity credential SignIn uses.
type SignInMethod string

const (
	SignInDevice      SignInMethod = "device"      // DeviceCodeCredential: code shown through OnDeviceCode
	SignInBrowser     SignInMethod = "browser"     // InteractiveBrowserCredential
	SignInAzureCLI    SignInMethod = "azure-cli"   // AzureCLICredential: reuses `az login`
	SignInEnvironment SignInMethod = "environment" // EnvironmentCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, …
)

// SignInMethods lists the valid methods in the order a UI offers them.
var SignInMethods = []SignInMethod{SignInDevice, SignInBrowser, SignInAzureCLI, SignInEnvironment}

// ParseSignInMethod checks a --auth value.
func ParseSignInMethod(s string) (SignInMethod, error) {
	for _, m := range SignInMethods {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, nil
		}
	}
	return "", hint.Errorf(hint.Change(hint.Auth, "choose device, browser, azure-cli or environment"), "unknown sign-in method %q", s)
}

// DefaultPublicClientID is the Azure CLI's public client, azidentity's default for user sign-in.
const DefaultPublicClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// DefaultTimeout bounds one try of an HTTP request when no Timeout is given
// (a whole call: httpx.CallBoundFactor times as long).
const DefaultTimeout = httpx.DefaultTimeout

// DeviceCodePrompt is what the user needs to finish a device-code sign-in.
// ExpiresOn is zero: azidentity does not pass the code's lifetime on.
type DeviceCodePrompt struct {
	UserCode, VerificationURL, Message string
	ExpiresOn                          time.Time
}

// SignInOptions configures SignIn.
type SignInOptions struct {
	Method        SignInMethod
	TenantID      string                 // "" = organizations (delegated) / from env (environment)
	ClientID      string                 // public client for device/browser; "" = DefaultPublicClientID
	Cloud         Cloud                  // zero = public
	AuthorityHost string                 // overrides Cloud.AuthorityHost; "" = AZURE_AUTHORITY_HOST, then the cloud's
	GraphURL      string                 // overrides Cloud.GraphURL
	HTTPClient    *http.Client           // transport for MSAL and Graph; nil = default with system roots
	OnDeviceCode  func(DeviceCodePrompt) // device flow: the UI renders this
	Timeout       time.Duration          // bound on one try (default 30s); a whole call gets httpx.CallBoundFactor times as long
	Remember      *Remember              // device/browser: reuse and keep the sign-in between runs; nil = forget it at exit
}

// Session is a signed-in identity plus the endpoints and transport it was obtained with.
type Session struct {
	Credential    azcore.TokenCredential
	TenantID      string // from the AuthenticationRecord or the token's claims
	UserName      string // delegated sign-in; "" for service principals
	GraphURL      string
	AuthorityHost string
	HTTPClient    *http.Client
	Method        SignInMethod
	Timeout       time.Duration // per request bound; 0 = DefaultTimeout
	Remembered    bool          // signed in silently from an earlier run's sign-in
	Note          string        // something to tell the person about the sign-in ("will not be remembered")
}

// GraphScope is the scope of a token for the session's Graph.
func (s *Session) GraphScope() string { return s.graphURL() + "/.default" }

func (s *Session) graphURL() string {
	if s.GraphURL == "" {
		return clouds["public"].GraphURL
	}
	return strings.TrimRight(s.GraphURL, "/")
}

func (s *Session) authorityHost() string {
	if s.AuthorityHost == "" {
		return clouds["public"].AuthorityHost
	}
	return s.AuthorityHost
}

func (s *Session) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

func (s *Session) httpClient() *http.Client {
	if s.HTTPClient == nil {
		return defaultHTTPClient()
	}
	return s.HTTPClient
}

// entraOptions describe every call to Entra ID in this session: azidentity's
// and MSAL's (through clientOptions) and CheckClientSecret's.
func (s *Session) entraOptions() httpx.Options {
	return httpx.Options{Service: "Entra ID", URLInput: hint.AuthorityHost, HTTPClient: s.httpClient(), Timeout: s.timeout()}
}

// clientOptions are the azidentity options every credential of this session
// uses: the Entra ID pipeline's transport (so MSAL's calls follow no redirect
// and have capped answers), retry rule and call bound, and the authority host.
func (s *Session) clientOptions() azcore.ClientOptions {
	co := httpx.ClientOptions(s.entraOptions())
	co.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: s.authorityHost()}
	return co
}

// disableInstanceDiscovery: MSAL asks login.microsoftonline.com about any other host.
func (s *Session) disableInstanceDiscovery() bool {
	return !IsMicrosoftAuthorityHost(s.authorityHost())
}

func defaultHTTPClient() *http.Client {
	// system roots: SSL_CERT_FILE / SSL_CERT_DIR work for a private CA
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// SignIn signs in with the chosen method and gets a Graph token up front, so a
// wrong tenant, secret or missing consent is reported before any change is made.
func SignIn(ctx context.Context, o SignInOptions) (*Session, error) {
	s, err := newSession(o)
	if err != nil {
		return nil, err
	}
	tro := policy.TokenRequestOptions{Scopes: []string{s.GraphScope()}, EnableCAE: true}
	// EnableCAE as azcore's bearer policy sets it: azidentity keeps separate token
	// caches for CAE and non-CAE requests, and the Graph client must find this token.
	co := s.clientOptions()
	ar := &authRecorder{next: co.Transport, o: s.entraOptions()}
	co.Transport = ar
	fail := func(err error) error {
		// Interrupted or out of time while waiting (the device code's polling
		// then reports its last "authorization pending"): say that, so ctrl+c
		// is an interruption and not an Azure failure.
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("sign-in (%s) stopped while waiting: %w", o.Method, cerr)
		}
		return newAuthErrorRec("sign-in ("+string(o.Method)+")", err, ar)
	}
	var rec azidentity.AuthenticationRecord
	switch o.Method {
	case SignInDevice:
		if o.OnDeviceCode == nil {
			return nil, errors.New("sign-in: device code sign-in needs a way to show the code (OnDeviceCode is nil)")
		}
		cred, r, err := signInUser(ctx, o.Remember, s, o, &tro, func(c azidentity.Cache, r azidentity.AuthenticationRecord, silent bool) (userCredential, error) {
			return azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
				ClientOptions:            co,
				ClientID:                 clientIDOrDefault(o.ClientID),
				TenantID:                 o.TenantID,
				DisableInstanceDiscovery: s.disableInstanceDiscovery(),
				Cache:                    c, AuthenticationRecord: r, DisableAutomaticAuthentication: silent,
				UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
					o.OnDeviceCode(DeviceCodePrompt{UserCode: m.UserCode, VerificationURL: m.VerificationURL, Message: m.Message})
					return nil
				},
			})
		})
		if err != nil {
			return nil, fail(err)
		}
		rec, s.Credential = r, cred
	case SignInBrowser:
		cred, r, err := signInUser(ctx, o.Remember, s, o, &tro, func(c azidentity.Cache, r azidentity.AuthenticationRecord, silent bool) (userCredential, error) {
			return azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{
				ClientOptions:            co,
				ClientID:                 clientIDOrDefault(o.ClientID),
				TenantID:                 o.TenantID,
				DisableInstanceDiscovery: s.disableInstanceDiscovery(),
				Cache:                    c, AuthenticationRecord: r, DisableAutomaticAuthentication: silent,
			})
		})
		if err != nil {
			return nil, fail(err)
		}
		rec, s.Credential = r, cred
	case SignInAzureCLI:
		cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: o.TenantID})
		if err != nil {
			return nil, fail(err)
		}
		s.Credential = cred
	case SignInEnvironment:
		if env := os.Getenv("AZURE_TENANT_ID"); o.TenantID != "" && env != "" && !strings.EqualFold(env, o.TenantID) {
			return nil, hint.Errorf(hint.Change(hint.Tenant, "give the same tenant as the environment does, or none"), "sign-in (environment): the tenant %s differs from AZURE_TENANT_ID %s", o.TenantID, env)
		}
		cred, err := azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{
			ClientOptions:            co,
			DisableInstanceDiscovery: s.disableInstanceDiscovery(),
		})
		if err != nil {
			return nil, fail(err)
		}
		s.Credential = cred
	default:
		return nil, hint.Errorf(hint.Change(hint.Auth, "choose device, browser, azure-cli or environment"), "sign-in: unknown method %q", o.Method)
	}

	// Preflight: a Graph token now (for device/browser it comes from the cache Authenticate filled).
	pctx := ctx
	if o.Method == SignInAzureCLI || o.Method == SignInEnvironment {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(ctx, httpx.CallBoundFactor*s.timeout())
		defer cancel()
	}
	tok, err := s.Credential.GetToken(pctx, tro)
	if err != nil {
		return nil, fail(err)
	}
	s.TenantID, s.UserName = rec.TenantID, rec.Username
	if c, err := parseTokenClaims(tok.Token); err == nil {
		if s.TenantID == "" {
			s.TenantID = c.TenantID
		}
		if s.UserName == "" && rec.TenantID == "" {
			s.UserName = c.userName()
		}
	}
	if s.TenantID == "" {
		s.TenantID = o.TenantID
	}
	return s, nil
}

// newSession resolves endpoints, transport and timeout; no network.
func newSession(o SignInOptions) (*Session, error) {
	c := o.Cloud
	if c.AuthorityHost == "" || c.GraphURL == "" {
		name := c.Name
		lc, err := LookupCloud(name)
		if err != nil {
			return nil, fmt.Errorf("sign-in: %w", err)
		}
		if c.AuthorityHost == "" {
			c.AuthorityHost = lc.AuthorityHost
		}
		if c.GraphURL == "" {
			c.GraphURL = lc.GraphURL
		}
	}
	authority := o.AuthorityHost
	if authority == "" {
		authority = os.Getenv("AZURE_AUTHORITY_HOST") // azidentity's variable; honoured for every method
	}
	if authority == "" {
		authority = c.AuthorityHost
	}
	authority, err := NormalizeAuthorityHost(authority)
	if err != nil {
		return nil, fmt.Errorf("sign-in: %w", err)
	}
	graph := o.GraphURL
	if graph == "" {
		graph = c.GraphURL
	}
	graph, err = NormalizeGraphURL(graph)
	if err != nil {
		return nil, fmt.Errorf("sign-in: %w", err)
	}
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	return &Session{GraphURL: graph, AuthorityHost: authority, HTTPClient: hc, Method: o.Method, Timeout: t}, nil
}

func clientIDOrDefault(id string) string {
	if id == "" {
		return DefaultPublicClientID
	}
	return id
}
