package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// storedMessage is a message and its body as kept in the messages bucket.
type storedMessage struct {
	Message
	Body
}

// convNo maps a conversation id to its short number, assigning one when
// create is set. Message keys use it instead of the long Teams id.
func convNo(tx *bolt.Tx, convID string, create bool) (int64, bool, error) {
	b := tx.Bucket(bucketConvs)
	k := key(nil).str(convID)
	if v := b.Get(k); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v)), true, nil
	}
	if !create {
		return 0, false, nil
	}
	n, err := b.NextSequence()
	if err != nil {
		return 0, false, fmt.Errorf("number conversation: %w", err)
	}
	if err := b.Put(k, binary.BigEndian.AppendUint64(nil, n)); err != nil {
		return 0, false, fmt.Errorf("number conversation: %w", err)
	}
	return int64(n), true, nil
}

// PutMessage upserts a message and its body. A version older than the
// stored one (by lastModified) is ignored, so replayed or out-of-order
// pages never roll a message back. A deletion keeps the message as a
// tombstone and retains its last content. It reports whether it wrote.
func (w *Writer) PutMessage(m Message, body Body) (bool, error) {
	no, known, err := convNo(w.tx, m.ConvID, false)
	if err == nil && !known {
		no, _, err = convNo(w.tx, m.ConvID, true)
	}
	if err != nil {
		return false, err
	}
	if !known || w.linkedPost(m) {
		w.names = true // a new conversation, or a post a record: search finds
	}
	msgs, ids := w.tx.Bucket(bucketMessages), w.tx.Bucket(bucketMsgIDs)
	// Sync writes newest first, which is ascending key order here: fill
	// pages instead of leaving every split half empty.
	msgs.FillPercent = 0.9
	idKey := key(nil).i64(no).str(m.ID)
	v := ids.Get(idKey)
	existed, wasTomb := len(v) == 9, tombstone(v)
	if existed {
		oldKey := key(nil).i64(no).i64(int64(binary.BigEndian.Uint64(v))).str(m.ID)
		var old storedMessage
		if raw := msgs.Get(oldKey); raw != nil {
			if err := json.Unmarshal(raw, &old); err != nil {
				return false, fmt.Errorf("decode message: %w", err)
			}
			if m.Modified.Before(old.Modified) {
				return false, nil
			}
			if m.Deleted != nil {
				body.Retained = old.Raw
				if body.Retained == "" {
					body.Retained = old.Retained
				}
				body.RetainedCards = old.Cards
				if len(body.RetainedCards) == 0 {
					body.RetainedCards = old.RetainedCards
				}
			}
			if err := msgs.Delete(oldKey); err != nil {
				return false, fmt.Errorf("replace message: %w", err)
			}
		}
	}
	inv := -m.Created.UnixNano()
	raw, err := json.Marshal(storedMessage{Message: m, Body: body})
	if err != nil {
		return false, fmt.Errorf("encode message: %w", err)
	}
	if err := msgs.Put(key(nil).i64(no).i64(inv).str(m.ID), raw); err != nil {
		return false, fmt.Errorf("put message: %w", err)
	}
	flag := byte(0)
	if m.Deleted != nil {
		flag = 1
	}
	if err := ids.Put(idKey, append(binary.BigEndian.AppendUint64(nil, uint64(inv)), flag)); err != nil {
		return false, fmt.Errorf("index message: %w", err)
	}
	if !existed {
		w.counts.messages++
	}
	if isTomb := flag == 1; isTomb != wasTomb {
		if isTomb {
			w.counts.tombstones++
		} else {
			w.counts.tombstones--
		}
	}
	w.msgs = append(w.msgs, m)
	return true, w.enqueue(MessageDocID(no, m.ID))
}

// MaxHosted bounds the size of one inline image kept offline.
const MaxHosted = 10 << 20

// PutHosted stores the bytes of a message's inline image.
func (w *Writer) PutHosted(convID, msgID, hostedID string, data []byte) error {
	if len(data) > MaxHosted {
		return fmt.Errorf("inline image of %d bytes exceeds %d", len(data), MaxHosted)
	}
	no, _, err := convNo(w.tx, convID, true)
	if err != nil {
		return err
	}
	return w.tx.Bucket(bucketHosted).Put(key(nil).i64(no).str(msgID).str(hostedID), data)
}

// HasHosted reports whether an inline image is stored.
func (w *Writer) HasHosted(convID, msgID, hostedID string) bool {
	no, ok, _ := convNo(w.tx, convID, false)
	return ok && w.tx.Bucket(bucketHosted).Get(key(nil).i64(no).str(msgID).str(hostedID)) != nil
}

// HasHosted reports whether an inline image is stored.
func (db *DB) HasHosted(ctx context.Context, convID, msgID, hostedID string) bool {
	found := false
	db.bolt.View(func(tx *bolt.Tx) error {
		found = (&Writer{tx: tx}).HasHosted(convID, msgID, hostedID)
		return nil
	})
	return found
}

// Hosted returns a copy of an inline image's bytes, or ErrNotFound.
func (db *DB) Hosted(ctx context.Context, convID, msgID, hostedID string) ([]byte, error) {
	var out []byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		no, ok, err := convNo(tx, convID, false)
		if err != nil {
			return err
		}
		if ok {
			out = slices.Clone(tx.Bucket(bucketHosted).Get(key(nil).i64(no).str(msgID).str(hostedID)))
		}
		if out == nil {
			return fmt.Errorf("inline image %s: %w", hostedID, ErrNotFound)
		}
		return nil
	})
	return out, err
}

