package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Connection is the Microsoft 365 connection the user set in Settings.
// Empty fields are not set: the cloud's defaults apply, and flags or
// RAPPORT_* variables override any field (the app decides that).
type Connection struct {
	Cloud     string `json:"cloud,omitempty"`
	Authority string `json:"authorityUrl,omitempty"`
	Graph     string `json:"graphUrl,omitempty"`
	Dataverse string `json:"dataverseUrl,omitempty"`
	Tenant    string `json:"tenant,omitempty"`
	ClientID  string `json:"clientId,omitempty"`
}

// settingConnection is the settings key of the connection.
const settingConnection = "connection"

// Connection returns the saved connection, or the zero Connection when
// none was saved.
func (db *DB) Connection(ctx context.Context) (Connection, error) {
	var c Connection
	if err := db.Setting(ctx, settingConnection, &c); err != nil && !errors.Is(err, ErrNotFound) {
		return Connection{}, err
	}
	return c, nil
}

// PutConnection saves the connection.
func (db *DB) PutConnection(ctx context.Context, c Connection) error {
	return db.PutSetting(ctx, settingConnection, c)
}

// Origin says where the synced data in this store came from.
type Origin struct {
	// TenantID is the directory (Entra tenant id) the data was synced
	// from, recorded before the first round writes anything.
	TenantID string `json:"tenantId,omitempty"`
	// ReadOnly is set when the connection moved to another directory and
	// the user kept this data to read: sync stays off until the
	// connection points at TenantID again or the user starts over.
	ReadOnly bool `json:"readOnly,omitempty"`
	// ReadOnlyFor is the directory the connection points at meanwhile,
	// when known.
	ReadOnlyFor string `json:"readOnlyFor,omitempty"`
}

var metaOrigin = []byte("origin")

// Origin returns where the store's data came from (zero before the first
// sync).
func (db *DB) Origin(ctx context.Context) (Origin, error) {
	if err := ctx.Err(); err != nil {
		return Origin{}, err
	}
	var o Origin
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketMeta).Get(metaOrigin); raw != nil {
			if err := json.Unmarshal(raw, &o); err != nil {
				return fmt.Errorf("decode origin: %w", err)
			}
		}
		return nil
	})
	return o, err
}

// SetOrigin records where the store's data comes from.
func (db *DB) SetOrigin(ctx context.Context, o Origin) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode origin: %w", err)
	}
	return db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaOrigin, raw) })
}

// syncedBuckets hold what sync brought in from a tenant.
var syncedBuckets = [][]byte{bucketUsers, bucketTeams, bucketChats, bucketMsgIDs, bucketRecords}

// HasSynced reports whether the store holds anything synced from a
// tenant (a user, team, chat, message or record).
func (db *DB) HasSynced(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	found := false
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range syncedBuckets {
			if b := tx.Bucket(name); b != nil {
				if k, _ := b.Cursor().First(); k != nil {
					found = true
					return nil
				}
			}
		}
		return nil
	})
	return found, err
}

// AsideName is the file name a store synced from tenant is moved to when
// the user starts over at time at: previous-<tenant>-<date>.db.
func AsideName(tenant string, at time.Time) string {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '_'
	}, tenant)
	if t == "" || strings.Trim(t, ".") == "" {
		t = "unknown"
	}
	return "previous-" + t + "-" + at.UTC().Format("20060102-150405") + ".db"
}

// StartOver closes db, moves its file aside to name in the same directory
// (the file stays whole: it is a complete store that Rapport can open
// again with --data-dir after renaming it back to rapport.db), and opens
// a fresh store in its place, carrying the settings over. It returns the
// new store and the path the old one was moved to. If the fresh store
// cannot be opened, the old file is put back and reopened.
func StartOver(ctx context.Context, db *DB, name string, opts Options) (*DB, string, error) {
	if name == "" || filepath.Base(name) != name || name == FileName {
		return nil, "", fmt.Errorf("start over: bad file name %q", name)
	}
	settings := map[string][]byte{}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).ForEach(func(k, v []byte) error {
			settings[string(k)] = append([]byte(nil), v...)
			return nil
		})
	}); err != nil {
		return nil, "", fmt.Errorf("start over: read settings: %w", err)
	}
	dir, path := filepath.Dir(db.path), db.path
	aside := filepath.Join(dir, name)
	if _, err := os.Stat(aside); err == nil {
		ext := filepath.Ext(name)
		aside = filepath.Join(dir, fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, ext), time.Now().UnixNano(), ext))
	}
	if err := db.Close(); err != nil {
		return nil, "", fmt.Errorf("start over: close store: %w", err)
	}
	reopen := func(cause error) (*DB, string, error) {
		old, err := Open(ctx, dir, opts)
		if err != nil {
			return nil, "", errors.Join(cause, err)
		}
		return old, "", cause
	}
	if err := os.Rename(path, aside); err != nil {
		return reopen(fmt.Errorf("start over: move store aside: %w", err))
	}
	if err := syncDir(dir); err != nil {
		return reopen(err)
	}
	fresh, err := Open(ctx, dir, opts)
	if err != nil {
		if rerr := os.Rename(aside, path); rerr != nil {
			return nil, "", errors.Join(err, rerr)
		}
		return reopen(fmt.Errorf("start over: open a fresh store: %w", err))
	}
	if err := fresh.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		for k, v := range settings {
			if err := b.Put([]byte(k), v); err != nil { // k is already an encoded key
				return err
			}
		}
		return nil
	}); err != nil {
		fresh.Close()
		return nil, "", fmt.Errorf("start over: copy settings: %w", err)
	}
	return fresh, aside, nil
}
