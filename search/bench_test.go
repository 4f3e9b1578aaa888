package search_test

// BenchmarkSearchLarge measures the search index on the large preset
// (about a million messages): indexing throughput, size and memory, the
// time from launch to the first result, query latency over a fixed mix of
// query shapes, and how soon a new message becomes searchable. With
// -tags fts5bench it runs the same mix against SQLite FTS5 for comparison
// (bench only: Rapport never uses SQLite).
//
//	go test -run '^$' -bench SearchLarge -benchtime 1x -timeout 60m -tags fts5bench -v ./search/
//
// Indexing and querying run in child processes (this test binary re-run
// with RAPPORT_SEARCH_BENCH_CHILD set), so their peak RSS is the index's
// and not the sync's, and "first result after launch" starts at a real
// process start. Environment:
//
//	RAPPORT_BENCH_STORE=dir   keep the synced store there and reuse it
//	                          (synced only when it has not been yet)
//	RAPPORT_BENCH_SIZE=medium another tenantsim size (small, medium, large, N)
//	RAPPORT_BENCH_PROFILE=dir write CPU profiles of the children there
//	                          (index.pprof, query.pprof)
//	RAPPORT_BENCH_DUMP_MIX=1  print the query mix

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

const (
	benchChildEnv    = "RAPPORT_SEARCH_BENCH_CHILD" // index or query
	benchArgsEnv     = "RAPPORT_SEARCH_BENCH_ARGS"  // JSON benchChildArgs
	benchSeed        = 1
	benchPerType     = 30 // queries per type (the mix is fixed: same store, same queries)
	benchPasses      = 3  // timed runs of each query, after one warm-up run
	benchLiveUpdates = 200
	benchPageSize    = 50 // the UI's page size (frontend/src/search/SearchContext.tsx)
	benchLivePrefix  = "bench-live-"
)

// Query types, in table order.
var benchTypes = []string{"term-rare", "term-mid", "term-common", "chinese", "french", "phrase", "typeahead",
	"ops-only", "ops+text", "date-sorted", "faceted", "keystroke-ui"}

var benchTypeNotes = map[string]string{
	"term-rare":    "one word, sample document frequency ≤ 0.002 %",
	"term-mid":     "one word, 0.02–0.2 %",
	"term-common":  "one word, ≥ 1 %",
	"chinese":      "2–4 Han characters",
	"french":       "accented words and elisions (l'…, d'…)",
	"phrase":       "\"two words\" and \"4 Han characters\"",
	"typeahead":    "2–4 character prefix, no trailing space",
	"ops-only":     "is: has: from: in: after: before: during:",
	"ops+text":     "a word and one operator",
	"date-sorted":  "one word, Sort: date",
	"faceted":      "one word, Facets: true",
	"keystroke-ui": "what the UI sends per keystroke: word + prefix (facets come in a second request once typing pauses: see faceted)",
}

// benchQuery is one query of the mix, in Rapport's language and in the
// parts the FTS5 side needs to express the same thing in SQL.
type benchQuery struct {
	Type   string `json:"type"`
	Q      string `json:"q"`
	Sort   string `json:"sort,omitempty"`
	Facets bool   `json:"facets,omitempty"`

	Match   string   `json:"match,omitempty"`   // FTS5 MATCH expression (unicode61 table)
	Tri     string   `json:"tri,omitempty"`     // Chinese: trigram MATCH expression, or LIKE pattern when TriLike
	TriLike bool     `json:"triLike,omitempty"` // fewer than 3 characters: trigram can only LIKE (a scan)
	Authors []string `json:"authors,omitempty"`
	Convs   []string `json:"convs,omitempty"`
	Imp     []string `json:"imp,omitempty"` // importance values
	Attach  bool     `json:"attach,omitempty"`
	Image   bool     `json:"image,omitempty"`
	Link    bool     `json:"link,omitempty"`
	After   int64    `json:"after,omitempty"`  // created ≥ (Unix seconds)
	Before  int64    `json:"before,omitempty"` // created <
}

// benchFTSRow is one message as the FTS5 side stores it: the same text the
// index analyzes (subject, visible text, attachment names).
type benchFTSRow struct {
	Author, Conv        string
	Created             int64
	Importance          string
	Attach, Image, Link bool
	Text                string
}

// benchFTSReport is the FTS5 side's figures.
type benchFTSReport struct {
	Rows        int
	Seconds     float64 // inserting every row, unicode61 table and metadata with its indexes
	CPUSeconds  float64
	Bytes       int64 // database file(s) after checkpoint
	TriSeconds  float64
	TriBytes    int64
	Tokenizer   map[string]string          // query type → which table answered it
	Lat         map[string][]time.Duration // per type, passes × queries
	Hits        map[string][]int
	AltLat      map[string][]time.Duration // Chinese types on the unicode61 table
	AltHits     map[string][]int
	Notes       []string
	Unsupported []string
}

// benchFTS5 is set by fts5_bench_test.go (build tag fts5bench).
var benchFTS5 func(ctx context.Context, dir string, rows []benchFTSRow, mix []benchQuery, logf func(string, ...any)) (*benchFTSReport, error)

// benchChildArgs tell a child process what to do.
type benchChildArgs struct {
	Store   string `json:"store"`
	Data    string `json:"data"`
	Out     string `json:"out"`
	Mix     string `json:"mix,omitempty"`
	Profile string `json:"profile,omitempty"`
	T0      int64  `json:"t0"` // parent's clock just before starting the child (UnixNano)
	First   string `json:"first,omitempty"`
	Chat    string `json:"chat,omitempty"` // live updates go here
	From    string `json:"from,omitempty"`
	Nonce   string `json:"nonce,omitempty"`
}

type benchIndexResult struct {
	Docs        uint64
	Queued      uint64 // most queue entries waiting (sampled every 2 s)
	Seconds     float64
	CPUSeconds  float64
	PeakRSS     int64 // VmHWM, bytes
	PeakAnon    int64 // largest RssAnon seen (sampled every 2 s): memory that is not mapped files
	PeakFile    int64 // largest RssFile seen: the store's and the index's mapped files (page cache)
	HeapLive    uint64
	GoSys       uint64
	CloseMs     float64
	ReopenMs    float64
	ReopenState string
	IndexBytes  int64 // du after Close + reopen + Close
	IndexFiles  int
	PeakDisk    int64 // largest du seen while indexing
	Progress    []string
}

