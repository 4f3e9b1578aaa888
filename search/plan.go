package search

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// CountBound is how many hits a query made only of filters counts before
// it stops: beyond it, Result.Total is CountBound and Result.TotalMore is
// set ("more than N", as mail clients say). Such a query has no relevance
// to compute, so its hits come newest first and counting them all would
// be the whole cost (after:2026-08-02 matches 400,000 messages).
const CountBound = 10_000

// walk visits the documents q matches, in index order and unscored, and
// stops after limit of them. It returns the ids of the visited documents
// from offset to offset+size, and how many it visited.
func (ix *Index) walk(ctx context.Context, r index.IndexReader, q bq.Query, offset, size, limit int) ([]string, int, error) {
	s, err := q.Searcher(ctx, r, ix.idx.Mapping(), bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	var ids []string
	n := 0
	for n < limit {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		if dm == nil {
			break
		}
		if n >= offset && n < offset+size {
			id, err := r.ExternalID(dm.IndexInternalID)
			if err != nil {
				return nil, 0, fmt.Errorf("search: %w", err)
			}
			ids = append(ids, id)
		}
		n++
		sctx.DocumentMatchPool.Put(dm)
	}
	return ids, n, nil
}

// sortWindowMin: a date-sorted query with at most this many hits is
// sorted whole; above it, the newest days are searched first (newest).
const sortWindowMin = 4000

// newest returns the page [offset, offset+size) of q's hits, newest first
// (records by their last change), given how many hits q has (total, a
// lower bound when more). Sorting every hit by date reads the time of
// each (400,000 for after:2026-08-02): instead the newest days that should
// hold twice the hits needed at the query's share of the index are
// searched first, and that answer is kept when its last hit is no older
// than those days: messages outside the window are older than every day
// in it, so the page is exactly the one a full sort gives. Otherwise the
// window grows fourfold; once it would cover half the index, the full
// sort runs.
func (ix *Index) newest(ctx context.Context, r index.IndexReader, q bq.Query, offset, size int, total uint64, more bool, until time.Time) ([]*bsearch.DocumentMatch, error) {
	need := offset + size
	if total > sortWindowMin || more {
		days, docs, err := ix.days()
		if err != nil {
			return nil, err
		}
		want := uint64(need) * 2 // a lower bound of a total: as if everything matched
		if !more {
			want = uint64(need) * 2 * max(docs, 1) / max(total, 1)
		}
		for ; want < docs/2; want *= 4 {
			var terms []string
			var n uint64
			for i := len(days) - 1; i >= 0 && n < want; i-- {
				if days[i].after(until) {
					continue // q matches nothing there
				}
				terms = append(terms, days[i].term)
				n += days[i].count
			}
			if n >= docs/2 || len(terms) == 0 {
				break
			}
			oldest := terms[len(terms)-1] // d:YYYYMMDD
			from, err := time.Parse("20060102", strings.TrimPrefix(oldest, "d:"))
			if err != nil {
				return nil, fmt.Errorf("search: day term %q: %w", oldest, err)
			}
			// Records have no day: they are all in the window.
			window := bleve.NewDisjunctionQuery(termQ(fieldFacet, "kind:record"), anyOf(fieldKeys, terms))
			hits, _, err := ix.collect(ctx, r, bleve.NewConjunctionQuery(q, window), 0, need, byDate, false)
			if err != nil {
				return nil, err
			}
			if len(hits) == need && len(hits[need-1].Sort) == 1 && hits[need-1].Sort[0] >= timeKey(from) {
				return hits[offset:], nil
			}
		}
	}
	hits, _, err := ix.collect(ctx, r, q, offset, size, byDate, false)
	return hits, err
}

// recent returns what facets count for a query without relevance: every
// hit of the newest days that hold at least n of them (at most 4n), in no
// order (reading nothing per hit); or the newest n, sorted, when those
// days hold more, or cover half the index.
func (ix *Index) recent(ctx context.Context, r index.IndexReader, q bq.Query, n int, total uint64, more bool, until time.Time) ([]*bsearch.DocumentMatch, error) {
	if total <= uint64(n) && !more {
		hits, _, err := ix.collect(ctx, r, q, 0, n, byScore, false)
		return hits, err
	}
	days, docs, err := ix.days()
	if err != nil {
		return nil, err
	}
	want := uint64(n) * 2
	if !more {
		want = uint64(n) * 2 * max(docs, 1) / max(total, 1)
	}
	for ; want < docs/2; want *= 4 {
		var terms []string
		var covered uint64
		for i := len(days) - 1; i >= 0 && covered < want; i-- {
			if days[i].after(until) {
				continue
			}
			terms = append(terms, days[i].term)
			covered += days[i].count
		}
		if covered >= docs/2 || len(terms) == 0 {
			break
		}
		window := bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(termQ(fieldFacet, "kind:record"), anyOf(fieldKeys, terms)))
		hits, count, err := ix.collect(ctx, r, window, 0, 4*n, byScore, false)
		if err != nil {
			return nil, err
		}
		switch {
		case count > uint64(4*n): // the newest n of these days
			hits, _, err = ix.collect(ctx, r, window, 0, n, byDate, false)
			return hits, err
		case count >= uint64(n):
			return hits, nil
		}
	}
	return ix.newest(ctx, r, q, 0, n, total, more, until)
}

