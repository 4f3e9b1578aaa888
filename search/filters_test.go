package search_test

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport/search"
)

// TestFiltersNewestFirst: a query of filters alone pages newest first, so
// its pages do not depend on how the index's segments happen to be merged
// (index order, used before, does): on an index of many small segments,
// every page follows the one before without repeating a hit, and the
// first page is the same page a moment later, after the merger has run.
func TestFiltersNewestFirst(t *testing.T) {
	ctx := context.Background()
	_, ix := segmented(t)
	for _, q := range []string{"is:unanswered", "has:attachment", "after:2026-01-01", "before:2026-06", "after:2026-02-01 before:2026-05-15"} {
		pages := func() []search.Hit {
			var all []search.Hit
			for off := 0; off < 150; off += 50 {
				res, err := ix.Search(ctx, search.Request{Q: q, Offset: off, Size: 50})
				must(t, err)
				all = append(all, res.Hits...)
			}
			return all
		}
		first := pages()
		if len(first) < 60 {
			t.Fatalf("%q: %d hits, the test needs more than a page", q, len(first))
		}
		seen := map[string]bool{}
		for i, h := range first {
			if seen[h.ID] {
				t.Errorf("%q: hit %d (%s) repeats", q, i+1, h.ID)
			}
			seen[h.ID] = true
			if i > 0 && h.Message != nil && first[i-1].Message != nil && h.Message.Created.After(first[i-1].Message.Created) {
				t.Errorf("%q: hit %d (%v) is newer than hit %d (%v)", q, i+1, h.Message.Created, i, first[i-1].Message.Created)
			}
		}
		again := pages()
		for i := range min(len(first), len(again)) {
			a, b := first[i], again[i]
			if a.ID != b.ID && (a.Message == nil || b.Message == nil || !a.Message.Created.Equal(b.Message.Created)) {
				t.Errorf("%q: hit %d was %s, now %s", q, i+1, a.ID, b.ID)
				break
			}
		}
	}
}
