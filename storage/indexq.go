package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The index queue: every write that changes something searchable appends
// the item's document id to the indexq bucket in the same transaction, so
// the search index (derived data) can always catch up with the store.

// Document ids name indexable items: "m<conv no. base 36>/<message id>" for
// messages and "r<entity set>/<id>" for CRM records.

// MessageDocID is the document id of a message.
func MessageDocID(convNo int64, msgID string) string {
	return "m" + strconv.FormatInt(convNo, 36) + "/" + msgID
}

// RecordDocID is the document id of a CRM record.
func RecordDocID(set, id string) string { return "r" + set + "/" + id }

// ParseDocID splits a document id into its kind ('m' or 'r') and parts:
// for messages the conversation number and message id, for records the
// entity set (in set) and id.
func ParseDocID(doc string) (kind byte, convNo int64, set, id string, err error) {
	bad := func() (byte, int64, string, string, error) {
		return 0, 0, "", "", fmt.Errorf("malformed document id %q", doc)
	}
	if len(doc) < 3 {
		return bad()
	}
	head, rest, ok := strings.Cut(doc[1:], "/")
	if !ok || head == "" || rest == "" {
		return bad()
	}
	switch doc[0] {
	case 'm':
		n, perr := strconv.ParseInt(head, 36, 64)
		if perr != nil || n <= 0 {
			return bad()
		}
		return 'm', n, "", rest, nil
	case 'r':
		return 'r', 0, head, rest, nil
	}
	return bad()
}

// enqueue appends a document id to the index queue.
func (w *Writer) enqueue(doc string) error {
	b := w.tx.Bucket(bucketIndexQ)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("index queue: %w", err)
	}
	b.FillPercent = 1 // append-only keys
	if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), []byte(doc)); err != nil {
		return fmt.Errorf("index queue: %w", err)
	}
	w.queued = true
	return nil
}

// QueueEntry is one index queue entry.
type QueueEntry struct {
	Seq uint64
	Doc string
}

// IndexQueue returns up to limit queue entries with a sequence above after,
// oldest first.
func (db *DB) IndexQueue(ctx context.Context, after uint64, limit int) ([]QueueEntry, error) {
	var out []QueueEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketIndexQ).Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, after+1)); k != nil && len(out) < limit; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			if len(k) != 8 {
				continue
			}
			out = append(out, QueueEntry{Seq: binary.BigEndian.Uint64(k), Doc: string(v)})
		}
		return nil
	})
	return out, err
}

// QueueState is the index queue's extent: entries in (Done, Last] may be
// waiting; everything up to Done was indexed and removed.
type QueueState struct {
	Last uint64 `json:"last"`
	Done uint64 `json:"done"`
}

// IndexQueueState reports the queue's extent.
func (db *DB) IndexQueueState(ctx context.Context) (QueueState, error) {
	var st QueueState
	err := db.bolt.View(func(tx *bolt.Tx) error {
		st.Last = tx.Bucket(bucketIndexQ).Sequence()
		if v := tx.Bucket(bucketMeta).Get(metaIndexQDone); len(v) == 8 {
			st.Done = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return st, err
}

// TrimIndexQueue removes the entries up to and including seq: the caller
// has made them durable in the index. A long queue is trimmed 50,000
// entries per transaction, so writers are never held up for long.
func (db *DB) TrimIndexQueue(ctx context.Context, seq uint64) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		more := false
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if v := meta.Get(metaIndexQDone); len(v) == 8 && binary.BigEndian.Uint64(v) >= seq {
				return nil
			}
			c := tx.Bucket(bucketIndexQ).Cursor()
			end := binary.BigEndian.AppendUint64(nil, seq)
			n := 0
			for k, _ := c.First(); k != nil && bytes.Compare(k, end) <= 0; k, _ = c.First() {
				if n++; n > 50000 {
					more = true
					return nil
				}
				if err := c.Delete(); err != nil {
					return fmt.Errorf("trim index queue: %w", err)
				}
			}
			return meta.Put(metaIndexQDone, binary.BigEndian.AppendUint64(nil, seq))
		})
		if err != nil || !more {
			return err
		}
	}
}

