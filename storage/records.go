package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PutRecord upserts a Dataverse row.
func (w *Writer) PutRecord(r Record) error {
	w.names = true
	k := key(nil).str(r.Set).str(r.ID)
	var old Record
	found, err := get(w.tx, bucketRecords, k, &old)
	if err != nil {
		return err
	}
	if found {
		if err := w.noteChanges(old, r); err != nil {
			return err
		}
	}
	if err := put(w.tx, bucketRecords, k, r); err != nil {
		return err
	}
	var prev *Record
	if found {
		prev = &old
	}
	if err := indexLinkRow(w.tx, prev, r); err != nil {
		return err
	}
	return w.enqueue(RecordDocID(r.Set, r.ID))
}

// RecordChange is an update of a record's fields seen by sync: the old
// and new value of each field that changed.
type RecordChange struct {
	At     time.Time         `json:"at"`
	Fields map[string][2]any `json:"fields"`
}

// noteChanges keeps which scalar fields an update changed (bookkeeping
// columns aside), so linked chats can be told.
func (w *Writer) noteChanges(old, cur Record) error {
	ch := RecordChange{At: cur.Modified, Fields: map[string][2]any{}}
	for f, v := range cur.Fields {
		if f == "modifiedon" || f == "versionnumber" || strings.Contains(f, "@") {
			continue
		}
		switch v.(type) {
		case string, float64, bool, nil:
		default:
			continue
		}
		if o := old.Fields[f]; fmt.Sprint(o) != fmt.Sprint(v) {
			ch.Fields[f] = [2]any{o, v}
		}
	}
	if len(ch.Fields) == 0 {
		return nil
	}
	if ch.At.IsZero() {
		ch.At = time.Now().UTC()
	}
	return put(w.tx, bucketRecordChanges, key(nil).str(cur.Set).str(cur.ID).time(ch.At), ch)
}

// RecordChanges lists a record's noted changes after since, oldest first.
func (db *DB) RecordChanges(ctx context.Context, set, id string, since time.Time) ([]RecordChange, error) {
	var out []RecordChange
	err := db.bolt.View(func(tx *bolt.Tx) error {
		prefix := key(nil).str(set).str(id)
		c := tx.Bucket(bucketRecordChanges).Cursor()
		for k, v := c.Seek(key(nil).str(set).str(id).time(since.Add(time.Nanosecond))); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var ch RecordChange
			if err := json.Unmarshal(v, &ch); err != nil {
				return fmt.Errorf("decode record change: %w", err)
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}

// DeleteRecord marks a row deleted upstream; the row stays as a tombstone
// so links to it can show what was there.
func (w *Writer) DeleteRecord(set, id string, at time.Time) error {
	w.names = true
	k := key(nil).str(set).str(id)
	var r Record
	found, err := get(w.tx, bucketRecords, k, &r)
	if err != nil || !found {
		return err
	}
	live := r
	r.Deleted = &at
	if err := put(w.tx, bucketRecords, k, r); err != nil {
		return err
	}
	if err := indexLinkRow(w.tx, &live, r); err != nil {
		return err
	}
	return w.enqueue(RecordDocID(set, id))
}

// Records lists the rows of an entity set (all sets when set is "").
func (db *DB) Records(ctx context.Context, set string) ([]Record, error) {
	var prefix key
	if set != "" {
		prefix = key(nil).str(set)
	}
	return list[Record](db, ctx, bucketRecords, prefix)
}
