package auth

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// ErrSignInRequired means the user must sign in (again): no account is
// cached, or the tenant refused the cached refresh token (password reset,
// "sign out of all sessions", revoked consent), or it refused a token it
// had just issued. Errors wrapping it say which.
var ErrSignInRequired = errors.New("sign-in required")

// ErrConsentRequired means the user has not granted a permission yet
// (Entra's consent_required, AADSTS65001): the tenant will not issue the
// token silently. Asking for it is a sign-in with those scopes
// (SignInDeviceCode, SignInInteractive): incremental consent. The user
// stays signed in for everything else.
var ErrConsentRequired = errors.New("permission not granted yet")

// ErrSignInFailed means a sign-in the user started did not complete: the
// user declined, the code expired, the tenant refused the app or the
// scopes. Errors wrapping it carry the tenant's reason.
var ErrSignInFailed = errors.New("sign-in failed")

// Graph delegated permissions Rapport needs, and no more.
var syncGraphPermissions = []string{
	"User.Read", "User.ReadBasic.All", "Chat.Read", "Team.ReadBasic.All", "Channel.ReadBasic.All",
	"ChannelMessage.Read.All", "TeamMember.Read.All", "ChannelMember.Read.All",
	"ChatMessage.Send",    // key-field notices the user chooses to post to a linked chat
	"ChannelMessage.Send", // the weekly digest the user chooses to post to a channel
	"Files.ReadWrite.All", // archives the user chooses to upload to a channel's Files
}

// Graph delegated permissions the guest console's changes need, asked
// for when the user first applies a change (incremental consent), never
// at sign-in.
var guestWritePermissions = []string{
	"TeamMember.ReadWrite.All", "ChannelMember.ReadWrite.All", "User.Invite.All", "TeamSettings.ReadWrite.All",
}

// GuestWriteScopes are the Graph scopes of the guest console's changes
// (see GraphScopes for resource).
func GuestWriteScopes(resource string) []string {
	base := strings.TrimRight(resource, "/")
	out := make([]string, len(guestWritePermissions))
	for i, p := range guestWritePermissions {
		out[i] = base + "/" + p
	}
	return out
}

// GuestChangeScopes are what the client that applies the guest
// console's changes asks for: the sync scopes (it reads the members back
// before each change) and the write ones. Asked silently, they fail with
// ErrConsentRequired until the user consented to the write ones.
func GuestChangeScopes(resource string) []string {
	return append(GraphScopes(resource), GuestWriteScopes(resource)...)
}

// GraphPermissions are the delegated Microsoft Graph permissions the app
// registration needs, by name (a copy: the caller may keep it).
func GraphPermissions() []string { return append([]string(nil), syncGraphPermissions...) }

// DataversePermission is the delegated Dynamics CRM (Dataverse)
// permission the app registration needs.
const DataversePermission = "user_impersonation"

// RedirectURI is the redirect the app registration must list under
// "Mobile and desktop applications" for the browser sign-in (MSAL listens
// on a localhost port; Entra accepts any port for http://localhost).
const RedirectURI = "http://localhost"

// GraphScopes are the Graph scopes sync asks for. resource is Microsoft
// Graph's resource identifier in the cloud (cloud.Name.GraphResource:
// https://graph.microsoft.com, …), never the URL Graph is reached at: Entra
// refuses a scope naming a proxy, a gateway or a test server
// (AADSTS500011).
func GraphScopes(resource string) []string {
	base := strings.TrimRight(resource, "/")
	out := make([]string, len(syncGraphPermissions))
	for i, p := range syncGraphPermissions {
		out[i] = base + "/" + p
	}
	return out
}

// DataverseScopes is the Dataverse scope for the organisation at orgURL.
func DataverseScopes(orgURL string) []string {
	return []string{strings.TrimRight(orgURL, "/") + "/" + DataversePermission}
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
	lock  string    // the keyring cache's lock path (a DPAPI file's prefix on Windows)
	note  string    // why, when auto fell back to memory

	mu  sync.Mutex
	tid string // the tid claim of the last ID token seen
}

// noteTenant keeps the directory an authentication result's ID token names.
func (s *Session) noteTenant(res public.AuthResult) {
	if tid := res.IDToken.TenantID; tid != "" {
		s.mu.Lock()
		s.tid = strings.ToLower(tid)
		s.mu.Unlock()
	}
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
		// cp1: Rapport handles claims challenges (Continuous Access
		// Evaluation), so the tenant may revoke its tokens at once.
		public.WithClientCapabilities([]string{"cp1"}),
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
			s.lock = lock
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
		return "", classify(err)
	}
	s.noteTenant(res)
	return res.AccessToken, nil
}

// renew returns a new access token for scopes, never the cached one: it
// redeems the refresh token, asking for claims (a claims challenge's JSON)
// or, without a challenge, for a token issued from now on, which makes
// Entra issue a new one as the refresh grant does anyway.
func (s *Session) renew(ctx context.Context, scopes []string, claims string) (string, error) {
	accts, err := s.app.Accounts(ctx)
	if err != nil {
		return "", fmt.Errorf("read token cache: %w", err)
	}
	if len(accts) == 0 {
		return "", ErrSignInRequired
	}
	if claims == "" {
		claims = fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, time.Now().Unix())
	}
	res, err := s.app.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(accts[0]), public.WithClaims(claims))
	if err != nil {
		return "", classify(err)
	}
	s.noteTenant(res)
	return res.AccessToken, nil
}

