package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/outbox"
)

// Events of the sync service.
const (
	EventSyncProgress = "sync:progress"  // engine.Progress
	EventSyncDone     = "sync:done"      // SyncResult
	EventSignedIn     = "auth:signed-in" // the account name ("" after sign-out)
	EventSignInFailed = "auth:failed"    // Error
	EventOutbox       = "outbox:pushed"  // outbox.Result, after queued edits were pushed
)

// errSignIn means sync needs the user to sign in first.
var errSignIn = fmt.Errorf("%w: run `rapport sync` (device code) or use Sign in", auth.ErrSignInRequired)

// connection holds what sync needs once the endpoints are known.
type connection struct {
	ep   cloud.Endpoints
	sess *auth.Session
	eng  *engine.Engine
	dv   *dataverse.Client // nil without a Dataverse endpoint
	g    *graph.Client
	// changes applies the guest console's membership changes: its tokens
	// ask for the write permissions, which the user grants when first
	// applying a change (incremental consent), never at sign-in.
	changes *graph.Client
}

// pushClients is what the outbox pushes with: the sync client for
// notices and publications, the console's client for membership changes
// and invitations.
type pushClients struct {
	*graph.Client
	changes *graph.Client
}

func (p pushClients) Memberships(ctx context.Context, teamID, channelID string) ([]graph.Membership, error) {
	return p.changes.Memberships(ctx, teamID, channelID)
}

func (p pushClients) AddMember(ctx context.Context, teamID, channelID, userID string, roles []string) error {
	return p.changes.AddMember(ctx, teamID, channelID, userID, roles)
}

func (p pushClients) SetMemberRoles(ctx context.Context, teamID, channelID, membershipID string, roles []string) error {
	return p.changes.SetMemberRoles(ctx, teamID, channelID, membershipID, roles)
}

func (p pushClients) RemoveMember(ctx context.Context, teamID, channelID, membershipID string) error {
	return p.changes.RemoveMember(ctx, teamID, channelID, membershipID)
}

func (p pushClients) Invite(ctx context.Context, email, name, redirect, message string, send bool) (string, error) {
	return p.changes.Invite(ctx, email, name, redirect, message, send)
}

func (p pushClients) TeamSettings(ctx context.Context, teamID string) (storage.TeamSettings, error) {
	return p.changes.TeamSettings(ctx, teamID)
}

func (p pushClients) SetTeamSettings(ctx context.Context, teamID string, s storage.TeamSettings) error {
	return p.changes.SetTeamSettings(ctx, teamID, s)
}

func (p pushClients) GuestByMail(ctx context.Context, email string) (string, error) {
	return p.changes.GuestByMail(ctx, email)
}

// syncState is the sync side of Core.
type syncState struct {
	mu      sync.Mutex
	conn    *connection
	tls     *tls.Config // nil: from --ca-file and the system store
	running bool
	// paused keeps rounds from starting while the store is replaced;
	// cancelRound and roundDone stop and wait for the running one.
	paused      bool
	cancelRound context.CancelFunc
	roundDone   chan struct{}
	last        *SyncResult
	// keep is the session of a connection dropped for a change that did
	// not touch sign-in (Graph or Dataverse URL): reused, so the user stays
	// signed in even with tokens in memory.
	keep *connection
	// signedOut says why the tenant refused the user's sign-in (revoked,
	// password reset) until they sign in again; rounds wait for it.
	signedOut string
}

