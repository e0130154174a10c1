package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// Verify has no screen in the seed: it proves the result. Entra ID must issue a
// client-credentials token for clientId + the new secret (waiting out propagation),
// and Appmixer must hand back what was written. It only reads, so it runs as the
// step's Check and its findings are the plan's "found" lines.
type Verify struct{}

func (Verify) Info() Info {
	return Info{ID: IDVerify, Title: "Verify", Screen: "not in the manual procedure",
		About: "Proves the setup: Entra ID accepts the client ID and secret, and Appmixer holds what was written."}
}

func (Verify) Check(ctx context.Context, s *State) error {
	s.verified = nil
	if s.AppProjected || s.secretProjected || s.App == nil {
		s.verified = append(s.verified, "would check that Entra ID accepts the new client ID and secret")
		return nil
	}
	switch {
	case s.SecretNew:
		s.progress(Verify{}.Info(), "waiting for Entra ID to accept the new secret (it takes a few seconds to propagate)")
		if err := azure.WaitClientSecret(ctx, s.Azure, s.App.AppID, s.Secret.Reveal(), s.Opts.WaitTimeout); err != nil {
			return fmt.Errorf("the new secret is not accepted yet: %w; run again to check", err)
		}
		s.verified = append(s.verified, "Entra ID issued a token for client "+s.App.AppID+" with the new secret")
	case s.stored.works:
		s.verified = append(s.verified, "Entra ID issued a token for client "+s.App.AppID+" with Appmixer's secret")
	}
	if !s.configWritten {
		return nil
	}
	cfg, ok, err := s.Appmixer.GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil {
		return fmt.Errorf("read back appmixer:microsoft: %w", err)
	}
	if err := sameConfig(s.Config, cfg, ok); err != nil {
		return err
	}
	s.verified = append(s.verified, "Appmixer holds clientId "+cfg["clientId"]+" and the secret "+NewSecret(cfg["clientSecret"]).Hint())
	return nil
}

// sameConfig compares what was written with what Appmixer returned, naming keys only.
func sameConfig(want, got appmixer.Config, ok bool) error {
	if !ok {
		return errors.New("appmixer:microsoft is missing right after it was written: check the Appmixer API logs and run again")
	}
	for k, v := range want {
		if got[k] != v {
			return fmt.Errorf("appmixer:microsoft key %s does not hold what was written: run again, or check who else edits this configuration", k)
		}
	}
	return nil
}

func (Verify) Plan(s *State) Plan { return Plan{Found: s.verified} }

func (Verify) Apply(context.Context, *State) ([]Change, error) { return nil, nil }
