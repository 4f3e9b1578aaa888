package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Writer applies synced data inside one read-write transaction. It is
// valid only inside the function passed to DB.Apply.
type Writer struct {
	tx     *bolt.Tx
	queued bool      // something was added to the index queue
	names  bool      // something names resolve to changed (DB.NamesGeneration)
	msgs   []Message // messages written (without bodies), for WatchMessages
	counts msgCounts // messages and tombstones added by this transaction (may be negative)
}

// Apply runs f in one transaction: everything f writes (a page of
// messages and its cursor, say) commits together or not at all.
func (db *DB) Apply(ctx context.Context, f func(w *Writer) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var w Writer
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w = Writer{tx: tx}
		if err := f(&w); err != nil {
			return err
		}
		if w.counts != (msgCounts{}) {
			c := readMsgCounts(tx)
			c.messages += w.counts.messages
			c.tombstones += w.counts.tombstones
			return c.put(tx)
		}
		return nil
	})
	if err == nil && w.names {
		db.namesChanged()
	}
	if err == nil && w.queued {
		db.notifyIndex()
	}
	if err == nil && len(w.msgs) > 0 {
		db.notifyMessages(w.msgs)
	}
	return err
}

func put(tx *bolt.Tx, bucket []byte, k key, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", bucket, err)
	}
	if err := tx.Bucket(bucket).Put(k, raw); err != nil {
		return fmt.Errorf("put %s: %w", bucket, err)
	}
	return nil
}

func get(tx *bolt.Tx, bucket []byte, k key, v any) (bool, error) {
	raw := tx.Bucket(bucket).Get(k)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", bucket, err)
	}
	return true, nil
}

func list[T any](db *DB, ctx context.Context, bucket []byte, prefix key) ([]T, error) {
	var out []T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return fmt.Errorf("decode %s: %w", bucket, err)
			}
			out = append(out, x)
		}
		return nil
	})
	return out, err
}
