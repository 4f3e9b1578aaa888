// Package simtest starts simulated tenants for tests of the packages that
// talk to one (auth, dataverse, engine, app).
package simtest

import (
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// End is the end of generated history in tests, fixed so worlds repeat.
var End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Start starts a tenant on a loopback port and stops it when the test
// ends. A zero opts.End becomes End.
func Start(tb testing.TB, opts tenantsim.Options) *tenantsim.Server {
	tb.Helper()
	if opts.End.IsZero() {
		opts.End = End
	}
	srv, err := tenantsim.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Stop() })
	return srv
}
