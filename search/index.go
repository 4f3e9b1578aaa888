package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/rapport-app/rapport/storage"
)

// Store is what the index reads from the store (*storage.DB).
type Store interface {
	IndexQueue(ctx context.Context, after uint64, limit int) ([]storage.QueueEntry, error)
	IndexQueueState(ctx context.Context) (storage.QueueState, error)
	TrimIndexQueue(ctx context.Context, seq uint64) error
	EnqueueAll(ctx context.Context) (int, error)
	IndexItems(ctx context.Context, ids []string) ([]storage.IndexItem, error)
	EachThreadPost(ctx context.Context, convNo int64, f func(storage.ThreadPost) error) error
	// TagCounts and TagTargets read the user's tags: tag: answers from
	// them for documents the index has not caught up with (pending.go).
	TagCounts(ctx context.Context) (map[string]int, error)
	TagTargets(ctx context.Context, tag string) ([]string, error)
	ConvIDs(ctx context.Context) (map[int64]string, error)
	Identity(ctx context.Context) (string, error)
	OnIndexQueued(f func())
	// NamesGeneration moves when anything names resolve to changes; the
	// directory of names is reloaded when, and only when, it moved.
	NamesGeneration() uint64
	Directory
}

// Directory is the part of the store that resolves names in queries.
type Directory interface {
	Me(ctx context.Context) (string, error)
	Users(ctx context.Context) ([]storage.User, error)
	Teams(ctx context.Context) ([]storage.Team, error)
	Channels(ctx context.Context, teamID string) ([]storage.Channel, error)
	Chats(ctx context.Context) ([]storage.Chat, error)
	Members(ctx context.Context, containerID string) ([]storage.Member, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	Links(ctx context.Context, chatID string) ([]storage.Link, error)
	LinksIn(ctx context.Context, convID string) ([]storage.Link, error)
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
	MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]storage.MessageWithBody, error)
	// TagMetas gives the tags' topics: tag: finds every label of one.
	TagMetas(ctx context.Context) (map[string]storage.TagMeta, error)
}

// Index states.
const (
	StateReady      = "ready"
	StateBuilding   = "building"    // rebuilding from the store
	StateCatchingUp = "catching-up" // draining queued changes
)

// Status is the index's progress, for the UI.
type Status struct {
	State   string `json:"state"`
	Indexed uint64 `json:"indexed"` // documents in the index
	Queued  uint64 `json:"queued"`  // changes waiting
	Error   string `json:"error,omitempty"`
}

// Options tune Open.
type Options struct {
	// Batch is the most queue entries indexed in one batch (default 2000).
	Batch int
	// OnStatus, when set, is called (at most every 250 ms, and whenever the
	// state changes) from the indexer goroutine.
	OnStatus func(Status)
	// Log receives rebuild reasons and indexing errors (default: discard).
	Log *slog.Logger
}

// Internal keys the index keeps about itself; they commit with the
// batches that make them true.
var (
	keyVersion = []byte("rapport:version")
	keyStore   = []byte("rapport:store")
	keySeq     = []byte("rapport:seq")     // last queue entry indexed
	keyRebuild = []byte("rapport:rebuild") // "1" while the rebuild queue is being filled
)

// Index is the search index over one store. It owns one goroutine, the
// indexer, which drains the store's index queue; Close stops and waits
// for it.
type Index struct {
	idx   bleve.Index
	store Store
	opts  Options
	hold  gosync.Mutex // the indexer waits for it before each batch; tests hold it to keep documents queued
	log   *slog.Logger
	path  string // the index directory

	closeOnce gosync.Once
	stopping  atomic.Bool // Close has begun
	closeErr  error

	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}

	seq      atomic.Uint64 // last queue entry indexed (durable)
	building atomic.Bool
	lastErr  atomic.Pointer[string]

	mu      gosync.Mutex // the indexer's caches (indexer goroutine only, plus tests)
	convs   map[int64]convRef
	convNos map[string]int64
	users   map[string]bool // internal (member) users
	usersAt time.Time
	threads map[int64]map[string]int64 // conv no. → thread key → newest internal post (UnixNano)

	statusAt time.Time
	lastSent Status
	indexed  chan struct{} // closed and replaced after every batch (for WaitIndexed)
	idxMu    gosync.Mutex

	// Typeahead, kept until the index changes: new words reach it with
	// the batch that indexes them.
	expCache  *genCache[[]string]       // prefix → its expansion
	nearCache *genCache[map[string]int] // the query's other words → their documents' words (typeahead.go)

	signals *signalCache // substance signals per segment (rank.go)

	dirMu gosync.Mutex
	dir   *directory // names for queries and results

	shape func(*document.Document) // BenchmarkIndexFieldCost: drops a field or an option from every document

	gen     atomic.Uint64 // moves after every batch: caches of what the index holds are stale
	planMu  gosync.Mutex
	dayList []dayCount // d: terms, for date-sorted plans (days)
	dayDocs uint64
	dayGen  uint64
}