// connect builds the session, the clients and the engine once.
func (c *Core) connect() (*connection, error) {
	c.sync.mu.Lock()
	defer c.sync.mu.Unlock()
	if c.sync.conn != nil {
		return c.sync.conn, nil
	}
	db, err := c.store()
	if err != nil {
		return nil, err
	}
	ep, err := c.endpoints()
	if err != nil {
		return nil, err
	}
	if ep.ClientID == "" {
		return nil, errNoClientID
	}
	tlsConf, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	var sess *auth.Session
	if k := c.sync.keep; k != nil && k.ep.Authority == ep.Authority && k.ep.Tenant == ep.Tenant && k.ep.ClientID == ep.ClientID {
		sess = k.sess
	} else {
		acfg := auth.Config{Authority: ep.Authority, Tenant: ep.Tenant, ClientID: ep.ClientID, TLS: tlsConf,
			Cache: auth.CacheMode(c.cfg.TokenCache), CacheFile: filepath.Join(c.cfg.DataDir, "token-cache")}
		if acfg.Cache == auth.CacheFile {
			acfg.CacheFile += ".json"
		}
		if sess, err = auth.New(acfg); err != nil {
			return nil, fmt.Errorf("%w: %w", errInvalid, err)
		}
	}
	c.sync.keep = nil
	g, err := graph.New(ep.Graph, tlsConf, sess.For(auth.GraphScopes(ep.GraphResource)), graph.Options{})
	if err != nil {
		return nil, err
	}
	changes, err := graph.New(ep.Graph, tlsConf, sess.For(auth.GuestChangeScopes(ep.GraphResource)), graph.Options{})
	if err != nil {
		return nil, err
	}
	var dv engine.Dataverse
	var dvc *dataverse.Client
	if ep.Dataverse != "" {
		d, err := dataverse.New(ep.Dataverse, tlsConf, sess.For(auth.DataverseScopes(ep.Dataverse)))
		if err != nil {
			return nil, err
		}
		dv, dvc = d, d
	}
	eng := engine.New(db, g, dv, engine.Options{Log: c.log, Report: func(p engine.Progress) { c.events.Emit(EventSyncProgress, p) }})
	if where, why := sess.CacheWhere(); where == auth.CacheMemory && why != "" {
		c.log.Warn("token cache", "where", where, "why", why)
	}
	c.sync.conn = &connection{ep: ep, sess: sess, eng: eng, dv: dvc, g: g, changes: changes}
	return c.sync.conn, nil
}

// SyncResult is the outcome of a round.
type SyncResult struct {
	Progress engine.Progress `json:"progress"`
	Error    *Error          `json:"error,omitempty"`
}

// runSync signs in if needed (only when signIn is given) and runs a round.
// When the tenant signs the user out during the round (a revoked sign-in),
// signIn is asked once more and the round goes on; without signIn the app
// records it, so the UI shows Sign in, and queued edits stay pending.
func (c *Core) runSync(ctx context.Context, ro engine.RoundOptions, signIn func(auth.DeviceCode)) (engine.Progress, error) {
	conn, err := c.connect()
	if err != nil {
		return engine.Progress{}, err
	}
	for attempt := 0; ; attempt++ {
		p, err := c.round(ctx, conn, ro, signIn)
		if !errors.Is(err, auth.ErrSignInRequired) {
			return p, err
		}
		if signIn == nil || attempt > 0 {
			c.signedOut(err)
			return p, err
		}
		c.log.Warn("the tenant refused the sign-in; signing in again", "err", err)
		if err := conn.sess.SignInDeviceCode(ctx, auth.GraphScopes(conn.ep.GraphResource), signIn); err != nil {
			return p, err
		}
		c.signedIn(ctx, conn)
	}
}

// round is one push of queued edits and one sync round.
func (c *Core) round(ctx context.Context, conn *connection, ro engine.RoundOptions, signIn func(auth.DeviceCode)) (engine.Progress, error) {
	if _, err := conn.sess.Token(ctx, auth.GraphScopes(conn.ep.GraphResource)); errors.Is(err, auth.ErrSignInRequired) {
		if signIn == nil {
			return engine.Progress{}, err
		}
		if err := conn.sess.SignInDeviceCode(ctx, auth.GraphScopes(conn.ep.GraphResource), signIn); err != nil {
			return engine.Progress{}, err
		}
		c.signedIn(ctx, conn)
	} else if err != nil {
		return engine.Progress{}, err
	}
	if err := c.checkOrigin(ctx, conn); err != nil {
		return engine.Progress{}, err
	}
	if conn.dv != nil {
		// Edits made offline go first, so the round reads them back.
		db, err := c.store()
		if err != nil {
			return engine.Progress{}, err
		}
		res, err := outbox.Push(ctx, db, conn.dv, pushClients{conn.g, conn.changes}, time.Now)
		if res != (outbox.Result{}) {
			c.log.Info("pushed queued edits", "done", res.Done, "waiting", res.Waiting, "failed", res.Failed, "conflicts", res.Conflicts)
			c.events.Emit(EventOutbox, res)
		}
		if err != nil {
			return engine.Progress{}, fmt.Errorf("push queued edits: %w", err)
		}
	}
	return conn.eng.Run(ctx, ro)
}