// Orders for collect.
var (
	byScore = bsearch.SortOrder{&bsearch.SortScore{Desc: true}}
	byDate  = bsearch.SortOrder{&bsearch.SortField{Field: fieldTime, Desc: true}}
)

// collect runs q on r as Bleve's Search does (tf-idf when scored) and
// returns the hits [offset, offset+size) in order, with their internal ids
// in r, and how many there are. Unscored, byScore keeps index order.
func (ix *Index) collect(ctx context.Context, r index.IndexReader, q bq.Query, offset, size int, order bsearch.SortOrder, scored bool) ([]*bsearch.DocumentMatch, uint64, error) {
	score := "none"
	if scored {
		score = ""
	}
	s, err := q.Searcher(ctx, r, ix.idx.Mapping(), bsearch.SearcherOptions{Score: score})
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	coll := collector.NewTopNCollector(size, offset, order)
	if err := coll.Collect(ctx, s, r); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return coll.Results(), coll.Total(), nil
}

// reader opens a snapshot of the index; the caller closes it.
func (ix *Index) reader() (index.IndexReader, error) {
	i, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	r, err := i.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return r, nil
}

// dayCount is a d: term and how many documents carry it (deleted ones
// included until their segment merges: only for planning).
type dayCount struct {
	term  string
	count uint64
}

// after reports whether the day (UTC) starts at or after until (zero:
// never), so a query ending at until matches nothing in it.
func (d dayCount) after(until time.Time) bool {
	if until.IsZero() {
		return false
	}
	t, err := time.Parse("20060102", strings.TrimPrefix(d.term, "d:"))
	return err == nil && !t.Before(until)
}

// days lists the index's d: terms, oldest first, with the number of
// documents in the index; cached until the index changes.
func (ix *Index) days() ([]dayCount, uint64, error) {
	gen := ix.gen.Load()
	ix.planMu.Lock()
	defer ix.planMu.Unlock()
	if ix.dayList != nil && ix.dayGen == gen {
		return ix.dayList, ix.dayDocs, nil
	}
	dict, err := ix.idx.FieldDictPrefix(fieldKeys, []byte("d:"))
	if err != nil {
		return nil, 0, fmt.Errorf("search: days: %w", err)
	}
	defer dict.Close()
	var out []dayCount
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, 0, fmt.Errorf("search: days: %w", err)
		}
		if e == nil {
			break
		}
		out = append(out, dayCount{e.Term, e.Count})
	}
	docs, err := ix.idx.DocCount()
	if err != nil {
		return nil, 0, fmt.Errorf("search: days: %w", err)
	}
	ix.dayList, ix.dayDocs, ix.dayGen = out, docs, gen
	return out, docs, nil
}

// FacetSample is how many hits facets count: the most relevant ones, or
// when the query has no words or is sorted by date every hit of the
// newest days that hold FacetSample of them (up to four times as many:
// recent).
// Counting every hit reads each one's facet values (a pass over most of
// the index for a common word); Result.FacetsOf says when the counts are
// of a sample.
const FacetSample = 500

// facetTerms counts the facet terms of hits (internal ids of r).
func facetTerms(r index.IndexReader, hits []*bsearch.DocumentMatch) ([]*bsearch.TermFacet, error) {
	internal := make([][]byte, len(hits))
	for i, h := range hits {
		internal[i] = h.IndexInternalID
	}
	// In index order, so each chunk of values is read once.
	slices.SortFunc(internal, bytes.Compare)
	dvr, err := r.DocValueReader([]string{fieldFacet})
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	counts := map[string]int{}
	for _, iid := range internal {
		if err := dvr.VisitDocValues(iid, func(_ string, term []byte) { counts[string(term)]++ }); err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
	}
	out := make([]*bsearch.TermFacet, 0, len(counts))
	for t, n := range counts {
		out = append(out, &bsearch.TermFacet{Term: t, Count: n})
	}
	slices.SortFunc(out, func(a, b *bsearch.TermFacet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Term, b.Term)
	})
	return out, nil
}

// planned is what plan found: a page of hits, how many there are, and the
// facet counts of the top hits.
type planned struct {
	ids      []string
	scores   []float64 // nil when unscored
	total    uint64
	more     bool // total is a lower bound
	facets   []*bsearch.TermFacet
	facetsOf int // hits the facets count
}

// plan runs q for req on one snapshot of the index. Relevance with words
// scores every hit (the top ones are kept); everything else avoids
// visiting every hit: filters alone are counted up to CountBound and come
// newest first, date order reads the newest days first (newest), and
// facets count the top FacetSample hits.
func (ix *Index) plan(ctx context.Context, q bq.Query, req Request, terms map[string]bool, filtersOnly bool, until time.Time) (planned, error) {
	var p planned
	r, err := ix.reader()
	if err != nil {
		return p, err
	}
	defer r.Close()
	var sample []*bsearch.DocumentMatch // the hits facets count
	if !filtersOnly && req.Sort != SortDate {
		size, offset := req.Size, req.Offset
		if req.Facets {
			size, offset = max(req.Offset+req.Size, FacetSample), 0
		}
		hits, total, err := ix.collect(ctx, r, ranked(q, terms, req.Now, ix.signals), offset, size, byScore, true)
		if err != nil {
			return p, err
		}
		p.total = total
		if req.Facets {
			sample = hits[:min(FacetSample, len(hits))]
			hits = hits[min(req.Offset, len(hits)):min(req.Offset+req.Size, len(hits))]
		}
		p.ids = docIDs(hits)
		p.scores = make([]float64, len(hits))
		for i, h := range hits {
			p.scores[i] = h.Score
		}
	} else {
		// The count: bounded for filters alone, exact otherwise (unscored,
		// nothing read per hit).
		if filtersOnly {
			limit := max(CountBound, req.Offset+req.Size+1)
			_, n, err := ix.walk(ctx, r, q, 0, 0, limit)
			if err != nil {
				return p, err
			}
			p.total, p.more = uint64(n), n >= limit
		} else {
			_, total, err := ix.collect(ctx, r, q, 0, 0, byScore, false)
			if err != nil {
				return p, err
			}
			p.total = total
		}
		// Filters alone have no relevance: newest first, as mail clients
		// list them. (Index order, used before, changes when segments
		// merge, so the next page could repeat or skip hits.)
		if req.Sort == SortDate || filtersOnly {
			hits, err := ix.newest(ctx, r, q, req.Offset, req.Size, p.total, p.more, until)
			if err != nil {
				return p, err
			}
			p.ids = docIDs(hits)
		}
		if req.Facets {
			if sample, err = ix.recent(ctx, r, q, FacetSample, p.total, p.more, until); err != nil {
				return p, err
			}
		}
	}
	if req.Facets {
		if p.facets, err = facetTerms(r, sample); err != nil {
			return p, err
		}
		p.facetsOf = len(sample)
	}
	return p, nil
}

func docIDs(hits []*bsearch.DocumentMatch) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}
