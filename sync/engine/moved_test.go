package engine_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// TestEndpointsMove: the saved next and delta links are absolute URLs of
// the endpoint they were read from. When Graph and Dataverse are then
// reached elsewhere (a gateway on another port and path, Graph written
// with its /v1.0 as the SDKs write it), the next rounds follow the saved
// links on the configured endpoint (tokens never go to the old one: the
// transport refuses), store nothing twice and converge.
func TestEndpointsMove(t *testing.T) {
	r := newRig(t, tenantsim.Options{Seed: 21, Size: tenantsim.Small}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatalf("first round: %v", err)
	}
	u := r.Srv.URLs()
	gw := simtest.StartGateway(t, r.Srv, "/edge/ms")
	tlsConf := &tls.Config{RootCAs: gw.Pool}
	// Written as Microsoft's docs and SDKs write them.
	ep, err := cloud.Resolve(cloud.Global, cloud.Endpoints{Graph: gw.URL + "/graph/v1.0", Dataverse: gw.URL + "/dataverse/api/data/v9.2"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.New(ep.Graph, tlsConf, r.Sess.For(auth.GraphScopes(ep.GraphResource)), graph.Options{MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The organisation is still the one the user signed in to: its
	// resource is its own URL, which the gateway does not change.
	dv, err := dataverse.New(ep.Dataverse, tlsConf, r.Sess.For(auth.DataverseScopes(u.Dataverse)))
	if err != nil {
		t.Fatal(err)
	}
	// One saved link names no Graph path at all (a hand-edited or foreign
	// value): that listing starts over, and the log says why.
	curs, err := r.DB.Cursors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := ""
	for _, c := range curs {
		if strings.HasPrefix(c.Source, "chat:") {
			c.Link, c.State, bad = "https://gateway.example/other/path?$skiptoken=x", "partial", c.Source
			if err := r.DB.Apply(ctx, func(w *storage.Writer) error { return w.SetCursor(c) }); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logBuf}, nil))
	eng := engine.New(r.DB, g, dv, engine.Options{MessageRate: -1, Log: log})
	tn := r.Srv.Tenant()
	for i, conv := range tn.Conversations()[:5] {
		if _, err := tn.Post(conv, "", tn.World().Customers[0].Contacts[0].ID, "<p>after the move</p>"); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	for round := 0; round < 2; round++ {
		if p, err := eng.Run(ctx, engine.RoundOptions{}); err != nil {
			t.Fatalf("round %d after the move: %v (errors %d)", round, err, p.Errors)
		}
	}
	if gw.Requests.Load() == 0 {
		t.Fatal("nothing went through the new endpoint")
	}
	logMu.Lock()
	logged := logBuf.String()
	logMu.Unlock()
	if bad == "" || !strings.Contains(logged, "restarting a listing") || !strings.Contains(logged, bad) {
		t.Fatalf("no log line for the listing restarted from an unusable link (%s):\n%s", bad, logged)
	}
	converged(t, r)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
