package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// connCore is a Core on dir with only what a person who installed the
// app has: no connection flags, TLS trusting the given tenants.
func connCore(t *testing.T, dir string, cfg Config, trust ...*tenantsim.Server) *Core {
	t.Helper()
	cfg.DataDir, cfg.TokenCache = dir, "memory"
	core := newCore(cfg, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	pool := x509.NewCertPool()
	for _, s := range trust {
		pool.AppendCertsFromPEM(s.CAPEM())
	}
	core.sync.tls = &tls.Config{RootCAs: pool}
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	if err := core.openIndex(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	return core
}

func connOf(srv *tenantsim.Server, tenant string) storage.Connection {
	u := srv.URLs()
	return storage.Connection{Cloud: "global", Authority: u.Authority, Graph: u.Graph, Dataverse: u.Dataverse, Tenant: tenant, ClientID: u.ClientID}
}

// signInAndSync signs in by device code as the UI does (the simulated
// tenant approves at once) and waits for the round that follows.
func signInAndSync(t *testing.T, core *Core) SyncResult {
	t.Helper()
	events, unsubscribe := core.events.Subscribe()
	defer unsubscribe()
	if _, err := core.Sync.SignIn(); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return waitRound(t, events)
}

func waitRound(t *testing.T, events <-chan Event) SyncResult {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Name == EventSyncDone {
				return *ev.Data.(*SyncResult)
			}
			if ev.Name == EventSignInFailed {
				t.Fatalf("sign-in failed: %+v", ev.Data)
			}
		case <-timeout:
			t.Fatal("no round finished")
		}
	}
}

func wantCode(t *testing.T, err error, code, field, reason string) {
	t.Helper()
	e := toError(err)
	if e.Code != code || e.Field != field || e.Reason != reason {
		t.Fatalf("error %+v, want %s field %q reason %q", e, code, field, reason)
	}
}

