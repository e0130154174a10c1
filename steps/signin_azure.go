package steps

import (
	"cmp"
	"context"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// SignInAzure replaces the Azure portal login: it gets a Graph token up front,
// so a wrong account or tenant fails before anything is changed.
type SignInAzure struct{}

func (SignInAzure) Info() Info {
	return Info{ID: IDSignInAzure, Title: "Sign in to Azure", Screen: "Azure portal → sign in",
		About:    "Signs in to Microsoft Entra ID and gets a Microsoft Graph token for managing app registrations.",
		Checking: "Signing in to Azure", ReadOnly: true}
}

// azureInputs is what an Azure sign-in depends on; when it changes (a corrected
// form), the session signs in again.
func azureInputs(o Options) string {
	return strings.Join([]string{o.AuthMethod, o.Tenant, o.Cloud, o.AuthorityHost, o.GraphURL}, "\x00")
}

func (st SignInAzure) Check(ctx context.Context, s *State) error {
	in := azureInputs(s.Opts)
	if s.Signed.Graph != nil && s.Signed.azureWith == in {
		return nil // signed in already (the session's earlier command, or a retry)
	}
	cloud, err := azure.LookupCloud(cmp.Or(s.Opts.Cloud, "public"))
	if err != nil {
		return err
	}
	o := s.Opts
	method := cmp.Or(o.AuthMethod, "device")
	onCode := func(p azure.DeviceCodePrompt) {
		s.emit(Event{Step: st.Info(), Kind: EventDeviceCode, Device: &DeviceCode{
			UserCode: p.UserCode, VerificationURL: p.VerificationURL, Message: p.Message, ExpiresOn: p.ExpiresOn}})
		s.progress(st.Info(), "waiting for you to sign in with the device code")
	}
	if o.Simulated && method != "device" {
		// The demo starts no browser and no az, and reads no AZURE_* variable:
		// the simulated tenant approves its own sign-in instead.
		s.progress(st.Info(), "the demo simulates the "+simulatedWhat[method]+" sign-in: it signs you in by itself")
		method, onCode = "device", func(azure.DeviceCodePrompt) {}
	}
	sess, err := azure.SignIn(ctx, azure.SignInOptions{
		Method:        azure.SignInMethod(method),
		TenantID:      o.Tenant,
		Cloud:         cloud,
		AuthorityHost: o.AuthorityHost,
		GraphURL:      o.GraphURL,
		HTTPClient:    o.AzureHTTP,
		Timeout:       o.Timeout,
		Remember:      o.Remember,
		OnDeviceCode:  onCode,
	})
	if err != nil {
		return err
	}
	g := azure.NewGraph(sess, azure.GraphOptions{Timeout: o.Timeout, ReplicationTimeout: o.WaitTimeout})
	sg := s.Signed
	sg.Azure, sg.Graph, sg.TenantID, sg.AzureUser, sg.azureWith = sess, g, sess.TenantID, sess.UserName, in
	return nil
}

// simulatedWhat names the sign-ins the demo simulates.
var simulatedWhat = map[string]string{"browser": "browser", "azure-cli": "Azure CLI", "environment": "service principal (environment)"}

func (SignInAzure) Plan(s *State) Plan {
	p := Plan{Found: []string{"signed in as " + s.Signed.Who() + ", tenant " + s.tenant()}}
	if a := s.Signed.Azure; a != nil && a.Remembered {
		p.Found[0] += " (remembered from an earlier run; logout forgets it)"
	}
	if a := s.Signed.Azure; a != nil && a.Note != "" && !s.Signed.azureShared {
		p.Notes = append(p.Notes, a.Note)
	}
	return p
}

// Who names the Azure identity that signed in.
func (sg *SignedIn) Who() string { return cmp.Or(sg.AzureUser, "a service principal") }

func (SignInAzure) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }
