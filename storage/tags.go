package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// User tags (schema 7): the labels the user puts on a conversation (a
// chat or a channel, by its id), a channel thread (thread/CONV/ROOT) or
// one message (message/CONV/MSG): the link targets (ParseTarget). Tags
// are the user's own data: they are keyed by Teams' ids, never by the
// store's conversation numbers, so they survive a resync, a rebuild of the
// index and a dump/restore on another machine; a target whose messages
// are not synced yet keeps its tags until they arrive.
//
// The buckets:
//
//	item_tags  (target) → the target's tags, JSON, sorted
//	tags       (tag, target) → nothing: who carries a tag
//	tag_meta   (tag) → TagMeta: colour, and the topic an alias belongs to
//	tag_undo   ("h") → TagChange; ("i", target) → TagDelta; ("m", tag) → the TagMeta before (null: none)
//
// Tag names reach the store normalised (storage/tags does it); the store
// compares bytes.

// TagMeta is what the user set on a tag itself.
type TagMeta struct {
	// Color is one of the UI's tag colours ("" none).
	Color string `json:"color,omitempty"`
	// Topic is the tag this one is an alias of ("" for a topic of its
	// own): one topic, several labels (付款 = payment = paiement).
	Topic string `json:"topic,omitempty"`
}

// TagEdit is one change of tags, applied in one transaction.
type TagEdit struct {
	// What names the change for Undo ("tag", "bulk", "rename", …).
	What string
	At   time.Time
	// Items change targets' tags: Add and Remove, or Set (exactly these).
	Items []ItemTagEdit
	// Relabel moves every target carrying From to To ("" removes From).
	Relabel []Relabel
	// Meta sets tags' colours and topics; a nil value deletes the entry.
	Meta map[string]*TagMeta
	// MetaFunc, when set, computes further Meta entries from every tag
	// entry as the transaction reads them, so a change made from the
	// entries (an alias joining topics, a rename) cannot lose a change
	// committed since they were last read.
	MetaFunc func(current map[string]TagMeta) map[string]*TagMeta
	// Journal keeps the change for UndoTags, replacing the last one kept
	// (unless it changed nothing).
	Journal bool
	// DryRun computes the result and writes nothing.
	DryRun bool
	// Check, when set, is called before each item is changed (with how
	// many were changed so far): an error stops the edit and rolls
	// everything back. Tests inject failures with it.
	Check func(done int) error
}

// ItemTagEdit changes one target's tags.
type ItemTagEdit struct {
	Target      string
	Add, Remove []string
	Set         []string
	Replace     bool // the target's tags become Set
}

// Relabel moves a tag's targets to another tag.
type Relabel struct{ From, To string }

// TagResult counts what an edit changed (or, dry, would change).
type TagResult struct {
	Items   int `json:"items"`   // targets whose tags changed
	Added   int `json:"added"`   // tags put on targets
	Removed int `json:"removed"` // tags taken off targets
	Meta    int `json:"meta"`    // tags whose colour or topic changed
	Docs    int `json:"docs"`    // search documents queued for re-indexing
}

// TagChange describes the change UndoTags would undo.
type TagChange struct {
	What  string    `json:"what"`
	At    time.Time `json:"at"`
	Items int       `json:"items"`
	Meta  int       `json:"meta"`
}

// TagDelta is what an edit did to one target's tags.
type TagDelta struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

var (
	undoHead = key(nil).str("h")
	undoItem = key(nil).str("i")
	undoMeta = key(nil).str("m")
)

