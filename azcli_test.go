package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

// TestRealAzureCLISignIn runs `--auth azure-cli` with the real Azure CLI (not
// a fake az): az signs a service principal in to the emulated cloud in a
// private AZURE_CONFIG_DIR, then the binary gets every Graph token from
// `az account get-access-token` through a whole setup and a status. It
// installs nothing: it skips when az is not on PATH (.ci/run installs
// Debian's azure-cli).
func TestRealAzureCLISignIn(t *testing.T) {
	if _, err := exec.LookPath("az"); err != nil {
		t.Skip("az is not on PATH (Debian: apt-get install azure-cli); the real Azure CLI test needs it")
	}
	bin := wizardBinary(t)
	az := azuretest.NewServer(azuretest.WithHostnames(emulator.AzCLIProxiedHosts...))
	amx := appmixertest.NewServer()
	t.Cleanup(func() { az.Close(); amx.Close() })
	emulator.FailOnUnusedFaults(t, az, amx)
	amx.SetServiceConfig(appmixer.ServiceID, map[string]any{"customerKey": "keep me"})

	dir := t.TempDir()
	cli, err := emulator.NewAzCLI(filepath.Join(dir, "az"), emulator.AzCLIConfig{
		AuthorityURL: az.URL, GraphURL: emulator.GraphAlias(az.URL), TenantID: az.TenantID,
		CAPEM: append(az.CACertPEM(), amx.CACertPEM()...),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cli.Close)
	id, secret := az.AutomationCredentials()
	if out, err := cli.Login(id, secret); err != nil {
		t.Fatalf("az could not sign in to the emulator: %v\n%s", err, out)
	}
	if out, _, code, err := cli.Run("account", "show", "--query", "tenantId", "-o", "tsv"); err != nil || code != 0 || strings.TrimSpace(out) != az.TenantID {
		t.Fatalf("az account show: %d %v %q", code, err, out)
	}

	state := filepath.Join(dir, "state")
	runBin := func(args ...string) (int, string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(args, "--auth", "azure-cli", "--yes", "--tenant", az.TenantID,
			"--authority-host", az.URL, "--graph-url", az.URL, "--appmixer-url", amx.URL, "--state-dir", state)...)
		// az's environment (its config dir, the CA bundle, the proxy) is what
		// azidentity's AzureCLICredential hands to the az it runs.
		cmd.Env = append(slices.Clone(cli.Env), "APPMIXER_USERNAME="+appmixertest.DefaultAdminUsername,
			"APPMIXER_PASSWORD="+appmixertest.DefaultAdminPassword, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.WaitDelay = 5 * time.Second
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		if err != nil && code < 0 {
			t.Fatalf("%v did not finish: %v\n%s", args, err, errb.String())
		}
		return code, out.String(), errb.String()
	}

	tokensBefore := tokenRequests(az)
	code, stdout, stderr := runBin("setup")
	if code != 0 {
		t.Fatalf("setup with --auth azure-cli: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if tokenRequests(az) <= tokensBefore {
		t.Fatal("the binary got no token from Entra through az")
	}
	apps := az.Applications()
	if len(apps) != 1 {
		t.Fatalf("%d app registrations, want 1", len(apps))
	}
	app := apps[0]
	owners := az.ApplicationOwners(app.AppID)
	autoSP := ""
	for _, sp := range az.ServicePrincipals() {
		if sp.AppID == id {
			autoSP = sp.ID
		}
	}
	if !slices.Contains(owners, autoSP) {
		t.Fatalf("the app was not created with az's signed-in principal (owners %v, want %s)", owners, autoSP)
	}
	cfg, _ := amx.ServiceConfig(appmixer.ServiceID)
	storedSecret, _ := cfg["clientSecret"].(string)
	if cfg["clientId"] != app.AppID || cfg["customerKey"] != "keep me" || !az.SecretWorks(app.AppID, storedSecret) {
		t.Fatalf("Appmixer holds clientId %v (app %s), customer key %v, working secret %v", cfg["clientId"], app.AppID, cfg["customerKey"], az.SecretWorks(app.AppID, storedSecret))
	}
	if len(app.Web.RedirectURIs) < 2 || !app.Web.ImplicitGrantSettings.EnableIDTokenIssuance || len(app.RequiredResourceAccess) == 0 {
		t.Fatalf("app not set up: %+v %+v", app.Web, app.RequiredResourceAccess)
	}
	hasSP := false
	for _, sp := range az.ServicePrincipals() {
		hasSP = hasSP || sp.AppID == app.AppID
	}
	if !hasSP {
		t.Fatal("no service principal for the app")
	}
	if strings.Contains(stdout+stderr, storedSecret) || strings.Contains(stdout+stderr, secret) {
		t.Fatal("a secret reached the output")
	}

	code, stdout, stderr = runBin("status")
	if code != 0 {
		t.Fatalf("status after setup: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if n := len(az.Applications()); n != 1 {
		t.Fatalf("status changed the tenant: %d apps", n)
	}
}

func tokenRequests(az *azuretest.Server) int {
	n := 0
	for _, r := range az.Requests() {
		if r.Route == "POST /{tenant}/oauth2/v2.0/token" && r.Status == 200 {
			n++
		}
	}
	return n
}
