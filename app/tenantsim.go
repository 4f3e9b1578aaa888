package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// runTenantsim runs the simulated tenant in the foreground until ctx ends.
func runTenantsim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rapport tenantsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	seed := fs.Int64("seed", 1, "world seed: the same seed gives the same tenant")
	size := fs.String("size", "small", "small, medium, large (≥ 1,000,000 messages) or a message count")
	latency := fs.Duration("latency", 0, "delay added to every Graph and Dataverse request")
	faults := fs.String("faults", "", "faults to inject, e.g. 429=0.05,503after=0.02,reset=0.01,seed=7")
	limits := fs.Bool("limits", false, "enforce Graph's published Teams throttling limits (429 + Retry-After)")
	caDir := fs.String("ca-dir", "", "where to write the CA certificate clients must trust (default: a directory of your own under the user cache directory)")
	asJSON := fs.Bool("json", false, "print the endpoints as JSON")
	cloudName := fs.String("cloud", string(cloud.Global), "the cloud whose Graph resource identifier the tenant's sign-in knows: global, china or usgov")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	sz, err := tenantsim.ParseSize(*size)
	if err != nil {
		fmt.Fprintln(stderr, "rapport tenantsim:", err)
		return 2
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintln(stderr, "rapport tenantsim:", err)
		return 2
	}
	graphResource := cloud.Name(*cloudName).GraphResource()
	if graphResource == "" {
		fmt.Fprintf(stderr, "rapport tenantsim: unknown cloud %q (want global, china or usgov)\n", *cloudName)
		return 2
	}
	start := time.Now()
	srv, err := tenantsim.New(tenantsim.Options{Seed: *seed, Size: sz, Latency: *latency, Faults: *faults, Limits: *limits, GraphResource: graphResource})
	if err != nil {
		fmt.Fprintln(stderr, "rapport tenantsim:", err)
		return 2
	}
	if err := srv.Start(*addr); err != nil {
		fmt.Fprintln(stderr, "rapport tenantsim:", err)
		return 1
	}
	defer srv.Stop()
	if *caDir == "" {
		if *caDir, err = tenantsim.DefaultCADir(); err != nil {
			fmt.Fprintln(stderr, "rapport tenantsim:", err)
			return 1
		}
	}
	ca, err := srv.WriteCA(*caDir)
	if err != nil {
		fmt.Fprintln(stderr, "rapport tenantsim:", err)
		return 1
	}
	ca, _ = filepath.Abs(ca)
	sum := srv.Summary()
	if *asJSON {
		json.NewEncoder(stdout).Encode(map[string]any{"summary": sum, "caFile": ca, "controlToken": srv.ControlToken()})
	} else {
		u := sum.URLs
		fmt.Fprintf(stdout, "Simulated tenant ready in %s (seed %d, %s: %d customers, %d teams, %d channels, %d chats, %d messages, %d CRM records).\n",
			time.Since(start).Round(time.Millisecond), sum.Seed, sz.Name, sum.Customers, sum.Teams, sum.Channels, sum.Chats, sum.Messages, sum.Records)
		fmt.Fprintf(stdout, "  --cloud         %s\n  --authority-url %s\n  --graph-url     %s\n  --dataverse-url %s\n  --tenant        %s\n  --client-id     %s\n  --ca-file       %s\n",
			*cloudName, u.Authority, u.Graph, u.Dataverse, u.Tenant, u.ClientID, ca)
		fmt.Fprintf(stdout, "Signs in as %s (password: the token below). Control API: %s/_control/world\n", sum.Me, u.Authority)
		fmt.Fprintf(stdout, "  token           %s   (Authorization: Bearer …; new each run)\n", srv.ControlToken())
	}
	<-ctx.Done()
	return 0
}