// EnqueueAll queues every message and live record for indexing, one
// conversation per transaction so sync is never blocked for long. It is
// how a missing, stale or damaged index is rebuilt. It returns the number
// of documents queued.
func (db *DB) EnqueueAll(ctx context.Context) (int, error) {
	var convs []int64
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConvs).ForEach(func(_, v []byte) error {
			if len(v) == 8 {
				convs = append(convs, int64(binary.BigEndian.Uint64(v)))
			}
			return nil
		})
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, no := range convs {
		var after []byte // resume key inside a large conversation
		for {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			done := true
			err := db.Apply(ctx, func(w *Writer) error {
				prefix, start := key(nil).i64(no), key(nil).i64(no)
				if after != nil {
					start = after // the first key not queued yet
				}
				c := w.tx.Bucket(bucketMessages).Cursor()
				k, _ := c.Seek(start)
				for i := 0; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					if i == 20000 {
						after, done = bytes.Clone(k), false
						return nil
					}
					r := keyReader{b: k}
					_, _ = r.i64(), r.i64()
					if err := w.enqueue(MessageDocID(no, r.str())); err != nil {
						return err
					}
					i++
					n++
				}
				return nil
			})
			if err != nil {
				return n, err
			}
			if done {
				break
			}
		}
	}
	err := db.Apply(ctx, func(w *Writer) error {
		return w.tx.Bucket(bucketRecords).ForEach(func(k, v []byte) error {
			var rec Record
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode record: %w", err)
			}
			if rec.Deleted != nil {
				return nil
			}
			n++
			return w.enqueue(RecordDocID(rec.Set, rec.ID))
		})
	})
	return n, err
}

// IndexItem is one queued document as the store holds it now.
type IndexItem struct {
	Doc     string
	Missing bool // gone from the store (or a record deleted upstream): remove it from the index
	ConvNo  int64
	Message *MessageWithBody
	Record  *Record
	// Tags are the message's own user tags; Inherited those of its
	// thread and conversation (storage/tags.go).
	Tags, Inherited []string
}

// IndexItems loads the documents named by ids in one read transaction.
func (db *DB) IndexItems(ctx context.Context, ids []string) ([]IndexItem, error) {
	out := make([]IndexItem, 0, len(ids))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var byNo map[int64]string // conversation ids, read when something is tagged
		msgs, msgIDs, recs := tx.Bucket(bucketMessages), tx.Bucket(bucketMsgIDs), tx.Bucket(bucketRecords)
		for _, doc := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			it := IndexItem{Doc: doc, Missing: true}
			kind, no, set, id, err := ParseDocID(doc)
			if err != nil {
				out = append(out, it)
				continue
			}
			switch kind {
			case 'm':
				it.ConvNo = no
				v := msgIDs.Get(key(nil).i64(no).str(id))
				if len(v) != 9 {
					break
				}
				raw := msgs.Get(key(nil).i64(no).i64(int64(binary.BigEndian.Uint64(v))).str(id))
				if raw == nil {
					break
				}
				var sm storedMessage
				if err := json.Unmarshal(raw, &sm); err != nil {
					return fmt.Errorf("decode message %s: %w", doc, err)
				}
				it.Missing = false
				it.Message = &MessageWithBody{Message: sm.Message, Body: sm.Body}
				if it.Tags, it.Inherited, err = effectiveTags(tx, &byNo, no, &sm.Message); err != nil {
					return fmt.Errorf("tags of %s: %w", doc, err)
				}
			case 'r':
				raw := recs.Get(key(nil).str(set).str(id))
				if raw == nil {
					break
				}
				var r Record
				if err := json.Unmarshal(raw, &r); err != nil {
					return fmt.Errorf("decode record %s: %w", doc, err)
				}
				if r.Deleted == nil {
					it.Missing = false
					it.Record = &r
				}
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// ThreadPost is the part of a message that decides whether a thread was
// answered.
type ThreadPost struct {
	ID      string    `json:"id"`
	ReplyTo string    `json:"replyTo,omitempty"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	FromID  string    `json:"fromId,omitempty"`
}

// EachThreadPost calls f for every message of conversation convNo, newest
// first, decoding only what ThreadPost holds.
func (db *DB) EachThreadPost(ctx context.Context, convNo int64, f func(ThreadPost) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		prefix := key(nil).i64(convNo)
		c := tx.Bucket(bucketMessages).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var p ThreadPost
			if err := decodeThreadPost(v, &p); err != nil {
				return fmt.Errorf("decode message: %w", err)
			}
			if err := f(p); err != nil {
				return err
			}
		}
		return nil
	})
}
