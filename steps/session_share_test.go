package steps_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/appmixer/appmixertest"
	"github.com/appmixer-tools/msconnector-wizard/azure/azuretest"
	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// One device-code sign-in, given to a second session with another Appmixer:
// the second signs in to its Appmixer only and runs setup on the shared sign-in.
func TestShareAzureSignsInOnce(t *testing.T) {
	h := newHarness(t, azuretest.WithDeviceCodeAutoApprove(time.Millisecond))
	other := appmixertest.NewServer()
	t.Cleanup(other.Close)
	device := h.opts
	device.AuthMethod = "device"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var codes atomic.Int32
	first := steps.NewSession(device)
	if err := first.SignInAzure(ctx, func(e steps.Event) {
		if e.Kind == steps.EventDeviceCode {
			codes.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(first.Signed().TenantID, h.az.TenantID) || first.Signed().Appmixer != nil {
		t.Fatalf("SignInAzure: %+v", first.Signed())
	}

	o := device
	o.AppmixerURL, o.AppmixerHTTP = other.URL, other.Client()
	if steps.AzureKey(o) != steps.AzureKey(device) {
		t.Fatal("another Appmixer changed the Azure key")
	}
	second := steps.NewSession(o)
	second.ShareAzure(first)
	out := second.Run(ctx, steps.Request{Command: "setup"}, steps.Yes{}, func(e steps.Event) {
		if e.Kind == steps.EventDeviceCode {
			codes.Add(1)
		}
	})
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	if n := codes.Load(); n != 1 {
		t.Fatalf("%d device codes for one tenant, want 1", n)
	}
	if n := countRoute(h.az.Requests(), "devicecode"); n != 1 {
		t.Errorf("Entra ID issued %d device codes, want 1", n)
	}
	if id, _ := other.ServiceConfig("appmixer:microsoft"); id["clientId"] != h.onlyApp().AppID {
		t.Errorf("the second Appmixer holds %v, want the new app", id["clientId"])
	}
	// Another tenant's options do not share it.
	o.Tenant = "fabrikam.onmicrosoft.com"
	if steps.AzureKey(o) == steps.AzureKey(device) {
		t.Error("another tenant has the same Azure key")
	}
}

func countRoute(log []azuretest.Request, part string) int {
	n := 0
	for _, r := range log {
		if strings.Contains(r.Route, part) {
			n++
		}
	}
	return n
}

// The sign-in record a Session keeps (and hands out with Signed) never holds
// the Appmixer password or token in clear, so a stray %+v cannot print them;
// a changed password still signs in again.
func TestSignedInHoldsNoAppmixerPassword(t *testing.T) {
	h := newHarness(t)
	se := steps.NewSession(h.opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out := se.Run(ctx, steps.Request{Command: "status"}, steps.Yes{}, nil); out.Err != nil {
		t.Fatal(out.Err)
	}
	if got := fmt.Sprintf("%+v %#v", se.Signed(), se.Signed()); strings.Contains(got, appmixertest.DefaultAdminPassword) {
		t.Fatal("the session's sign-in record holds the Appmixer password")
	}
	o := h.opts
	o.AppmixerPassword = steps.NewSecret("not-the-password")
	se.SetOptions(o)
	if out := se.Run(ctx, steps.Request{Command: "status"}, steps.Yes{}, nil); out.Err == nil {
		t.Fatal("a changed password did not sign in again")
	}
}
