//go:build !(linux || windows || (darwin && cgo))

package azure

import (
	"errors"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

var newPersistentCache = func(string) (azidentity.Cache, error) {
	return azidentity.Cache{}, errors.New("this system has no keyring azidentity can encrypt a token cache with")
}