type benchQueryResult struct {
	InitMs, StoreOpenMs, IndexOpenMs, FirstQueryMs, FirstResultMs float64
	FirstTotal                                                    uint64
	Docs                                                          uint64
	Lat                                                           map[string][]time.Duration
	Cold                                                          map[string][]time.Duration // the warm-up run: typeahead expansions not cached yet
	Hits                                                          map[string][]int
	Slowest                                                       []string
	SlowestByType                                                 map[string]string
	SteadyRSS, PeakRSS, SteadyAnon, SteadyFile                    int64
	FirstAnon, FirstFile                                          int64 // at the first result
	HeapLive                                                      uint64
	LiveCommit, LiveSearchable                                    []time.Duration
}

func BenchmarkSearchLarge(b *testing.B) {
	ctx := context.Background()
	size := tenantsim.Large
	if s := os.Getenv("RAPPORT_BENCH_SIZE"); s != "" {
		var err error
		if size, err = tenantsim.ParseSize(s); err != nil {
			b.Fatal(err)
		}
	}
	storeDir := os.Getenv("RAPPORT_BENCH_STORE")
	if storeDir == "" {
		storeDir = filepath.Join(b.TempDir(), "store")
	}
	for b.Loop() {
		benchOnce(b, ctx, size, storeDir)
	}
}

func benchOnce(b *testing.B, ctx context.Context, size tenantsim.Size, storeDir string) {
	start := time.Now()
	syncSec := benchEnsureStore(b, ctx, size, storeDir)

	// Read the corpus, build the query mix, and leave the store's queue
	// empty as an indexed store has it (see the report on stale entries).
	db, err := storage.Open(ctx, storeDir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	scanStart := time.Now()
	c, err := benchScanCorpus(ctx, db)
	if err != nil {
		db.Close()
		b.Fatal(err)
	}
	c.loadStart = benchLoadAvg()
	mix := c.buildMix()
	q, err := db.IndexQueueState(ctx)
	if err == nil && q.Last > q.Done {
		err = db.TrimIndexQueue(ctx, q.Last)
	}
	st, _ := db.Stats(ctx)
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %d messages in %d conversations (%d deleted, %d system events), %d FTS rows, %.1f MB of text; scanned in %.1fs; store %d MB; %d stale queue entries trimmed",
		c.messages, c.convCount, c.deleted, c.events, len(c.rows), float64(c.textBytes)/1e6, time.Since(scanStart).Seconds(), st.SizeBytes>>20, q.Last-q.Done)
	counts := map[string]int{}
	for _, q := range mix {
		counts[q.Type]++
	}
	for _, t := range benchTypes {
		if counts[t] < 25 {
			b.Fatalf("query mix: only %d %s queries", counts[t], t)
		}
	}
	work := b.TempDir()
	mixPath := filepath.Join(work, "mix.json")
	benchWriteJSON(b, mixPath, mix)
	if os.Getenv("RAPPORT_BENCH_DUMP_MIX") != "" {
		for _, q := range mix {
			fmt.Printf("%-12s %q sort=%s facets=%v | match=%q tri=%q like=%v authors=%d convs=%d\n", q.Type, q.Q, q.Sort, q.Facets, q.Match, q.Tri, q.TriLike, len(q.Authors), len(q.Convs))
		}
	}
	profile := os.Getenv("RAPPORT_BENCH_PROFILE")

	// Indexing, in a fresh process on a fresh data directory.
	data := filepath.Join(work, "data")
	var ir benchIndexResult
	benchRunChild(b, "index", benchChildArgs{Store: storeDir, Data: data, Profile: profile}, filepath.Join(work, "index.json"), &ir)

	// Launch, queries and live updates, in another fresh process.
	var qr benchQueryResult
	nonce := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	benchRunChild(b, "query", benchChildArgs{Store: storeDir, Data: data, Mix: mixPath, Profile: profile, First: c.firstQuery,
		Chat: c.liveChat, From: c.liveFrom, Nonce: nonce}, filepath.Join(work, "query.json"), &qr)

	// SQLite FTS5, in this process (the store is closed; rows are in memory).
	var fr *benchFTSReport
	if benchFTS5 != nil {
		fr, err = benchFTS5(ctx, filepath.Join(work, "fts"), c.rows, mix, b.Logf)
		if err != nil {
			b.Fatalf("fts5: %v", err)
		}
	}
	benchPrintReport(b, c, size, syncSec, &ir, &qr, fr, time.Since(start))
}

// benchEnsureStore syncs the preset into dir unless a previous run did.
func benchEnsureStore(b *testing.B, ctx context.Context, size tenantsim.Size, dir string) float64 {
	marker := filepath.Join(dir, "bench-synced-"+size.Name)
	if _, err := os.Stat(marker); err == nil {
		b.Logf("store: reusing %s", dir)
		return 0
	}
	srv := simtest.Start(b, tenantsim.Options{Seed: benchSeed, Size: size})
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	eng := enginetest.Connect(b, srv, db, engine.Options{MessageRate: -1}).Eng
	start := time.Now()
	p, err := eng.Run(ctx, engine.RoundOptions{})
	if err != nil {
		b.Fatalf("full sync: %v", err)
	}
	sec := time.Since(start).Seconds()
	b.Logf("store: synced %d messages and %d records into %s in %.1fs", p.Messages, p.Records, dir, sec)
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return sec
}

func benchWriteJSON(b *testing.B, path string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
}

// benchRunChild runs this test binary as a child in mode and decodes its result.
func benchRunChild(b *testing.B, mode string, args benchChildArgs, out string, res any) {
	args.Out = out
	cmd := exec.Command(os.Args[0], "-test.run=^TestSearchBenchChild$", "-test.count=1", "-test.timeout=0")
	cmd.Stderr = os.Stderr
	args.T0 = time.Now().UnixNano()
	raw, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), benchChildEnv+"="+mode, benchArgsEnv+"="+string(raw))
	if outText, err := cmd.Output(); err != nil {
		b.Fatalf("%s child: %v\n%s", mode, err, outText)
	}
	buf, err := os.ReadFile(out)
	if err != nil {
		b.Fatalf("%s child wrote no result: %v", mode, err)
	}
	if err := json.Unmarshal(buf, res); err != nil {
		b.Fatalf("%s child result: %v", mode, err)
	}
}