// DirName is the index directory's name inside the data directory.
func DirName() string { return "index-v" + strconv.Itoa(MappingVersion) }

// Open opens the index in dataDir (creating or rebuilding it as needed)
// and starts the indexer. A missing, damaged, stale or foreign index is
// replaced by an empty one that the indexer fills from the store in the
// background, so Open itself is quick; searches answer from whatever is
// indexed so far.
func Open(ctx context.Context, dataDir string, store Store, opts Options) (*Index, error) {
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ix := &Index{store: store, opts: opts, log: log, path: filepath.Join(dataDir, DirName()),
		wake: make(chan struct{}, 1), done: make(chan struct{}), indexed: make(chan struct{}),
		expCache: newGenCache[[]string](maxExpansions), nearCache: newGenCache[map[string]int](maxContexts), signals: newSignalCache()}
	removeOtherVersions(dataDir, log)
	identity, err := store.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	rebuild, why := false, ""
	idx, err := openBleve(ix.path)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		rebuild, why = true, "no index yet"
	case err != nil:
		rebuild, why = true, fmt.Sprintf("index unreadable (%v)", err)
	default:
		why = ix.check(ctx, idx, identity)
		rebuild = why != ""
	}
	if rebuild {
		if idx != nil {
			_ = idx.Close()
		}
		log.Info("search index rebuild", "reason", why, "dir", ix.path)
		if err := os.RemoveAll(ix.path); err != nil {
			return nil, fmt.Errorf("remove old index: %w", err)
		}
		if idx, err = createBleve(ix.path); err != nil {
			return nil, err
		}
		q, err := store.IndexQueueState(ctx)
		if err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("open index: %w", err)
		}
		b := idx.NewBatch()
		b.SetInternal(keyVersion, []byte(strconv.Itoa(MappingVersion)))
		b.SetInternal(keyStore, []byte(identity))
		// Everything queued so far is covered by the rebuild, which queues
		// the whole store again: start after it (run trims it first).
		b.SetInternal(keySeq, binary.BigEndian.AppendUint64(nil, q.Last))
		b.SetInternal(keyRebuild, []byte("1"))
		if err := idx.Batch(b); err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("initialise index: %w", err)
		}
	}
	ix.idx = idx
	seq, _ := idx.GetInternal(keySeq)
	if len(seq) == 8 {
		ix.seq.Store(binary.BigEndian.Uint64(seq))
	}
	if flag, _ := idx.GetInternal(keyRebuild); string(flag) == "1" {
		ix.building.Store(true)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	ix.cancel = cancel
	store.OnIndexQueued(ix.Wake)
	go ix.run(runCtx)
	return ix, nil
}

// check says why an existing index cannot serve this store, or "".
func (ix *Index) check(ctx context.Context, idx bleve.Index, identity string) string {
	v, err := idx.GetInternal(keyVersion)
	if err != nil {
		return fmt.Sprintf("index unreadable (%v)", err)
	}
	if string(v) != strconv.Itoa(MappingVersion) {
		return fmt.Sprintf("index layout %q, want %d", v, MappingVersion)
	}
	if s, _ := idx.GetInternal(keyStore); string(s) != identity {
		return "index belongs to another store"
	}
	raw, _ := idx.GetInternal(keySeq)
	if len(raw) != 8 {
		return "index has no queue position"
	}
	seq := binary.BigEndian.Uint64(raw)
	q, err := ix.store.IndexQueueState(ctx)
	if err != nil {
		return fmt.Sprintf("store queue unreadable (%v)", err)
	}
	if seq < q.Done {
		return fmt.Sprintf("index is behind the store (at %d, store trimmed to %d)", seq, q.Done)
	}
	if seq > q.Last {
		return fmt.Sprintf("index is ahead of the store (at %d, store at %d)", seq, q.Last)
	}
	if _, err := idx.DocCount(); err != nil {
		return fmt.Sprintf("index unreadable (%v)", err)
	}
	return ""
}