// MessageWithBody is a message and its body.
type MessageWithBody struct {
	Message
	Body Body `json:"body"`
}

// Shown is the content a message shows and search reads: its body and
// cards, or for a message deleted upstream what was retained at deletion.
func (m *MessageWithBody) Shown() (raw string, cards []Card) {
	if m.Deleted != nil {
		return m.Body.Retained, m.Body.RetainedCards
	}
	return m.Body.Raw, m.Body.Cards
}

// Messages lists a conversation's messages, newest first, created strictly
// before before (zero: from the newest), at most limit (≤ 0: all).
func (db *DB) Messages(ctx context.Context, convID string, before time.Time, limit int) ([]MessageWithBody, error) {
	var out []MessageWithBody
	err := db.bolt.View(func(tx *bolt.Tx) error {
		no, ok, err := convNo(tx, convID, false)
		if err != nil || !ok {
			return err
		}
		prefix := key(nil).i64(no)
		seek := prefix
		if !before.IsZero() {
			seek = key(nil).i64(no).i64(-before.UnixNano() + 1)
		}
		c := tx.Bucket(bucketMessages).Cursor()
		for k, v := c.Seek(seek); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if limit > 0 && len(out) >= limit {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			var sm storedMessage
			if err := json.Unmarshal(v, &sm); err != nil {
				return fmt.Errorf("decode message: %w", err)
			}
			sm.Message.ConvID = convID
			out = append(out, MessageWithBody{Message: sm.Message, Body: sm.Body})
		}
		return nil
	})
	return out, err
}

// ConvIDs maps conversation numbers to conversation ids.
func (db *DB) ConvIDs(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConvs).ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return nil
			}
			r := keyReader{b: k}
			id := r.str()
			if err := r.done(); err != nil {
				return err
			}
			out[int64(binary.BigEndian.Uint64(v))] = id
			return nil
		})
	})
	return out, err
}

// ConvNo returns a conversation's number, if it has messages.
func (db *DB) ConvNo(ctx context.Context, convID string) (int64, bool, error) {
	var no int64
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		no, ok, err = convNo(tx, convID, false)
		return err
	})
	return no, ok, err
}

// MessagesAround lists up to n messages on each side of msgID in its
// conversation, and the message itself, newest first. With thread set
// (channels), only the thread's posts count: its root and the replies to
// it, up to n of them after the root.
func (db *DB) MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]MessageWithBody, error) {
	var out []MessageWithBody
	err := db.bolt.View(func(tx *bolt.Tx) error {
		no, ok, err := convNo(tx, convID, false)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		anchor := msgID
		if thread != "" {
			anchor = thread
		}
		v := tx.Bucket(bucketMsgIDs).Get(key(nil).i64(no).str(anchor))
		if len(v) != 9 {
			return ErrNotFound
		}
		at := key(nil).i64(no).i64(int64(binary.BigEndian.Uint64(v))).str(anchor)
		prefix := key(nil).i64(no)
		c := tx.Bucket(bucketMessages).Cursor()
		decode := func(v []byte) (MessageWithBody, error) {
			var sm storedMessage
			if err := json.Unmarshal(v, &sm); err != nil {
				return MessageWithBody{}, fmt.Errorf("decode message: %w", err)
			}
			sm.Message.ConvID = convID
			return MessageWithBody{Message: sm.Message, Body: sm.Body}, nil
		}
		// Newer posts: walk back in key order from the anchor.
		var newer []MessageWithBody
		k, v := c.Seek(at)
		if k == nil {
			return ErrNotFound
		}
		self, err := decode(v)
		if err != nil {
			return err
		}
		scanned := 0
		for k, v = c.Prev(); k != nil && bytes.HasPrefix(k, prefix) && len(newer) < n; k, v = c.Prev() {
			if scanned++; scanned > 20000 || ctx.Err() != nil {
				break
			}
			m, err := decode(v)
			if err != nil {
				return err
			}
			if thread == "" || m.ReplyTo == thread {
				newer = append(newer, m)
			}
		}
		// newer is oldest-first; the result is newest first.
		for i := len(newer) - 1; i >= 0; i-- {
			out = append(out, newer[i])
		}
		out = append(out, self)
		if thread != "" {
			return nil // the root is the thread's oldest post
		}
		c.Seek(at)
		for k, v := c.Next(); k != nil && bytes.HasPrefix(k, prefix) && len(out) < len(newer)+1+n; k, v = c.Next() {
			m, err := decode(v)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// linkedPost reports whether m is a linked message or a post of a linked
// channel thread (links kept in Rapport).
func (w *Writer) linkedPost(m Message) bool {
	c := w.tx.Bucket(bucketLinks).Cursor()
	targets := []string{MessageTarget(m.ConvID, m.ID), ThreadTarget(m.ConvID, m.ID)}
	if m.ReplyTo != "" {
		targets = append(targets, ThreadTarget(m.ConvID, m.ReplyTo))
	}
	for _, t := range targets {
		prefix := key(nil).str(t)
		if k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
