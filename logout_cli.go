package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/steps"
	"github.com/appmixer-tools/msconnector-wizard/wizard"
)

// remember is where a person's Azure sign-in is kept between runs: the
// state directory (the config directory by default). Only device-code and
// browser sign-ins are remembered, and never in the demo.
func (a *app) remember() *azure.Remember {
	if a.v.demo {
		return nil
	}
	switch a.v.opts.AuthMethod {
	case "", string(azure.SignInDevice), string(azure.SignInBrowser):
	default:
		return nil
	}
	dir := a.v.opts.StateDir
	if dir == "" {
		d, err := steps.DefaultStateDir()
		if err != nil {
			return nil // no config directory: the sign-in is not remembered
		}
		dir = d
	}
	return &azure.Remember{Dir: dir, CacheName: rememberCacheName}
}

// rememberCacheName names the token cache ("" = azure.DefaultCacheName);
// tests give theirs another name, so they never touch a real sign-in.
var rememberCacheName string

// logoutCommand forgets the remembered Azure sign-in. It is not a command of
// the steps table: it signs in nowhere and changes nothing in Azure or Appmixer.
func (a *app) logoutCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "logout", Short: "forget the remembered Azure sign-in (the next run asks again)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.v.opts.AuthMethod = "device"
			r := a.remember()
			if r == nil && !a.v.demo {
				return usageError{msg: "no config directory to forget a sign-in in: pass --state-dir"}
			}
			a.ran = true
			var removed []string
			if r != nil {
				var err error
				if removed, err = r.Forget(); err != nil {
					fmt.Fprintln(a.env.err, "error: logout: "+err.Error())
					a.code = exitFail
					return nil
				}
			}
			msg := "No Azure sign-in was remembered."
			switch {
			case a.v.demo:
				msg = "The demo never remembers a sign-in: nothing to forget."
			case len(removed) > 0:
				msg = fmt.Sprintf("Forgot the remembered Azure sign-in (%d file(s) removed); the next run asks you to sign in.", len(removed))
			}
			if a.v.json {
				return wizard.EncodeJSON(a.env.out, struct {
					OK      bool   `json:"ok"`
					Command string `json:"command"`
					Removed int    `json:"removed"`
				}{true, "logout", len(removed)})
			}
			fmt.Fprintln(a.env.out, msg)
			return nil
		}}
	a.bind(cmd.Flags(), "state-dir")
	return cmd
}
