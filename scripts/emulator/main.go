// Command emulator runs the Entra ID + Graph and Appmixer emulators as local
// servers until interrupted, for trying a real client (the Azure CLI, curl)
// against them by hand. It prints the environment such a client needs:
//
//	go run ./scripts/emulator -dir /tmp/emu
//	. /tmp/emu/env.sh && az ad app list
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/emulator"
)

func main() {
	dir := flag.String("dir", "", "directory for the CA bundle, the Azure CLI config and env.sh (required)")
	login := flag.Bool("login", true, "register the emulator as an az cloud and sign the automation principal in")
	flag.Parse()
	if *dir == "" {
		log.Fatal("usage: emulator -dir DIR")
	}
	az := azuretest.NewServer(azuretest.WithHostnames(emulator.AzCLIProxiedHosts...))
	defer az.Close()
	amx := appmixertest.NewServer()
	defer amx.Close()
	id, secret := az.AutomationCredentials()
	cli, err := emulator.NewAzCLI(*dir, emulator.AzCLIConfig{
		AuthorityURL: az.URL, GraphURL: emulator.GraphAlias(az.URL), TenantID: az.TenantID,
		CAPEM: append(az.CACertPEM(), amx.CACertPEM()...),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()
	if *login {
		if out, err := cli.Login(id, secret); err != nil {
			log.Fatalf("az login: %v\n%s", err, out)
		}
	}
	env := filepath.Join(*dir, "env.sh")
	var script string
	for _, kv := range cli.Env {
		script += "export " + shellQuote(kv) + "\n"
	}
	script += fmt.Sprintf("export APPMIXER_URL=%s APPMIXER_USERNAME=%s APPMIXER_PASSWORD=%s\n", amx.URL, appmixertest.DefaultAdminUsername, appmixertest.DefaultAdminPassword)
	if err := os.WriteFile(env, []byte(script), 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Entra ID + Graph: %s (Graph also as %s)\nAppmixer:         %s\ntenant %s, automation client %s\nenvironment:      . %s\n",
		az.URL, emulator.GraphAlias(az.URL), amx.URL, az.TenantID, id, env)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
}

func shellQuote(kv string) string {
	k, v, _ := strings.Cut(kv, "=")
	return k + "='" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
