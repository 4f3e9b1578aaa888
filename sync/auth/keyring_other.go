//go:build !linux && !windows && !(darwin && cgo)

package auth

import (
	"fmt"
	"runtime"

	"github.com/AzureAD/microsoft-authentication-extensions-for-go/cache/accessor"
)

// newAccessor fails where MSAL's extension has no secret store (macOS
// built without cgo, the BSDs): "auto" then keeps tokens in memory.
func newAccessor(_, _, _ string) (accessor.Accessor, error) {
	return nil, fmt.Errorf("%w: none for %s without cgo", ErrNoKeyring, runtime.GOOS)
}
