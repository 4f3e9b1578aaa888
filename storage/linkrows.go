package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/rapport-app/rapport/storage/crm"
)

// Dynamics' link rows (records of the chats table, crm.LinkSet) are read
// by chat and by record, so they are indexed both ways, in the
// transaction that writes the row. Only live rows naming a chat are
// indexed.
var (
	bucketLinkRowsByChat   = []byte("link_rows_by_chat")   // (chatId, rowId) -> nothing
	bucketLinkRowsByRecord = []byte("link_rows_by_record") // (logical name, lower-case recordId, chatId, rowId) -> nothing
)

// linkRowKeys are a link row's index keys; ok is false when the row is
// not indexed (not a link row, deleted, or naming no chat). byRecord is
// nil when the row names no record.
func linkRowKeys(r Record) (byChat, byRecord key, ok bool) {
	if r.Set != crm.LinkSet || r.Deleted != nil {
		return nil, nil, false
	}
	chat, _ := r.Fields[crm.LinkChat].(string)
	if chat == "" {
		return nil, nil, false
	}
	byChat = key(nil).str(chat).str(r.ID)
	logical, _ := r.Fields[crm.LinkRecordType].(string)
	rec, _ := r.Fields[crm.LinkRecord].(string)
	if logical != "" && rec != "" {
		byRecord = key(nil).str(logical).str(strings.ToLower(rec)).str(chat).str(r.ID)
	}
	return byChat, byRecord, true
}

// indexLinkRow moves a link row's index entries from old (nil for a new
// row) to cur. Rows of other sets are left alone.
func indexLinkRow(tx *bolt.Tx, old *Record, cur Record) error {
	if cur.Set != crm.LinkSet {
		return nil
	}
	byChat, byRecord := tx.Bucket(bucketLinkRowsByChat), tx.Bucket(bucketLinkRowsByRecord)
	if old != nil {
		if c, r, ok := linkRowKeys(*old); ok {
			if err := byChat.Delete(c); err != nil {
				return fmt.Errorf("unindex link row: %w", err)
			}
			if r != nil {
				if err := byRecord.Delete(r); err != nil {
					return fmt.Errorf("unindex link row: %w", err)
				}
			}
		}
	}
	if c, r, ok := linkRowKeys(cur); ok {
		if err := byChat.Put(c, nil); err != nil {
			return fmt.Errorf("index link row: %w", err)
		}
		if r != nil {
			if err := byRecord.Put(r, nil); err != nil {
				return fmt.Errorf("index link row: %w", err)
			}
		}
	}
	return nil
}

// indexLinkRows builds both link-row indexes from the stored rows (the
// migration that adds them).
func indexLinkRows(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketLinkRowsByChat, bucketLinkRowsByRecord} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	records := tx.Bucket(bucketRecords)
	if records == nil {
		return nil
	}
	prefix := key(nil).str(crm.LinkSet)
	c := records.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r Record
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode link row: %w", err)
		}
		if err := indexLinkRow(tx, nil, r); err != nil {
			return err
		}
	}
	return nil
}

// linkRowsUnder reads the rows whose ids end the index keys under prefix,
// in key order.
func linkRowsUnder(tx *bolt.Tx, bucket []byte, prefix key) ([]Record, error) {
	var out []Record
	c := tx.Bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r := keyReader{b: k[len(prefix):]}
		var id string
		for len(r.b) > 0 && r.err == nil {
			id = r.str() // the row id is the key's last component
		}
		if r.err != nil {
			return nil, fmt.Errorf("link row index: %w", r.err)
		}
		var row Record
		found, err := get(tx, bucketRecords, key(nil).str(crm.LinkSet).str(id), &row)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, row)
		}
	}
	return out, nil
}

// LinkRows lists Dynamics' live link rows (records of the chats table)
// of a chat, by row id.
func (db *DB) LinkRows(ctx context.Context, chatID string) ([]Record, error) {
	var out []Record
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = linkRowsUnder(tx, bucketLinkRowsByChat, key(nil).str(chatID))
		return err
	})
	return out, err
}

// LinkRowsOf lists Dynamics' live link rows regarding a record (by its
// entity set and id; ids compare case-insensitively, as Dataverse's
// GUIDs do), by row id. A set that cannot be linked has none.
func (db *DB) LinkRowsOf(ctx context.Context, set, recordID string) ([]Record, error) {
	s, ok := crm.Lookup(set)
	if !ok || !s.Linkable || recordID == "" {
		return nil, nil
	}
	var out []Record
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = linkRowsUnder(tx, bucketLinkRowsByRecord, key(nil).str(s.Logical).str(strings.ToLower(recordID)))
		return err
	})
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// Record returns one record, a tombstone too (ErrNotFound when the store
// has none).
func (db *DB) Record(ctx context.Context, set, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	var r Record
	err := db.bolt.View(func(tx *bolt.Tx) error {
		found, err := get(tx, bucketRecords, key(nil).str(set).str(id), &r)
		if err == nil && !found {
			err = fmt.Errorf("%s(%s): %w", set, id, ErrNotFound)
		}
		return err
	})
	return r, err
}

// User returns one user of the directory (ErrNotFound when unknown).
func (db *DB) User(ctx context.Context, id string) (User, error) {
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	var u User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		found, err := get(tx, bucketUsers, key(nil).str(id), &u)
		if err == nil && !found {
			err = fmt.Errorf("user %s: %w", id, ErrNotFound)
		}
		return err
	})
	return u, err
}

// LinksTo lists Rapport's link entries with a record (every target:
// chats, threads, messages), linked or not, by target.
func (db *DB) LinksTo(ctx context.Context, set, recordID string) ([]Link, error) {
	var out []Link
	prefix := key(nil).str(set).str(recordID)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLinksByRecord).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := keyReader{b: k[len(prefix):]}
			target := r.str()
			if err := r.done(); err != nil {
				return fmt.Errorf("links by record: %w", err)
			}
			l, err := getLink(tx, target, set, recordID)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}
