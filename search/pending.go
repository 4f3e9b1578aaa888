package search

import (
	"context"
	"fmt"
	"slices"

	"github.com/rapport-app/rapport/search/query"
	"github.com/rapport-app/rapport/storage"
)

// User tags the index has not caught up with.
//
// A bulk tag commits 100,000 messages in a couple of seconds, but the
// index rewrites each message's document to move its ut: terms, which
// takes far longer. Until it has, tag: answers from the store for the
// documents still queued: their indexed ut: terms are ignored and the
// store's tags (the message's own, its thread's and its conversation's)
// decide instead. Documents the index is done with keep their ut: terms,
// which are right. So tag: is right the moment a tag change commits, and
// costs nothing extra when nothing is queued.

// staleDocs lists the message documents queued for the index and not yet
// indexed, by conversation number; nil when none is.
func (ix *Index) staleDocs(ctx context.Context) (map[int64]map[string]bool, int, error) {
	q, err := ix.store.IndexQueueState(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("index queue: %w", err)
	}
	seq := ix.seq.Load()
	if q.Last <= seq {
		return nil, 0, nil
	}
	entries, err := ix.store.IndexQueue(ctx, seq, int(min(q.Last-seq, 1<<30)))
	if err != nil {
		return nil, 0, fmt.Errorf("index queue: %w", err)
	}
	out := map[int64]map[string]bool{}
	n := 0
	for _, e := range entries {
		kind, no, _, msg, err := storage.ParseDocID(e.Doc)
		if err != nil || kind != 'm' {
			continue
		}
		if out[no] == nil {
			out[no] = map[string]bool{}
		}
		if !out[no][msg] {
			out[no][msg] = true
			n++
		}
	}
	if n == 0 {
		return nil, 0, nil
	}
	return out, n, nil
}

// tagOverlay holds, for one query, what its tag: operators need of the
// documents the index has not caught up with.
type tagOverlay struct {
	stale map[int64]map[string]bool // conversation number → queued message ids
	// For each tag: value, the queued documents the store tags with it
	// (matches) and those it does not (others): the latter's indexed ut:
	// terms may be stale and are ignored. One of the two is small after a
	// bulk change (an add matches most queued documents, a removal few),
	// and each costs a document-id lookup per index segment.
	matches map[string][]string
	others  map[string][]string
}

// newTagOverlay reads the store for every tag: operator of the query when
// documents are queued; nil when none is (or the query has no tag:).
func (ix *Index) newTagOverlay(ctx context.Context, ast query.Node, dir *directory) (*tagOverlay, error) {
	var values []string
	query.Walk(ast, func(x query.Node) {
		if f, ok := x.(*query.Field); ok && f.Name == "tag" && !slices.Contains(values, f.Value) {
			values = append(values, f.Value)
		}
	})
	if len(values) == 0 {
		return nil, nil
	}
	stale, n, err := ix.staleDocs(ctx)
	if err != nil || stale == nil {
		return nil, err
	}
	o := &tagOverlay{stale: stale, matches: map[string][]string{}, others: map[string][]string{}}
	all := make([]string, 0, n)
	for no, msgs := range stale {
		for m := range msgs {
			all = append(all, storage.MessageDocID(no, m))
		}
	}
	counts, err := ix.store.TagCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	posts := map[int64]map[string]string{} // conversation → message → thread root, read once
	for _, v := range values {
		labels := dir.tagLabels(Tag(v))
		docs := map[string]bool{}
		for stored := range counts {
			if !slices.Contains(labels, Tag(stored)) {
				continue
			}
			targets, err := ix.store.TagTargets(ctx, stored)
			if err != nil {
				return nil, fmt.Errorf("read tag %q: %w", stored, err)
			}
			for _, t := range targets {
				if err := o.reach(ctx, ix.store, dir, t, posts, docs); err != nil {
					return nil, err
				}
			}
		}
		o.matches[v] = make([]string, 0, len(docs))
		o.others[v] = make([]string, 0, len(all)-len(docs))
		for _, d := range all {
			if docs[d] {
				o.matches[v] = append(o.matches[v], d)
			} else {
				o.others[v] = append(o.others[v], d)
			}
		}
	}
	return o, nil
}

// reach adds the queued documents a tag on target reaches: the message; a
// thread's root and replies; every message of a conversation.
func (o *tagOverlay) reach(ctx context.Context, store Store, dir *directory, target string, posts map[int64]map[string]string, docs map[string]bool) error {
	kind, conv, msg := storage.ParseTarget(target)
	no, ok := dir.noOf[conv]
	if !ok || len(o.stale[no]) == 0 {
		return nil
	}
	switch kind {
	case storage.TargetMessage:
		if o.stale[no][msg] {
			docs[storage.MessageDocID(no, msg)] = true
		}
	case storage.TargetThread:
		roots, ok := posts[no]
		if !ok {
			roots = map[string]string{}
			err := store.EachThreadPost(ctx, no, func(p storage.ThreadPost) error {
				roots[p.ID] = p.ReplyTo
				return nil
			})
			if err != nil {
				return fmt.Errorf("read thread: %w", err)
			}
			posts[no] = roots
		}
		for m := range o.stale[no] {
			if m == msg || roots[m] == msg {
				docs[storage.MessageDocID(no, m)] = true
			}
		}
	default:
		for m := range o.stale[no] {
			docs[storage.MessageDocID(no, m)] = true
		}
	}
	return nil
}
