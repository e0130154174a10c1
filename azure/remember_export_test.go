package azure

import (
	"errors"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// WithoutKeyring makes the persistent cache unavailable for one test, as on
// a server with no keyring.
func WithoutKeyring(t *testing.T) {
	old := newPersistentCache
	newPersistentCache = func(string) (azidentity.Cache, error) {
		return azidentity.Cache{}, errors.New(`persistent storage isn't available due to error "no keyring"`)
	}
	t.Cleanup(func() { newPersistentCache = old })
}
