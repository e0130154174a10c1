package steps

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// SecretNamePrefix starts the description of every secret this program makes.
const SecretNamePrefix = "appmixer-wizard"

// A generated description is "appmixer-wizard <setup> <attempt>": setup is 8
// hex digits naming the Appmixer it was made for, attempt is unique to one
// addPassword call. Older versions wrote "appmixer-wizard <attempt>".
var generatedName = regexp.MustCompile(`^appmixer-wizard (?:([0-9a-f]{8}) )?\d{8}-\d{6}-[0-9a-f]{6}$`)

// IsGeneratedSecretName reports whether this program made a secret so named.
// Only such secrets may ever be removed, whatever a resume file says.
func IsGeneratedSecretName(name string) bool { return generatedName.MatchString(name) }

// setupTag names an Appmixer in secret descriptions: another Appmixer sharing
// the app (staging beside production) has another tag, so its secrets are
// never taken for leftovers here.
func setupTag(api string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimRight(api, "/"))))
	return hex.EncodeToString(sum[:4])
}

// madeForThisAppmixer reports whether a generated secret carries this Appmixer's tag.
func madeForThisAppmixer(s *State, name string) bool { return MadeFor(name, s.Signed.API) }

// MadeFor reports whether this program made the secret so named for the
// Appmixer at api: such a secret is found again by its name.
func MadeFor(name, api string) bool {
	m := generatedName.FindStringSubmatch(name)
	return m != nil && m[1] == setupTag(api)
}

// newSecretName is a fresh description for one addPassword attempt.
func newSecretName(s *State) string {
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s %s %s-%s", SecretNamePrefix, setupTag(s.Signed.API), s.Opts.Now().UTC().Format("20060102-150405"), hex.EncodeToString(b))
}

// removeSecret removes one of the app's secrets. It refuses a secret this
// program did not make and the one Appmixer holds now: no resume file, leftover
// rule or bug can make it delete a customer's secret.
func removeSecret(ctx context.Context, s *State, c azure.PasswordCredential) error {
	if !IsGeneratedSecretName(c.DisplayName) {
		return fmt.Errorf("refusing to remove the secret %q (%s…): this program removes only the secrets it made", c.DisplayName, c.Hint)
	}
	if hintFits(c, s.config()["clientSecret"]) && c.KeyID != s.Made.SecretKeyID {
		return fmt.Errorf("refusing to remove the secret %s: Appmixer may hold it", c.DisplayName)
	}
	if err := s.graph().RemovePassword(ctx, s.Found.App.ID, c.KeyID); err != nil && !azure.IsCredentialGone(err) {
		return fmt.Errorf("remove the secret %s: %w", c.DisplayName, err)
	}
	dropCredential(s.Found.App, c.KeyID)
	return s.Journal.Forget(c.DisplayName)
}

func dropCredential(app *azure.Application, keyID string) {
	out := app.PasswordCredentials[:0:0]
	for _, c := range app.PasswordCredentials {
		if c.KeyID != keyID {
			out = append(out, c)
		}
	}
	app.PasswordCredentials = out
}

// secretRemoval is the plan line for removing c.
func secretRemoval(c azure.PasswordCredential, why string) Change {
	return Change{Kind: Remove, Subject: SubjectSecret, Name: cmp.Or(c.DisplayName, "(no description)"), ID: c.KeyID,
		Before: c.Hint + "…", Expires: c.EndDateTime, Why: why}
}