// EditTags applies e in one transaction: item tags, the tag → target
// index, the index queue entries of every message whose tags changed
// (a conversation's tags reach all its messages, a thread's its root and
// replies) and, with Journal, the undo record. An error (or e.Check's)
// leaves the store as it was.
func (db *DB) EditTags(ctx context.Context, e TagEdit) (TagResult, error) {
	var res TagResult
	err := db.Apply(ctx, func(w *Writer) error {
		t := tagTx{w: w, ctx: ctx, journal: e.Journal, res: &res, check: e.Check}
		if e.Journal {
			if err := resetUndo(w.tx); err != nil {
				return err
			}
		}
		for _, r := range e.Relabel {
			if r.From == "" || r.From == r.To {
				continue
			}
			targets, err := tagTargets(w.tx, r.From)
			if err != nil {
				return err
			}
			var add []string
			if r.To != "" {
				add = []string{r.To}
			}
			for _, target := range targets {
				if err := t.item(ItemTagEdit{Target: target, Add: add, Remove: []string{r.From}}); err != nil {
					return err
				}
			}
		}
		for _, it := range e.Items {
			if err := t.item(it); err != nil {
				return err
			}
		}
		if e.MetaFunc != nil {
			cur, err := tagMetas(w.tx)
			if err != nil {
				return err
			}
			more := e.MetaFunc(cur)
			if len(more) > 0 && e.Meta == nil {
				e.Meta = map[string]*TagMeta{}
			}
			for k, v := range more {
				e.Meta[k] = v
			}
		}
		names := slices.Sorted(mapKeys(e.Meta))
		for _, name := range names {
			if err := t.meta(name, e.Meta[name]); err != nil {
				return err
			}
		}
		if e.Journal && res.Items == 0 && res.Meta == 0 {
			return errDryRun // nothing changed: keep the last change for Undo
		}
		if e.Journal {
			if err := put(w.tx, bucketTagUndo, undoHead, TagChange{What: e.What, At: e.At, Items: res.Items, Meta: res.Meta}); err != nil {
				return err
			}
		}
		if e.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// tagTx applies tag changes inside one transaction.
type tagTx struct {
	w       *Writer
	ctx     context.Context
	journal bool
	res     *TagResult
	check   func(int) error
	n       int // items seen, for ctx checks
}

// item applies one target's change.
func (t *tagTx) item(e ItemTagEdit) error {
	if t.n++; t.n%256 == 0 {
		if err := t.ctx.Err(); err != nil {
			return err
		}
	}
	if e.Target == "" {
		return fmt.Errorf("tag a target: %w", ErrNotFound)
	}
	if t.check != nil {
		if err := t.check(t.res.Items); err != nil {
			return err
		}
	}
	tx := t.w.tx
	cur, err := itemTags(tx, e.Target)
	if err != nil {
		return err
	}
	var next []string
	if e.Replace {
		next = slices.Clone(e.Set)
	} else {
		next = slices.Clone(cur)
		for _, r := range e.Remove {
			next = slices.DeleteFunc(next, func(s string) bool { return s == r })
		}
		next = append(next, e.Add...)
	}
	slices.Sort(next)
	next = slices.Compact(next)
	next = slices.DeleteFunc(next, func(s string) bool { return s == "" })
	if slices.Equal(cur, next) {
		return nil
	}
	var d TagDelta
	for _, s := range next {
		if !slices.Contains(cur, s) {
			d.Added = append(d.Added, s)
		}
	}
	for _, s := range cur {
		if !slices.Contains(next, s) {
			d.Removed = append(d.Removed, s)
		}
	}
	k := key(nil).str(e.Target)
	if len(next) == 0 {
		if err := tx.Bucket(bucketItemTags).Delete(k); err != nil {
			return fmt.Errorf("untag %s: %w", e.Target, err)
		}
	} else if err := put(tx, bucketItemTags, k, next); err != nil {
		return err
	}
	idx := tx.Bucket(bucketTags)
	for _, s := range d.Added {
		if err := idx.Put(key(nil).str(s).str(e.Target), nil); err != nil {
			return fmt.Errorf("tag %s: %w", e.Target, err)
		}
	}
	for _, s := range d.Removed {
		if err := idx.Delete(key(nil).str(s).str(e.Target)); err != nil {
			return fmt.Errorf("untag %s: %w", e.Target, err)
		}
	}
	t.res.Items++
	t.res.Added += len(d.Added)
	t.res.Removed += len(d.Removed)
	if t.journal {
		if err := journalItem(tx, e.Target, d); err != nil {
			return err
		}
	}
	n, err := t.w.enqueueTarget(e.Target)
	t.res.Docs += n
	return err
}

// meta sets (or, nil, deletes) a tag's entry.
func (t *tagTx) meta(name string, m *TagMeta) error {
	b := t.w.tx.Bucket(bucketTagMeta)
	k := key(nil).str(name)
	var old *TagMeta
	if raw := b.Get(k); raw != nil {
		old = new(TagMeta)
		if err := json.Unmarshal(raw, old); err != nil {
			return fmt.Errorf("decode tag %s: %w", name, err)
		}
	}
	if m != nil && *m == (TagMeta{}) {
		m = nil
	}
	if old == nil && m == nil || old != nil && m != nil && *old == *m {
		return nil
	}
	if t.journal {
		jk := key(bytes.Clone(undoMeta)).str(name)
		u := t.w.tx.Bucket(bucketTagUndo)
		if u.Get(jk) == nil {
			if err := put(t.w.tx, bucketTagUndo, jk, old); err != nil {
				return err
			}
		}
	}
	if m == nil {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete tag %s: %w", name, err)
		}
	} else if err := put(t.w.tx, bucketTagMeta, k, m); err != nil {
		return err
	}
	t.res.Meta++
	t.w.names = true // topics decide what tag: finds
	return nil
}

func journalItem(tx *bolt.Tx, target string, d TagDelta) error {
	k := key(bytes.Clone(undoItem)).str(target)
	var prev TagDelta
	if _, err := get(tx, bucketTagUndo, k, &prev); err != nil {
		return err
	}
	for _, s := range d.Added {
		if i := slices.Index(prev.Removed, s); i >= 0 {
			prev.Removed = slices.Delete(prev.Removed, i, i+1)
		} else {
			prev.Added = append(prev.Added, s)
		}
	}
	for _, s := range d.Removed {
		if i := slices.Index(prev.Added, s); i >= 0 {
			prev.Added = slices.Delete(prev.Added, i, i+1)
		} else {
			prev.Removed = append(prev.Removed, s)
		}
	}
	return put(tx, bucketTagUndo, k, prev)
}

func resetUndo(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bucketTagUndo); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
		return fmt.Errorf("clear tag undo: %w", err)
	}
	if _, err := tx.CreateBucket(bucketTagUndo); err != nil {
		return fmt.Errorf("clear tag undo: %w", err)
	}
	return nil
}

