package storage

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"
)

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

// Status counts the store's contents. Messages are counted as they are
// written (reading every message's key took 40 ms at a million messages,
// half a second when the pages were not cached); the rest is counted
// here and kept until the next commit: bbolt numbers every committed
// transaction, and a read sees the number of the last. Concurrent calls
// wait for one count.
func (db *DB) Status(ctx context.Context) (Status, error) {
	db.statusMu.Lock()
	defer db.statusMu.Unlock()
	var st Status
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if db.kept != nil && db.kept.tx == tx.ID() {
			st = db.kept.st.clone()
			return nil
		}
		var err error
		if st, err = countStatus(ctx, tx); err != nil {
			return err
		}
		db.kept = &keptStatus{tx: tx.ID(), st: st.clone()}
		return nil
	})
	return st, err
}

// keptStatus is a count and the transaction it counted.
type keptStatus struct {
	tx int
	st Status
}

func (s Status) clone() Status {
	s.MembersByRole = maps.Clone(s.MembersByRole)
	s.Records = maps.Clone(s.Records)
	s.Cursors = slices.Clone(s.Cursors)
	return s
}

// countStatus counts what tx sees.
func countStatus(ctx context.Context, tx *bolt.Tx) (Status, error) {
	st := Status{MembersByRole: map[string]int{}, Records: map[string]int{}}
	err := func() error {
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
		c := readMsgCounts(tx)
		st.Messages, st.Tombstones = int(c.messages), int(c.tombstones)
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
	}()
	return st, err
}
