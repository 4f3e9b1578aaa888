package engine_test

import (
	"crypto/tls"
	"testing"

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
	eng := engine.New(r.DB, g, dv, engine.Options{MessageRate: -1})
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
	converged(t, r)
}