// TestConnectionFirstRun: a first run without flags is not set up (as
// codes, not English); a connection saved in Settings is validated (field
// errors, unknown tenant, unreachable or untrusted sign-in service),
// kept in the store, and used at once: sign-in, a sync, Dataverse's
// WhoAmI, and the data's directory recorded. A restart reads it back.
func TestConnectionFirstRun(t *testing.T) {
	a := simtest.Start(t, tenantsim.Options{Seed: 21, Size: tenantsim.Small})
	dir := t.TempDir()
	core := connCore(t, dir, Config{}, a)

	v, err := core.Connection.Get()
	if err != nil {
		t.Fatal(err)
	}
	if v.Ready || !slices.Equal(v.Missing, []string{"no_client_id", "no_tenant", "no_dataverse"}) || len(v.Locked) != 0 ||
		v.Effective.Authority != "https://login.microsoftonline.com" || !slices.Contains(v.Permissions.Graph, "ChannelMessage.Read.All") ||
		!slices.Equal(v.Permissions.Dataverse, []string{"user_impersonation"}) || v.Permissions.RedirectURI != "http://localhost" {
		t.Fatalf("first run: %+v", v)
	}
	st, err := core.Sync.Status()
	if err != nil || st.CanSync || st.NotReady != "no_client_id" {
		t.Fatalf("first run status: %+v %v", st, err)
	}
	if err := core.Sync.Start(false); toError(err).Code != "no_client_id" {
		t.Fatalf("Start without a client id: %v", err)
	}

	good := connOf(a, "lumen.onmicrosoft.com")
	bad := func(f func(*storage.Connection)) storage.Connection {
		c := good
		f(&c)
		return c
	}
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.ClientID = "my-app" }), "")
	wantCode(t, err, "invalid_argument", "clientId", "bad_client_id")
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Dataverse = "http://contoso.crm.dynamics.com" }), "")
	wantCode(t, err, "invalid_argument", "dataverseUrl", "not_https")
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Cloud = "mars" }), "")
	wantCode(t, err, "invalid_argument", "cloud", "unknown_cloud")
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Tenant = "fabrikam.example" }), "")
	wantCode(t, err, "tenant_unknown", "tenant", "")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Authority = "https://" + closed }), "")
	wantCode(t, err, "authority_unreachable", "authorityUrl", "")
	other := httptest.NewTLSServer(http.NotFoundHandler())
	defer other.Close()
	_, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Authority = other.URL }), "")
	wantCode(t, err, "authority_untrusted", "authorityUrl", "")
	_, err = core.Connection.Save(good, "maybe")
	wantCode(t, err, "invalid_argument", "", "")
	if c, _ := mustStore(t, core).Connection(context.Background()); c != (storage.Connection{}) {
		t.Fatalf("a refused connection was saved: %+v", c)
	}

	events, unsubscribe := core.events.Subscribe()
	v, err = core.Connection.Save(bad(func(c *storage.Connection) { c.Tenant = "  " + c.Tenant + " " }), "")
	if err != nil {
		t.Fatal(err)
	}
	unsubscribe()
	seen := false
	for ev := range events {
		seen = seen || ev.Name == EventConnectionChanged
	}
	if !seen {
		t.Fatalf("no %s event", EventConnectionChanged)
	}
	if !v.Ready || len(v.Missing) != 0 || v.Saved != good || v.Effective.Authority != a.URLs().Authority || v.Account != "" {
		t.Fatalf("saved: %+v", v)
	}
	if st, _ := core.Sync.Status(); !st.CanSync || st.NotReady != "" || st.Account != "" {
		t.Fatalf("status after save: %+v", st)
	}
	if info, _ := core.System.Info(); info.Endpoints.Dataverse != a.URLs().Dataverse {
		t.Fatalf("Info shows %+v", info.Endpoints)
	}
	chk, err := core.Connection.Check()
	if err != nil || chk.Discovery != nil || chk.TenantID != a.URLs().Tenant || chk.Dataverse != "not_signed_in" {
		t.Fatalf("check before sign-in: %+v %v", chk, err)
	}

	res := signInAndSync(t, core)
	if res.Error != nil || res.Progress.Messages == 0 {
		t.Fatalf("first sync: %+v", res)
	}
	st, _ = core.Sync.Status()
	if st.Account == "" || st.Store.Messages == 0 {
		t.Fatalf("status after the first sync: %+v", st)
	}
	if o, _ := mustStore(t, core).Origin(context.Background()); o.TenantID != a.URLs().Tenant || o.ReadOnly {
		t.Fatalf("origin %+v, want %s", o, a.URLs().Tenant)
	}
	chk, err = core.Connection.Check()
	me := a.Tenant().World().Me.ID
	if err != nil || chk.Dataverse != "ok" || chk.DataverseUser != a.Tenant().World().SystemUserID(me) ||
		chk.AccountTenant != a.URLs().Tenant || chk.Account == "" {
		t.Fatalf("check after sign-in: %+v %v", chk, err)
	}

	// A restart without flags uses the saved connection.
	core.Close()
	core = connCore(t, dir, Config{}, a)
	if v, _ := core.Connection.Get(); !v.Ready || v.Effective.ClientID != good.ClientID || !v.HasData {
		t.Fatalf("after a restart: %+v", v)
	}
}