// removeOtherVersions deletes index directories of other layouts.
func removeOtherVersions(dataDir string, log *slog.Logger) {
	matches, _ := filepath.Glob(filepath.Join(dataDir, "index-v*"))
	for _, m := range matches {
		if filepath.Base(m) != DirName() {
			log.Info("removing search index of another layout", "dir", m)
			_ = os.RemoveAll(m)
		}
	}
}

// scorchConfig: safe batches (a batch returns once persisted, so the queue
// can be trimmed behind it) with the persister and merger defaults.
func scorchConfig() map[string]interface{} {
	return map[string]interface{}{}
}

func createBleve(dir string) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("create index: %v", r)
		}
	}()
	idx, err = bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	return idx, nil
}

// openBleve opens an existing index. Scorch can panic on damaged files;
// that is reported as an error, and the caller rebuilds.
func openBleve(dir string) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("open index: %v", r)
		}
	}()
	idx, err = bleve.OpenUsing(dir, scorchConfig())
	if err != nil {
		return nil, err // not a typed nil
	}
	return idx, nil
}

// Wake tells the indexer the queue has new entries. It never blocks.
func (ix *Index) Wake() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// Close stops the indexer, waits for it and closes the index. Later calls
// return the first call's result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.stopping.Store(true)
		ix.store.OnIndexQueued(nil)
		ix.cancel()
		<-ix.done
		ix.closeErr = ix.idx.Close()
	})
	return ix.closeErr
}

// Status reports the index's progress.
func (ix *Index) Status(ctx context.Context) Status {
	st := Status{State: StateReady}
	if n, err := ix.idx.DocCount(); err == nil {
		st.Indexed = n
	}
	if q, err := ix.store.IndexQueueState(ctx); err == nil && q.Last > ix.seq.Load() {
		st.Queued = q.Last - ix.seq.Load()
	}
	switch {
	case ix.building.Load():
		st.State = StateBuilding
	case st.Queued > 0:
		st.State = StateCatchingUp
	}
	if e := ix.lastErr.Load(); e != nil {
		st.Error = *e
	}
	return st
}

// WaitIndexed blocks until every queue entry committed before the call is
// indexed, or ctx ends.
func (ix *Index) WaitIndexed(ctx context.Context) error {
	if ix.closed() {
		return ErrClosed
	}
	q, err := ix.store.IndexQueueState(ctx)
	if err != nil {
		return err
	}
	for {
		ix.idxMu.Lock()
		ch := ix.indexed
		ix.idxMu.Unlock()
		if ix.seq.Load() >= q.Last && !ix.building.Load() {
			return nil
		}
		ix.Wake()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-ix.done:
			return ErrClosed
		}
	}
}

func (ix *Index) signalIndexed() {
	ix.idxMu.Lock()
	close(ix.indexed)
	ix.indexed = make(chan struct{})
	ix.idxMu.Unlock()
}

// waiting lists the documents of threads that waited for an answer
// (their ua: term), except those in skip.
func (ix *Index) waiting(ctx context.Context, threads map[string]bool, skip map[string]bool) ([]string, error) {
	terms := make([]string, 0, len(threads))
	for t := range threads {
		terms = append(terms, "ua:"+t)
	}
	var out []string
	for len(terms) > 0 {
		n := min(len(terms), 512)
		req := bleve.NewSearchRequestOptions(anyOf(fieldKeys, terms[:n]), 100000, 0, false)
		terms = terms[n:]
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("find waiting posts: %w", err)
		}
		for _, h := range res.Hits {
			if !skip[h.ID] {
				out = append(out, h.ID)
			}
		}
	}
	return out, nil
}

// run is the indexer goroutine.
func (ix *Index) run(ctx context.Context) {
	defer close(ix.done)
	defer ix.signalIndexed()
	if ix.building.Load() {
		ix.report(ctx, true)
		if err := ix.store.TrimIndexQueue(ctx, ix.seq.Load()); err != nil {
			ix.fail(ctx, fmt.Errorf("trim index queue: %w", err))
			return
		}
		n, err := ix.store.EnqueueAll(ctx)
		if err != nil {
			ix.fail(ctx, fmt.Errorf("queue the store for indexing: %w", err))
			return
		}
		b := ix.idx.NewBatch()
		b.DeleteInternal(keyRebuild)
		if err := ix.idx.Batch(b); err != nil {
			ix.fail(ctx, fmt.Errorf("index: %w", err))
			return
		}
		ix.log.Info("search index rebuild queued", "documents", n)
	} else if err := ix.warm(ctx); err != nil && ctx.Err() == nil {
		ix.log.Warn("search index warm-up", "err", err) // the first search does it instead
	}
	backoff := time.Second
	for {
		err := ix.drain(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			ix.fail(ctx, err)
			select { // retry later; the queue keeps everything
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, time.Minute)
			continue
		}
		backoff = time.Second
		if ix.building.Swap(false) {
			ix.report(ctx, true)
		}
		// Waiters re-check after every drain, including one that found the
		// queue empty or ended a rebuild (a batch's signal may have come
		// before building was cleared).
		ix.signalIndexed()
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		}
	}
}

