package engine_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// benchTenant starts the large preset (≥ 1,000,000 messages).
func benchTenant(b *testing.B, limits bool) *tenantsim.Server {
	srv, err := tenantsim.New(tenantsim.Options{Seed: 1, Size: tenantsim.Large, Limits: limits, AutoApprove: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Stop() })
	return srv
}

// BenchmarkSyncLarge syncs the large preset with throttling off, in a
// child process (the sync as a Rapport process would run it), and reports
// messages/s, the child's peak RSS, the store's size per message, the
// requests of an idle quick round, and the time from a new chat message to
// the store with quick rounds.
func BenchmarkSyncLarge(b *testing.B) {
	srv := benchTenant(b, false)
	w := srv.Tenant().World()
	channels := 0
	for _, t := range w.Teams {
		channels += len(t.Channels)
	}
	b.Logf("corpus: large preset, %d messages, %d chats, %d channels", w.Messages, len(w.Chats), channels)
	for b.Loop() {
		dir := b.TempDir()
		ca := filepath.Join(dir, "ca.pem")
		os.WriteFile(ca, srv.CAPEM(), 0o600)
		u := srv.URLs()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "RAPPORT_BENCH_CHILD="+filepath.Join(dir, "store"), "SOAK_CA="+ca, "SOAK_URLS="+childURLs(u))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("sync child: %v", err)
		}
		var res benchResult
		if err := json.Unmarshal(out, &res); err != nil {
			b.Fatalf("child output %q: %v", out, err)
		}
		b.ReportMetric(float64(res.Messages)/res.Seconds, "msgs/s")
		if kib, ok := peakRSSKiB(cmd.ProcessState); ok {
			b.ReportMetric(float64(kib)/1024, "peak-RSS-MB")
		}
		b.ReportMetric(float64(res.GoSysBytes)/(1<<20), "go-memory-MB")
		b.ReportMetric(float64(res.StoreBytes)/float64(res.Messages), "store-B/msg")
		b.ReportMetric(float64(res.StoreBytes)/float64(res.RawBytes), "store/raw")
		b.ReportMetric(float64(res.IdleRequests), "idle-round-requests")
		b.Logf("synced %d messages and %d records in %.1fs with %d requests; store %.0f MB for %.0f MB of message JSON received from Graph",
			res.Messages, res.Records, res.Seconds, res.Requests, float64(res.StoreBytes)/1e6, float64(res.RawBytes)/1e6)
	}
}

// countingTransport adds up the bytes of message pages Graph sends.
type countingTransport struct {
	rt http.RoundTripper
	n  *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil && strings.Contains(r.URL.Path, "/messages") {
		resp.Body = &countingBody{resp.Body, c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

type benchResult struct {
	Messages, Records, Requests int
	Seconds                     float64
	StoreBytes, RawBytes        int64
	IdleRequests                int
	GoSysBytes                  int64
}

// benchChild runs one full sync into dir and prints a benchResult.
func benchChild(dir string) int {
	pem, _ := os.ReadFile(os.Getenv("SOAK_CA"))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	u := handedURLs()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer db.Close()
	var graphBytes atomic.Int64
	wrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, &graphBytes} }
	g, dv, opts := clients(&childTB{}, nil, u, &tls.Config{RootCAs: pool})
	eng := engine.New(db, g, dv, opts)
	start := time.Now()
	p, err := eng.Run(ctx, engine.RoundOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sync:", err)
		return 3
	}
	res := benchResult{Messages: p.Messages, Records: p.Records, Requests: p.Requests, Seconds: time.Since(start).Seconds()}
	idle, _ := eng.Run(ctx, engine.RoundOptions{Quick: true})
	res.IdleRequests = idle.Requests
	st, _ := db.Stats(ctx)
	res.StoreBytes = st.SizeBytes
	fmt.Fprintf(os.Stderr, "store: file %d MB, B+tree pages in use %d MB, free pages %d MB\n", st.SizeBytes>>20, st.InuseBytes>>20, st.FreeBytes>>20)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.GoSysBytes = int64(ms.Sys)
	res.RawBytes = graphBytes.Load()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// BenchmarkQuickRound measures what staying current costs on the large
// preset once it is synced: a quick round that finds one new chat message
// (the app runs one every 20 s, so a new message reaches the store within
// 20 s plus this round's time).
func BenchmarkQuickRound(b *testing.B) {
	srv := benchTenant(b, false)
	g, dv, opts := clients(b, srv, srv.URLs(), &tls.Config{RootCAs: srv.CertPool()})
	db, err := storage.Open(ctx, b.TempDir(), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	eng := engine.New(db, g, dv, opts)
	// Only the chats matter here: sync them (a quick round from empty
	// fetches every chat).
	if _, err := eng.Run(ctx, engine.RoundOptions{Quick: true}); err != nil {
		b.Fatal(err)
	}
	tn := srv.Tenant()
	chat := tn.World().Chats[0]
	requests := 0
	for b.Loop() {
		b.StopTimer()
		if _, err := tn.Post(chat.ID, "", chat.Members[len(chat.Members)-1].UserID, "<p>新消息</p>"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		p, err := eng.Run(ctx, engine.RoundOptions{Quick: true})
		if err != nil || p.Messages != 1 {
			b.Fatalf("quick round: %d messages, %v", p.Messages, err)
		}
		requests = p.Requests
	}
	b.ReportMetric(float64(requests), "requests/round")
}

// BenchmarkSyncWithLimits syncs the large preset for 60 s with Graph's
// published limits enforced by the tenant and reports the sustained request
// rate as a share of the ceiling: 20 message reads a second per tenant
// (1,000 messages/s at 50 a page; channel pages with their replies carry
// more). The 429s are requests the tenant refused; the aim is few.
func BenchmarkSyncWithLimits(b *testing.B) {
	srv := benchTenant(b, true)
	for b.Loop() {
		g, dv, _ := clients(b, srv, srv.URLs(), &tls.Config{RootCAs: srv.CertPool()})
		db, err := storage.Open(ctx, b.TempDir(), storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		eng := engine.New(db, g, dv, engine.Options{})
		c, cancel := context.WithTimeout(ctx, 60*time.Second)
		start := time.Now()
		p, _ := eng.Run(c, engine.RoundOptions{})
		el := time.Since(start).Seconds()
		cancel()
		db.Close()
		b.ReportMetric(float64(p.Messages)/el, "msgs/s")
		b.ReportMetric(float64(p.Requests)/el, "req/s")
		b.ReportMetric(float64(p.Requests)/el/20, "of-ceiling")
		b.ReportMetric(float64(srv.Throttled()), "429s")
		b.Logf("with limits: %d messages in %.0fs, %d requests, %d refused with 429 (by limit: %v)", p.Messages, el, p.Requests, srv.Throttled(), srv.ThrottledBy())
	}
}
