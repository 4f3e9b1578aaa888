package storage

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// Cursor reads a source's cursor inside the transaction.
func (w *Writer) Cursor(source string) (Cursor, error) {
	c := Cursor{Source: source}
	_, err := get(w.tx, bucketCursors, key(nil).str(source), &c)
	return c, err
}

// SetCursor stores a source's cursor.
func (w *Writer) SetCursor(c Cursor) error {
	return put(w.tx, bucketCursors, key(nil).str(c.Source), c)
}

// Cursors lists every source's cursor.
func (db *DB) Cursors(ctx context.Context) ([]Cursor, error) {
	return list[Cursor](db, ctx, bucketCursors, nil)
}

// GetCursor reads one cursor (the zero cursor when the source is new).
func (db *DB) GetCursor(ctx context.Context, source string) (Cursor, error) {
	c := Cursor{Source: source}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		_, err := get(tx, bucketCursors, key(nil).str(source), &c)
		return err
	})
	return c, err
}
