package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// demoScene is a prepared demo world: what a presenter can start from.
type demoScene struct {
	name, about string
	setUp       bool                // the world holds a working setup first
	then        func(d *demo) error // what is done to it after
}

// demoScenes are the worlds --demo-scene offers, in the order --help lists them.
var demoScenes = []demoScene{
	{name: "fresh", about: "an empty tenant and an Appmixer without the connector (the default)"},
	{name: "existing", about: "a working setup: the start menu and a clean status", setUp: true},
	{name: "drift", about: "the picker URI, implicit grant and offline_access were removed: setup repairs only those", setUp: true, then: drift},
	{name: "expiring", about: "the secret expires in 10 days: status warns, rotate-secret fixes it", setUp: true, then: expiring},
	{name: "throttled", about: "Graph answers 429 with Retry-After and a 503 on the way: the run waits, and says so"},
	{name: "not-admin", about: "the Appmixer user is not an admin: refused before any change", then: notAdmin},
}

// demoSceneHelp lists the scenes for --help.
var demoSceneHelp = func() string {
	var b strings.Builder
	for i, s := range demoScenes {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(s.name + " (" + s.about + ")")
	}
	return b.String()
}()

func lookupScene(name string) (demoScene, bool) {
	for _, s := range demoScenes {
		if s.name == name {
			return s, true
		}
	}
	return demoScene{}, false
}

func sceneNames() string {
	var n []string
	for _, s := range demoScenes {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

// build starts a new world from a scene, replacing the old one. A working
// setup is made by the program's own setup, quickly (no delays) and quietly.
func (d *demo) build(ctx context.Context, name string) error {
	sc, ok := lookupScene(name)
	if !ok {
		return fmt.Errorf("unknown demo scene %q: the scenes are %s", name, sceneNames())
	}
	d.scene, d.username = sc.name, appmixertest.DefaultAdminUsername
	if err := d.start(nil); err != nil {
		return err
	}
	if err := clearDir(d.dir); err != nil {
		d.close()
		return err
	}
	if sc.setUp {
		d.az.SetReplicationDelay(0)
		d.az.SetSecretPropagationDelay(0)
		var o steps.Options
		d.point(&o)
		o.Timeout, o.WaitTimeout = 10*time.Second, 30*time.Second
		approve := func(e steps.Event) { // the scene's sign-in approves its own device code at once
			if e.Kind == steps.EventDeviceCode {
				_ = d.az.ApproveDeviceCode(e.Device.UserCode)
			}
		}
		out := steps.NewSession(o).Run(ctx, steps.Request{Command: "setup"}, steps.Yes{Command: "setup"}, approve)
		d.az.SetReplicationDelay(demoReplication)
		d.az.SetSecretPropagationDelay(demoPropagation)
		if out.Err != nil {
			d.close()
			return fmt.Errorf("preparing the %s scene: %w", name, out.Err)
		}
	}
	if sc.then != nil {
		if err := sc.then(d); err != nil {
			d.close()
			return fmt.Errorf("preparing the %s scene: %w", name, err)
		}
	}
	return nil
}

// clearDir removes the old world and resume file, so a scene starts clean.
func clearDir(dir string) error {
	for _, f := range []string{"world.json", "state.json"} {
		if err := removeIfThere(dir, f); err != nil {
			return fmt.Errorf("start the demo over: %w", err)
		}
	}
	return nil
}

// theApp is the scene's one app registration.
func (d *demo) theApp() (azuretest.Application, error) {
	apps := d.az.Applications()
	if len(apps) != 1 {
		return azuretest.Application{}, fmt.Errorf("want one app, have %d", len(apps))
	}
	return apps[0], nil
}

func drift(d *demo) error {
	app, err := d.theApp()
	if err != nil {
		return err
	}
	if err := d.az.RemoveRedirectURIs(app.AppID, demoAppmixerURL+"/plugins/appmixer/microsoft/onedrive/picker"); err != nil {
		return err
	}
	if err := d.az.SetImplicitGrant(app.AppID, false, false); err != nil {
		return err
	}
	const offlineAccess = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182" // Graph's offline_access scope id
	return d.az.RemovePermission(app.AppID, azure.GraphAppID, offlineAccess)
}

func expiring(d *demo) error {
	app, err := d.theApp()
	if err != nil {
		return err
	}
	return d.az.MutateApplication(app.AppID, func(a *azuretest.Application) {
		for i := range a.PasswordCredentials {
			a.PasswordCredentials[i].EndDateTime = time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
		}
	})
}

func notAdmin(d *demo) error {
	d.username = demoUser
	d.amx.AddUser(d.username, demoUserPassword, false)
	return nil
}

// throttle is the throttled scene's weather, on every start: Graph asks to
// wait on the app search and on the new secret (learn.microsoft.com/graph/throttling).
func (d *demo) throttle() {
	d.az.Throttle("GET /v1.0/applications", 2*time.Second)
	d.az.Throttle("POST /v1.0/applications/{id}/addPassword", 2*time.Second)
}
