package steps

import (
	"context"
	"fmt"
	"slices"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// Verify has no screen in the seed: it proves the result. The new secret was
// proven before Appmixer got it (Client secret); here Appmixer must hand back
// what was written. It only reads, so it runs as the step's Check and its
// findings are the plan's "found" lines.
type Verify struct{}

func (Verify) Info() Info {
	return Info{ID: IDVerify, Title: "Verify", Screen: "not in the manual procedure",
		About:    "Proves the setup: Entra ID accepts the client ID and secret, and Appmixer holds what was written.",
		Checking: "Reading Appmixer's configuration back", ReadOnly: true}
}

func (Verify) Check(ctx context.Context, s *State) error {
	if s.Made.AppProjected || s.Made.SecretProjected || s.Found.App == nil {
		return nil
	}
	if !s.Made.HasSecret() && s.Found.Stored.Works {
		s.Made.Verified = appendOnce(s.Made.Verified, "Entra ID issued a token for client "+s.Found.App.AppID+" with Appmixer's secret")
	}
	if !s.Made.Wrote {
		return nil
	}
	cfg, ok, err := s.amx().GetServiceConfig(ctx, appmixer.ServiceID)
	if err != nil {
		return fmt.Errorf("read back appmixer:microsoft: %w", err)
	}
	if err := sameConfig(s.config(), cfg, ok); err != nil {
		return err
	}
	s.Made.Verified = appendOnce(s.Made.Verified, "Appmixer holds clientId "+cfg["clientId"]+" and the secret "+NewSecret(cfg["clientSecret"]).Hint())
	return nil
}

func appendOnce(list []string, line string) []string {
	if slices.Contains(list, line) {
		return list
	}
	return append(list, line)
}

// sameConfig compares what was written with what Appmixer returned, naming keys only.
func sameConfig(want, got appmixer.Config, ok bool) error {
	if !ok {
		return hint.New("appmixer:microsoft is missing right after it was written", hint.Retry("check who else changes Appmixer's connector configuration"))
	}
	for k, v := range want {
		if got[k] != v {
			return hint.New("appmixer:microsoft key "+k+" does not hold what was written", hint.Retry("check who else changes Appmixer's connector configuration"))
		}
	}
	return nil
}

func (Verify) Plan(s *State) Plan {
	if s.Made.AppProjected || s.Made.SecretProjected {
		return Plan{Found: []string{"would check that Entra ID accepts the new client ID and secret, and read Appmixer back"}}
	}
	return Plan{Found: s.Made.Verified}
}

func (Verify) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }
