package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Writer applies synced data inside one read-write transaction. It is
// valid only inside the function passed to DB.Apply.
type Writer struct {
	tx     *bolt.Tx
	queued bool // something was added to the index queue
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
		return f(&w)
	})
	if err == nil && w.queued {
		db.notifyIndex()
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

// PutUser stores a user.
func (w *Writer) PutUser(u User) error { return put(w.tx, bucketUsers, key(nil).str(u.ID), u) }

var metaMe = []byte("me")

// SetMe records which user is signed in (the store belongs to one user).
func (w *Writer) SetMe(userID string) error {
	return w.tx.Bucket(bucketMeta).Put(metaMe, []byte(userID))
}

// Me returns the signed-in user's id as sync recorded it ("" before the
// first sync).
func (db *DB) Me(ctx context.Context) (string, error) {
	var id string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketMeta).Get(metaMe))
		return nil
	})
	return id, err
}

// PutTeam stores a team.
func (w *Writer) PutTeam(t Team) error { return put(w.tx, bucketTeams, key(nil).str(t.ID), t) }

// PutChannel stores a channel.
func (w *Writer) PutChannel(c Channel) error {
	return put(w.tx, bucketChannels, key(nil).str(c.TeamID).str(c.ID), c)
}

// PutChat stores a chat.
func (w *Writer) PutChat(c Chat) error { return put(w.tx, bucketChats, key(nil).str(c.ID), c) }

// SetMembers replaces the members of a team, channel or chat.
func (w *Writer) SetMembers(containerID string, ms []Member) error {
	b := w.tx.Bucket(bucketMembers)
	prefix := key(nil).str(containerID)
	c := b.Cursor()
	var stale [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		stale = append(stale, slices.Clone(k))
	}
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete member: %w", err)
		}
	}
	for _, m := range ms {
		m.ContainerID = containerID
		if err := put(w.tx, bucketMembers, key(nil).str(containerID).str(m.UserID), m); err != nil {
			return err
		}
	}
	return nil
}

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
	no, _, err := convNo(w.tx, m.ConvID, true)
	if err != nil {
		return false, err
	}
	msgs, ids := w.tx.Bucket(bucketMessages), w.tx.Bucket(bucketMsgIDs)
	// Sync writes newest first, which is ascending key order here: fill
	// pages instead of leaving every split half empty.
	msgs.FillPercent = 0.9
	idKey := key(nil).i64(no).str(m.ID)
	if v := ids.Get(idKey); len(v) == 9 {
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

// PutRecord upserts a Dataverse row.
func (w *Writer) PutRecord(r Record) error {
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
	k := key(nil).str(set).str(id)
	var r Record
	found, err := get(w.tx, bucketRecords, k, &r)
	if err != nil || !found {
		return err
	}
	r.Deleted = &at
	if err := put(w.tx, bucketRecords, k, r); err != nil {
		return err
	}
	return w.enqueue(RecordDocID(set, id))
}

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

// ---- reads ----

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

// Teams lists teams by name.
func (db *DB) Teams(ctx context.Context) ([]Team, error) {
	ts, err := list[Team](db, ctx, bucketTeams, nil)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	return ts, err
}

// Channels lists a team's channels (all teams when teamID is "").
func (db *DB) Channels(ctx context.Context, teamID string) ([]Channel, error) {
	var prefix key
	if teamID != "" {
		prefix = key(nil).str(teamID)
	}
	return list[Channel](db, ctx, bucketChannels, prefix)
}

// Chats lists chats, most recently active first.
func (db *DB) Chats(ctx context.Context) ([]Chat, error) {
	cs, err := list[Chat](db, ctx, bucketChats, nil)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].LastActivity.After(cs[j].LastActivity) })
	return cs, err
}

// Chat returns one chat.
func (db *DB) Chat(ctx context.Context, id string) (Chat, error) {
	var c Chat
	err := db.bolt.View(func(tx *bolt.Tx) error {
		found, err := get(tx, bucketChats, key(nil).str(id), &c)
		if err == nil && !found {
			err = fmt.Errorf("chat %s: %w", id, ErrNotFound)
		}
		return err
	})
	return c, err
}

// Members lists the members of a team, channel or chat.
func (db *DB) Members(ctx context.Context, containerID string) ([]Member, error) {
	return list[Member](db, ctx, bucketMembers, key(nil).str(containerID))
}

// Users lists every known user.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	return list[User](db, ctx, bucketUsers, nil)
}

// Records lists the rows of an entity set (all sets when set is "").
func (db *DB) Records(ctx context.Context, set string) ([]Record, error) {
	var prefix key
	if set != "" {
		prefix = key(nil).str(set)
	}
	return list[Record](db, ctx, bucketRecords, prefix)
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

// Status summarises what the store holds.
type Status struct {
	Teams         int            `json:"teams"`
	Channels      int            `json:"channels"`
	Chats         int            `json:"chats"`
	Messages      int            `json:"messages"`
	Tombstones    int            `json:"tombstones"`
	Users         int            `json:"users"`
	Guests        int            `json:"guests"`
	MembersByRole map[string]int `json:"membersByRole"`
	Records       map[string]int `json:"records"`
	Cursors       []Cursor       `json:"cursors"`
}

// Status counts the store's contents.
func (db *DB) Status(ctx context.Context) (Status, error) {
	st := Status{MembersByRole: map[string]int{}, Records: map[string]int{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		st.Teams = tx.Bucket(bucketTeams).Stats().KeyN
		st.Channels = tx.Bucket(bucketChannels).Stats().KeyN
		st.Chats = tx.Bucket(bucketChats).Stats().KeyN
		each := func(b []byte, f func(v []byte) error) error {
			return tx.Bucket(b).ForEach(func(_, v []byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return f(v)
			})
		}
		if err := each(bucketMsgIDs, func(v []byte) error {
			st.Messages++
			if len(v) == 9 && v[8] == 1 {
				st.Tombstones++
			}
			return nil
		}); err != nil {
			return err
		}
		if err := each(bucketUsers, func(v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			st.Users++
			if u.UserType == "Guest" {
				st.Guests++
			}
			return nil
		}); err != nil {
			return err
		}
		if err := each(bucketMembers, func(v []byte) error {
			var m Member
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			st.MembersByRole[m.Role()]++
			return nil
		}); err != nil {
			return err
		}
		if err := each(bucketRecords, func(v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.Deleted == nil {
				st.Records[r.Set]++
			}
			return nil
		}); err != nil {
			return err
		}
		return each(bucketCursors, func(v []byte) error {
			var c Cursor
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			st.Cursors = append(st.Cursors, c)
			return nil
		})
	})
	return st, err
}
