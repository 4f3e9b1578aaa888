//go:build darwin && cgo

package auth

import "github.com/AzureAD/microsoft-authentication-extensions-for-go/cache/accessor"

// newAccessor returns the login Keychain's generic password of service
// name.
func newAccessor(name, _, _ string) (accessor.Accessor, error) {
	return accessor.New(name)
}
