package fleet_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/fleet/fleetsim"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

const threeOnTwo = `defaults:
  appName: Appmixer
instances:
  - {name: acme, appmixerUrl: "https://api.acme.appmixer.cloud", username: admin@acme.com, passwordEnv: PW, tenant: t1.example}
  - {name: globex, appmixerUrl: "https://api.globex.appmixer.cloud", username: admin@globex.com, passwordEnv: PW, tenant: t1.example}
  - {name: initech, appmixerUrl: "https://api.initech.appmixer.cloud", username: user@initech.com, passwordEnv: PW, tenant: t2.example}
`

// startWorld parses an inventory and starts its simulated services.
func startWorld(t *testing.T, src string) (*fleet.Inventory, *fleetsim.World) {
	t.Helper()
	inv, err := fleet.Parse("inv.yaml", []byte(src), fleet.LoadOptions{SkipEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	w := fleetsim.Start(inv, []azuretest.Option{azuretest.WithDeviceCodeAutoApprove(time.Millisecond)}, nil)
	t.Cleanup(w.Close)
	return inv, w
}

// Three instances on two tenants, one Appmixer user not an admin: two
// succeed, one fails with its own error, and each tenant signs in once.
func TestInventoryTwoOKOneErrorTwoDeviceCodes(t *testing.T) {
	inv, w := startWorld(t, threeOnTwo)
	w.NotAdmin(inv.Instances[2])
	var mu sync.Mutex
	var codes, queued []string
	r := &fleet.Runner{Command: "setup", Base: steps.Options{StateDir: t.TempDir(), Timeout: 5 * time.Second, WaitTimeout: 20 * time.Second},
		Options: w.Options, Parallel: 3, Observe: func(e fleet.Event) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case e.Kind == steps.EventDeviceCode:
				codes = append(codes, e.Tenant+" for "+strings.Join(e.For, ","))
			case e.Step.Title == "Queued":
				queued = append(queued, e.Instance)
			}
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res := r.Run(ctx, inv.Instances)
	ok := map[string]bool{}
	for _, x := range res {
		ok[x.Instance.Name] = x.ExitErr() == nil
	}
	if !ok["acme"] || !ok["globex"] || ok["initech"] {
		t.Fatalf("want acme and globex ok, initech failed: %v\n%v", ok, res[2].ExitErr())
	}
	if err := res[2].ExitErr(); !strings.Contains(err.Error(), "is not an Appmixer admin") {
		t.Errorf("initech's error: %v", err)
	}
	// acme and globex share a tenant and an app name: the second waits for the first.
	if len(queued) != 1 || queued[0] == "initech" {
		t.Errorf("queued behind another setup: %v, want one of acme and globex", queued)
	}
	if len(codes) != 2 || !strings.Contains(strings.Join(codes, ";"), "t1.example for acme,globex") {
		t.Errorf("want one device code per tenant, got %q", codes)
	}
	for tenant, az := range w.Tenants {
		n := 0
		for _, q := range az.Requests() {
			if strings.Contains(q.Route, "devicecode") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("tenant %s issued %d device codes", tenant, n)
		}
	}
	// The setups of one tenant and app name run one after another: one app,
	// holding each Appmixer's callback, whose client ID both Appmixers hold.
	apps := w.Tenants["t1.example"].Applications()
	if len(apps) != 1 {
		t.Fatalf("tenant t1 has %d apps, want 1", len(apps))
	}
	for _, name := range []string{"acme", "globex"} {
		cfg, _ := w.Appmixers[name].ServiceConfig("appmixer:microsoft")
		if cfg["clientId"] != apps[0].AppID || !slices.Contains(apps[0].Web.RedirectURIs, w.Appmixers[name].URL+"/auth/microsoft/callback") {
			t.Errorf("%s: clientId %v, the app's redirect URIs %v", name, cfg["clientId"], apps[0].Web.RedirectURIs)
		}
	}
	if _, found := w.Appmixers["initech"].ServiceConfig("appmixer:microsoft"); found {
		t.Error("initech's Appmixer was written although its user is not an admin")
	}
}

// The resume file is keyed by tenant + Appmixer URL: instances that ran side
// by side each find their own entry, so a second run changes nothing.
func TestInventoryRerunConverges(t *testing.T) {
	inv, w := startWorld(t, threeOnTwo)
	base := steps.Options{StateDir: t.TempDir(), Timeout: 5 * time.Second, WaitTimeout: 20 * time.Second}
	r := &fleet.Runner{Command: "setup", Base: base, Options: w.Options, Parallel: 8}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for run := 1; run <= 2; run++ {
		for _, x := range r.Run(ctx, inv.Instances) {
			if err := x.ExitErr(); err != nil {
				t.Fatalf("run %d: %s: %v", run, x.Instance.Name, err)
			}
			if changed := x.Outcome.Changed(); run == 2 && len(changed) > 0 {
				t.Errorf("run 2 changed %s: %v", x.Instance.Name, changed)
			}
		}
	}
	for _, in := range inv.Instances {
		j, err := steps.OpenJournal(base.StateDir, w.Tenants[strings.ToLower(in.Tenant)].TenantID, w.Appmixers[in.Name].URL)
		if err != nil {
			t.Fatal(err)
		}
		if j.Entry().AppID == "" || j.Entry().StoredKeyID == "" {
			t.Errorf("%s has no resume entry of its own: %+v", in.Name, j.Entry())
		}
	}
}

// An instance whose options cannot be made fails alone.
func TestInventoryOptionsErrorFailsOneInstance(t *testing.T) {
	inv, w := startWorld(t, threeOnTwo)
	opts := func(base steps.Options, in fleet.Instance) (steps.Options, error) {
		if in.Name == "globex" {
			return base, fmt.Errorf("globex: no credential")
		}
		return w.Options(base, in)
	}
	r := &fleet.Runner{Command: "status", Base: steps.Options{StateDir: t.TempDir(), Timeout: 5 * time.Second}, Options: opts}
	res := r.Run(context.Background(), inv.Instances)
	if res[1].Outcome != nil || res[1].ExitErr() == nil || !strings.Contains(res[1].ExitErr().Error(), "no credential") {
		t.Errorf("globex: %+v", res[1])
	}
	if res[0].Outcome == nil || res[2].Outcome == nil {
		t.Error("the other instances did not run")
	}
}