func mustStore(t *testing.T, core *Core) *storage.DB {
	t.Helper()
	db, err := core.store()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestConnectionFlagsWin: flags and RAPPORT_* variables override the saved
// connection field by field, show as locked with their source, and a save
// cannot change them; an authority flag naming its tenant locks the
// tenant too.
func TestConnectionFlagsWin(t *testing.T) {
	a := simtest.Start(t, tenantsim.Options{Seed: 22, Size: tenantsim.Small})
	u := a.URLs()
	dir := t.TempDir()
	core := connCore(t, dir, Config{}, a)
	saved := connOf(a, u.Tenant)
	if _, err := core.Connection.Save(saved, ""); err != nil {
		t.Fatal(err)
	}
	core.Close()

	core = connCore(t, dir, Config{Overrides: cloud.Endpoints{Dataverse: "https://flag.crm.dynamics.com"},
		Sources: map[string]string{"dataverseUrl": "RAPPORT_DATAVERSE_URL"}}, a)
	v, err := core.Connection.Get()
	if err != nil {
		t.Fatal(err)
	}
	if v.Effective.Dataverse != "https://flag.crm.dynamics.com" || v.Effective.ClientID != u.ClientID || v.Saved != saved ||
		len(v.Locked) != 1 || v.Locked["dataverseUrl"] != "RAPPORT_DATAVERSE_URL" {
		t.Fatalf("flag over saved: %+v", v)
	}
	in := saved
	in.Dataverse = "https://form.crm.dynamics.com"
	in.Graph = u.Graph + "/v1.0"
	if v, err = core.Connection.Save(in, ""); err != nil {
		t.Fatal(err)
	}
	if v.Saved.Dataverse != saved.Dataverse || v.Saved.Graph != u.Graph+"/v1.0" || v.Effective.Graph != u.Graph ||
		v.Effective.Dataverse != "https://flag.crm.dynamics.com" {
		t.Fatalf("a save changed a locked field, or lost another: %+v", v)
	}
	core.Close()

	// --authority-url with its tenant: the tenant is locked by that flag.
	core = connCore(t, dir, Config{Cloud: "global", Overrides: cloud.Endpoints{Authority: u.Authority + "/" + u.Tenant + "/v2.0"}}, a)
	v, _ = core.Connection.Get()
	if v.Problem != nil || v.Effective.Tenant != u.Tenant || v.Locked["tenant"] != "--authority-url" || v.Locked["cloud"] != "--cloud" {
		t.Fatalf("authority with its tenant: %+v", v)
	}
	core.Close()

	// A flag set on the command line, and its variable: Main records which.
	t.Setenv("RAPPORT_TENANT", "contoso.onmicrosoft.com")
	var cfg Config
	fs := newFlagSet(&cfg)
	if err := fs.Parse([]string{"--client-id", u.ClientID}); err != nil {
		t.Fatal(err)
	}
	cfg.noteSources(fs)
	if len(cfg.Sources) != 2 || cfg.Sources["clientId"] != "--client-id" || cfg.Sources["tenant"] != "RAPPORT_TENANT" || cfg.Cloud != "" {
		t.Fatalf("sources %v, cloud %q", cfg.Sources, cfg.Cloud)
	}
}

// TestConnectionTenantChange: a store holding one directory's data and a
// connection saved to another asks for a choice; "keep read-only" keeps
// the data and stops sync until the connection points back (which lifts
// it); "start over" moves the store aside whole and syncs the new
// directory into a fresh one, with settings kept and the index rebuilt.
// An account that turns out to belong to another directory (a
// multi-tenant sign-in) makes the data read-only before anything is
// written.
func TestConnectionTenantChange(t *testing.T) {
	a := simtest.Start(t, tenantsim.Options{Seed: 23, Size: tenantsim.Small})
	b := simtest.Start(t, tenantsim.Options{Seed: 24, Size: tenantsim.Small})
	if a.URLs().Tenant == b.URLs().Tenant {
		t.Fatal("the two tenants share an id")
	}
	ctx := context.Background()
	dir := t.TempDir()
	core := connCore(t, dir, Config{}, a, b)
	if _, err := core.Settings.Set(UISettings{Language: "fr", Theme: "dark"}); err != nil {
		t.Fatal(err)
	}
	if _, err := core.Connection.Save(connOf(a, a.URLs().Tenant), ""); err != nil {
		t.Fatal(err)
	}
	if res := signInAndSync(t, core); res.Error != nil {
		t.Fatalf("sync A: %+v", res.Error)
	}
	msgsA := mustStatus(t, core).Store.Messages

	// Only Graph's spelling changes: no question, still signed in.
	same := connOf(a, a.URLs().Tenant)
	same.Graph += "/v1.0"
	if v, err := core.Connection.Save(same, ""); err != nil || !v.Ready || v.Account == "" {
		t.Fatalf("Graph with /v1.0: %+v %v", v, err)
	}
	// The same directory by its domain: no question either; the sign-in
	// is for another authority path, so the user signs in again.
	if v, err := core.Connection.Save(connOf(a, "lumen.onmicrosoft.com"), ""); err != nil || !v.Ready || v.Account != "" {
		t.Fatalf("same directory by domain: %+v %v", v, err)
	}
	if res := signInAndSync(t, core); res.Error != nil {
		t.Fatalf("sync A again: %+v", res.Error)
	}

	toB := connOf(b, b.URLs().Tenant)
	_, err := core.Connection.Save(toB, "")
	wantCode(t, err, "tenant_change", "", "")
	// A store synced before Rapport recorded its directory: the signed-in
	// account says where the data came from.
	if err := mustStore(t, core).SetOrigin(ctx, storage.Origin{}); err != nil {
		t.Fatal(err)
	}
	_, err = core.Connection.Save(toB, "")
	wantCode(t, err, "tenant_change", "", "")
	if c, _ := mustStore(t, core).Connection(ctx); c.Authority != a.URLs().Authority {
		t.Fatalf("the connection moved without a choice: %+v", c)
	}

	v, err := core.Connection.Save(toB, ChoiceKeepReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if v.Ready || !v.Origin.ReadOnly || v.Origin.TenantID != a.URLs().Tenant || v.Origin.ReadOnlyFor != b.URLs().Tenant || !v.HasData {
		t.Fatalf("kept read-only: %+v", v)
	}
	st := mustStatus(t, core)
	if st.CanSync || st.NotReady != "read_only" || st.Store.Messages != msgsA || st.Account != "" {
		t.Fatalf("status while read-only: %+v", st)
	}
	if err := core.Sync.Start(false); toError(err).Code != "read_only" {
		t.Fatalf("Start while read-only: %v", err)
	}

	// Back to A: read-only is lifted.
	if v, err = core.Connection.Save(connOf(a, a.URLs().Tenant), ""); err != nil || !v.Ready || v.Origin.ReadOnly {
		t.Fatalf("back to A: %+v %v", v, err)
	}

	// Start over with B.
	v, err = core.Connection.Save(toB, ChoiceStartOver)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Ready || v.HasData || v.Origin != (storage.Origin{}) || v.Effective.Authority != b.URLs().Authority {
		t.Fatalf("started over: %+v", v)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "previous-"+a.URLs().Tenant+"-*.db"))
	if len(aside) != 1 {
		entries, _ := os.ReadDir(dir)
		t.Fatalf("moved-aside store: %v (dir: %v)", aside, entries)
	}
	if ui, _ := core.Settings.Get(); ui.Language != "fr" {
		t.Fatalf("settings lost: %+v", ui)
	}
	if st := mustStatus(t, core); st.Store.Messages != 0 || st.Account != "" {
		t.Fatalf("fresh store: %+v", st)
	}
	res := signInAndSync(t, core)
	if res.Error != nil || res.Progress.Messages == 0 {
		t.Fatalf("sync B: %+v", res)
	}
	if o, _ := mustStore(t, core).Origin(ctx); o.TenantID != b.URLs().Tenant {
		t.Fatalf("origin after B: %+v", o)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ix, err := core.searchIndex()
		if err != nil {
			t.Fatal(err)
		}
		if s := ix.Status(ctx); s.State == "ready" && s.Indexed > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not rebuild: %+v", ix.Status(ctx))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The account turns out to be in another directory than the data.
	db := mustStore(t, core)
	if err := db.SetOrigin(ctx, storage.Origin{TenantID: "00000000-0000-4000-8000-00000000000a"}); err != nil {
		t.Fatal(err)
	}
	before := mustStatus(t, core).Store.Messages
	_, err = core.runSync(ctx, engine.RoundOptions{}, nil)
	if !errors.Is(err, errReadOnly) || !strings.Contains(err.Error(), b.URLs().Tenant) {
		t.Fatalf("round with an account of another directory: %v", err)
	}
	if o, _ := db.Origin(ctx); !o.ReadOnly || o.ReadOnlyFor != b.URLs().Tenant {
		t.Fatalf("origin %+v", o)
	}
	if st := mustStatus(t, core); st.NotReady != "read_only" || st.Store.Messages != before {
		t.Fatalf("status %+v", st)
	}
	// Starting over from Settings leaves it behind.
	if v, err := core.Connection.StartOver(); err != nil || v.Origin.ReadOnly || v.HasData || !v.Ready {
		t.Fatalf("start over: %+v %v", v, err)
	}
}

func mustStatus(t *testing.T, core *Core) SyncStatus {
	t.Helper()
	st, err := core.Sync.Status()
	if err != nil {
		t.Fatal(err)
	}
	return st
}