func (ix *Index) fail(ctx context.Context, err error) {
	msg := err.Error()
	ix.lastErr.Store(&msg)
	ix.log.Error("search indexing", "err", err)
	ix.report(ctx, true)
}

// report publishes the status, throttled unless force.
func (ix *Index) report(ctx context.Context, force bool) {
	if ix.opts.OnStatus == nil {
		return
	}
	if !force && time.Since(ix.statusAt) < 250*time.Millisecond {
		return
	}
	st := ix.Status(ctx)
	if !force && st == ix.lastSent {
		return
	}
	ix.statusAt, ix.lastSent = time.Now(), st
	ix.opts.OnStatus(st)
}

// drain indexes queue entries until none are left.
func (ix *Index) drain(ctx context.Context) error {
	for {
		entries, err := ix.store.IndexQueue(ctx, ix.seq.Load(), ix.opts.Batch)
		if err != nil {
			return fmt.Errorf("read index queue: %w", err)
		}
		if len(entries) == 0 {
			ix.report(ctx, true)
			return nil
		}
		ix.hold.Lock() // only tests ever hold it (export_test.go)
		ix.hold.Unlock()
		if err := ix.apply(ctx, entries); err != nil {
			return err
		}
		ix.lastErr.Store(nil)
		ix.signalIndexed()
		ix.report(ctx, false)
	}
}

// apply indexes one run of queue entries in one Bleve batch, which also
// records the queue position; then the store's queue is trimmed.
func (ix *Index) apply(ctx context.Context, entries []storage.QueueEntry) error {
	last := entries[len(entries)-1].Seq
	ids := make([]string, 0, len(entries))
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !seen[e.Doc] {
			seen[e.Doc] = true
			ids = append(ids, e.Doc)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	b := ix.idx.NewBatch()
	recheck, err := ix.add(ctx, b, ids)
	if err != nil {
		return err
	}
	// An answer from us turns earlier waiting posts of its thread answered:
	// re-index them too (the index knows them by their ua: term).
	if len(recheck) > 0 {
		more, err := ix.waiting(ctx, recheck, seen)
		if err != nil {
			return err
		}
		if _, err := ix.add(ctx, b, more); err != nil {
			return err
		}
	}
	b.SetInternal(keySeq, binary.BigEndian.AppendUint64(nil, last))
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	ix.gen.Add(1)
	ix.seq.Store(last)
	if err := ix.store.TrimIndexQueue(ctx, last); err != nil {
		return fmt.Errorf("trim index queue: %w", err)
	}
	return nil
}

// add loads ids from the store and adds their documents (or deletions) to
// b. It returns the threads whose newest answer moved.
func (ix *Index) add(ctx context.Context, b *bleve.Batch, ids []string) (map[string]bool, error) {
	items, err := ix.store.IndexItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load documents: %w", err)
	}
	if err := ix.refresh(ctx, items); err != nil {
		return nil, err
	}
	recheck := map[string]bool{}
	for i := range items {
		it := &items[i]
		var d *docBuilder
		ok := false
		switch {
		case it.Missing:
		case it.Message != nil:
			d, ok, err = ix.messageDoc(ctx, it, recheck)
			if err != nil {
				return nil, err
			}
		case it.Record != nil:
			d, ok = recordDoc(it.Doc, it.Record)
		}
		if !ok {
			b.Delete(it.Doc)
			continue
		}
		if ix.shape != nil {
			ix.shape(d.doc)
		}
		if err := b.IndexAdvanced(d.doc); err != nil {
			return nil, fmt.Errorf("index %s: %w", it.Doc, err)
		}
	}
	return recheck, nil
}

