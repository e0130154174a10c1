package main

import (
	"fmt"
	"os"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// startDemo runs both emulators in-process (TLS, a seeded admin and tenant) and
// points the options at them. The device code is approved after a short, visible delay.
func startDemo(o *steps.Options, e env) (func(), error) {
	az := azuretest.NewServer(azuretest.WithDeviceCodeAutoApprove(3*time.Second), azuretest.WithReplicationDelay(1500*time.Millisecond), azuretest.WithSecretPropagationDelay(time.Second))
	amx := appmixertest.NewServer()
	o.AzureHTTP, o.AppmixerHTTP = az.Client(), amx.Client()
	o.AuthorityHost, o.GraphURL, o.Tenant = az.URL, az.URL, az.TenantID
	o.AuthMethod, o.Cloud = "device", "public"
	o.AppmixerURL, o.AppmixerUsername = amx.URL, appmixertest.DefaultAdminUsername
	o.AppmixerPassword, o.AppmixerToken = steps.NewSecret(appmixertest.DefaultAdminPassword), steps.Secret{}
	if o.StateDir == "" {
		dir, err := os.MkdirTemp("", "msconnector-demo-*")
		if err != nil {
			az.Close()
			amx.Close()
			return nil, err
		}
		o.StateDir = dir
	}
	fmt.Fprintln(e.err, "Demo: Azure and Appmixer are simulated in this process; nothing real is changed.")
	dir := o.StateDir
	return func() { az.Close(); amx.Close(); os.RemoveAll(dir) }, nil
}
