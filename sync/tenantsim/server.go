package tenantsim

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Options configure a simulated tenant.
type Options struct {
	Seed int64
	Size Size
	// End is when generated history ends (default: today 00:00 UTC).
	End time.Time
	// Clock is the tenant's clock (default time.Now).
	Clock func() time.Time
	// ClientID is the app registration that may sign in (default DefaultClientID).
	ClientID string
	// TokenLifetime is how long access tokens last (default 1h).
	TokenLifetime time.Duration
	// Latency is added to every Graph and Dataverse request.
	Latency time.Duration
	// Faults is a fault spec (see CheckFaults); "" injects none.
	Faults string
	// Limits enforces Graph's published Teams throttling limits.
	Limits bool
	// GraphResource is Microsoft Graph's resource identifier in the
	// tenant's cloud (default https://graph.microsoft.com): what scopes
	// name, wherever the simulator serves Graph.
	GraphResource string
	// ImmediateRetry makes injected 429s say "Retry-After: 0", so fault
	// soaks spend their time on faults rather than on waiting.
	ImmediateRetry bool
	// ControlToken is the secret of this run: /_control/ wants it as
	// "Authorization: Bearer TOKEN", and the sign-in pages as the user's
	// password. "" makes a random one (Server.ControlToken).
	ControlToken string
	// AutoApprove signs the user in without asking: device codes are
	// approved on the first poll and the authorize page answers at once.
	// Only for a tenant whose only client runs in the same process (the
	// demo, in-process tests): over loopback, anyone on the machine could
	// sign in. Without it, a device code waits for /devicelogin and the
	// authorize page asks for the password.
	AutoApprove bool
}

// Server serves the simulated tenant over HTTPS on loopback. Its state
// lives in the Tenant and survives Stop and Start, so tests can take the
// network away and give it back.
type Server struct {
	t      *Tenant
	certs  *certs
	opts   Options
	faults *faults
	limits *limiter // nil unless Options.Limits

	mu      sync.Mutex
	addr    string // "127.0.0.1:port", fixed after the first Start
	srv     *http.Server
	ln      net.Listener
	handler http.Handler
}

// URLs are what a client needs to reach the tenant.
type URLs struct {
	Authority string `json:"authorityUrl"` // Entra: {Authority}/{Tenant}
	Graph     string `json:"graphUrl"`     // Graph: {Graph}/v1.0/…
	// GraphResource is Graph's resource identifier, which scopes name
	// (https://graph.microsoft.com/Chat.Read): not Graph's URL.
	GraphResource string `json:"graphResource"`
	Dataverse     string `json:"dataverseUrl"` // Dataverse: {Dataverse}/api/data/v9.2/…
	Tenant        string `json:"tenant"`
	ClientID      string `json:"clientId"`
}

