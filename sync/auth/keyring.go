package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	extcache "github.com/AzureAD/microsoft-authentication-extensions-for-go/cache"
)

// ErrNoKeyring means the OS secret store (libsecret / Secret Service on
// Linux, Keychain on macOS, DPAPI on Windows) cannot be used here.
var ErrNoKeyring = errors.New("no usable OS secret store")

// keyringName names Rapport's secret in the OS store.
const keyringName = "app.rapport.desktop.msal"

// openKeyring returns an MSAL cache kept in the OS secret store, after a
// write/read/delete probe under a separate name proves the store usable
// (an unreachable or locked store fails the probe, not a real sign-in).
// lockPath is the file MSAL's extension uses to serialise processes.
func openKeyring(ctx context.Context, lockPath string) (*extcache.Cache, error) {
	probe, err := newAccessor(keyringName+".probe", "Rapport secret store check", lockPath)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoKeyring, err)
	}
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	want := []byte("ok")
	if err := probe.Write(c, want); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoKeyring, err)
	}
	got, err := probe.Read(c)
	_ = probe.Delete(c)
	if err != nil || !bytes.Equal(got, want) {
		return nil, fmt.Errorf("%w: the secret written could not be read back (%v)", ErrNoKeyring, err)
	}
	a, err := newAccessor(keyringName, "Rapport sign-in (Microsoft 365)", lockPath)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoKeyring, err)
	}
	cache, err := extcache.New(a, lockPath)
	if err != nil {
		return nil, fmt.Errorf("token cache lock %s: %w", lockPath, err)
	}
	return cache, nil
}

// deleteKeyring removes Rapport's secret from the OS store (lockPath as
// given to openKeyring).
func deleteKeyring(ctx context.Context, lockPath string) error {
	a, err := newAccessor(keyringName, "", lockPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoKeyring, err)
	}
	if err := a.Delete(ctx); err != nil {
		return fmt.Errorf("delete %s: %w", keyringName, err)
	}
	return nil
}
