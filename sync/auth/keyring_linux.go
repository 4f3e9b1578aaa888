package auth

import "github.com/AzureAD/microsoft-authentication-extensions-for-go/cache/accessor"

// newAccessor returns the Secret Service (libsecret) item called name,
// labelled label in the user's keyring.
func newAccessor(name, label, _ string) (accessor.Accessor, error) {
	if label == "" {
		return accessor.New(name)
	}
	return accessor.New(name, accessor.WithLabel(label))
}
