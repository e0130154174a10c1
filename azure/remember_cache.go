//go:build linux || windows || (darwin && cgo)

package azure

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity/cache"
)

// newPersistentCache opens azidentity's encrypted token cache: the Linux
// kernel keyring holds its key (lost at shutdown), macOS the Keychain,
// Windows DPAPI. It never falls back to an unencrypted file (since v0.3.0 it
// has none), so without a keyring it fails and the sign-in is not remembered.
var newPersistentCache = func(name string) (azidentity.Cache, error) {
	return cache.New(&cache.Options{Name: name})
}
