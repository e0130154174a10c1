package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// AzCLIProxiedHosts are Microsoft's host names the Azure CLI calls whatever
// cloud it is set to: MSAL Python asks instance discovery at
// login.microsoftonline.com about any authority it does not know
// (msal/authority.py). An emulator answering them must have them in its
// certificate; ConnectProxy sends them to it.
var AzCLIProxiedHosts = []string{"login.microsoftonline.com"}

// AzCLIConfig says where the emulated cloud is.
type AzCLIConfig struct {
	AuthorityURL string // Entra ID, e.g. https://127.0.0.1:PORT
	GraphURL     string // Graph under another name (GraphAlias), so az tells the resources apart
	TenantID     string
	CAPEM        []byte // the emulators' CA certificates
	Cloud        string // the name az registers the cloud under; "" = "AzureEmulator"
}

// AzCLI is a private Azure CLI setup (its own AZURE_CONFIG_DIR) for an
// emulated cloud: az trusts only the emulators' CA and can reach nothing
// but loopback and, through the proxy, the emulator as Microsoft's names.
type AzCLI struct {
	Dir   string   // AZURE_CONFIG_DIR and friends live here
	Env   []string // the whole environment for az, and for programs that run az
	Cloud string

	cfg   AzCLIConfig
	proxy *ConnectProxy
}

// GraphAlias names the emulator at authorityURL by "localhost" instead of
// 127.0.0.1: the same server, but a URL az does not take for the authority
// (az rest picks a token's resource by URL prefix).
func GraphAlias(authorityURL string) string {
	return strings.Replace(authorityURL, "127.0.0.1", "localhost", 1)
}

// NewAzCLI prepares dir (created if needed) and starts the proxy. Close it when done.
func NewAzCLI(dir string, cfg AzCLIConfig) (*AzCLI, error) {
	if cfg.Cloud == "" {
		cfg.Cloud = "AzureEmulator"
	}
	u, err := url.Parse(cfg.AuthorityURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("azcli: bad authority URL %q", cfg.AuthorityURL)
	}
	for _, d := range []string{"home", "azure"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, cfg.CAPEM, 0o600); err != nil {
		return nil, err
	}
	routes := map[string]string{}
	for _, h := range AzCLIProxiedHosts {
		routes[h+":443"] = u.Host
	}
	proxy, err := NewConnectProxy(routes)
	if err != nil {
		return nil, err
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"AZURE_CONFIG_DIR=" + filepath.Join(dir, "azure"),
		"REQUESTS_CA_BUNDLE=" + ca, // Python requests (az, MSAL) trusts only this bundle
		"SSL_CERT_FILE=" + ca,      // Go programs started with this environment too
		"HTTPS_PROXY=" + proxy.URL, "https_proxy=" + proxy.URL,
		"HTTP_PROXY=" + proxy.URL, "http_proxy=" + proxy.URL,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		// az's own settings as environment variables (AZURE_{section}_{name}):
		"AZURE_CORE_COLLECT_TELEMETRY=false", "AZURE_CORE_NO_COLOR=true", "AZURE_CORE_SURVEY_MESSAGE=false",
		"AZURE_CORE_DISABLE_CONFIRM_PROMPT=true", "AZURE_CORE_LOGIN_EXPERIENCE_V2=off",
		"PYTHONWARNINGS=ignore", "LANG=C.UTF-8",
	}
	return &AzCLI{Dir: dir, Env: env, Cloud: cfg.Cloud, cfg: cfg, proxy: proxy}, nil
}

// Close stops the proxy.
func (a *AzCLI) Close() { a.proxy.Close() }

// Refused lists what az tried to reach outside the emulated cloud.
func (a *AzCLI) Refused() []string { return a.proxy.Refused() }

// Run runs az with args (bounded by a minute) and returns its output and exit code.
func (a *AzCLI) Run(args ...string) (stdout, stderr string, code int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "az", args...)
	cmd.Env = a.Env
	cmd.Dir = a.Dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errb.String(), exit.ExitCode(), nil
	}
	if err != nil {
		return out.String(), errb.String(), -1, err
	}
	return out.String(), errb.String(), 0, nil
}

// Login registers the emulated cloud, selects it and signs a service
// principal in (the tenant has no subscriptions, hence
// --allow-no-subscriptions). It returns the output of the step that failed.
func (a *AzCLI) Login(clientID, secret string) (string, error) {
	// az 2.45 sets the Microsoft Graph endpoint only through a cloud config
	// (command_modules/cloud/custom.py _build_cloud); with the three AD
	// endpoints set it does not fetch ARM's metadata endpoint.
	conf, _ := json.Marshal(map[string]any{"endpoints": map[string]string{
		"activeDirectory":                a.cfg.AuthorityURL,
		"activeDirectoryResourceId":      "https://management.core.windows.net/",
		"activeDirectoryGraphResourceId": "https://graph.windows.net/",
		"resourceManager":                strings.TrimSuffix(a.cfg.AuthorityURL, "/") + "/",
		"management":                     "https://management.core.windows.net/",
		"microsoftGraphResourceId":       strings.TrimSuffix(a.cfg.GraphURL, "/") + "/",
	}})
	confFile := filepath.Join(a.Dir, "cloud.json")
	if err := os.WriteFile(confFile, conf, 0o600); err != nil {
		return "", err
	}
	steps := [][]string{
		{"cloud", "register", "--name", a.Cloud, "--cloud-config", "@" + confFile},
		{"cloud", "set", "--name", a.Cloud},
		{"login", "--service-principal", "--username", clientID, "--password", secret, "--tenant", a.cfg.TenantID,
			"--allow-no-subscriptions", "--output", "none"},
	}
	for _, s := range steps {
		out, errOut, code, err := a.Run(s...)
		if err != nil || code != 0 {
			return out + errOut, fmt.Errorf("az %s: exit %d %v", strings.Join(s[:2], " "), code, err)
		}
	}
	return "", nil
}
