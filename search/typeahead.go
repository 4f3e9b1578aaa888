package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"time"

	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/rapport-app/rapport/search/query"
)

// Typeahead in context: the word being typed expands to the indexed words
// it starts, most frequent first (expand), but when the query has other
// words or filters, the words found among the documents those match come
// first: typing "invoice pa" offers "paid" and "payable" from invoices
// before "paris" from everywhere. The documents are a sample, the first
// contextSample the rest of the query matches (in index order, so the
// walk stops there); their words are counted once per rest of the query
// and kept across keystrokes until the index changes.

// contextSample is how many of the other words' documents are read.
const contextSample = 200

// maxContexts bounds the cache of contexts (cleared when full).
const maxContexts = 64

// genCache keeps values by key while the index stays at the generation
// they were computed at (Index.gen); it is cleared when full.
type genCache[V any] struct {
	mu  gosync.Mutex
	max int
	m   map[string]genEntry[V]
}

type genEntry[V any] struct {
	v   V
	gen uint64
}

func newGenCache[V any](max int) *genCache[V] {
	return &genCache[V]{max: max, m: map[string]genEntry[V]{}}
}

func (c *genCache[V]) get(key string, gen uint64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e.v, ok && e.gen == gen
}

func (c *genCache[V]) put(key string, gen uint64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = genEntry[V]{v, gen}
}

// prefixRest finds the word being typed in a conjunction with others and
// returns the others (nil when there are none to constrain by, or the
// word being typed is not a direct member) and a key naming them.
func prefixRest(ast query.Node, q string, now time.Time) (*query.And, string) {
	and, ok := ast.(*query.And)
	if !ok {
		return nil, ""
	}
	at, positive := -1, false
	for i, n := range and.Nodes {
		switch n := n.(type) {
		case *query.Term:
			if n.Prefix {
				at = i
				continue
			}
			positive = true
		case *query.Not:
		default:
			positive = true
		}
	}
	if at < 0 || !positive {
		return nil, ""
	}
	t := and.Nodes[at].(*query.Term)
	rest := &query.And{Nodes: slices.Delete(slices.Clone(and.Nodes), at, at+1)}
	return rest, strings.TrimSuffix(strings.TrimRight(q, " "), t.Text) + "\x00" + now.Format(time.DateOnly)
}

// near returns the words of the first contextSample documents rest
// matches, cached under key until the index changes.
func (ix *Index) near(ctx context.Context, rest bq.Query, key string) (map[string]int, error) {
	gen := ix.gen.Load() // read first: a batch during the walk makes the entry stale
	if counts, ok := ix.nearCache.get(key, gen); ok {
		return counts, nil
	}
	r, err := ix.reader()
	if err != nil {
		return nil, err
	}
	ids, _, err := ix.walk(ctx, r, rest, 0, contextSample, contextSample)
	r.Close()
	if err != nil {
		return nil, err
	}
	items, err := ix.store.IndexItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("search: typeahead: %w", err)
	}
	counts := map[string]int{}
	for _, it := range items {
		seen := map[string]bool{}
		for _, t := range Analyze(itemText(it)) {
			if !seen[t.Term] {
				seen[t.Term] = true
				counts[t.Term]++
			}
		}
	}
	ix.nearCache.put(key, gen, counts)
	return counts, nil
}

// constrain orders a prefix's expansion by the words near the rest of the
// query: those starting with p found there first (most documents first),
// then the index's most frequent (global, as expand lists them), up to
// maxExpansion in all.
func constrain(p string, near map[string]int, global []string) []string {
	var local []string
	for t := range near {
		if strings.HasPrefix(t, p) {
			local = append(local, t)
		}
	}
	slices.SortFunc(local, func(a, b string) int {
		if near[a] != near[b] {
			return near[b] - near[a]
		}
		return strings.Compare(a, b)
	})
	out := local[:min(len(local), maxExpansion)]
	for _, t := range global {
		if len(out) == maxExpansion {
			break
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
