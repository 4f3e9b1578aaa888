package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/cloud"
)

// Core owns what the services share: the store, the event hub, the
// lifetime context and every goroutine started for the UI.
type Core struct {
	cfg     Config
	mode    string // ModeWindow, ModeBrowser or ModeCLI
	version string
	log     *slog.Logger
	events  *hub
	// hostedKey signs /hosted/ image URLs for this launch (hostedURL):
	// an image loads only through a URL Rapport handed out.
	hostedKey [32]byte
	// firstResult logs the time to search's first hits once (System.FirstResult).
	firstResult sync.Once

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	db       *storage.DB
	openErr  error
	index    *search.Index
	indexErr error
	openURL  func(string) // set by the window: opens a link in the system browser
	eff      *effective   // the connection in use, cached (connection.go)

	// connMu serialises connection saves and starting over.
	connMu sync.Mutex

	sync syncState

	// The services the UI calls, bound by Wails and served by rpc.go.
	System        *System
	Settings      *Settings
	Sync          *Sync
	Conversations *Conversations
	Records       *Records
	Search        *Search
	Links         *Links
	Capture       *Capture
	Tags          *Tags
	Metrics       *Metrics
	Digests       *Digests
	Connection    *Connection
	Knowledge     *Knowledge
	Guests        *Guests
}

// How Rapport runs: the UI sees ModeWindow or ModeBrowser (AppInfo.Mode).
const (
	ModeWindow  = "window"
	ModeBrowser = "browser"
	ModeCLI     = "cli"
)

func newCore(cfg Config, mode, version string, log *slog.Logger) *Core {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Core{cfg: cfg, mode: mode, version: version, log: log, events: newHub(), ctx: ctx, cancel: cancel}
	rand.Read(c.hostedKey[:]) // never fails (crypto/rand)
	c.System = &System{c}
	c.Settings = &Settings{c}
	c.Sync = &Sync{c}
	c.Conversations = &Conversations{c}
	c.Records = &Records{c}
	c.Search = &Search{c}
	c.Links = &Links{c}
	c.Capture = &Capture{c}
	c.Tags = &Tags{c}
	c.Metrics = &Metrics{c: c}
	c.Digests = &Digests{c: c}
	c.Connection = &Connection{c}
	c.Knowledge = &Knowledge{c}
	c.Guests = &Guests{c}
	return c
}

// services lists the bound services by the name the frontend uses.
func (c *Core) services() map[string]any {
	return map[string]any{"System": c.System, "Settings": c.Settings, "Sync": c.Sync,
		"Conversations": c.Conversations, "Records": c.Records, "Search": c.Search, "Links": c.Links, "Tags": c.Tags,
		"Capture": c.Capture, "Metrics": c.Metrics, "Digests": c.Digests, "Connection": c.Connection,
		"Knowledge": c.Knowledge, "Guests": c.Guests}
}

// openStore opens the store. A failure is kept and reported by every call
// that needs the store, so the UI can explain it instead of dying.
func (c *Core) openStore() error {
	db, err := storage.Open(c.ctx, c.cfg.DataDir, storage.Options{})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.db, c.openErr = db, err
	if err != nil {
		c.log.Error("store unavailable", "err", err)
	}
	return err
}

func (c *Core) store() (*storage.DB, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db == nil {
		if c.openErr == nil {
			return nil, fmt.Errorf("%w: not opened yet", errUnavailable)
		}
		return nil, fmt.Errorf("%w: %w", errUnavailable, c.openErr)
	}
	return c.db, nil
}

// goFunc runs f on a goroutine that Close waits for.
func (c *Core) goFunc(f func(ctx context.Context)) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f(c.ctx)
	}()
}

// Close cancels the lifetime context, ends event subscriptions, waits for
// owned goroutines and closes the store.
func (c *Core) Close() error {
	c.cancel()
	c.events.close()
	c.wg.Wait()
	if c.Metrics != nil {
		c.Metrics.close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil {
		if err := c.index.Close(); err != nil {
			c.log.Error("close search index", "err", err)
		}
		c.index = nil
	}
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// endpoints are the endpoints in use: the connection saved in Settings
// with flags and RAPPORT_* variables winning field by field.
func (c *Core) endpoints() (cloud.Endpoints, error) {
	e := c.effective()
	return e.ep, e.err
}