// enqueueTarget queues the documents of the messages a target's tags
// reach: a message; a thread's root and replies; every message of a
// conversation. Targets of conversations the store does not know yet
// queue nothing (their messages are queued when they arrive).
func (w *Writer) enqueueTarget(target string) (int, error) {
	kind, conv, msg := ParseTarget(target)
	no, known, err := convNo(w.tx, conv, false)
	if err != nil || !known {
		return 0, err
	}
	if kind == TargetMessage {
		return 1, w.enqueue(MessageDocID(no, msg))
	}
	prefix := key(nil).i64(no)
	reply := []byte(`"replyTo":` + jsonString(msg) + ``)
	c := w.tx.Bucket(bucketMessages).Cursor()
	n := 0
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r := keyReader{b: k}
		_, _ = r.i64(), r.i64()
		id := r.str()
		if r.err != nil {
			return n, fmt.Errorf("message key: %w", r.err)
		}
		if kind == TargetThread && id != msg && !bytes.Contains(v, reply) {
			continue
		}
		if err := w.enqueue(MessageDocID(no, id)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func itemTags(tx *bolt.Tx, target string) ([]string, error) {
	var out []string
	_, err := get(tx, bucketItemTags, key(nil).str(target), &out)
	return out, err
}

func tagTargets(tx *bolt.Tx, tag string) ([]string, error) {
	prefix := key(nil).str(tag)
	var out []string
	c := tx.Bucket(bucketTags).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r := keyReader{b: k[len(prefix):]}
		target := r.str()
		if err := r.done(); err != nil {
			return nil, fmt.Errorf("tag key: %w", err)
		}
		out = append(out, target)
	}
	return out, nil
}

// UndoTags reverses the last journaled tag change (what it added is
// taken off, what it removed put back, tag entries restored) in one
// transaction, and forgets it; dry, it only counts. Without one it is
// ErrNotFound.
func (db *DB) UndoTags(ctx context.Context, dryRun bool) (TagChange, TagResult, error) {
	var res TagResult
	var head TagChange
	err := db.Apply(ctx, func(w *Writer) error {
		ok, err := get(w.tx, bucketTagUndo, undoHead, &head)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("a tag change to undo: %w", ErrNotFound)
		}
		t := tagTx{w: w, ctx: ctx, res: &res}
		var items []ItemTagEdit
		metas := map[string]*TagMeta{}
		c := w.tx.Bucket(bucketTagUndo).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r := keyReader{b: k}
			kind := r.str()
			name := r.str()
			if kind == "h" {
				continue
			}
			if err := r.done(); err != nil {
				return fmt.Errorf("tag undo key: %w", err)
			}
			switch kind {
			case "i":
				var d TagDelta
				if err := json.Unmarshal(v, &d); err != nil {
					return fmt.Errorf("decode tag undo: %w", err)
				}
				items = append(items, ItemTagEdit{Target: name, Add: d.Removed, Remove: d.Added})
			case "m":
				var m *TagMeta
				if err := json.Unmarshal(v, &m); err != nil {
					return fmt.Errorf("decode tag undo: %w", err)
				}
				metas[name] = m
			}
		}
		for _, it := range items {
			if err := t.item(it); err != nil {
				return err
			}
		}
		for _, name := range slices.Sorted(mapKeys(metas)) {
			if err := t.meta(name, metas[name]); err != nil {
				return err
			}
		}
		if dryRun {
			return errDryRun
		}
		if err := w.tx.DeleteBucket(bucketTagUndo); err != nil {
			return fmt.Errorf("forget tag undo: %w", err)
		}
		_, err = w.tx.CreateBucket(bucketTagUndo)
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return head, res, err
}

// LastTagChange describes the change UndoTags would undo; ok is false when
// there is none.
func (db *DB) LastTagChange(ctx context.Context) (ch TagChange, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return ch, false, err
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		ok, err = get(tx, bucketTagUndo, undoHead, &ch)
		return err
	})
	return ch, ok, err
}

