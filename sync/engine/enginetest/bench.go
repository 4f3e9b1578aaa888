package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// BenchStore returns the directory of the store a benchmark runs on, and
// its preset: RAPPORT_BENCH_SIZE (small, medium, large or a message count;
// large by default) synced from the simulated tenant (seed 1) into
// RAPPORT_BENCH_STORE (a temporary directory by default). A directory
// already synced with that preset (a marker file says so) is reused, so
// benchmarks and runs can share one store.
func BenchStore(b *testing.B) (dir string, size tenantsim.Size) {
	b.Helper()
	size = tenantsim.Large
	if s := os.Getenv("RAPPORT_BENCH_SIZE"); s != "" {
		var err error
		if size, err = tenantsim.ParseSize(s); err != nil {
			b.Fatal(err)
		}
	}
	if dir = os.Getenv("RAPPORT_BENCH_STORE"); dir == "" {
		dir = filepath.Join(b.TempDir(), "store")
	}
	marker := filepath.Join(dir, "bench-synced-"+size.Name)
	if _, err := os.Stat(marker); err == nil {
		b.Logf("store: reusing %s", dir)
		return dir, size
	}
	ctx := context.Background()
	srv := simtest.Start(b, tenantsim.Options{Seed: 1, Size: size})
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	p, err := Connect(b, srv, db, engine.Options{MessageRate: -1}).Eng.Run(ctx, engine.RoundOptions{})
	if err != nil {
		b.Fatalf("full sync: %v", err)
	}
	b.Logf("store: synced %d messages and %d records into %s in %.1fs", p.Messages, p.Records, dir, time.Since(start).Seconds())
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir, size
}

// Timed calls f n times after one warm-up call and reports the p50 and
// p95 of a call, in milliseconds, as the metrics name-p50-ms and
// name-p95-ms (and in the log).
func Timed(b *testing.B, name string, n int, f func(i int) error) {
	b.Helper()
	if err := f(0); err != nil {
		b.Fatal(err)
	}
	ds := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		if err := f(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	p50, p95 := ms(ds[len(ds)/2]), ms(ds[len(ds)*95/100])
	b.ReportMetric(p50, name+"-p50-ms")
	b.ReportMetric(p95, name+"-p95-ms")
	b.Logf("%-22s %4d calls  p50 %8.2f ms  p95 %8.2f ms", name, n, p50, p95)
}