// New generates the world and prepares the server; Start listens.
func New(opts Options) (*Server, error) {
	if opts.Size.Messages == 0 {
		opts.Size = Small
	}
	if opts.End.IsZero() {
		opts.End = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.GraphResource == "" {
		opts.GraphResource = "https://graph.microsoft.com"
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.ControlToken == "" {
		opts.ControlToken = randToken("", 32)
	}
	f, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	c, err := newCerts()
	if err != nil {
		return nil, fmt.Errorf("tenant certificates: %w", err)
	}
	w := Generate(opts.Seed, opts.Size, opts.End)
	t := newTenant(w, opts.Clock)
	t.auth = newEntra(opts.ClientID, opts.TokenLifetime, w.Me.ID)
	if !opts.AutoApprove {
		t.auth.flow = DevicePending
	}
	s := &Server{t: t, certs: c, opts: opts, faults: f}
	if opts.Limits {
		s.limits = newLimiter()
	}
	mux := http.NewServeMux()
	s.entraRoutes(mux)
	s.graphRoutes(mux)
	s.filesRoutes(mux)
	s.dataverseRoutes(mux)
	s.controlRoutes(mux)
	s.handler = s.guardControl(mux)
	return s, nil
}

// ControlToken is the run's secret: the bearer token of /_control/ and
// the password of the sign-in pages.
func (s *Server) ControlToken() string { return s.opts.ControlToken }

// guardControl refuses /_control/ without the run's token: another user
// on the machine must not post into someone's tenant or change it.
func (s *Server) guardControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_control/") && !s.controlAuthorized(r, false) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tenantsim control"`)
			http.Error(w, "the control API needs the token `rapport tenantsim` printed (Authorization: Bearer TOKEN)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// controlAuthorized checks the bearer token, or with password the
// password field of a posted sign-in form.
func (s *Server) controlAuthorized(r *http.Request, password bool) bool {
	want := []byte(s.opts.ControlToken)
	if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && subtle.ConstantTimeCompare([]byte(got), want) == 1 {
		return true
	}
	return password && r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("password")), want) == 1
}

// Tenant is the live state, for control and ground truth.
func (s *Server) Tenant() *Tenant { return s.t }

// Start listens on addr ("127.0.0.1:0" picks a port). After a Stop, Start
// with "" listens again on the same address.
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("tenant already listening")
	}
	if addr == "" {
		addr = s.addr
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("tenant listen on %s: %w", addr, err)
	}
	s.addr = ln.Addr().String()
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.faults.wrap(s, s.handler),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{s.certs.leaf}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	srv := s.srv
	go srv.ServeTLS(ln, "", "")
	return nil
}

// Stop closes the listener and every open connection; state is kept.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv, s.ln = nil, nil
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Shutdown stops gracefully, waiting for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv := s.srv
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}

// Addr is the listening address ("127.0.0.1:port").
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *Server) base() string { return "https://" + s.Addr() }

// graphURL is where the tenant serves Graph; graphResource is what Entra
// knows Graph by, which is not that URL (as with any proxy or gateway).
func (s *Server) graphURL() string          { return s.base() + "/graph" }
func (s *Server) graphResource() string     { return s.opts.GraphResource }
func (s *Server) dataverseResource() string { return s.base() + "/dataverse" }

// URLs returns the endpoints to configure a client with.
func (s *Server) URLs() URLs {
	return URLs{
		Authority:     s.base(),
		Graph:         s.graphURL(),
		GraphResource: s.graphResource(),
		Dataverse:     s.dataverseResource(),
		Tenant:        s.t.w.TenantID,
		ClientID:      s.t.auth.clientID,
	}
}

// CAPEM is the PEM of the CA that signed the tenant's certificate.
func (s *Server) CAPEM() []byte { return s.certs.caPEM }

// CertPool trusts the tenant's CA (and nothing else).
func (s *Server) CertPool() *x509.CertPool { return s.certs.pool }

// WriteCA writes the CA certificate to dir/tenantsim-ca.pem and returns
// its path. dir is made 0700 when missing, and must be a directory (not a
// symbolic link) that only its owner may write to, so no other user can
// swap the certificate clients trust. The file is written to a new
// exclusive temporary file and renamed over the old one: a symbolic link
// or a file someone left at that name is replaced, never followed or
// reused.
func (s *Server) WriteCA(dir string) (string, error) {
	if err := privateDir(dir); err != nil {
		return "", fmt.Errorf("write CA certificate: %w", err)
	}
	p := filepath.Join(dir, "tenantsim-ca.pem")
	f, err := os.CreateTemp(dir, ".tenantsim-ca-*.pem")
	if err != nil {
		return "", fmt.Errorf("write CA certificate: %w", err)
	}
	_, err = f.Write(s.certs.caPEM)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write CA certificate: %w", err)
	}
	return p, nil
}

// DefaultCADir is where `rapport tenantsim` writes its CA certificate: a
// directory of the user's own (under os.UserCacheDir), not the shared
// temporary directory.
func DefaultCADir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("CA directory: %w", err)
	}
	return filepath.Join(base, "rapport", "tenantsim"), nil
}

// privateDir makes dir (0700) if it is missing and checks that it is a
// real directory that group and others cannot write to.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory (a symbolic link?)", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s is writable by other users (mode %v): choose a directory of your own", dir, fi.Mode().Perm())
	}
	return nil
}

// HTTPClient returns a client that trusts the tenant.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.certs.pool}}}
}
