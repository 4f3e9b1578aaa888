package engine_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

var long = flag.Bool("long", false, "fault soak: run 2,000 seeds instead of 50")

// TestMain lets the test binary act as a Rapport process that syncs in a
// loop until it is killed (the soak's victim).
func TestMain(m *testing.M) {
	if dir := os.Getenv("RAPPORT_SOAK_CHILD"); dir != "" {
		os.Exit(soakChild(dir))
	}
	if dir := os.Getenv("RAPPORT_BENCH_CHILD"); dir != "" {
		os.Exit(benchChild(dir))
	}
	os.Exit(m.Run())
}

// soakSpec is the fault menu at a high rate; seeded per run.
func soakSpec(seed int) string {
	return fmt.Sprintf("429=0.05,429date=0.02,429none=0.02,500=0.03,502=0.02,503=0.03,504=0.02,reset=0.03,truncate=0.03,"+
		"hang=0.01,emptypage=0.1,duplicates=0.1,expire=0.05,401=0.02,seed=%d", seed)
}

var soakSize = tenantsim.Size{Name: "soak", Customers: 3, Messages: 400}

// TestFaultSoak: for each seed, a tenant with the fault menu on; a sync
// process is killed at random moments while the tenant's users keep
// posting, editing and deleting; then a clean process must open the store
// (consistent B+tree), finish syncing and equal the tenant, with no
// duplicates. A failing seed replays with RAPPORT_SOAK_SEED=N.
func TestFaultSoak(t *testing.T) {
	seeds := make([]int, 0, 50)
	switch {
	case os.Getenv("RAPPORT_SOAK_SEED") != "":
		n, err := strconv.Atoi(os.Getenv("RAPPORT_SOAK_SEED"))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, n)
	case *long:
		for i := 1; i <= 2000; i++ {
			seeds = append(seeds, i)
		}
	default:
		for i := 1; i <= 50; i++ {
			seeds = append(seeds, i)
		}
	}
	for _, seed := range seeds {
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("replay: RAPPORT_SOAK_SEED=%d go test -run TestFaultSoak ./sync/engine", seed)
				}
			}()
			soakOne(t, seed)
		})
	}
}

func soakOne(t *testing.T, seed int) {
	srv, err := tenantsim.New(tenantsim.Options{Seed: int64(seed), Size: soakSize, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ImmediateRetry: true, AutoApprove: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, srv.CAPEM(), 0o600)
	store := filepath.Join(dir, "store")
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	tn := srv.Tenant()
	convs := tn.Conversations()
	if err := srv.SetFaults(soakSpec(seed)); err != nil {
		t.Fatal(err)
	}
	for kill := 0; kill < 3; kill++ {
		u := srv.URLs()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "RAPPORT_SOAK_CHILD="+store, "SOAK_CA="+ca, "SOAK_URLS="+childURLs(u))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		life := time.Duration(100+rng.IntN(500)) * time.Millisecond
		switch kill {
		case 1:
			// The user's sign-in is revoked mid-sync: the child signs in again.
			revoke := time.AfterFunc(life/2, func() { tn.RevokeSignIn("") })
			defer revoke.Stop()
		case 2:
			// Continuous Access Evaluation mid-sync: renewed with the claims.
			challenge := time.AfterFunc(life/2, func() { tn.ChallengeClaims("") })
			defer challenge.Stop()
		}
		select {
		case err := <-exited:
			t.Fatalf("the syncing process exited by itself (%v):\n%s", err, stderr.String())
		case <-time.After(life):
		}
		cmd.Process.Kill()
		<-exited
		// Meanwhile the tenant's own users keep working.
		for i := 0; i < 3; i++ {
			conv := convs[rng.IntN(len(convs))]
			msgs, _ := tn.Messages(conv)
			switch rng.IntN(3) {
			case 0:
				tn.Post(conv, "", tn.World().Me.ID, fmt.Sprintf("<p>soak %d/%d</p>", kill, i))
			case 1:
				if m := msgs[rng.IntN(len(msgs))]; m.Type == "message" {
					tn.Edit(conv, m.ID, "<p>edited in soak</p>")
				}
			case 2:
				if m := msgs[rng.IntN(len(msgs))]; m.Type == "message" {
					tn.Delete(conv, m.ID)
				}
			}
		}
	}
	srv.SetFaults("")
	// A clean process: the store must open and check clean, then converge.
	db, err := storage.Open(ctx, store, storage.Options{})
	if err != nil {
		t.Fatalf("open after kills: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Check(); err != nil {
		t.Fatalf("store inconsistent after kills: %v", err)
	}
	before, _ := db.Status(ctx)
	t.Logf("after the kills the store held %d messages; faults fired: %v", before.Messages, srv.FaultHits())
	// The endpoint moves before the clean round (a gateway in front of
	// Graph and Dataverse): the links the killed processes saved still
	// name the tenant's own address.
	gw := simtest.StartGateway(t, srv, "/moved")
	u := srv.URLs()
	// The clean round waits as long as a real client would: a loaded
	// machine (the race detector, other test binaries) answers slowly,
	// and this round is about converging, not about timeouts.
	_, g, dv := signInWithin(t, u, gw.URL+"/graph", gw.URL+"/dataverse", &tls.Config{RootCAs: gw.Pool}, 30*time.Second)
	r := &rig{Srv: srv, DB: db, Eng: engine.New(db, g, dv, engine.Options{MessageRate: -1})}
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{Full: true}); err != nil {
		t.Fatalf("clean round: %v", err)
	}
	converged(t, r)
	if err := db.Check(); err != nil {
		t.Fatalf("store inconsistent after the clean round: %v", err)
	}
}

