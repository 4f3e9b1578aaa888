package app

// BenchmarkSearchUI measures search as a person feels it: the UI's own
// requests, through browser mode's handler on a real loopback listener
// (session token, JSON in and out), on the large preset. For every word
// and operator query of a fixed zh/en/fr list it sends what the UI sends
// (frontend/src/search/SearchContext.tsx): one request per keystroke for
// every prefix from the first character (the page of hits, no facets),
// then, once typing pauses, the facet request (size 1, facets), then the
// same query sorted by date. It prints p50/p95/p99/max per class with the
// corpus size.
//
//	RAPPORT_BENCH_STORE=/tmp/sp-store go test -run '^$' -bench SearchUI -benchtime 1x -timeout 60m -v ./app/
//
// RAPPORT_BENCH_STORE is a store directory (rapport.db) to use as the data
// directory: its index (index-vN beside it) is built on the first run and
// reused afterwards. Without it the preset (RAPPORT_BENCH_SIZE, default
// large) is synced from the simulated tenant into a temporary directory.
// RAPPORT_BENCH_PROFILE=dir writes a CPU profile of the requests there
// (searchui.pprof).
// The index is closed and reopened before measuring, as at a launch; the
// first pass over the list is reported apart (nothing cached in the
// process yet), then two more passes.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// uiBenchQueries are typed one character at a time: Chinese, English and
// French words of the simulated tenant's conversations, and operators.
var uiBenchQueries = []string{
	"付款", "技术故障", "发票", "合同", "交付延迟", "客户", "退款",
	"payment", "invoice", "delivery", "outage", "contract", "meeting", "refund",
	"livraison", "facture", "paiement", "réunion", "échéance", "contrat",
	"from:王", "tag:付款", "before:2026-06 payment", "after:2026-08-02",
	"has:attachment facture", "is:unanswered 付款",
}

// uiBenchClasses, in report order.
var uiBenchClasses = []string{"keystroke", "keystroke-1st", "facets", "date-sorted"}

const uiBenchPasses = 3 // the first is also reported alone (keystroke-1st)

func BenchmarkSearchUI(b *testing.B) {
	ctx := context.Background()
	dir := os.Getenv("RAPPORT_BENCH_STORE")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "store")
		uiBenchSync(b, ctx, dir)
	}
	for b.Loop() {
		uiBenchOnce(b, dir)
	}
}

// uiBenchSync syncs the preset into dir.
func uiBenchSync(b *testing.B, ctx context.Context, dir string) {
	size := tenantsim.Large
	if s := os.Getenv("RAPPORT_BENCH_SIZE"); s != "" {
		var err error
		if size, err = tenantsim.ParseSize(s); err != nil {
			b.Fatal(err)
		}
	}
	srv := simtest.Start(b, tenantsim.Options{Seed: 1, Size: size})
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	eng := enginetest.Connect(b, srv, db, engine.Options{MessageRate: -1}).Eng
	if _, err := eng.Run(ctx, engine.RoundOptions{}); err != nil {
		b.Fatalf("full sync: %v", err)
	}
}

// uiBenchCore opens the store and the index in dir as browser mode does,
// and waits until the index has caught up.
func uiBenchCore(b *testing.B, dir string) *Core {
	core := newCore(Config{DataDir: dir, Cloud: "global"}, "browser", "bench", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		b.Fatal(err)
	}
	if err := core.openIndex(); err != nil {
		core.Close()
		b.Fatal(err)
	}
	ix, _ := core.searchIndex()
	if err := ix.WaitIndexed(context.Background()); err != nil {
		core.Close()
		b.Fatal(err)
	}
	return core
}

