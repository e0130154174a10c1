package steps

import (
	"context"
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// SignInAzure replaces the Azure portal login: it gets a Graph token up front,
// so a wrong account or tenant fails before anything is changed.
type SignInAzure struct{}

func (SignInAzure) Info() Info {
	return Info{ID: IDSignInAzure, Title: "Sign in to Azure", Screen: "Azure portal → sign in",
		About: "Signs in to Microsoft Entra ID and gets a Microsoft Graph token for managing app registrations."}
}

func (st SignInAzure) Check(ctx context.Context, s *State) error {
	if s.Graph != nil {
		return nil // already signed in (a retry of the run)
	}
	cloud, err := azure.LookupCloud(orDefault(s.Opts.Cloud, "public"))
	if err != nil {
		return err
	}
	o := s.Opts
	sess, err := azure.SignIn(ctx, azure.SignInOptions{
		Method:        azure.SignInMethod(orDefault(o.AuthMethod, "device")),
		TenantID:      o.Tenant,
		Cloud:         cloud,
		AuthorityHost: o.AuthorityHost,
		GraphURL:      o.GraphURL,
		HTTPClient:    o.AzureHTTP,
		Timeout:       o.Timeout,
		OnDeviceCode: func(p azure.DeviceCodePrompt) {
			s.progress(st.Info(), "waiting for you to sign in with the device code")
			if o.OnDeviceCode != nil {
				o.OnDeviceCode(DeviceCode{UserCode: p.UserCode, VerificationURL: p.VerificationURL, Message: p.Message, ExpiresOn: p.ExpiresOn})
			}
		},
	})
	if err != nil {
		return err
	}
	s.Azure = sess
	s.TenantID = sess.TenantID
	s.AzureUser = sess.UserName
	s.Graph = azure.NewGraph(sess, azure.GraphOptions{Timeout: o.Timeout, ReplicationTimeout: o.WaitTimeout})
	return nil
}

func (SignInAzure) Plan(s *State) Plan {
	who := s.AzureUser
	if who == "" {
		who = "a service principal"
	}
	return Plan{Found: []string{fmt.Sprintf("signed in as %s, tenant %s", who, s.TenantID)}}
}

func (SignInAzure) Apply(context.Context, *State) ([]Change, error) { return nil, nil }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