// wrapTransport, when set, wraps the Graph transport (the benchmark child
// counts the bytes Graph sends).
var wrapTransport func(http.RoundTripper) http.RoundTripper

// clients signs in and returns the engine's collaborators.
func clients(t testing.TB, _ any, u tenantsim.URLs, tlsConf *tls.Config) (engine.Graph, engine.Dataverse, engine.Options) {
	_, g, dv := signIn(t, u, u.Graph, u.Dataverse, tlsConf)
	return g, dv, engine.Options{MessageRate: -1}
}

// signIn signs in to u by device code and returns clients that reach Graph
// and Dataverse at graphURL and dvURL (the tenant's own, or a gateway's).
func signIn(t testing.TB, u tenantsim.URLs, graphURL, dvURL string, tlsConf *tls.Config) (*auth.Session, *graph.Client, *dataverse.Client) {
	return signInWithin(t, u, graphURL, dvURL, tlsConf, 2*time.Second)
}

// signInWithin is signIn with Graph requests timing out after timeout.
func signInWithin(t testing.TB, u tenantsim.URLs, graphURL, dvURL string, tlsConf *tls.Config, timeout time.Duration) (*auth.Session, *graph.Client, *dataverse.Client) {
	sess, err := auth.New(auth.Config{Authority: u.Authority, Tenant: u.Tenant, ClientID: u.ClientID, TLS: tlsConf, Cache: auth.CacheMemory})
	if err != nil {
		t.Fatal(err)
	}
	if err := signInAgain(sess, u); err != nil {
		t.Fatal(err)
	}
	g, err := graph.New(graphURL, tlsConf, sess.For(auth.GraphScopes(u.GraphResource)),
		graph.Options{MaxRetries: 1, Timeout: timeout, Wrap: wrapTransport})
	if err != nil {
		t.Fatal(err)
	}
	dv, err := dataverse.New(dvURL, tlsConf, sess.For(auth.DataverseScopes(u.Dataverse)))
	if err != nil {
		t.Fatal(err)
	}
	return sess, g, dv
}

func signInAgain(sess *auth.Session, u tenantsim.URLs) error {
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return sess.SignInDeviceCode(c, auth.GraphScopes(u.GraphResource), func(auth.DeviceCode) {})
}

// soakChild syncs into dir in a loop, faults and all, until killed.
func soakChild(dir string) int {
	pem, err := os.ReadFile(os.Getenv("SOAK_CA"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	u := handedURLs()
	db, err := storage.Open(ctx, dir, storage.Options{LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 3
	}
	tb := &childTB{}
	sess, g, dv := signIn(tb, u, u.Graph, u.Dataverse, &tls.Config{RootCAs: pool})
	eng := engine.New(db, g, dv, engine.Options{MessageRate: -1})
	for {
		if _, err := eng.Run(ctx, engine.RoundOptions{Full: true}); errors.Is(err, auth.ErrSignInRequired) {
			// Revoked: sign in again, once per revocation, and go on.
			if err := signInAgain(sess, u); err != nil {
				fmt.Fprintln(os.Stderr, "sign in again:", err)
				return 3
			}
		}
	}
}

// childTB lets the child reuse clients(); a failure ends the child.
type childTB struct{ testing.TB }

func (c *childTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, args...)
	os.Exit(3)
}
func (c *childTB) Helper() {}

// childURLs and handedURLs hand the tenant's endpoints to a child process.
func childURLs(u tenantsim.URLs) string {
	b, _ := json.Marshal(u)
	return string(b)
}

func handedURLs() tenantsim.URLs {
	var u tenantsim.URLs
	json.Unmarshal([]byte(os.Getenv("SOAK_URLS")), &u)
	return u
}