// checkOrigin keeps one directory's data in a store: it records the
// signed-in account's directory before the first round writes, and stops
// a round (keeping the data read-only) when the account belongs to
// another directory than the data.
func (c *Core) checkOrigin(ctx context.Context, conn *connection) error {
	db, err := c.store()
	if err != nil {
		return err
	}
	o, err := db.Origin(ctx)
	if err != nil {
		return err
	}
	if o.ReadOnly {
		return errReadOnly
	}
	tid := conn.sess.TenantID(ctx)
	switch {
	case tid == "" || strings.EqualFold(tid, o.TenantID):
		return nil
	case o.TenantID != "":
		has, err := db.HasSynced(ctx)
		if err != nil {
			return err
		}
		if has {
			o.ReadOnly, o.ReadOnlyFor = true, tid
			if err := db.SetOrigin(ctx, o); err != nil {
				return err
			}
			c.log.Warn("the account belongs to another directory than the data: kept read-only", "data", o.TenantID, "account", tid)
			if v, err := c.Connection.Get(); err == nil {
				c.events.Emit(EventConnectionChanged, v)
			}
			return fmt.Errorf("%w (the account %s belongs to directory %s, the data to %s)", errReadOnly, conn.sess.Account(ctx), tid, o.TenantID)
		}
	}
	return db.SetOrigin(ctx, storage.Origin{TenantID: tid})
}

// readOnly reports whether the store is kept read-only.
func (c *Core) readOnly() bool {
	db, err := c.store()
	if err != nil {
		return false
	}
	o, err := db.Origin(c.ctx)
	return err == nil && o.ReadOnly
}

// reconnect drops the connection so the next call builds it from the
// connection in use; with signOut, the old session's account and tokens
// are forgotten first (another sign-in service, directory or app
// registration).
func (c *Core) reconnect(signOut bool) {
	c.sync.mu.Lock()
	old := c.sync.conn
	c.sync.conn, c.sync.keep = nil, nil
	if signOut {
		c.sync.signedOut = ""
	} else if old != nil {
		c.sync.keep = old
	}
	c.sync.mu.Unlock()
	if signOut && old != nil {
		if err := old.sess.SignOut(c.ctx); err != nil {
			c.log.Warn("sign out of the previous connection", "err", err)
		}
		c.events.Emit(EventSignedIn, "")
	}
}

// startOver stops sync, moves the store aside whole (named after the
// directory its data came from) and opens a fresh one with the same
// settings, then reopens the search index, which rebuilds. It returns
// where the old store went.
func (c *Core) startOver(tenant string) (string, error) {
	c.sync.mu.Lock()
	c.sync.paused = true
	cancel, done := c.sync.cancelRound, c.sync.roundDone
	c.sync.mu.Unlock()
	defer func() {
		c.sync.mu.Lock()
		c.sync.paused = false
		c.sync.mu.Unlock()
	}()
	if cancel != nil {
		cancel()
		<-done
	}
	c.mu.Lock()
	ix, db := c.index, c.db
	c.index, c.indexErr = nil, nil
	c.db = nil
	c.mu.Unlock()
	if ix != nil {
		if err := ix.Close(); err != nil {
			c.log.Warn("close search index", "err", err)
		}
	}
	if db == nil {
		return "", fmt.Errorf("%w: no store to start over from", errUnavailable)
	}
	fresh, aside, err := storage.StartOver(c.ctx, db, storage.AsideName(tenant, time.Now()), storage.Options{})
	c.mu.Lock()
	c.db, c.openErr = fresh, err
	c.eff = nil
	c.mu.Unlock()
	c.sync.mu.Lock()
	c.sync.conn, c.sync.last, c.sync.signedOut = nil, nil, ""
	c.sync.mu.Unlock()
	if fresh == nil {
		c.log.Error("start over", "err", err)
		return "", err
	}
	c.openIndex()
	if err != nil {
		return "", err
	}
	c.log.Info("started over: the previous store was moved aside", "to", aside)
	return aside, nil
}

// signedOut records that the tenant refused the user's sign-in and tells
// the UI, which shows Sign in with the reason.
func (c *Core) signedOut(err error) {
	c.sync.mu.Lock()
	c.sync.signedOut = err.Error()
	c.sync.mu.Unlock()
	c.events.Emit(EventSignedIn, "")
}

// signedIn clears a refused sign-in and tells the UI who is signed in.
func (c *Core) signedIn(ctx context.Context, conn *connection) {
	c.sync.mu.Lock()
	c.sync.signedOut = ""
	c.sync.mu.Unlock()
	c.events.Emit(EventSignedIn, conn.sess.Account(ctx))
}

// Sync is the sync service the UI calls. It is safe for concurrent use.
type Sync struct{ c *Core }

