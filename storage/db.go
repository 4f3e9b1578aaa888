package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the store file inside the data directory.
const FileName = "rapport.db"

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrLocked means another process holds the store open.
	ErrLocked = errors.New("store is in use by another Rapport process")
	// ErrSchemaTooNew means the file was written by a newer Rapport.
	ErrSchemaTooNew = errors.New("store was written by a newer version of Rapport")
	// ErrCorrupt means the file is not a readable Rapport store.
	ErrCorrupt = errors.New("store file is damaged")
	// ErrNotFound means the requested item is not in the store.
	ErrNotFound = errors.New("not found")
	// ErrState means an item is not in a state that allows the change.
	ErrState = errors.New("not allowed in this state")
)

// DB is an open store. It is safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	path string

	onIndex atomic.Pointer[func()] // called after a commit that queued index work
	names   atomic.Uint64          // NamesGeneration

	watchMu  sync.Mutex
	watchers map[int]func([]Message) // WatchMessages, by registration number
	watchNo  int

	statusMu sync.Mutex  // guards kept
	kept     *keptStatus // Status's last count, nil before the first
}

// NamesGeneration changes whenever a commit changes what names resolve
// to: users, teams, channels, chats and their members, records, links and
// their operations, a new conversation, a post in a linked thread or a
// linked message. A reader caching names (search's directory) reloads when
// it moves, and only then.
func (db *DB) NamesGeneration() uint64 { return db.names.Load() }

// namesChanged moves NamesGeneration after a commit.
func (db *DB) namesChanged() { db.names.Add(1) }

// OnIndexQueued registers f to be called (on the committing goroutine,
// after the commit) whenever a transaction added to the index queue. f must
// not block. A nil f unregisters.
func (db *DB) OnIndexQueued(f func()) {
	if f == nil {
		db.onIndex.Store(nil)
		return
	}
	db.onIndex.Store(&f)
}

// WatchMessages registers f to be called, on the committing goroutine
// after the commit, with the messages a transaction wrote (as written,
// without their bodies, ConvID set), in the order they were written. f
// must not block and must not keep the slice. Derived views that follow
// messages incrementally (storage/metrics) use it. The returned function
// unregisters f.
func (db *DB) WatchMessages(f func([]Message)) (stop func()) {
	db.watchMu.Lock()
	defer db.watchMu.Unlock()
	if db.watchers == nil {
		db.watchers = map[int]func([]Message){}
	}
	db.watchNo++
	no := db.watchNo
	db.watchers[no] = f
	return func() {
		db.watchMu.Lock()
		defer db.watchMu.Unlock()
		delete(db.watchers, no)
	}
}

func (db *DB) notifyMessages(msgs []Message) {
	db.watchMu.Lock()
	fs := make([]func([]Message), 0, len(db.watchers))
	for _, f := range db.watchers {
		fs = append(fs, f)
	}
	db.watchMu.Unlock()
	for _, f := range fs {
		f(msgs)
	}
}

func (db *DB) notifyIndex() {
	if f := db.onIndex.Load(); f != nil {
		(*f)()
	}
}

// Options tune Open. The zero value is ready to use.
type Options struct {
	// LockTimeout bounds the wait for another process's lock (default 1s).
	LockTimeout time.Duration
}

// Open opens, and creates if needed, the store in dir, applying every
// pending migration. It fails with ErrLocked, ErrSchemaTooNew or ErrCorrupt
// (wrapped with the path) when it cannot.
func Open(ctx context.Context, dir string, opts Options) (*DB, error) {
	return open(ctx, dir, opts, migrations)
}

func open(ctx context.Context, dir string, opts Options, ms []migration) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	removeStaleTemps(dir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := create(dir, path, ms); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("stat store %s: %w", path, err)
	}
	if err := tighten(path, 0o600); err != nil {
		return nil, err
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout})
	if err != nil {
		return nil, classifyOpenErr(path, err)
	}
	if err := b.Update(func(tx *bolt.Tx) error { return migrate(tx, ms) }); err != nil {
		b.Close()
		return nil, fmt.Errorf("migrate store %s: %w", path, err)
	}
	return &DB{bolt: b, path: path}, nil
}