func uiBenchOnce(b *testing.B, dir string) {
	start := time.Now()
	core := uiBenchCore(b, dir) // builds the index if it must
	build := time.Since(start)
	core.Close()
	core = uiBenchCore(b, dir)
	defer core.Close()
	db, err := core.store()
	if err != nil {
		b.Fatal(err)
	}
	st, err := db.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	ix, _ := core.searchIndex()
	docs := ix.Status(context.Background()).Indexed

	srv := httptest.NewUnstartedServer(nil)
	port := strings.TrimPrefix(srv.Listener.Addr().String(), "127.0.0.1:")
	ws, err := newWebServer(core, assets, port)
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = ws.Handler()
	srv.Start()
	defer srv.Close()
	cl := &uiBenchClient{b: b, base: srv.URL, http: srv.Client()}
	cl.bootstrap(ws.URL())

	lat := map[string][]time.Duration{}
	type slow struct {
		class, q string
		d        time.Duration
	}
	var slowest []slow
	if dir := os.Getenv("RAPPORT_BENCH_PROFILE"); dir != "" {
		f, err := os.Create(filepath.Join(dir, "searchui.pprof"))
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	for pass := range uiBenchPasses {
		for _, q := range uiBenchQueries {
			rs := []rune(q)
			for i := 1; i <= len(rs); i++ {
				p := string(rs[:i])
				d, _ := cl.query(uiBenchReq{Q: p, Sort: "relevance", Size: 50})
				lat["keystroke"] = append(lat["keystroke"], d)
				if pass == 0 {
					lat["keystroke-1st"] = append(lat["keystroke-1st"], d)
				}
				slowest = append(slowest, slow{"keystroke", p, d})
			}
			d, _ := cl.query(uiBenchReq{Q: q, Sort: "relevance", Size: 1, Facets: true})
			lat["facets"] = append(lat["facets"], d)
			slowest = append(slowest, slow{"facets", q, d})
			d, _ = cl.query(uiBenchReq{Q: q, Sort: "date", Size: 50})
			lat["date-sorted"] = append(lat["date-sorted"], d)
			slowest = append(slowest, slow{"date-sorted", q, d})
		}
	}
	b.Logf("corpus: %d messages in the store, %d documents indexed; index built or caught up in %.1fs", st.Buckets["messages"], docs, build.Seconds())
	for _, c := range uiBenchClasses {
		ds := lat[c]
		p50, p95, p99, mx := pct(ds, 50), pct(ds, 95), pct(ds, 99), slices.Max(ds)
		b.Logf("%-14s %5d requests  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms", c, len(ds), ms(p50), ms(p95), ms(p99), ms(mx))
		b.ReportMetric(ms(p95), c+"-p95-ms")
		b.ReportMetric(ms(p99), c+"-p99-ms")
	}
	slices.SortFunc(slowest, func(x, y slow) int { return int(y.d - x.d) })
	var sb strings.Builder
	for _, c := range uiBenchClasses {
		n := 0
		for _, s := range slowest {
			if s.class == c && n < 6 {
				fmt.Fprintf(&sb, "  %-11s %6.1f ms  %q\n", s.class, ms(s.d), s.q)
				n++
			}
		}
	}
	b.Logf("slowest requests of each class:\n%s", sb.String())
}

// uiBenchReq is the UI's search.Request (api.search.query's argument).
type uiBenchReq struct {
	Q      string `json:"q"`
	Sort   string `json:"sort"`
	Offset int    `json:"offset"`
	Size   int    `json:"size"`
	Facets bool   `json:"facets"`
}

type uiBenchClient struct {
	b     *testing.B
	base  string
	http  *http.Client
	token string
}

func (c *uiBenchClient) bootstrap(url string) {
	key := url[strings.Index(url, "?k=")+3:]
	var out struct{ Token string }
	c.post("/api/session", map[string]string{"key": key}, &out)
	if out.Token == "" {
		c.b.Fatal("bootstrap: no session token")
	}
	c.token = out.Token
}

// query sends one Search.Query call as the frontend's transport does and
// times it from the request to the decoded answer.
func (c *uiBenchClient) query(r uiBenchReq) (time.Duration, search.Result) {
	var res search.Result
	t := time.Now()
	c.post("/api/call/Search.Query", []any{r}, &res)
	return time.Since(t), res
}

func (c *uiBenchClient) post(path string, body, out any) {
	raw, err := json.Marshal(body)
	if err != nil {
		c.b.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(raw))
	if err != nil {
		c.b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set(sessionHeader, c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	defer resp.Body.Close()
	buf, err := io.ReadAll(resp.Body)
	if err != nil {
		c.b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.b.Fatalf("%s: %d %s", path, resp.StatusCode, buf)
	}
	if err := json.Unmarshal(buf, out); err != nil {
		c.b.Fatalf("%s: %v", path, err)
	}
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
