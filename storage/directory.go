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

// PutUser stores a user.
func (w *Writer) PutUser(u User) error {
	w.names = true
	return put(w.tx, bucketUsers, key(nil).str(u.ID), u)
}

var metaMe = []byte("me")

// SetMe records which user is signed in (the store belongs to one user).
func (w *Writer) SetMe(userID string) error {
	w.names = true
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
func (w *Writer) PutTeam(t Team) error {
	w.names = true
	return put(w.tx, bucketTeams, key(nil).str(t.ID), t)
}

// SetTeamSettings records a team's settings as read (or written) at at:
// the outbox calls it once a settings change has landed, so the roster
// shows them before the next sync reads them. A team the store does not
// hold is ErrNotFound.
func (db *DB) SetTeamSettings(ctx context.Context, teamID string, s TeamSettings, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		var t Team
		ok, err := get(tx, bucketTeams, key(nil).str(teamID), &t)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("team %s: %w", teamID, ErrNotFound)
		}
		t.Settings, t.SettingsRead = s, at
		return put(tx, bucketTeams, key(nil).str(teamID), t)
	})
}

// PutChannel stores a channel.
func (w *Writer) PutChannel(c Channel) error {
	w.names = true
	return put(w.tx, bucketChannels, key(nil).str(c.TeamID).str(c.ID), c)
}

// PutChat stores a chat.
func (w *Writer) PutChat(c Chat) error {
	w.names = true
	return put(w.tx, bucketChats, key(nil).str(c.ID), c)
}

// SetMembers replaces the members of a team, channel or chat.
func (w *Writer) SetMembers(containerID string, ms []Member) error {
	w.names = true
	b := w.tx.Bucket(bucketMembers)
	prefix := key(nil).str(containerID)
	c := b.Cursor()
	var stale [][]byte
	since := map[string]*time.Time{} // when each known member was first found
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		stale = append(stale, slices.Clone(k))
		var old Member
		if err := json.Unmarshal(v, &old); err == nil {
			since[old.UserID] = old.Since
		}
	}
	now := time.Now().UTC()
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete member: %w", err)
		}
	}
	for _, m := range ms {
		m.ContainerID = containerID
		if s, known := since[m.UserID]; known {
			m.Since = s
		} else if len(stale) > 0 {
			m.Since = &now // new since the last sync of a container already known
		}
		if err := put(w.tx, bucketMembers, key(nil).str(containerID).str(m.UserID), m); err != nil {
			return err
		}
	}
	return nil
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
