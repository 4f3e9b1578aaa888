package storage

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The knowledge bucket (schema 8) keeps storage/knowledge's items: best
// conversations, FAQ entries and template answers, each as JSON under
// (kind, id). The room owns their shape; the store only keeps them.

// PutKnowledge stores raw under (kind, id), replacing what was there.
func (db *DB) PutKnowledge(ctx context.Context, kind, id string, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketKnowledge).Put(key(nil).str(kind).str(id), raw); err != nil {
			return fmt.Errorf("put %s %s: %w", kind, id, err)
		}
		return nil
	})
}

// AddKnowledge stores a new item of kind under a fresh id (a decimal
// number never given before in this store), which make receives to build
// the item; both happen in one transaction.
func (db *DB) AddKnowledge(ctx context.Context, kind string, make func(id string) ([]byte, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKnowledge)
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("next %s id: %w", kind, err)
		}
		id = strconv.FormatUint(seq, 10)
		raw, err := make(id)
		if err != nil {
			return err
		}
		return b.Put(key(nil).str(kind).str(id), raw)
	})
	return id, err
}

// Knowledge returns the item (kind, id), or ErrNotFound.
func (db *DB) Knowledge(ctx context.Context, kind, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketKnowledge).Get(key(nil).str(kind).str(id))
		if v == nil {
			return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

// EachKnowledge calls f with every item of kind, by id's bytes, from one
// read transaction (raw is only valid during the call).
func (db *DB) EachKnowledge(ctx context.Context, kind string, f func(id string, raw []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	prefix := key(nil).str(kind)
	return db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketKnowledge).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			r := keyReader{b: k}
			r.str()
			id := r.str()
			if err := r.done(); err != nil {
				return fmt.Errorf("knowledge key: %w", err)
			}
			if err := f(id, v); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

// DeleteKnowledge removes the item (kind, id); ErrNotFound when there is
// none.
func (db *DB) DeleteKnowledge(ctx context.Context, kind, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b, k := tx.Bucket(bucketKnowledge), key(nil).str(kind).str(id)
		if b.Get(k) == nil {
			return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
		}
		return b.Delete(k)
	})
}
