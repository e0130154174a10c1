package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/internal/privfile"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// The demo runs the very same code against in-process emulators of Entra ID,
// Graph and Appmixer. Its world (apps, secrets, Appmixer's configuration,
// the resume file) lasts between runs in its own folder, so a second --demo
// offers the start menu and the lifecycle commands act on what the first
// made. --demo-scene starts it over from a prepared world.

// The demo's own delays, so it feels like Azure: a new app takes a moment to
// replicate, a new secret to propagate, a device code to be approved.
// MSCONNECTOR_DEMO_PACE=fast shortens them (rehearsals, tests).
var (
	demoApproveAfter = 3 * time.Second
	demoReplication  = 1500 * time.Millisecond
	demoPropagation  = time.Second
)

func demoPace(getenv func(string) string) {
	if getenv("MSCONNECTOR_DEMO_PACE") == "fast" {
		demoApproveAfter, demoReplication, demoPropagation = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	}
}

const (
	demoWorldVersion = 1
	demoUser         = "user@example.com"   // the not-admin scene's user
	demoUserPassword = "demo-user-password" // its password; simulated, never real
)

// demoWorldFile is what lasts: the scene and both emulators' snapshots.
type demoWorldFile struct {
	Version  int             `json:"version"`
	Scene    string          `json:"scene"`
	Username string          `json:"username"` // who the demo signs in to Appmixer as
	Azure    json.RawMessage `json:"azure"`
	Appmixer json.RawMessage `json:"appmixer"`
}

// demo is a running demo world.
type demo struct {
	dir      string
	scene    string
	username string
	az       *azuretest.Server
	amx      *appmixertest.Server
}

// demoDir is the demo's own folder: every file it writes is inside it.
func demoDir(stateDir string) (string, error) {
	if stateDir == "" {
		d, err := steps.DefaultStateDir()
		if err != nil {
			return "", err
		}
		stateDir = d
	}
	return filepath.Join(stateDir, "demo"), nil
}

// startDemo loads the lasting world (or builds scene, when asked for or when
// there is none), points the options at it and returns what saves it.
func startDemo(ctx context.Context, o *steps.Options, scene string, e env) (func(), error) {
	demoPace(e.getenv)
	dir, err := demoDir(o.StateDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the demo folder: %w", err)
	}
	d := &demo{dir: dir}
	world, err := d.load()
	switch {
	case scene == "" && err == nil:
		d.scene, d.username = world.Scene, world.Username
		if err := d.start(world); err != nil {
			return nil, err
		}
	case scene == "" && !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("the demo world in %s cannot be read (%v): start it over with --demo-scene fresh", dir, err)
	default:
		if scene == "" {
			scene = "fresh"
		}
		if err := d.build(ctx, scene); err != nil {
			return nil, err
		}
	}
	d.point(o)
	if d.scene == "throttled" {
		d.throttle()
	}
	fmt.Fprintf(e.err, "Demo (scene %s): simulated Azure and Appmixer; nothing real is changed.\nStart over with --demo-scene fresh.\n", d.scene)
	return func() {
		if err := d.save(); err != nil {
			fmt.Fprintln(e.err, "warning: the demo world was not saved:", err)
		}
		d.close()
	}, nil
}

// start runs both emulators, restored from world when given (Restore
// gives the tenant its saved ID).
func (d *demo) start(world *demoWorldFile) error {
	d.az = demoAzure(demoLoginHost, demoGraphHost)
	d.amx = appmixertest.NewServer(appmixertest.WithHostnames(demoAppmixerHost))
	if world == nil {
		return nil
	}
	if err := d.az.Restore(world.Azure); err != nil {
		d.close()
		return fmt.Errorf("the demo world's Azure part: %w: start it over with --demo-scene fresh", err)
	}
	if err := d.amx.Restore(world.Appmixer); err != nil {
		d.close()
		return fmt.Errorf("the demo world's Appmixer part: %w: start it over with --demo-scene fresh", err)
	}
	return nil
}

func (d *demo) close() { d.az.Close(); d.amx.Close() }

// demoAzure is an emulated Entra ID + Graph answering as login and graph,
// paced like Azure (demoPace): both demos start theirs here.
func demoAzure(login, graph string, more ...azuretest.Option) *azuretest.Server {
	return azuretest.NewServer(append([]azuretest.Option{azuretest.WithHostnames(login, graph),
		azuretest.WithDeviceCodeAutoApprove(demoApproveAfter), azuretest.WithReplicationDelay(demoReplication),
		azuretest.WithSecretPropagationDelay(demoPropagation)}, more...)...)
}

// point makes every service of the options one of the demo's, through the sealed client.
func (d *demo) point(o *steps.Options) {
	client := sealedClient(
		sealedRoute{[]string{demoLoginHost + ":443", demoGraphHost + ":443"}, d.az.URL, d.az.CACertPEM()},
		sealedRoute{[]string{demoAppmixerHost + ":443"}, d.amx.URL, d.amx.CACertPEM()})
	sealOptions(o, client, demoLoginHost, demoGraphHost, d.az.TenantID, d.dir)
	o.AppmixerURL = demoAppmixerURL
	if _, known := demoUsers[o.AppmixerUsername]; !known { // --appmixer-username names one of them (checkDemo)
		o.AppmixerUsername = d.username
	}
	o.SimulatedUsers = map[string]steps.Secret{}
	for u, p := range demoUsers {
		o.SimulatedUsers[u] = steps.NewSecret(p)
	}
	o.AppmixerPassword, o.AppmixerToken = o.SimulatedUsers[o.AppmixerUsername], steps.Secret{}
}

// demoUsers are the simulated Appmixer's users and their (simulated) passwords.
var demoUsers = map[string]string{
	appmixertest.DefaultAdminUsername: appmixertest.DefaultAdminPassword,
	demoUser:                          demoUserPassword,
}

// demoUserNames says who can sign in to the demo's Appmixer, for questions and errors.
const demoUserNames = appmixertest.DefaultAdminUsername + " (an admin) or " + demoUser + " (not an admin)"

func (d *demo) worldPath() string { return filepath.Join(d.dir, "world.json") }

func (d *demo) load() (*demoWorldFile, error) {
	b, err := os.ReadFile(d.worldPath())
	if err != nil {
		return nil, err
	}
	var w demoWorldFile
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	if w.Version != demoWorldVersion || w.Username == "" {
		return nil, fmt.Errorf("written by another version")
	}
	return &w, nil
}

// save writes the world (0600, atomically): simulated services only, so its
// secrets are simulated ones; Entra ID's side keeps only their hashes.
func (d *demo) save() error {
	az, err := d.az.Snapshot()
	if err != nil {
		return err
	}
	amx, err := d.amx.Snapshot()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(demoWorldFile{Version: demoWorldVersion, Scene: d.scene, Username: d.username, Azure: az, Appmixer: amx}, "", "  ")
	if err != nil {
		return err
	}
	return privfile.Write(d.worldPath(), b)
}

func removeIfThere(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