// TestSearchBenchChild is BenchmarkSearchLarge's child process; on its own
// it does nothing.
func TestSearchBenchChild(t *testing.T) {
	mode := os.Getenv(benchChildEnv)
	if mode == "" {
		t.Skip("child process of BenchmarkSearchLarge")
	}
	var args benchChildArgs
	if err := json.Unmarshal([]byte(os.Getenv(benchArgsEnv)), &args); err != nil {
		t.Fatal(err)
	}
	if args.Profile != "" {
		f, err := os.Create(filepath.Join(args.Profile, mode+".pprof"))
		if err != nil {
			t.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	var res any
	var err error
	switch mode {
	case "index":
		res, err = benchIndexChild(args)
	case "query":
		res, err = benchQueryChild(args)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(args.Out, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func benchIndexChild(a benchChildArgs) (*benchIndexResult, error) {
	ctx := context.Background()
	db, err := storage.Open(ctx, a.Store, storage.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res := &benchIndexResult{}
	cpu0 := benchCPU()
	start := time.Now()
	ix, err := search.Open(ctx, a.Data, db, search.Options{})
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(a.Data, search.DirName())
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() { // progress, peak disk use and the queue size after the rebuild queued everything
		defer close(stopped)
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		n := 0
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			n++
			du, _ := benchDiskUsage(dir)
			res.PeakDisk = max(res.PeakDisk, du)
			res.PeakAnon = max(res.PeakAnon, benchVM("RssAnon"))
			res.PeakFile = max(res.PeakFile, benchVM("RssFile"))
			s := ix.Status(ctx)
			res.Queued = max(res.Queued, s.Queued)
			if n%10 == 0 {
				line := fmt.Sprintf("%4.0fs %-11s indexed %8d queued %8d  rss %4d MB  disk %4d MB", time.Since(start).Seconds(), s.State, s.Indexed, s.Queued, benchVM("VmRSS")>>20, du>>20)
				res.Progress = append(res.Progress, line)
				fmt.Fprintln(os.Stderr, "search bench: index", line)
			}
		}
	}()
	err = ix.WaitIndexed(ctx)
	res.Seconds = time.Since(start).Seconds()
	res.CPUSeconds = benchCPU() - cpu0
	close(done)
	<-stopped
	if err != nil {
		ix.Close()
		return nil, err
	}
	st := ix.Status(ctx)
	res.Docs = st.Indexed
	if st.Error != "" {
		return nil, fmt.Errorf("indexing error: %s", st.Error)
	}
	res.PeakRSS = benchVM("VmHWM")
	res.PeakAnon = max(res.PeakAnon, benchVM("RssAnon"))
	res.PeakFile = max(res.PeakFile, benchVM("RssFile"))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapLive, res.GoSys = ms.HeapAlloc, ms.Sys
	t := time.Now()
	if err := ix.Close(); err != nil {
		return nil, err
	}
	res.CloseMs = benchMs(time.Since(t))
	t = time.Now()
	ix, err = search.Open(ctx, a.Data, db, search.Options{})
	if err != nil {
		return nil, err
	}
	res.ReopenMs = benchMs(time.Since(t))
	st = ix.Status(ctx)
	res.ReopenState = st.State
	if st.State != search.StateReady || st.Indexed != res.Docs {
		ix.Close()
		return nil, fmt.Errorf("reopened index is %s with %d documents, want ready with %d", st.State, st.Indexed, res.Docs)
	}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	res.IndexBytes, _ = benchDiskUsage(dir)
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			res.IndexFiles++
		}
		return nil
	})
	return res, nil
}

func benchQueryChild(a benchChildArgs) (*benchQueryResult, error) {
	ctx := context.Background()
	res := &benchQueryResult{Lat: map[string][]time.Duration{}, Cold: map[string][]time.Duration{}, Hits: map[string][]int{}}
	t0 := time.Unix(0, a.T0)
	res.InitMs = benchMs(time.Since(t0))
	t := time.Now()
	db, err := storage.Open(ctx, a.Store, storage.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res.StoreOpenMs = benchMs(time.Since(t))
	t = time.Now()
	ix, err := search.Open(ctx, a.Data, db, search.Options{})
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	res.IndexOpenMs = benchMs(time.Since(t))
	t = time.Now()
	first, err := ix.Search(ctx, search.Request{Q: a.First, Size: benchPageSize, Facets: true, Loc: time.UTC})
	if err != nil {
		return nil, err
	}
	res.FirstQueryMs = benchMs(time.Since(t))
	res.FirstResultMs = benchMs(time.Since(t0))
	res.FirstTotal = first.Total
	res.FirstAnon, res.FirstFile = benchVM("RssAnon"), benchVM("RssFile")
	st := ix.Status(ctx)
	if st.State != search.StateReady || st.Indexed == 0 || first.Total == 0 {
		return nil, fmt.Errorf("index not reused: %+v, first query %q found %d", st, a.First, first.Total)
	}
	res.Docs = st.Indexed

	raw, err := os.ReadFile(a.Mix)
	if err != nil {
		return nil, err
	}
	var mix []benchQuery
	if err := json.Unmarshal(raw, &mix); err != nil {
		return nil, err
	}
	run := func(q benchQuery) (time.Duration, search.Result, error) {
		t := time.Now()
		r, err := ix.Search(ctx, search.Request{Q: q.Q, Sort: q.Sort, Size: benchPageSize, Facets: q.Facets, Loc: time.UTC})
		d := time.Since(t)
		if err == nil && r.QueryError != nil {
			err = fmt.Errorf("query %q: %s", q.Q, r.QueryError.Message)
		}
		if err == nil && len(r.Notes) > 0 {
			err = fmt.Errorf("query %q: nothing matches %v", q.Q, r.Notes)
		}
		return d, r, err
	}
	type slow struct {
		d time.Duration
		s string
	}
	var slowest []slow
	for _, q := range mix { // warm-up, and the hit counts
		d, r, err := run(q)
		if err != nil {
			return nil, err
		}
		res.Hits[q.Type] = append(res.Hits[q.Type], int(r.Total))
		res.Cold[q.Type] = append(res.Cold[q.Type], d)
	}
	for p := 0; p < benchPasses; p++ {
		for _, q := range mix {
			d, r, err := run(q)
			if err != nil {
				return nil, err
			}
			res.Lat[q.Type] = append(res.Lat[q.Type], d)
			slowest = append(slowest, slow{d, fmt.Sprintf("%-12s %7.1f ms  %8d hits  %q sort=%s facets=%v", q.Type, benchMs(d), r.Total, q.Q, q.Sort, q.Facets)})
		}
	}
	sort.Slice(slowest, func(i, j int) bool { return slowest[i].d > slowest[j].d })
	for _, s := range slowest[:min(15, len(slowest))] {
		res.Slowest = append(res.Slowest, s.s)
	}
	res.SlowestByType = map[string]string{}
	for _, s := range slowest {
		t, _, _ := strings.Cut(s.s, " ")
		if _, ok := res.SlowestByType[t]; !ok {
			res.SlowestByType[t] = s.s
		}
	}
	res.SteadyRSS = benchVM("VmRSS")
	res.SteadyAnon, res.SteadyFile = benchVM("RssAnon"), benchVM("RssFile")
	res.PeakRSS = benchVM("VmHWM")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapLive = ms.HeapAlloc

	// Live updates: one new message at a time into an existing chat, then
	// wait until a search for its unique word finds it.
	for i := 0; i < benchLiveUpdates; i++ {
		word := fmt.Sprintf("zqlive%sx%d", a.Nonce, i)
		now := time.Now().UTC()
		m := storage.Message{ConvID: a.Chat, ID: fmt.Sprintf("%s%03d", benchLivePrefix, i), Type: "message", Created: now, Modified: now,
			FromID: a.From, Importance: "normal"}
		t := time.Now()
		err := db.Apply(ctx, func(w *storage.Writer) error {
			_, err := w.PutMessage(m, storage.Body{Raw: "<p>live update " + word + " 实时更新</p>"})
			return err
		})
		if err != nil {
			return nil, err
		}
		committed := time.Now()
		res.LiveCommit = append(res.LiveCommit, committed.Sub(t))
		for {
			if err := ix.WaitIndexed(ctx); err != nil {
				return nil, err
			}
			r, err := ix.Search(ctx, search.Request{Q: word + " ", Size: 5, Loc: time.UTC})
			if err != nil {
				return nil, err
			}
			if r.Total == 1 {
				break
			}
			if time.Since(committed) > 10*time.Second {
				return nil, fmt.Errorf("live update %q not searchable after 10 s (total %d)", word, r.Total)
			}
			time.Sleep(100 * time.Microsecond)
		}
		res.LiveSearchable = append(res.LiveSearchable, time.Since(committed))
	}
	return res, nil
}

// --- the corpus and the query mix ---

type benchTermStat struct {
	df      int
	surface map[string]int
}

type benchCorpus struct {
	rows                                 []benchFTSRow
	live                                 int // earlier runs' live-update messages
	messages, deleted, events, convCount int
	textBytes                            int64
	sampled                              int // messages analysed for term statistics
	terms                                map[string]*benchTermStat
	pairs                                map[string]*benchTermStat // "a b" analysed adjacent pair
	han                                  map[string]*benchHanStat  // Han substrings of 2–4 characters
	french                               map[string]int            // accented words and elided forms (surface, lower case)
	authors                              map[string]int
	newest                               time.Time
	me                                   string
	names, mails                         map[string]string // user id → display name, as the search directory has them
	userIDs                              []string
	convLabel                            map[string]string // channel id → "Team/Channel"
	convName                             map[string]string // conv id → name as in: matches it (chats: topic or members)
	convKind                             map[string]string
	teamName                             map[string]string   // team id → name
	teamChans                            map[string][]string // team id → channel ids
	convMsgs                             map[string]int
	firstQuery, liveChat, liveFrom       string
	loadStart                            string
	bands                                map[string]string // term types: the document frequencies picked
}

var benchElision = strings.NewReplacer("’", "'")

func benchScanCorpus(ctx context.Context, db *storage.DB) (*benchCorpus, error) {
	c := &benchCorpus{terms: map[string]*benchTermStat{}, pairs: map[string]*benchTermStat{}, han: map[string]*benchHanStat{},
		french: map[string]int{}, authors: map[string]int{}, names: map[string]string{}, mails: map[string]string{},
		convLabel: map[string]string{}, convName: map[string]string{}, convKind: map[string]string{}, teamName: map[string]string{},
		teamChans: map[string][]string{}, convMsgs: map[string]int{}}
	var err error
	if c.me, err = db.Me(ctx); err != nil {
		return nil, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		c.names[u.ID] = u.DisplayName
		c.mails[u.ID] = strings.ToLower(u.Mail)
	}
	var convs []string
	teams, err := db.Teams(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		c.teamName[t.ID] = t.Name
		chs, err := db.Channels(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			convs = append(convs, ch.ID)
			c.convKind[ch.ID] = "channel"
			c.convName[ch.ID] = ch.Name
			c.convLabel[ch.ID] = t.Name + "/" + ch.Name
			c.teamChans[t.ID] = append(c.teamChans[t.ID], ch.ID)
		}
	}
	chats, err := db.Chats(ctx)
	if err != nil {
		return nil, err
	}
	for _, ch := range chats {
		ms, err := db.Members(ctx, ch.ID)
		if err != nil {
			return nil, err
		}
		var others []string
		for _, m := range ms {
			if _, ok := c.names[m.UserID]; !ok {
				c.names[m.UserID] = m.DisplayName
				c.mails[m.UserID] = strings.ToLower(m.Email)
			}
			if m.UserID != c.me {
				others = append(others, m.DisplayName)
			}
		}
		name := ch.Topic
		if name == "" {
			name = strings.Join(others, ", ")
		}
		convs = append(convs, ch.ID)
		c.convKind[ch.ID] = "chat"
		c.convName[ch.ID] = name
		if c.liveChat == "" && len(ms) > 1 {
			c.liveChat = ch.ID
			for _, m := range ms {
				if m.UserID != c.me {
					c.liveFrom = m.UserID
					break
				}
			}
		}
	}
	for id := range c.names {
		c.userIDs = append(c.userIDs, id)
	}
	slices.Sort(c.userIDs)
	slices.Sort(convs)
	c.convCount = len(convs)
	for _, conv := range convs {
		msgs, err := db.Messages(ctx, conv, time.Time{}, 0)
		if err != nil {
			return nil, err
		}
		for i := range msgs {
			c.add(conv, &msgs[i])
		}
	}
	if c.liveChat == "" {
		return nil, fmt.Errorf("no chat with members for live updates")
	}
	return c, nil
}

// add takes one message: its FTS row, and term statistics from a sample.
func (c *benchCorpus) add(conv string, m *storage.MessageWithBody) {
	if m.Type != "" && m.Type != "message" {
		c.events++
		return
	}
	c.messages++
	if strings.HasPrefix(m.ID, benchLivePrefix) {
		c.live++ // left by earlier runs' live updates: kept out, so every run builds the same mix
		return
	}
	mc := content.Of(m)
	text := mc.Text
	if m.Deleted != nil {
		c.deleted++ // searches leave deleted messages out; so does the FTS5 table
		return
	}
	if m.Created.After(c.newest) {
		c.newest = m.Created
	}
	c.authors[m.FromID]++
	c.convMsgs[conv]++
	c.textBytes += int64(len(text))
	c.rows = append(c.rows, benchFTSRow{Author: m.FromID, Conv: conv, Created: m.Created.Unix(), Importance: m.Importance,
		Attach: mc.Files > 0, Image: mc.Images > 0, Link: mc.Links > 0, Text: text})
	if len(c.rows)%4 != 1 {
		return
	}
	c.sampled++
	toks := search.Analyze(text)
	seen := map[string]bool{}
	var prev *search.Token
	for i := range toks {
		t := &toks[i]
		if !benchIsHan(t.Term) {
			surface := strings.ToLower(text[t.Start:t.End])
			st := c.terms[t.Term]
			if st == nil {
				st = &benchTermStat{surface: map[string]int{}}
				c.terms[t.Term] = st
			}
			st.surface[surface]++
			if !seen[t.Term] {
				seen[t.Term] = true
				st.df++
			}
			if prev != nil && prev.Position+1 == t.Position && benchIsWord(prev.Term) && benchIsWord(t.Term) && text[prev.End:t.Start] == " " {
				k := prev.Term + " " + t.Term
				ps := c.pairs[k]
				if ps == nil {
					ps = &benchTermStat{surface: map[string]int{}}
					c.pairs[k] = ps
				}
				ps.surface[strings.ToLower(text[prev.Start:t.End])]++
				if !seen[k] {
					seen[k] = true
					ps.df++
				}
			}
			if f := benchFrenchForm(text, t.Start, t.End); f != "" && !seen["fr:"+f] {
				seen["fr:"+f] = true
				c.french[f]++
			}
			prev = t
		} else {
			prev = nil
		}
	}
	// Han: every substring of 2–4 characters, with the characters seen
	// before and after it (accessor variety: a word has many of both).
	for _, run := range benchHanRuns(text) {
		rs := []rune(run)
		for i := range rs {
			for n := 2; n <= 4 && i+n <= len(rs); n++ {
				w := string(rs[i : i+n])
				st := c.han[w]
				if st == nil {
					st = &benchHanStat{}
					c.han[w] = st
				}
				if !seen["zh:"+w] {
					seen["zh:"+w] = true
					st.df++
				}
				l, r := rune(0), rune(0)
				if i > 0 {
					l = rs[i-1]
				}
				if i+n < len(rs) {
					r = rs[i+n]
				}
				st.left = benchAddRune(st.left, l)
				st.right = benchAddRune(st.right, r)
			}
		}
	}
}

// benchHanStat is a Han substring's document frequency and its neighbours (0:
// the edge of a run), up to benchAVCap of each.
type benchHanStat struct {
	df          int
	left, right []rune
}

const benchAVCap = 8

func benchAddRune(l []rune, r rune) []rune {
	if len(l) >= benchAVCap || slices.Contains(l, r) {
		return l
	}
	return append(l, r)
}

// hanWords lists the substrings of n characters with at least av distinct
// neighbours on each side.
func (c *benchCorpus) hanWords(n, av int) []benchCand {
	var out []benchCand
	for w, st := range c.han {
		if utf8.RuneCountInString(w) == n && len(st.left) >= av && len(st.right) >= av {
			out = append(out, benchCand{w, w, st.df})
		}
	}
	return out
}

// benchFrenchForm returns the word at text[s:e] as a French query would type
// it: with its elided article (l'échéance) when it has one, or the word
// itself when it carries an accent; else "".
func benchFrenchForm(text string, s, e int) string {
	w := text[s:e]
	if s >= 2 {
		pre := text[max(0, s-8):s]
		pre = benchElision.Replace(pre)
		if strings.HasSuffix(pre, "'") {
			art := strings.TrimSuffix(pre, "'")
			i := strings.LastIndexFunc(art, func(r rune) bool { return !unicode.IsLetter(r) })
			art = strings.ToLower(art[i+1:])
			switch art {
			case "l", "d", "qu", "j", "n", "s":
				if utf8.RuneCountInString(w) >= 4 {
					return art + "'" + strings.ToLower(w)
				}
			}
		}
	}
	if !benchIsASCII(w) && utf8.RuneCountInString(w) >= 4 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		return strings.ToLower(w)
	}
	return ""
}

func benchHanRuns(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if unicode.Is(unicode.Han, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if utf8.RuneCountInString(s[start:i]) >= 2 {
				out = append(out, s[start:i])
			}
			start = -1
		}
	}
	if start >= 0 && utf8.RuneCountInString(s[start:]) >= 2 {
		out = append(out, s[start:])
	}
	return out
}

func benchIsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func benchIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// benchIsCode: lower-case letters and digits, with at least one of each.
func benchIsCode(s string) bool {
	letter, digit := false, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= 'a' && s[i] <= 'z':
			letter = true
		case s[i] >= '0' && s[i] <= '9':
			digit = true
		default:
			return false
		}
	}
	return letter && digit
}

