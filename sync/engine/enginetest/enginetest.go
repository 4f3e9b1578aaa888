// Package enginetest builds a real sync rig for tests: a simulated tenant
// over TLS, an MSAL device-code sign-in, the real Graph and Dataverse
// clients and an engine writing to a store in t.TempDir().
package enginetest

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// Rig is a tenant, a store and an engine syncing one into the other.
type Rig struct {
	Srv *tenantsim.Server
	DB  *storage.DB
	Eng *engine.Engine
	DV  *dataverse.Client // the engine's Dataverse client, for writes
	G   *graph.Client     // the engine's Graph client, for writes
	// Sess is the signed-in session; DVTokens are its Dataverse tokens
	// (a child process is handed one).
	Sess     *auth.Session
	DVTokens auth.Tokens
}

// New starts a tenant and connects a store in t.TempDir() to it.
func New(t testing.TB, opts tenantsim.Options, eopts engine.Options) *Rig {
	t.Helper()
	srv := simtest.Start(t, opts)
	if eopts.MessageRate == 0 && !opts.Limits {
		eopts.MessageRate = -1 // the tenant enforces no limits: go as fast as it serves
	}
	return Connect(t, srv, storagetest.Open(t), eopts)
}

// Connect signs in to srv by device code with MSAL and builds an engine
// over the real Graph and Dataverse clients, writing to db.
func Connect(t testing.TB, srv *tenantsim.Server, db *storage.DB, eopts engine.Options) *Rig {
	t.Helper()
	return ConnectGraph(t, srv, db, eopts, graph.Options{MaxRetries: 3})
}

// ConnectGraph is Connect with the Graph client's options (for instance a
// transport wrapper that cuts the network at a chosen request).
func ConnectGraph(t testing.TB, srv *tenantsim.Server, db *storage.DB, eopts engine.Options, gopts graph.Options) *Rig {
	t.Helper()
	u := srv.URLs()
	tlsConf := &tls.Config{RootCAs: srv.CertPool()}
	sess, err := auth.New(auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: tlsConf, Cache: auth.CacheMemory})
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sess.SignInDeviceCode(c, auth.GraphScopes(u.GraphResource), func(auth.DeviceCode) {}); err != nil {
		t.Fatal(err)
	}
	g, err := graph.New(u.Graph, tlsConf, sess.For(auth.GraphScopes(u.GraphResource)), gopts)
	if err != nil {
		t.Fatal(err)
	}
	dvTokens := sess.For(auth.DataverseScopes(u.Dataverse))
	dv, err := dataverse.New(u.Dataverse, tlsConf, dvTokens)
	if err != nil {
		t.Fatal(err)
	}
	return &Rig{Srv: srv, DB: db, Eng: engine.New(db, g, dv, eopts), DV: dv, G: g, Sess: sess, DVTokens: dvTokens}
}

// Synced is New followed by one full sync round.
func Synced(t testing.TB, opts tenantsim.Options) *Rig {
	t.Helper()
	r := New(t, opts, engine.Options{})
	if _, err := r.Eng.Run(context.Background(), engine.RoundOptions{}); err != nil {
		t.Fatalf("full sync: %v", err)
	}
	return r
}
