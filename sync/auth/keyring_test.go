//go:build keyringtest

package auth_test

// Runs against a real Secret Service: `make test-keyring` starts a D-Bus
// session with an unlocked GNOME Keyring and runs
//
//	go test -tags keyringtest -run TestKeyring ./sync/auth

import (
	"context"
	"crypto/tls"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

func TestKeyringCachePersistsAcrossSessionsAndSignOutWipes(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	cfg := auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: &tls.Config{RootCAs: srv.CertPool()},
		Cache: auth.CacheKeyring, CacheFile: filepath.Join(t.TempDir(), "token-cache")}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s1, err := auth.New(cfg)
	if err != nil {
		t.Fatalf("keyring unavailable: %v", err)
	}
	if where, _ := s1.CacheWhere(); where != auth.CacheKeyring {
		t.Fatalf("cache in %s, want keyring", where)
	}
	if err := s1.SignInDeviceCode(ctx, auth.GraphScopes(u.GraphResource), func(auth.DeviceCode) {}); err != nil {
		t.Fatal(err)
	}
	// Another process (session) finds the account in the secret store.
	s2, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Token(ctx, auth.GraphScopes(u.GraphResource)); err != nil {
		t.Fatalf("token from the secret store: %v", err)
	}
	if err := s2.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	s3, _ := auth.New(cfg)
	if _, err := s3.Token(ctx, auth.GraphScopes(u.GraphResource)); !errors.Is(err, auth.ErrSignInRequired) {
		t.Fatalf("after sign-out: %v, want ErrSignInRequired", err)
	}
	// With "auto" the same store is chosen.
	cfg.Cache = auth.CacheAuto
	s4, _ := auth.New(cfg)
	if where, why := s4.CacheWhere(); where != auth.CacheKeyring {
		t.Fatalf("auto chose %s (%s)", where, why)
	}
}