// signInFailed wraps a failed sign-in: cancellation stays cancellation, a
// tenant that cannot be reached stays a network error, anything else is
// ErrSignInFailed with the tenant's reason.
func signInFailed(what string, err error) error {
	var ce msalerrors.CallErr
	switch {
	case errors.As(err, &ce) && ce.Resp != nil && ce.Resp.StatusCode < 500:
		return fmt.Errorf("%s: %w (%s)", what, ErrSignInFailed, oauthReason(ce))
	case unanswered(err):
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w: %w", what, ErrSignInFailed, err)
}

// unanswered reports an error that is not the tenant's answer: the call
// was cancelled, timed out or never reached it (url.Error is a net.Error).
func unanswered(err error) bool {
	var ne net.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)
}

// classify tells a refusal by the tenant (sign in again) from a failure
// to reach it (try later).
func classify(err error) error {
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		if ce.Resp.StatusCode >= 500 || ce.Resp.StatusCode == 429 {
			return fmt.Errorf("refresh sign-in: the sign-in service answered %d: %w", ce.Resp.StatusCode, err)
		}
		reason := oauthReason(ce)
		if strings.Contains(reason, "AADSTS65001") || strings.Contains(reason, "consent_required") {
			return fmt.Errorf("%w (%s)", ErrConsentRequired, reason)
		}
		return fmt.Errorf("%w: the tenant signed you out (%s): sign in again", ErrSignInRequired, reason)
	}
	if unanswered(err) {
		return fmt.Errorf("refresh sign-in: %w", err)
	}
	return fmt.Errorf("%w: %v", ErrSignInRequired, err)
}

// oauthReason is the error and the first line of the error_description
// of a token endpoint's error body (from the response when MSAL left it
// readable, else from the error MSAL quotes it in), or the status.
func oauthReason(ce msalerrors.CallErr) string {
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	parse := func(b []byte) bool {
		return json.Unmarshal(b, &body) == nil && body.Error != ""
	}
	ok := false
	if ce.Resp.Body != nil {
		if b, err := io.ReadAll(io.LimitReader(ce.Resp.Body, 64<<10)); err == nil {
			ok = parse(b)
		}
	}
	if msg := ce.Error(); !ok && strings.Contains(msg, "{") {
		ok = parse([]byte(msg[strings.Index(msg, "{"):]))
	}
	if !ok {
		return ce.Resp.Status
	}
	first, _, _ := strings.Cut(body.Description, "\r\n")
	first, _, _ = strings.Cut(first, "\n")
	if first == "" {
		return body.Error
	}
	return body.Error + ": " + first
}

// Account returns the signed-in user's name, or "".
func (s *Session) Account(ctx context.Context) string {
	accts, err := s.app.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		return ""
	}
	return accts[0].PreferredUsername
}

// TenantID returns the directory (Entra tenant id) the user signed in
// to: the tid claim of the ID token from the last sign-in or token; before
// any, the account's home directory as the cache records it. "" when
// nobody is signed in.
func (s *Session) TenantID(ctx context.Context) string {
	accts, err := s.app.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		return ""
	}
	s.mu.Lock()
	tid := s.tid
	s.mu.Unlock()
	if tid != "" {
		return tid
	}
	// home_account_id is "<object id>.<home tenant id>".
	if _, utid, ok := strings.Cut(accts[0].HomeAccountID, "."); ok {
		return strings.ToLower(utid)
	}
	return ""
}

// SignInDeviceCode signs in with a device code: show is called with the
// code and link to give the user, then it waits for the user (or ctx).
func (s *Session) SignInDeviceCode(ctx context.Context, scopes []string, show func(DeviceCode)) error {
	dc, err := s.app.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		return signInFailed("start device-code sign-in", err)
	}
	show(DeviceCode{UserCode: dc.Result.UserCode, VerificationURL: dc.Result.VerificationURL, Message: dc.Result.Message, ExpiresOn: dc.Result.ExpiresOn})
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return signInFailed("device-code sign-in", err)
	}
	s.noteTenant(res)
	return nil
}

// SignInInteractive signs in through the system browser (authorization
// code with PKCE; MSAL listens on a localhost port for the answer). open
// receives the sign-in URL to show; it returns when the user has signed in
// or ctx ends.
func (s *Session) SignInInteractive(ctx context.Context, scopes []string, open func(url string) error) error {
	res, err := s.app.AcquireTokenInteractive(ctx, scopes, public.WithRedirectURI(RedirectURI), public.WithOpenURL(open))
	if err != nil {
		return signInFailed("browser sign-in", err)
	}
	s.noteTenant(res)
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
	s.mu.Lock()
	s.tid = ""
	s.mu.Unlock()
	if s.store != nil {
		if err := os.Remove(s.store.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete token cache: %w", err)
		}
	}
	if s.where == CacheKeyring {
		if err := deleteKeyring(ctx, s.lock); err != nil {
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
