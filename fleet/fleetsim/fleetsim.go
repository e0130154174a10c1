// Package fleetsim points an inventory at simulated services for tests: one
// emulated Entra ID + Graph per tenant and one emulated Appmixer per
// instance, at their loopback URLs, for the test's lifetime. --demo
// --inventory does not use it: the demo has its own lasting, sealed world
// that answers at the inventory's URLs (demo_inventory.go in package main).
package fleetsim

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/fleet"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// World is the simulated services of one inventory.
type World struct {
	Tenants   map[string]*azuretest.Server    // by the inventory's tenant (lower case)
	Appmixers map[string]*appmixertest.Server // by instance name

	mu        sync.Mutex
	passwords map[string]string // instance → its user's password
}

// Start runs the services an inventory names: each of its tenants gets its
// own Entra ID + Graph (azOpts apply to every one), each instance its own
// Appmixer whose admin is the instance's username.
func Start(inv *fleet.Inventory, azOpts []azuretest.Option, amxOpts []appmixertest.Option) *World {
	w := &World{Tenants: map[string]*azuretest.Server{}, Appmixers: map[string]*appmixertest.Server{}, passwords: map[string]string{}}
	for _, in := range inv.Instances {
		t := strings.ToLower(in.Tenant)
		if w.Tenants[t] == nil {
			w.Tenants[t] = azuretest.NewServer(azOpts...)
		}
		amx := appmixertest.NewServer(amxOpts...)
		if in.Username != "" {
			w.passwords[in.Name] = randomPassword()
			amx.AddUser(in.Username, w.passwords[in.Name], true)
		}
		w.Appmixers[in.Name] = amx
	}
	return w
}

// Close stops every service.
func (w *World) Close() {
	for _, s := range w.Tenants {
		s.Close()
	}
	for _, s := range w.Appmixers {
		s.Close()
	}
}

// NotAdmin takes the admin scope from the instance's user (the "not an
// Appmixer admin" case).
func (w *World) NotAdmin(in fleet.Instance) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Appmixers[in.Name].AddUser(in.Username, w.passwords[in.Name], false)
}

// Options is the World's fleet.OptionsFunc: the instance's settings, its
// Appmixer and its tenant's Entra ID, a device-code sign-in.
func (w *World) Options(base steps.Options, in fleet.Instance) (steps.Options, error) {
	o := fleet.Apply(base, in)
	az, amx := w.Tenants[strings.ToLower(in.Tenant)], w.Appmixers[in.Name]
	o.AuthMethod, o.Cloud, o.Tenant = "device", "public", az.TenantID
	o.AuthorityHost, o.GraphURL, o.AzureHTTP = az.URL, az.URL, az.Client()
	o.AppmixerURL, o.AppmixerHTTP = amx.URL, amx.Client()
	w.mu.Lock()
	defer w.mu.Unlock()
	if pw, ok := w.passwords[in.Name]; ok {
		o.AppmixerPassword, o.AppmixerToken = steps.NewSecret(pw), steps.Secret{}
	} else {
		o.AppmixerToken, o.AppmixerPassword = steps.NewSecret(amx.IssueToken(appmixertest.DefaultAdminUsername)), steps.Secret{}
	}
	return o, nil
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "sim-" + hex.EncodeToString(b)
}