// benchIsWord: lower-case ASCII letters, at least 3 (no numbers, codes or ids).
func benchIsWord(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

type benchCand struct {
	key     string
	surface string
	df      int
}

// benchBand lists candidates with lo ≤ df ≤ hi, spread evenly over the band in
// (df, key) order so the pick is deterministic and covers the band.
func benchBand(all []benchCand, lo, hi, n int) []benchCand {
	var in []benchCand
	for _, c := range all {
		if c.df >= lo && c.df <= hi {
			in = append(in, c)
		}
	}
	sort.Slice(in, func(i, j int) bool {
		if in[i].df != in[j].df {
			return in[i].df < in[j].df
		}
		return in[i].key < in[j].key
	})
	if len(in) <= n {
		return in
	}
	out := make([]benchCand, n)
	for i := range out {
		out[i] = in[i*len(in)/n]
	}
	return out
}

func benchTopSurface(m map[string]int) string {
	best, n := "", -1
	for s, k := range m {
		if k > n || k == n && s < best {
			best, n = s, k
		}
	}
	return best
}

func benchPctOf(n, pct float64) int { return int(math.Ceil(n * pct / 100)) }

// benchFTSWord quotes a word or phrase for FTS5 MATCH.
func benchFTSWord(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func benchQuoteOp(s string) string {
	if strings.ContainsAny(s, " \t\"():：") {
		return `"` + strings.ReplaceAll(s, `"`, "") + `"`
	}
	return s
}

func (c *benchCorpus) buildMix() []benchQuery {
	n := float64(c.sampled)
	var words, codes []benchCand
	for k, st := range c.terms {
		if len(k) < 4 {
			continue
		}
		s := benchTopSurface(st.surface)
		switch {
		case benchIsWord(k) && benchIsWord(s):
			words = append(words, benchCand{k, s, st.df})
		case s == k && benchIsCode(k):
			codes = append(codes, benchCand{k, s, st.df})
		}
	}
	// The bands widen until they hold enough words (a generated corpus
	// repeats its vocabulary); rare ones fall back on codes (letters and
	// digits, like ticket or part numbers).
	lo, hi := 1, max(1, benchPctOf(n, 0.002))
	var rare []benchCand
	for {
		rare = benchBand(words, lo, hi, benchPerType)
		if len(rare) < benchPerType {
			rare = append(rare, benchBand(codes, lo, hi, benchPerType-len(rare))...)
		}
		if len(rare) >= benchPerType || hi >= int(n) {
			break
		}
		hi *= 2
	}
	lo, hi = benchPctOf(n, 0.02), benchPctOf(n, 0.2)
	mid := benchBand(words, lo, hi, benchPerType)
	for len(mid) < benchPerType && (lo > 1 || hi < int(n)) {
		lo, hi = max(1, lo/2), hi*2
		mid = benchBand(words, lo, hi, benchPerType)
	}
	lo = benchPctOf(n, 1)
	common := benchBand(words, lo, math.MaxInt, benchPerType)
	for len(common) < benchPerType && lo > 1 {
		lo /= 2
		common = benchBand(words, lo, math.MaxInt, benchPerType)
	}
	c.bands = map[string]string{}
	for t, cs := range map[string][]benchCand{"term-rare": rare, "term-mid": mid, "term-common": common} {
		if len(cs) > 0 {
			lo, hi := cs[0].df, cs[0].df
			for _, x := range cs {
				lo, hi = min(lo, x.df), max(hi, x.df)
			}
			c.bands[t] = fmt.Sprintf("one word or code, in %.4f–%.4f %% of messages (sampled)", 100*float64(lo)/n, 100*float64(hi)/n)
		}
	}
	var mix []benchQuery
	add := func(q benchQuery) { mix = append(mix, q) }
	for _, set := range []struct {
		typ string
		cs  []benchCand
	}{{"term-rare", rare}, {"term-mid", mid}, {"term-common", common}} {
		for _, w := range set.cs {
			add(benchQuery{Type: set.typ, Q: w.surface + " ", Match: benchFTSWord(w.surface)})
		}
	}
	if len(mid) > 0 {
		c.firstQuery = mid[len(mid)/2].surface + " "
	}

	// Chinese words: 2, 3 and 4 characters, mid to common.
	// (Fewer distinct neighbours are asked of small corpora.)
	var zh []benchCand
	for av := 4; av >= 1 && len(zh) < benchPerType; av-- {
		zh = zh[:0]
		hanPick := map[int][]benchCand{}
		for n2 := 2; n2 <= 4; n2++ {
			hanPick[n2] = benchBand(c.hanWords(n2, av), benchPctOf(n, 0.02), math.MaxInt, benchPerType/3+1)
		}
		for i := 0; len(zh) < benchPerType && i < benchPerType; i++ {
			for n2 := 2; n2 <= 4 && len(zh) < benchPerType; n2++ {
				if i < len(hanPick[n2]) {
					zh = append(zh, hanPick[n2][i])
				}
			}
		}
	}
	for _, w := range zh {
		q := benchQuery{Type: "chinese", Q: w.surface + " ", Match: benchFTSWord(w.surface)}
		q.Tri, q.TriLike = benchTriFor(w.surface)
		add(q)
	}

	// French: elided and accented forms, spread over their frequencies.
	var fr, frEl, frAcc []benchCand
	for w, df := range c.french {
		if strings.Contains(w, "'") {
			frEl = append(frEl, benchCand{w, w, df})
		} else {
			frAcc = append(frAcc, benchCand{w, w, df})
		}
	}
	el := benchBand(frEl, 2, math.MaxInt, benchPerType/2)
	fr = append(fr, el...)
	fr = append(fr, benchBand(frAcc, 2, math.MaxInt, benchPerType-len(el))...)
	for _, w := range fr {
		add(benchQuery{Type: "french", Q: w.surface + " ", Match: benchFTSWord(w.surface)})
	}

	// Phrases: adjacent English word pairs, and Chinese 4-character runs.
	var pairs []benchCand
	for k, st := range c.pairs {
		s := benchTopSurface(st.surface)
		if benchIsASCII(s) && !strings.ContainsAny(s, "\n\"") && len(strings.Fields(s)) == 2 {
			pairs = append(pairs, benchCand{k, s, st.df})
		}
	}
	enPh := benchBand(pairs, benchPctOf(n, 0.02), math.MaxInt, benchPerType*2/3)
	for _, p := range enPh {
		add(benchQuery{Type: "phrase", Q: `"` + p.surface + `" `, Match: benchFTSWord(p.surface)})
	}
	var zp []benchCand
	for av := 3; av >= 1 && len(zp) < benchPerType-len(enPh); av-- {
		zp = benchBand(c.hanWords(4, av), benchPctOf(n, 0.01), math.MaxInt, benchPerType-len(enPh))
	}
	for _, p := range zp {
		q := benchQuery{Type: "phrase", Q: `"` + p.surface + `" `, Match: benchFTSWord(p.surface)}
		q.Tri, q.TriLike = benchTriFor(p.surface)
		add(q)
	}

	// Typeahead: 2–4 character prefixes of mid and common words.
	src := append(append([]benchCand{}, common...), mid...)
	for i := 0; i < benchPerType && len(src) > 0; i++ {
		w := src[i*len(src)/benchPerType].surface
		p := w[:min(len(w), 2+i%3)]
		add(benchQuery{Type: "typeahead", Q: p, Match: benchFTSWord(p) + "*"})
	}
	// What the UI sends per keystroke: a word, then the next one half typed.
	for i := 0; i < benchPerType && len(src) > 1; i++ {
		w1 := src[(i*7+3)%len(src)].surface
		w2 := src[(i*11+5)%len(src)].surface
		p := w2[:min(len(w2), 2+i%3)]
		add(benchQuery{Type: "keystroke-ui", Q: w1 + " " + p, Match: benchFTSWord(w1) + " " + benchFTSWord(p) + "*"})
	}

	// Operators.
	ops := c.operators()
	for i := 0; i < benchPerType; i++ {
		q := ops[i%len(ops)]
		q.Type = "ops-only"
		add(q)
	}
	for i := 0; i < benchPerType; i++ {
		op := ops[(i*7+2)%len(ops)]
		var w benchCand
		switch i % 3 {
		case 0:
			w = mid[(i/3)%len(mid)]
		case 1:
			w = common[(i/3)%len(common)]
		default:
			w = zh[(i/3)%len(zh)]
		}
		q := op
		q.Type = "ops+text"
		q.Q = w.surface + " " + op.Q
		q.Match = benchFTSWord(w.surface)
		if benchIsHan(w.surface) {
			q.Tri, q.TriLike = benchTriFor(w.surface)
		}
		add(q)
	}
	for i := 0; i < benchPerType; i++ {
		ws := mid
		if i%2 == 1 {
			ws = common
		}
		w := ws[(i/2*3+1)%len(ws)]
		add(benchQuery{Type: "date-sorted", Q: w.surface + " ", Sort: "date", Match: benchFTSWord(w.surface)})
	}
	for i := 0; i < benchPerType; i++ {
		ws := mid
		if i%2 == 1 {
			ws = common
		}
		w := ws[(i/2*3+2)%len(ws)]
		add(benchQuery{Type: "faceted", Q: w.surface + " ", Facets: true, Match: benchFTSWord(w.surface)})
	}
	return mix
}

func benchTriFor(s string) (string, bool) {
	if utf8.RuneCountInString(s) < 3 {
		return "%" + s + "%", true
	}
	return benchFTSWord(s), false
}

// operators lists operator-only queries with their SQL equivalents. Names
// resolve as the search directory resolves them (folded substring).
func (c *benchCorpus) operators() []benchQuery {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	end := day(c.newest)
	var out []benchQuery
	out = append(out,
		benchQuery{Q: "is:urgent ", Imp: []string{"urgent"}},
		benchQuery{Q: "is:important ", Imp: []string{"urgent", "high"}},
		benchQuery{Q: "has:attachment ", Attach: true},
		benchQuery{Q: "has:image ", Image: true},
		benchQuery{Q: "has:link ", Link: true},
	)
	// Authors, spread over how much they write.
	type kv struct {
		id string
		n  int
	}
	var as []kv
	for id, n := range c.authors {
		if name := c.names[id]; name != "" && len(c.people(name)) == 1 {
			as = append(as, kv{id, n})
		}
	}
	sort.Slice(as, func(i, j int) bool { return as[i].n > as[j].n || as[i].n == as[j].n && as[i].id < as[j].id })
	// Channels, spread over their sizes.
	var cs []kv
	for id, n := range c.convMsgs {
		if c.convKind[id] == "channel" {
			if teams, convs := c.places(c.convLabel[id]); len(teams) == 0 && len(convs) == 1 {
				cs = append(cs, kv{id, n})
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].n > cs[j].n || cs[i].n == cs[j].n && cs[i].id < cs[j].id })
	for i := 0; i < 7; i++ {
		if len(as) > 0 {
			id := as[i*len(as)/7].id
			name := c.names[id]
			out = append(out, benchQuery{Q: "from:" + benchQuoteOp(name) + " ", Authors: c.people(name)})
		}
		if len(cs) > 0 {
			id := cs[i*len(cs)/7].id
			_, convs := c.places(c.convLabel[id])
			out = append(out, benchQuery{Q: "in:" + benchQuoteOp(c.convLabel[id]) + " ", Convs: convs})
		}
	}
	for _, d := range []int{7, 30, 90} {
		t := end.AddDate(0, 0, -d)
		out = append(out, benchQuery{Q: "after:" + t.Format("2006-01-02") + " ", After: t.AddDate(0, 0, 1).Unix()})
	}
	for _, d := range []int{120, 240} {
		t := end.AddDate(0, 0, -d)
		out = append(out, benchQuery{Q: "before:" + t.Format("2006-01-02") + " ", Before: t.Unix()})
	}
	for _, m := range []int{1, 3, 6} {
		t := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
		out = append(out, benchQuery{Q: "during:" + t.Format("2006-01") + " ", After: t.Unix(), Before: t.AddDate(0, 1, 0).Unix()})
	}
	return out
}

// people and places mirror the search directory's name resolution
// (search/compile.go), for the SQL side.
func (c *benchCorpus) people(v string) []string {
	v = search.Tag(v)
	var out []string
	for _, id := range c.userIDs {
		if name := c.names[id]; name != "" && strings.Contains(search.Tag(name), v) {
			out = append(out, id)
		}
	}
	return out
}

func (c *benchCorpus) places(v string) (teams, convs []string) {
	v = search.Tag(strings.ReplaceAll(v, "›", "/"))
	match := func(name string) bool { return name != "" && strings.Contains(search.Tag(name), v) }
	for id, name := range c.teamName {
		if match(name) {
			teams = append(teams, id)
		}
	}
	for id := range c.convKind {
		full := c.convName[id]
		if c.convKind[id] == "channel" {
			full = c.convLabel[id]
		}
		if match(c.convName[id]) || match(full) || match(strings.ReplaceAll(full, " / ", "/")) {
			convs = append(convs, id)
		}
	}
	slices.Sort(teams)
	slices.Sort(convs)
	return teams, convs
}

// --- measurements and the report ---

// benchLoadAvg is the 1, 5 and 15 minute load average (other work on the machine).
func benchLoadAvg() string {
	raw, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func benchMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchVM reads a /proc/self/status field in bytes (0 if unknown).
func benchVM(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// benchDiskUsage is du: the blocks allocated to the files under dir.
func benchDiskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // files come and go while scorch merges
		}
		if info, err := d.Info(); err == nil {
			n += benchFileBytes(info)
		}
		return nil
	})
	return n, err
}

