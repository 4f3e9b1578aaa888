// Package storagetest opens throw-away stores for tests and checks their
// consistency when the test ends.
package storagetest

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport/storage"
)

// Open opens a store in a fresh temporary directory. When the test ends it
// runs bbolt's consistency check (tx.Check) and fails the test on any
// problem, then closes the store.
func Open(tb testing.TB) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), tb.TempDir(), storage.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Check(); err != nil {
			tb.Errorf("store consistency check: %v", err)
		}
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return db
}