// create builds a complete store under a temporary name and renames it into
// place, so that path never names a half-initialised file.
func create(dir, path string, ms []migration) error {
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	_ = os.Remove(tmp)
	b, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("create store %s: %w", tmp, err)
	}
	err = b.Update(func(tx *bolt.Tx) error { return migrate(tx, ms) })
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("initialise store %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("install store %s: %w", path, err)
	}
	return syncDir(dir)
}

func classifyOpenErr(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("open %s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum), strings.Contains(err.Error(), "file size too small"):
		return fmt.Errorf("open %s: %w: %v", path, ErrCorrupt, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// ensureDir creates dir 0700, or tightens an existing one to 0700.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir %s: %w", dir, err)
	}
	return tighten(dir, 0o700)
}

func tighten(path string, perm fs.FileMode) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Mode().Perm()&^perm != 0 {
		if err := os.Chmod(path, st.Mode().Perm()&perm); err != nil {
			return fmt.Errorf("restrict permissions of %s: %w", path, err)
		}
	}
	return nil
}

// removeStaleTemps deletes temporary stores left by a crash in create.
// Temps of live processes are left alone.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, FileName+".tmp-*"))
	for _, m := range matches {
		pid, err := strconv.Atoi(m[strings.LastIndex(m, "-")+1:])
		if err == nil && pid != os.Getpid() && processAlive(pid) {
			continue
		}
		os.Remove(m)
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open data dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync data dir %s: %w", dir, err)
	}
	return nil
}

// Path is the store file's path.
func (db *DB) Path() string { return db.path }

// Close closes the store. It waits for running transactions.
func (db *DB) Close() error { return db.bolt.Close() }

// Check runs bbolt's consistency check and returns every problem found.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// Stats describes the store for status screens.
type Stats struct {
	Path          string         `json:"path"`
	SchemaVersion int            `json:"schemaVersion"`
	SizeBytes     int64          `json:"sizeBytes"`
	InuseBytes    int64          `json:"inuseBytes"` // bytes of B+tree pages holding data
	FreeBytes     int64          `json:"freeBytes"`  // bytes of free pages awaiting reuse
	Buckets       map[string]int `json:"buckets"`    // bucket name -> key count
}

// SchemaVersion is the store's schema version: one read, unlike Stats.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v = schemaVersion(tx)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Stats reports the schema version, file size and per-bucket key counts.
// It reads every page of the store (a bucket's key count is a walk of
// it): seconds on a large store whose pages are not cached.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	s := Stats{Path: db.path, Buckets: map[string]int{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		s.SizeBytes = tx.Size()
		s.SchemaVersion = schemaVersion(tx)
		s.FreeBytes = int64(db.bolt.Stats().FreePageN) * int64(db.bolt.Info().PageSize)
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			bs := b.Stats()
			s.Buckets[string(name)] = bs.KeyN
			s.InuseBytes += int64(bs.BranchInuse + bs.LeafInuse + bs.InlineBucketInuse)
			return ctx.Err()
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store stats: %w", err)
	}
	return s, nil
}

// Setting decodes the JSON setting stored under name into v. It returns
// ErrNotFound when the setting was never written.
func (db *DB) Setting(ctx context.Context, name string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketSettings).Get(key(nil).str(name))
		if raw == nil {
			return fmt.Errorf("setting %q: %w", name, ErrNotFound)
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("decode setting %q: %w", name, err)
		}
		return nil
	})
}

// PutSetting stores v as JSON under name.
func (db *DB) PutSetting(ctx context.Context, name string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode setting %q: %w", name, err)
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSettings).Put(key(nil).str(name), raw); err != nil {
			return fmt.Errorf("put setting %q: %w", name, err)
		}
		return nil
	})
}

// Identity names this store file: the time it was created. A derived
// index records it, so an index never serves a store it was not built
// from (a restored backup, say).
func (db *DB) Identity(ctx context.Context) (string, error) {
	var id string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketMeta).Get(metaCreated))
		return nil
	})
	return id, err
}

// Snapshot writes a consistent copy of the store to dir/rapport.db (for
// backups and tests), from one read transaction.
func (db *DB) Snapshot(ctx context.Context, dir string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ensureDir(dir); err != nil {
		return err
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		return tx.CopyFile(filepath.Join(dir, FileName), 0o600)
	})
}