// SyncStatus is what the UI shows about sync.
type SyncStatus struct {
	Account string         `json:"account"`
	Running bool           `json:"running"`
	Last    *SyncResult    `json:"last,omitempty"`
	Store   storage.Status `json:"store"`
	CanSync bool           `json:"canSync"`
	// NotReady is why sync cannot run, as a code: no_client_id,
	// invalid_connection, read_only, or a store error's code;
	// NotReadyDetail is the technical detail (English), if any.
	NotReady       string `json:"notReady,omitempty"`
	NotReadyDetail string `json:"notReadyDetail,omitempty"`
	// SignedOut says why the tenant refused the sign-in (Account is then
	// ""): the user must sign in again.
	SignedOut string `json:"signedOut,omitempty"`
	// TokenCache is where sign-in tokens live: keyring, file or memory;
	// TokenCacheNote says why when the secret store could not be used.
	TokenCache     string `json:"tokenCache,omitempty"`
	TokenCacheNote string `json:"tokenCacheNote,omitempty"`
}

// Status reports the account, whether a round runs, and the store's counts.
func (s *Sync) Status() (SyncStatus, error) {
	db, err := s.c.store()
	if err != nil {
		return SyncStatus{}, err
	}
	st, err := db.Status(s.c.ctx)
	if err != nil {
		return SyncStatus{}, err
	}
	out := SyncStatus{Store: st}
	if conn, err := s.c.connect(); err != nil {
		e := toError(err)
		out.NotReady, out.NotReadyDetail = e.Code, e.Message
		if errors.Is(err, cloud.ErrConfig) {
			out.NotReady = "invalid_connection"
		}
	} else {
		if s.c.readOnly() {
			out.NotReady = "read_only"
		} else {
			out.CanSync = true
		}
		out.Account = conn.sess.Account(s.c.ctx)
		where, why := conn.sess.CacheWhere()
		out.TokenCache, out.TokenCacheNote = string(where), why
	}
	s.c.sync.mu.Lock()
	out.Running, out.Last = s.c.sync.running, s.c.sync.last
	if out.SignedOut = s.c.sync.signedOut; out.SignedOut != "" {
		out.Account = ""
	}
	s.c.sync.mu.Unlock()
	return out, nil
}

// DeviceCodeDTO is what the UI shows the user to sign in.
type DeviceCodeDTO struct {
	UserCode        string    `json:"userCode"`
	VerificationURL string    `json:"verificationUrl"`
	Message         string    `json:"message"`
	ExpiresOn       time.Time `json:"expiresOn"`
}

// SignIn starts a device-code sign-in and returns the code to show. The
// sign-in completes in the background: EventSignedIn follows, then a sync
// round; a failure arrives as EventSignInFailed.
func (s *Sync) SignIn() (DeviceCodeDTO, error) {
	return s.c.signInDevice(func(conn *connection) []string { return auth.GraphScopes(conn.ep.GraphResource) })
}

// signInDevice starts a device-code sign-in asking for the scopes and
// returns the code to show; the rest is as SignIn says.
func (c *Core) signInDevice(scopes func(*connection) []string) (DeviceCodeDTO, error) {
	conn, err := c.connect()
	if err != nil {
		return DeviceCodeDTO{}, err
	}
	codes := make(chan DeviceCodeDTO, 1)
	errs := make(chan error, 1)
	c.goFunc(func(ctx context.Context) {
		err := conn.sess.SignInDeviceCode(ctx, scopes(conn), func(dc auth.DeviceCode) {
			codes <- DeviceCodeDTO{UserCode: dc.UserCode, VerificationURL: dc.VerificationURL, Message: dc.Message, ExpiresOn: dc.ExpiresOn}
		})
		if err != nil {
			errs <- err
			e := toError(err)
			c.events.Emit(EventSignInFailed, e)
			return
		}
		c.signedIn(ctx, conn)
		c.startRound(engine.RoundOptions{}, nil)
	})
	select {
	case dc := <-codes:
		return dc, nil
	case err := <-errs:
		return DeviceCodeDTO{}, err
	case <-c.ctx.Done():
		return DeviceCodeDTO{}, c.ctx.Err()
	}
}

// SignInBrowser starts a sign-in through the system browser and returns
// the sign-in URL. In the window Rapport opens it in the system browser;
// in browser mode the UI opens it in a new tab. Completion arrives as
// EventSignedIn (then a sync round) or EventSignInFailed.
func (s *Sync) SignInBrowser() (string, error) {
	return s.c.signInBrowser(func(conn *connection) []string { return auth.GraphScopes(conn.ep.GraphResource) })
}

