package knowledge_test

// BenchmarkArchive builds a month's archive on the large preset, as
// `rapport archive --month M --out DIR` does (without writing the
// files), after marking up to 10 threads of every channel best and
// drafting a FAQ entry from 100 chats, and prints the corpus size.
//
//	go test -run '^$' -bench Archive -benchtime 3x -timeout 60m -v ./storage/knowledge/
//
// Environment:
//
//	RAPPORT_BENCH_STORE=dir   a store synced by the other benchmarks; it
//	                          is copied first (this schema migrates it)
//	RAPPORT_BENCH_SIZE=medium another tenantsim size (small, medium, large, N)

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
)

func BenchmarkArchive(b *testing.B) {
	dir, size := enginetest.BenchStore(b)
	if os.Getenv("RAPPORT_BENCH_STORE") != "" { // shared: never migrate it
		cp := b.TempDir()
		copyFile(b, filepath.Join(dir, "rapport.db"), filepath.Join(cp, "rapport.db"))
		dir = cp
	}
	db, err := storage.Open(ctx, dir, storage.Options{})
	must(b, err)
	defer db.Close()
	// The month before the newest chat message's: the last whole month.
	chats, err := db.Chats(ctx)
	must(b, err)
	var newest time.Time
	for _, c := range chats {
		ms, err := db.Messages(ctx, c.ID, time.Now().AddDate(1, 0, 0), 1)
		must(b, err)
		if len(ms) > 0 && ms[0].Created.After(newest) {
			newest = ms[0].Created
		}
	}
	month := time.Date(newest.Year(), newest.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	st, err := db.Status(ctx)
	must(b, err)
	s := knowledge.New(db)
	marked, drafted := markMonth(b, db, s, month, 10, 100)
	var a knowledge.Archive
	for b.Loop() {
		a, err = s.Archive(ctx, knowledge.ArchiveRequest{Month: month, Lang: "zh-CN"})
		must(b, err)
	}
	bytes := 0
	for _, f := range a.Files {
		bytes += len(f.Data)
	}
	b.ReportMetric(float64(a.Best), "best")
	b.ReportMetric(float64(a.FAQ), "faq")
	b.ReportMetric(float64(bytes)/1e6, "MB-written")
	b.Logf("preset %s: %d messages, records %v; %s: %d best conversations (%d marked), %d FAQ entries (%d drafted), %d topics, %d review items, %.1f MB in %d files",
		size.Name, st.Messages, st.Records, month, a.Best, marked, a.FAQ, drafted, len(a.Topics), len(a.Review), float64(bytes)/1e6, len(a.Files))
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	must(b, err)
	defer in.Close()
	out, err := os.Create(to)
	must(b, err)
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	must(b, out.Close())
}