func benchPct(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return math.NaN()
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return benchMs(s[max(0, min(i, len(s)-1))])
}

func benchAvg(xs []int) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	t := 0
	for _, x := range xs {
		t += x
	}
	return float64(t) / float64(len(xs))
}

func benchPrintReport(b *testing.B, c *benchCorpus, size tenantsim.Size, syncSec float64, ir *benchIndexResult, qr *benchQueryResult, fr *benchFTSReport, total time.Duration) {
	var w strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	msgs := float64(ir.Docs)
	p("\n=== Search benchmark: tenantsim %s preset (seed %d) ===\n", size.Name, benchSeed)
	p("machine           %d CPUs (GOMAXPROCS %d), load average at start %s, at the end %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), c.loadStart, benchLoadAvg())
	p("corpus            %d messages indexable (%d deleted kept out of results, %d system events skipped); %d index documents (messages + CRM records); %.1f MB plain text (%.0f B/message)\n",
		c.messages, c.deleted, c.events, ir.Docs, float64(c.textBytes)/1e6, float64(c.textBytes)/float64(max(1, len(c.rows))))
	if c.live > 0 {
		p("                  (%d live-update messages of earlier runs are in the store and the index, not in the FTS5 rows or the mix)\n", c.live)
	}
	if syncSec > 0 {
		p("store             full sync %.0f s\n", syncSec)
	}
	p("\n-- Rapport (Bleve %s, scorch, default batch 2000) --\n", "v2.5")
	p("indexing          %d docs in %.1f s = %.0f docs/s wall, %.0f docs per CPU-second (%.0f%% CPU)\n",
		ir.Docs, ir.Seconds, msgs/ir.Seconds, msgs/ir.CPUSeconds, 100*ir.CPUSeconds/ir.Seconds)
	p("                  the rebuild's queue held at most %d entries (sampled every 2 s)\n", ir.Queued)
	p("index on disk     %.0f MB in %d files = %.0f B/doc (%.2f× the text); largest while indexing %.0f MB\n",
		float64(ir.IndexBytes)/1e6, ir.IndexFiles, float64(ir.IndexBytes)/msgs, float64(ir.IndexBytes)/float64(c.textBytes), float64(ir.PeakDisk)/1e6)
	p("memory (indexer)  peak RSS %.0f MB; Go heap live after indexing %.0f MB (Go sys %.0f MB)\n",
		float64(ir.PeakRSS)/1e6, float64(ir.HeapLive)/1e6, float64(ir.GoSys)/1e6)
	p("                  of which anonymous memory at most %.0f MB, mapped files (store, index; page cache) at most %.0f MB\n",
		float64(ir.PeakAnon)/1e6, float64(ir.PeakFile)/1e6)
	p("close / reopen    %.0f ms / %.1f ms (%s)\n", ir.CloseMs, ir.ReopenMs, ir.ReopenState)
	p("first result      %.0f ms after launch = process start %.0f + store open %.0f + index open %.0f + first query %.0f (%q, facets, %d hits)\n",
		qr.FirstResultMs, qr.InitMs, qr.StoreOpenMs, qr.IndexOpenMs, qr.FirstQueryMs, c.firstQuery, qr.FirstTotal)
	p("memory (queries)  steady RSS after the mix %.0f MB, peak %.0f MB, Go heap live %.0f MB\n",
		float64(qr.SteadyRSS)/1e6, float64(qr.PeakRSS)/1e6, float64(qr.HeapLive)/1e6)
	p("                  of which anonymous %.0f MB, mapped files (store, index; page cache) %.0f MB; at the first result %.0f MB anonymous + %.0f MB files\n",
		float64(qr.SteadyAnon)/1e6, float64(qr.SteadyFile)/1e6, float64(qr.FirstAnon)/1e6, float64(qr.FirstFile)/1e6)
	p("live update       commit→searchable p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%d messages; the commit itself p50 %.1f ms)\n",
		benchPct(qr.LiveSearchable, 50), benchPct(qr.LiveSearchable, 95), benchPct(qr.LiveSearchable, 99), benchPct(qr.LiveSearchable, 100),
		len(qr.LiveSearchable), benchPct(qr.LiveCommit, 50))
	if fr != nil {
		p("\n-- SQLite FTS5 (modernc.org/sqlite, pure Go; bench only) --\n")
		p("indexing          %d rows in %.1f s = %.0f rows/s wall, %.0f per CPU-second (unicode61 remove_diacritics 2, contentless, + metadata table with 5 indexes)\n",
			fr.Rows, fr.Seconds, float64(fr.Rows)/fr.Seconds, float64(fr.Rows)/fr.CPUSeconds)
		p("on disk           %.0f MB = %.0f B/row\n", float64(fr.Bytes)/1e6, float64(fr.Bytes)/float64(fr.Rows))
		p("trigram table     %.1f s = %.0f rows/s, %.0f MB = %.0f B/row (with its text, which LIKE scans need)\n",
			fr.TriSeconds, float64(fr.Rows)/fr.TriSeconds, float64(fr.TriBytes)/1e6, float64(fr.TriBytes)/float64(fr.Rows))
		for _, n := range fr.Notes {
			p("note              %s\n", n)
		}
	}
	p("\n-- query latency, ms (warm, sequential; %d queries per type × %d runs after one warm-up; page size %d) --\n", benchPerType, benchPasses, benchPageSize)
	p("%-13s %4s | %7s %7s %7s %8s %10s |", "type", "n", "p50", "p95", "p99", "1st p95", "avg hits")
	if fr != nil {
		p(" %7s %7s %7s %10s | %s", "FTS5 p50", "p95", "p99", "avg hits", "FTS5 table")
	}
	p("\n")
	for _, t := range benchTypes {
		l := qr.Lat[t]
		p("%-13s %4d | %7.2f %7.2f %7.2f %8.2f %10.0f |", t, len(qr.Hits[t]), benchPct(l, 50), benchPct(l, 95), benchPct(l, 99), benchPct(qr.Cold[t], 95), benchAvg(qr.Hits[t]))
		if fr != nil {
			fl := fr.Lat[t]
			if len(fl) == 0 {
				p(" %7s %7s %7s %10s | %s", "–", "–", "–", "–", "not comparable")
			} else {
				p(" %8.2f %7.2f %7.2f %10.0f | %s", benchPct(fl, 50), benchPct(fl, 95), benchPct(fl, 99), benchAvg(fr.Hits[t]), fr.Tokenizer[t])
			}
		}
		p("\n")
	}
	if fr != nil {
		for _, t := range benchTypes {
			if al := fr.AltLat[t]; len(al) > 0 {
				p("%-13s      (FTS5 on the unicode61 table instead: p50 %.2f, p95 %.2f, p99 %.2f ms, avg hits %.0f: a run of Han characters is one token there)\n",
					t, benchPct(al, 50), benchPct(al, 95), benchPct(al, 99), benchAvg(fr.AltHits[t]))
			}
		}
		for _, u := range fr.Unsupported {
			p("FTS5 n/a          %s\n", u)
		}
	}
	p("(1st p95: the warm-up run, where a typeahead prefix's expansion is not cached yet)\n")
	p("\nquery types:\n")
	for _, t := range benchTypes {
		note := benchTypeNotes[t]
		if b := c.bands[t]; b != "" {
			note = b
		}
		p("  %-13s %s\n", t, note)
	}
	p("\nslowest Rapport queries:\n")
	for _, s := range qr.Slowest {
		p("  %s\n", s)
	}
	p("\nslowest Rapport query of each type:\n")
	for _, t := range benchTypes {
		p("  %s\n", qr.SlowestByType[t])
	}
	p("\nindexing progress:\n")
	for _, s := range ir.Progress {
		p("  %s\n", s)
	}
	p("\nbenchmark wall time %.0f s\n", total.Seconds())
	fmt.Print(w.String())

	b.ReportMetric(msgs/ir.Seconds, "msgs/s")
	b.ReportMetric(float64(ir.IndexBytes)/msgs, "index-B/msg")
	b.ReportMetric(float64(ir.PeakRSS)/(1<<20), "index-peak-RSS-MB")
	b.ReportMetric(float64(ir.PeakAnon)/(1<<20), "index-peak-anon-MB")
	b.ReportMetric(float64(qr.SteadyRSS)/(1<<20), "query-RSS-MB")
	b.ReportMetric(qr.FirstResultMs, "first-result-ms")
	b.ReportMetric(benchPct(qr.LiveSearchable, 95), "live-p95-ms")
	for _, t := range benchTypes {
		b.ReportMetric(benchPct(qr.Lat[t], 95), "p95-ms-"+t)
	}
	if fr != nil {
		b.ReportMetric(float64(fr.Rows)/fr.Seconds, "fts5-msgs/s")
		b.ReportMetric(float64(fr.Bytes)/float64(fr.Rows), "fts5-B/msg")
	}
}
