package auth

import (
	"strings"

	"github.com/AzureAD/microsoft-authentication-extensions-for-go/cache/accessor"
)

// newAccessor returns a file beside lockPath (in the data directory:
// token-cache.dpapi, and token-cache.probe.dpapi for the probe) that
// DPAPI encrypts for the signed-in Windows user.
func newAccessor(name, _ string, lockPath string) (accessor.Accessor, error) {
	return accessor.New(lockPath + strings.TrimPrefix(name, keyringName) + ".dpapi")
}