func (ix *Index) messageDoc(ctx context.Context, it *storage.IndexItem, recheck map[string]bool) (*docBuilder, bool, error) {
	m := it.Message
	conv, ok := ix.convs[it.ConvNo]
	if !ok {
		return nil, false, nil // a conversation the store no longer names
	}
	threads, err := ix.threadsOf(ctx, it.ConvNo, conv.Kind)
	if err != nil {
		return nil, false, err
	}
	post := storage.ThreadPost{ID: m.ID, ReplyTo: m.ReplyTo, Type: m.Type, Created: m.Created, FromID: m.FromID}
	thread := threadKey(it.ConvNo, conv.Kind, post)
	facts := msgFacts{Conv: conv, ConvNo: it.ConvNo, Tags: append(slices.Clone(it.Tags), it.Inherited...)}
	at := m.Created.UnixNano()
	if ix.users[m.FromID] {
		if at > threads[thread] {
			threads[thread] = at
			recheck[thread] = true
		}
	} else if m.FromID != "" && m.Deleted == nil && threads[thread] < at {
		// A person's post waits for us; a bot's or connector's (no user)
		// waits for no one.
		facts.Unanswered = thread
	}
	d, ok := messageDoc(it.Doc, m, facts)
	return d, ok, nil
}

// threadsOf returns the conversation's newest internal post per thread,
// reading the conversation once.
func (ix *Index) threadsOf(ctx context.Context, convNo int64, kind string) (map[string]int64, error) {
	if t, ok := ix.threads[convNo]; ok {
		return t, nil
	}
	t := map[string]int64{}
	err := ix.store.EachThreadPost(ctx, convNo, func(p storage.ThreadPost) error {
		if (p.Type == "" || p.Type == "message") && ix.users[p.FromID] {
			k := threadKey(convNo, kind, p)
			if at := p.Created.UnixNano(); at > t[k] {
				t[k] = at
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversation: %w", err)
	}
	ix.threads[convNo] = t
	return t, nil
}

// refresh reloads the conversation and user caches when items name a
// conversation they do not know, or the users are older than a minute.
func (ix *Index) refresh(ctx context.Context, items []storage.IndexItem) error {
	stale := ix.convs == nil
	for _, it := range items {
		if it.Message != nil {
			if _, ok := ix.convs[it.ConvNo]; !ok {
				stale = true
				break
			}
		}
	}
	if stale {
		if err := ix.loadConvs(ctx); err != nil {
			return err
		}
	}
	if ix.users == nil || time.Since(ix.usersAt) > time.Minute {
		users, err := internalUsers(ctx, ix.store)
		if err != nil {
			return err
		}
		if !mapsEqual(users, ix.users) {
			ix.threads = map[int64]map[string]int64{} // recomputed with the new set
		}
		ix.users, ix.usersAt = users, time.Now()
	}
	if ix.threads == nil {
		ix.threads = map[int64]map[string]int64{}
	}
	return nil
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// internalUsers is the set of the organisation's own people: directory
// members (not guests) and the signed-in user. Anyone else is a customer
// or another outsider, whose posts can wait for an answer.
func internalUsers(ctx context.Context, d Directory) (map[string]bool, error) {
	users, err := d.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	out := map[string]bool{}
	for _, u := range users {
		if u.UserType != "Guest" {
			out[u.ID] = true
		}
	}
	if me, err := d.Me(ctx); err == nil && me != "" {
		out[me] = true
	}
	return out, nil
}

func (ix *Index) loadConvs(ctx context.Context) error {
	refs, err := conversations(ctx, ix.store)
	if err != nil {
		return err
	}
	nos, err := ix.store.ConvIDs(ctx)
	if err != nil {
		return fmt.Errorf("read conversations: %w", err)
	}
	ix.convs, ix.convNos = map[int64]convRef{}, map[string]int64{}
	for no, id := range nos {
		if r, ok := refs[id]; ok {
			ix.convs[no] = r
			ix.convNos[id] = no
		}
	}
	return nil
}

// conversations lists every chat and channel by id.
func conversations(ctx context.Context, d Directory) (map[string]convRef, error) {
	out := map[string]convRef{}
	chats, err := d.Chats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chats: %w", err)
	}
	for _, c := range chats {
		out[c.ID] = convRef{ID: c.ID, Kind: ConvChat}
	}
	teams, err := d.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	for _, t := range teams {
		chs, err := d.Channels(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("read channels: %w", err)
		}
		for _, c := range chs {
			out[c.ID] = convRef{ID: c.ID, Kind: ConvChannel, TeamID: t.ID}
		}
	}
	return out, nil
}
