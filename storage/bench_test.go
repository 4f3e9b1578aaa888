package storage

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkKeyEncode(b *testing.B) {
	at := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		_ = key(make([]byte, 0, 96)).str("19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2").time(at).str("1741944600000")
	}
}

func BenchmarkOpenExisting(b *testing.B) {
	dir := b.TempDir()
	db, err := Open(ctx, dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	for b.Loop() {
		db, err := Open(ctx, dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

func BenchmarkPutSetting(b *testing.B) {
	db, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	i := 0
	for b.Loop() {
		if err := db.PutSetting(ctx, fmt.Sprint("k", i%100), map[string]int{"i": i}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
