package fleet

import (
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// FromEnv is the real OptionsFunc: the instance's values from the file over
// the run's flags, its credential from the environment variable it names.
func FromEnv(getenv func(string) string) OptionsFunc {
	return func(base steps.Options, in Instance) (steps.Options, error) {
		o := Apply(base, in)
		switch {
		case in.TokenEnv != "":
			o.AppmixerToken, o.AppmixerPassword = steps.NewSecret(getenv(in.TokenEnv)), steps.Secret{}
			if o.AppmixerToken.IsZero() {
				return o, fmt.Errorf("%s: the environment variable %s (tokenEnv) is not set", in.Name, in.TokenEnv)
			}
		default:
			o.AppmixerPassword, o.AppmixerToken = steps.NewSecret(getenv(in.PasswordEnv)), steps.Secret{}
			if o.AppmixerPassword.IsZero() {
				return o, fmt.Errorf("%s: the environment variable %s (passwordEnv) is not set", in.Name, in.PasswordEnv)
			}
		}
		return o, nil
	}
}

// Apply puts an instance's settings over the run's options; credentials and
// endpoints are left to the OptionsFunc.
func Apply(base steps.Options, in Instance) steps.Options {
	o := base
	o.AppmixerURL, o.AppmixerUsername, o.Tenant = in.AppmixerURL, in.Username, in.Tenant
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&o.AppName, in.AppName)
	set(&o.AppID, in.AppID)
	set(&o.Audience, in.Audience)
	set(&o.Permissions, in.Permissions)
	if in.TenantField != steps.TenantFieldKeep {
		o.TenantField = in.TenantField
	}
	o.AdminConsent = o.AdminConsent || in.AdminConsent
	return o
}
