package auth_test

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

func TestScopes(t *testing.T) {
	got := auth.GraphScopes("https://microsoftgraph.chinacloudapi.cn/")
	if !slices.Contains(got, "https://microsoftgraph.chinacloudapi.cn/Chat.Read") || slices.ContainsFunc(got, func(s string) bool {
		return filepath.Base(s) == ".default" || filepath.Base(s) == "Chat.ReadWrite"
	}) {
		t.Fatalf("graph scopes %v: want named read scopes only", got)
	}
	if p := auth.GraphPermissions(); len(p) != len(got) || !slices.Contains(p, "ChannelMessage.Read.All") {
		t.Fatalf("graph permissions %v", p)
	}
	if d := auth.DataverseScopes("https://contoso.crm.dynamics.cn"); !slices.Equal(d, []string{"https://contoso.crm.dynamics.cn/user_impersonation"}) {
		t.Fatalf("dataverse scopes %v", d)
	}
}

func TestFileCachePersistsAndSignOutWipes(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	file := filepath.Join(t.TempDir(), "tokens.json")
	cfg := auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: &tls.Config{RootCAs: srv.CertPool()}, Cache: auth.CacheFile, CacheFile: file}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s1, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Token(ctx, auth.GraphScopes(u.GraphResource)); !errors.Is(err, auth.ErrSignInRequired) {
		t.Fatalf("before sign-in: %v, want ErrSignInRequired", err)
	}
	var shown auth.DeviceCode
	if err := s1.SignInDeviceCode(ctx, auth.GraphScopes(u.GraphResource), func(dc auth.DeviceCode) { shown = dc }); err != nil {
		t.Fatal(err)
	}
	if shown.UserCode == "" || shown.VerificationURL == "" {
		t.Fatalf("device code not shown: %+v", shown)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v, mode %v", err, st.Mode())
	}
	// A new process (a new session on the same file) is still signed in,
	// for Graph and, through the refresh token, for Dataverse.
	s2, _ := auth.New(cfg)
	if _, err := s2.Token(ctx, auth.GraphScopes(u.GraphResource)); err != nil {
		t.Fatalf("token from persisted cache: %v", err)
	}
	if _, err := s2.Token(ctx, auth.DataverseScopes(u.Dataverse)); err != nil {
		t.Fatalf("dataverse token by refresh: %v", err)
	}
	if got := s2.TenantID(ctx); got != u.Tenant {
		t.Fatalf("the account's tenant is %q, want %q", got, u.Tenant)
	}
	if err := s2.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("cache file still there after sign-out: %v", err)
	}
	s3, _ := auth.New(cfg)
	if _, err := s3.Token(ctx, auth.GraphScopes(u.GraphResource)); !errors.Is(err, auth.ErrSignInRequired) {
		t.Fatalf("after sign-out: %v, want ErrSignInRequired", err)
	}
}

func TestNoClientIDIsExplained(t *testing.T) {
	_, err := auth.New(auth.Config{Authority: "https://login.microsoftonline.com", Tenant: "organizations"})
	if err == nil || !contains(err.Error(), "--client-id") {
		t.Fatalf("err = %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestBrowserSignIn drives the interactive flow as a browser would: fetch
// the authorize page, post its form to MSAL's localhost redirect.
func TestBrowserSignIn(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	s, err := auth.New(auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: &tls.Config{RootCAs: srv.CertPool()}, Cache: auth.CacheMemory})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = s.SignInInteractive(ctx, auth.GraphScopes(u.GraphResource), simtest.Browser(t, srv))
	if err != nil {
		t.Fatalf("browser sign-in: %v", err)
	}
	if s.Account(ctx) == "" {
		t.Fatal("no account after browser sign-in")
	}
	if _, err := s.Token(ctx, auth.GraphScopes(u.GraphResource)); err != nil {
		t.Fatal(err)
	}
}

// A sign-in the tenant refuses is ErrSignInFailed with the tenant's reason;
// one the user cancels stays cancellation.
func TestSignInFailures(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	cfg := auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: &tls.Config{RootCAs: srv.CertPool()}, Cache: auth.CacheMemory}
	s, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tests := []struct {
		flow   tenantsim.DeviceFlow
		reason string
	}{
		{tenantsim.DeviceDeny, "authorization_declined"},
		{tenantsim.DeviceExpire, "expired_token"},
	}
	for _, tt := range tests {
		srv.Tenant().SetDeviceFlow(tt.flow)
		err := s.SignInDeviceCode(ctx, auth.GraphScopes(u.GraphResource), func(auth.DeviceCode) {})
		if !errors.Is(err, auth.ErrSignInFailed) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("%s: err = %v, want ErrSignInFailed with %s", tt.flow, err, tt.reason)
		}
	}
	// Scopes naming a resource Entra does not know (Graph by its endpoint's host).
	srv.Tenant().SetDeviceFlow(tenantsim.DeviceApprove)
	err = s.SignInDeviceCode(ctx, auth.GraphScopes(u.Graph), func(auth.DeviceCode) {})
	if !errors.Is(err, auth.ErrSignInFailed) || !strings.Contains(err.Error(), "AADSTS500011") {
		t.Errorf("scopes on the endpoint's host: err = %v, want ErrSignInFailed with AADSTS500011", err)
	}
	srv.Tenant().SetDeviceFlow(tenantsim.DevicePending)
	c2, cancel2 := context.WithCancel(ctx)
	err = s.SignInDeviceCode(c2, auth.GraphScopes(u.GraphResource), func(auth.DeviceCode) { cancel2() })
	if !errors.Is(err, context.Canceled) || errors.Is(err, auth.ErrSignInFailed) {
		t.Errorf("cancelled: err = %v, want context.Canceled only", err)
	}
}
