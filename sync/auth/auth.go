package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// ErrSignInRequired means no usable account or refresh token is cached.
var ErrSignInRequired = errors.New("sign-in required")

// Graph delegated permissions Rapport needs, and no more.
var syncGraphPermissions = []string{
	"User.Read", "User.ReadBasic.All", "Chat.Read", "Team.ReadBasic.All", "Channel.ReadBasic.All",
	"ChannelMessage.Read.All", "TeamMember.Read.All", "ChannelMember.Read.All",
	"ChatMessage.Send", // key-field notices the user chooses to post to a linked chat
}

// GraphScopes are the Graph scopes sync asks for, for the Graph at graphURL.
func GraphScopes(graphURL string) []string {
	base := strings.TrimRight(graphURL, "/")
	out := make([]string, len(syncGraphPermissions))
	for i, p := range syncGraphPermissions {
		out[i] = base + "/" + p
	}
	return out
}

// DataverseScopes is the Dataverse scope for the organisation at orgURL.
func DataverseScopes(orgURL string) []string {
	return []string{strings.TrimRight(orgURL, "/") + "/user_impersonation"}
}

// Config says where and as what application to sign in.
type Config struct {
	Authority string // e.g. https://login.microsoftonline.com
	Tenant    string // tenant id, domain or "organizations"
	ClientID  string
	TLS       *tls.Config
	// Cache says where tokens are kept: CacheKeyring (the OS secret store),
	// CacheFile (a 0600 file, which the user opts into where no secret
	// store exists), CacheMemory (gone with the process), or CacheAuto
	// (the default: the secret store when it works, else memory).
	Cache CacheMode
	// CacheFile is the file for CacheFile, and the lock file's base for
	// CacheKeyring (which MSAL's extension uses to serialise processes).
	CacheFile string
}

// CacheMode is where the token cache lives.
type CacheMode string

// Token cache modes.
const (
	CacheAuto    CacheMode = "auto"
	CacheKeyring CacheMode = "keyring"
	CacheFile    CacheMode = "file"
	CacheMemory  CacheMode = "memory"
)

// DeviceCode is what the user must do to sign in.
type DeviceCode struct {
	UserCode        string
	VerificationURL string
	Message         string
	ExpiresOn       time.Time
}

// Session is a signed-in (or not yet signed-in) user.
type Session struct {
	app   public.Client
	cfg   Config
	store *fileCache
	where CacheMode // where tokens actually live
	note  string    // why, when auto fell back to memory
}

// New prepares a session; it does not sign in.
func New(cfg Config) (*Session, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("no client id: register Rapport as a public client in your directory and pass --client-id")
	}
	if !strings.HasPrefix(cfg.Authority, "https://") {
		return nil, fmt.Errorf("authority %q must be https", cfg.Authority)
	}
	opts := []public.Option{
		public.WithAuthority(strings.TrimRight(cfg.Authority, "/") + "/" + cfg.Tenant),
		public.WithInstanceDiscovery(false),
		public.WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg.TLS, Proxy: http.ProxyFromEnvironment}, Timeout: 60 * time.Second}),
	}
	s := &Session{cfg: cfg, where: CacheMemory}
	switch cfg.Cache {
	case CacheFile:
		if cfg.CacheFile == "" {
			return nil, errors.New("token cache file: no path")
		}
		s.store = &fileCache{path: cfg.CacheFile}
		s.where = CacheFile
		opts = append(opts, public.WithCache(s.store))
	case CacheKeyring, CacheAuto, "":
		lock := cfg.CacheFile
		if lock == "" {
			lock = filepath.Join(os.TempDir(), "rapport-token-cache")
		}
		kc, err := openKeyring(context.Background(), lock)
		switch {
		case err == nil:
			s.where = CacheKeyring
			opts = append(opts, public.WithCache(kc))
		case cfg.Cache == CacheKeyring:
			return nil, err
		default:
			s.note = err.Error() + "; sign-in tokens are kept in memory only (use --token-cache file to keep them in a 0600 file)"
		}
	case CacheMemory:
	default:
		return nil, fmt.Errorf("token cache %q: want auto, keyring, file or memory", cfg.Cache)
	}
	app, err := public.New(cfg.ClientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("msal: %w", err)
	}
	s.app = app
	return s, nil
}

// CacheWhere says where tokens live, and why when the secret store could
// not be used.
func (s *Session) CacheWhere() (CacheMode, string) { return s.where, s.note }

// Token returns an access token for scopes from the cache, refreshing it
// silently when needed. It fails with ErrSignInRequired when the user must
// sign in again.
func (s *Session) Token(ctx context.Context, scopes []string) (string, error) {
	accts, err := s.app.Accounts(ctx)
	if err != nil {
		return "", fmt.Errorf("read token cache: %w", err)
	}
	if len(accts) == 0 {
		return "", ErrSignInRequired
	}
	res, err := s.app.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(accts[0]))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrSignInRequired, err)
	}
	return res.AccessToken, nil
}

// Account returns the signed-in user's name, or "".
func (s *Session) Account(ctx context.Context) string {
	accts, err := s.app.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		return ""
	}
	return accts[0].PreferredUsername
}

// SignInDeviceCode signs in with a device code: show is called with the
// code and link to give the user, then it waits for the user (or ctx).
func (s *Session) SignInDeviceCode(ctx context.Context, scopes []string, show func(DeviceCode)) error {
	dc, err := s.app.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		return fmt.Errorf("start device-code sign-in: %w", err)
	}
	show(DeviceCode{UserCode: dc.Result.UserCode, VerificationURL: dc.Result.VerificationURL, Message: dc.Result.Message, ExpiresOn: dc.Result.ExpiresOn})
	if _, err := dc.AuthenticationResult(ctx); err != nil {
		return fmt.Errorf("device-code sign-in: %w", err)
	}
	return nil
}

// SignInInteractive signs in through the system browser (authorization
// code with PKCE; MSAL listens on a localhost port for the answer). open
// receives the sign-in URL to show; it returns when the user has signed in
// or ctx ends.
func (s *Session) SignInInteractive(ctx context.Context, scopes []string, open func(url string) error) error {
	if _, err := s.app.AcquireTokenInteractive(ctx, scopes, public.WithRedirectURI("http://localhost"), public.WithOpenURL(open)); err != nil {
		return fmt.Errorf("browser sign-in: %w", err)
	}
	return nil
}

// SignOut forgets every account and deletes the persisted cache.
func (s *Session) SignOut(ctx context.Context) error {
	accts, err := s.app.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accts {
		if err := s.app.RemoveAccount(ctx, a); err != nil {
			return fmt.Errorf("remove account: %w", err)
		}
	}
	if s.store != nil {
		if err := os.Remove(s.store.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete token cache: %w", err)
		}
	}
	if s.where == CacheKeyring {
		if err := deleteKeyring(ctx); err != nil {
			return fmt.Errorf("delete token cache from the secret store: %w", err)
		}
	}
	return nil
}

// fileCache persists MSAL's cache in a 0600 file, replaced atomically.
type fileCache struct {
	path string
	mu   sync.Mutex
}

func (f *fileCache) Replace(ctx context.Context, c cache.Unmarshaler, _ cache.ReplaceHints) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read token cache: %w", err)
	}
	return c.Unmarshal(b)
}

func (f *fileCache) Export(ctx context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := c.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return err
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write token cache: %w", err)
	}
	return os.Rename(tmp, f.path)
}
