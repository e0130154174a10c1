// Command azreplay replays a list of Azure CLI commands against the Entra ID
// + Graph emulator and compares each exit code (and, where the list gives
// one, the output) with what Microsoft Graph would give. It exits 1 on any
// mismatch. It needs az on PATH (Debian's azure-cli 2.45).
//
//	go run ./scripts/azreplay            # the built-in list (commands.txt)
//	go run ./scripts/azreplay -list FILE -v
//
// List format, one command per line ('#' starts a comment, which names the
// source of the expectation):
//
//	EXIT [NAME=] ARGS... [=> OUTPUT]   # source
//
// EXIT is az's expected exit code (0 ok, 1 error, 2 usage, 3 not found);
// ARGS are az's arguments (quote with ' or "); NAME= keeps the trimmed
// stdout as ${NAME} for later lines; => OUTPUT must equal the trimmed stdout.
// Built-in variables: ${GRAPH} (Graph base URL), ${TENANT}, ${AUTO_SP} (the
// signed-in service principal's object id), ${AUTO_APP} (its appId).
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

//go:embed commands.txt
var builtinList string

func main() {
	listFile := flag.String("list", "", "command list (default: the built-in commands.txt)")
	verbose := flag.Bool("v", false, "print every command and its output")
	flag.Parse()
	if _, err := exec.LookPath("az"); err != nil {
		fmt.Fprintln(os.Stderr, "azreplay: az is not on PATH: install the Azure CLI (Debian: apt-get install azure-cli)")
		os.Exit(2)
	}
	list := builtinList
	if *listFile != "" {
		b, err := os.ReadFile(*listFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "azreplay:", err)
			os.Exit(2)
		}
		list = string(b)
	}
	steps, err := parseList(list)
	if err != nil {
		fmt.Fprintln(os.Stderr, "azreplay:", err)
		os.Exit(2)
	}
	os.Exit(run(steps, *verbose))
}

func run(steps []step, verbose bool) int {
	az := azuretest.NewServer(azuretest.WithHostnames(emulator.AzCLIProxiedHosts...))
	defer az.Close()
	dir, err := os.MkdirTemp("", "azreplay-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "azreplay:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	graph := emulator.GraphAlias(az.URL)
	cli, err := emulator.NewAzCLI(dir, emulator.AzCLIConfig{AuthorityURL: az.URL, GraphURL: graph, TenantID: az.TenantID, CAPEM: az.CACertPEM()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "azreplay:", err)
		return 2
	}
	defer cli.Close()
	id, secret := az.AutomationCredentials()
	if out, err := cli.Login(id, secret); err != nil {
		fmt.Fprintf(os.Stderr, "azreplay: sign-in against the emulator failed: %v\n%s", err, out)
		return 1
	}
	vars := map[string]string{"GRAPH": graph, "TENANT": az.TenantID, "AUTO_APP": id, "AUTO_SP": automationSP(az, id)}
	mismatches := 0
	for _, st := range steps {
		args := make([]string, len(st.args))
		for i, a := range st.args {
			args[i] = expand(a, vars)
		}
		stdout, stderr, code, err := cli.Run(args...)
		got := strings.TrimSpace(stdout)
		ok := err == nil && code == st.exit
		if ok && st.hasOutput {
			ok = sameWords(got, expand(st.output, vars))
		}
		if ok && st.capture != "" {
			vars[st.capture] = got
		}
		switch {
		case !ok:
			mismatches++
			fmt.Printf("MISMATCH line %d: az %s\n  want exit %d%s, got exit %d (%v)\n  source: %s\n  stdout: %s\n  stderr: %s\n",
				st.line, strings.Join(args, " "), st.exit, wantOutput(st, vars), code, err, st.source, clip(got), clip(strings.TrimSpace(stderr)))
		case verbose:
			fmt.Printf("ok   line %d: exit %d  az %s\n", st.line, code, strings.Join(args, " "))
		}
	}
	if refused := cli.Refused(); len(refused) > 0 {
		fmt.Printf("note: az tried to reach outside the emulated cloud (refused): %s\n", strings.Join(refused, ", "))
	}
	fmt.Printf("azreplay: %d commands, %d matched Graph's expected exit codes, %d mismatched\n", len(steps), len(steps)-mismatches, mismatches)
	if mismatches > 0 {
		return 1
	}
	return 0
}

func automationSP(az *azuretest.Server, appID string) string {
	for _, sp := range az.ServicePrincipals() {
		if sp.AppID == appID {
			return sp.ID
		}
	}
	return ""
}

func wantOutput(st step, vars map[string]string) string {
	if !st.hasOutput {
		return ""
	}
	return fmt.Sprintf(" and output %q", expand(st.output, vars))
}

// sameWords compares outputs word by word (tsv separates columns by tabs).
func sameWords(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
