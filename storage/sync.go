package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Writer applies synced data inside one read-write transaction. It is
// valid only inside the function passed to DB.Apply.
type Writer struct {
	tx *bolt.Tx
}

// Apply runs f in one transaction: everything f writes (a page of
// messages and its cursor, say) commits together or not at all.
func (db *DB) Apply(ctx context.Context, f func(w *Writer) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error { return f(&Writer{tx: tx}) })
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

// PutMessage upserts a message and its body. A version older than the
// stored one (by lastModified) is ignored, so replayed or out-of-order
// pages never roll a message back. A deletion keeps the message as a
// tombstone and retains its last text. It reports whether it wrote.
func (w *Writer) PutMessage(m Message, body Body) (bool, error) {
	k := key(nil).str(m.ConvID).str(m.ID)
	var old Message
	found, err := get(w.tx, bucketMessages, k, &old)
	if err != nil {
		return false, err
	}
	if found && m.Modified.Before(old.Modified) {
		return false, nil
	}
	if found && m.Deleted != nil {
		var ob Body
		if _, err := get(w.tx, bucketBodies, k, &ob); err != nil {
			return false, err
		}
		if ob.Text != "" {
			body.Retained = ob.Text
		} else {
			body.Retained = ob.Retained
		}
	}
	if err := put(w.tx, bucketMessages, k, m); err != nil {
		return false, err
	}
	if err := put(w.tx, bucketBodies, k, body); err != nil {
		return false, err
	}
	if found && !old.Created.Equal(m.Created) {
		w.tx.Bucket(bucketMsgByTime).Delete(key(nil).str(m.ConvID).time(old.Created).str(m.ID))
	}
	if err := w.tx.Bucket(bucketMsgByTime).Put(key(nil).str(m.ConvID).time(m.Created).str(m.ID), nil); err != nil {
		return false, fmt.Errorf("index message time: %w", err)
	}
	return true, nil
}

// PutRecord upserts a Dataverse row.
func (w *Writer) PutRecord(r Record) error {
	return put(w.tx, bucketRecords, key(nil).str(r.Set).str(r.ID), r)
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
	return put(w.tx, bucketRecords, k, r)
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

// Messages lists a conversation's messages, newest first, created strictly
// before before (zero: from the newest), at most limit (≤ 0: all).
func (db *DB) Messages(ctx context.Context, convID string, before time.Time, limit int) ([]MessageWithBody, error) {
	var out []MessageWithBody
	err := db.bolt.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketMsgByTime).Cursor()
		prefix := key(nil).str(convID)
		var k []byte
		if before.IsZero() {
			// Seek past the conversation's last key, then step back. The
			// prefix ends with the string terminator 0x00 0x01; 0x00 0x02
			// sorts after every key that has the prefix.
			end := slices.Clone([]byte(prefix))
			end[len(end)-1]++
			if k, _ = idx.Seek(end); k == nil {
				k, _ = idx.Last()
			} else {
				k, _ = idx.Prev()
			}
		} else {
			k, _ = idx.Seek(key(nil).str(convID).time(before))
			if k == nil {
				k, _ = idx.Last()
			} else {
				k, _ = idx.Prev()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = idx.Prev() {
			if limit > 0 && len(out) >= limit {
				break
			}
			r := keyReader{b: k}
			r.str()
			r.time()
			id := r.str()
			if err := r.done(); err != nil {
				return fmt.Errorf("message time index: %w", err)
			}
			var m MessageWithBody
			mk := key(nil).str(convID).str(id)
			if _, err := get(tx, bucketMessages, mk, &m.Message); err != nil {
				return err
			}
			if _, err := get(tx, bucketBodies, mk, &m.Body); err != nil {
				return err
			}
			out = append(out, m)
		}
		return ctx.Err()
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
		if err := each(bucketMessages, func(v []byte) error {
			st.Messages++
			var m struct {
				Deleted *time.Time `json:"deleted"`
			}
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			if m.Deleted != nil {
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