// ItemTags returns the tags of each target that has some.
func (db *DB) ItemTags(ctx context.Context, targets []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, t := range targets {
			if err := ctx.Err(); err != nil {
				return err
			}
			tags, err := itemTags(tx, t)
			if err != nil {
				return err
			}
			if len(tags) > 0 {
				out[t] = tags
			}
		}
		return nil
	})
	return out, err
}

// ConvTags returns the tags of a conversation, of its threads and of its
// messages, by target.
func (db *DB) ConvTags(ctx context.Context, convID string) (map[string][]string, error) {
	out := map[string][]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		tags, err := itemTags(tx, convID)
		if err != nil {
			return err
		}
		if len(tags) > 0 {
			out[convID] = tags
		}
		c := tx.Bucket(bucketItemTags).Cursor()
		for _, kind := range []string{TargetThread, TargetMessage} {
			// Targets hold no 0x00, so a target's bytes prefix its key.
			prefix := []byte(kind + "/" + convID + "/")
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if err := ctx.Err(); err != nil {
					return err
				}
				r := keyReader{b: k}
				target := r.str()
				var tags []string
				if err := json.Unmarshal(v, &tags); err != nil {
					return fmt.Errorf("decode tags of %s: %w", target, err)
				}
				out[target] = tags
			}
		}
		return nil
	})
	return out, err
}

// EachItemTags calls f for every tagged target, in key order.
func (db *DB) EachItemTags(ctx context.Context, f func(target string, tags []string) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketItemTags).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := keyReader{b: k}
			target := r.str()
			if err := r.done(); err != nil {
				return fmt.Errorf("tagged item key: %w", err)
			}
			var tags []string
			if err := json.Unmarshal(v, &tags); err != nil {
				return fmt.Errorf("decode tags of %s: %w", target, err)
			}
			if err := f(target, tags); err != nil {
				return err
			}
		}
		return nil
	})
}

// TagTargets lists the targets carrying tag, in key order.
func (db *DB) TagTargets(ctx context.Context, tag string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = tagTargets(tx, tag)
		return err
	})
	return out, err
}

// TagCounts counts the targets carrying each tag.
func (db *DB) TagCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTags).Cursor()
		n := 0
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			r := keyReader{b: k}
			tag := r.str()
			if r.err != nil {
				return fmt.Errorf("tag key: %w", r.err)
			}
			out[tag]++
		}
		return nil
	})
	return out, err
}

// TagMetas returns every tag entry (colours and topics).
func (db *DB) TagMetas(ctx context.Context) (map[string]TagMeta, error) {
	var out map[string]TagMeta
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = tagMetas(tx)
		return err
	})
	return out, err
}

func tagMetas(tx *bolt.Tx) (map[string]TagMeta, error) {
	out := map[string]TagMeta{}
	err := tx.Bucket(bucketTagMeta).ForEach(func(k, v []byte) error {
		r := keyReader{b: k}
		name := r.str()
		if err := r.done(); err != nil {
			return fmt.Errorf("tag key: %w", err)
		}
		var m TagMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("decode tag %s: %w", name, err)
		}
		out[name] = m
		return nil
	})
	return out, err
}

// effectiveTags reads a message's own tags and those it inherits from its
// thread and conversation, for the index. byNo maps conversation numbers
// to ids; it is filled on first use.
func effectiveTags(tx *bolt.Tx, byNo *map[int64]string, no int64, m *Message) (own, inherited []string, err error) {
	if k, _ := tx.Bucket(bucketItemTags).Cursor().First(); k == nil {
		return nil, nil, nil // nothing tagged: the common case costs one seek
	}
	if *byNo == nil {
		*byNo = map[int64]string{}
		err := tx.Bucket(bucketConvs).ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				r := keyReader{b: k}
				id := r.str()
				(*byNo)[int64(binary.BigEndian.Uint64(v))] = id
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	conv, ok := (*byNo)[no]
	if !ok {
		return nil, nil, nil
	}
	if own, err = itemTags(tx, MessageTarget(conv, m.ID)); err != nil {
		return nil, nil, err
	}
	root := m.ReplyTo
	if root == "" {
		root = m.ID
	}
	for _, t := range []string{ThreadTarget(conv, root), conv} {
		tags, err := itemTags(tx, t)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range tags {
			if !slices.Contains(own, s) && !slices.Contains(inherited, s) {
				inherited = append(inherited, s)
			}
		}
	}
	slices.Sort(inherited)
	return own, inherited, nil
}

// IsTagTarget reports whether a target names something tags can be put
// on: a conversation the store knows, or a thread or message of one.
func (db *DB) IsTagTarget(ctx context.Context, target string) (bool, error) {
	_, conv, _ := ParseTarget(target)
	if conv == "" || strings.ContainsAny(target, " \t\n") {
		return false, nil
	}
	_, known, err := db.ConvNo(ctx, conv)
	return known, err
}