// signInBrowser starts a browser sign-in asking for the scopes and
// returns its URL; the rest is as SignInBrowser says.
func (c *Core) signInBrowser(scopes func(*connection) []string) (string, error) {
	conn, err := c.connect()
	if err != nil {
		return "", err
	}
	urls := make(chan string, 1)
	errs := make(chan error, 1)
	c.goFunc(func(ctx context.Context) {
		err := conn.sess.SignInInteractive(ctx, scopes(conn), func(u string) error {
			c.mu.Lock()
			open := c.openURL
			c.mu.Unlock()
			if open != nil {
				open(u)
			}
			urls <- u
			return nil
		})
		if err != nil {
			errs <- err
			c.events.Emit(EventSignInFailed, toError(err))
			return
		}
		c.signedIn(ctx, conn)
		c.startRound(engine.RoundOptions{}, nil)
	})
	select {
	case u := <-urls:
		return u, nil
	case err := <-errs:
		return "", err
	case <-c.ctx.Done():
		return "", c.ctx.Err()
	}
}

// guestChangeScopes are the scopes the guest console's changes need.
func guestChangeScopes(conn *connection) []string {
	return auth.GuestChangeScopes(conn.ep.GraphResource)
}

// askConsent asks the user, by device code, for the guest console's
// write permissions (show gives the code), and returns once granted.
func (c *Core) askConsent(ctx context.Context, show func(auth.DeviceCode)) error {
	conn, err := c.connect()
	if err != nil {
		return err
	}
	return conn.sess.SignInDeviceCode(ctx, guestChangeScopes(conn), show)
}

// needsConsent reports whether applying membership changes needs the
// user to grant the write permissions first: true only when the tenant
// answered so (consent_required). Offline, not set up or signed out, it
// is false: the changes wait in the outbox and the next sync says so.
func (c *Core) needsConsent(ctx context.Context) bool {
	conn, err := c.connect()
	if err != nil || conn.sess.Account(ctx) == "" {
		return false
	}
	_, err = conn.sess.Token(ctx, guestChangeScopes(conn))
	return errors.Is(err, auth.ErrConsentRequired)
}

// SignOut forgets the signed-in account and its tokens. The store keeps
// what was synced.
func (s *Sync) SignOut() error {
	conn, err := s.c.connect()
	if err != nil {
		return err
	}
	if err := conn.sess.SignOut(s.c.ctx); err != nil {
		return err
	}
	s.c.events.Emit(EventSignedIn, "")
	return nil
}

// Start begins a round in the background; progress and the result arrive
// as events. Starting while a round runs is a no-op.
func (s *Sync) Start(full bool) error {
	if _, err := s.c.connect(); err != nil {
		return err
	}
	if s.c.readOnly() {
		return errReadOnly
	}
	s.c.startRound(engine.RoundOptions{Full: full}, nil)
	return nil
}

// startRound runs a round on a Core-owned goroutine unless one is running.
// signIn, when set, lets the round sign in by device code.
func (c *Core) startRound(ro engine.RoundOptions, signIn func(auth.DeviceCode)) {
	c.sync.mu.Lock()
	if c.sync.running || c.sync.paused {
		c.sync.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	c.sync.running, c.sync.cancelRound, c.sync.roundDone = true, cancel, done
	c.sync.mu.Unlock()
	c.goFunc(func(context.Context) {
		defer close(done)
		defer cancel()
		p, err := c.runSync(ctx, ro, signIn)
		res := &SyncResult{Progress: p}
		if err != nil {
			e := toError(err)
			res.Error = &e
			c.log.Warn("sync round failed", "err", err)
		}
		c.sync.mu.Lock()
		c.sync.running, c.sync.last, c.sync.cancelRound = false, res, nil
		c.sync.mu.Unlock()
		c.events.Emit(EventSyncDone, res)
	})
}

// schedule syncs while the app is open, once sync can run (endpoints
// configured and a user signed in): a quick round (one chat listing, then
// only the chats that changed) every quick interval, a whole round (teams,
// channels, members, records) every tenth, and every hundredth round full
// (every chat re-read, catching edits to old messages).
func (c *Core) schedule(quick time.Duration) {
	c.goFunc(func(ctx context.Context) {
		t := time.NewTicker(quick)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			conn, err := c.connect()
			if err != nil || conn.sess.Account(ctx) == "" {
				continue
			}
			c.sync.mu.Lock()
			out := c.sync.signedOut != ""
			c.sync.mu.Unlock()
			if out || c.readOnly() {
				continue // waiting for the user to sign in again, or for the connection to change
			}
			c.startRound(engine.RoundOptions{Quick: n%10 != 0, Full: n%100 == 0}, nil)
		}
	})
}
