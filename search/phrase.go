package search

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches documents whose text field holds terms at
// consecutive positions: a hyphenated word or a quoted phrase (or, loose,
// a run of Chinese characters' bigrams anywhere: newBigrams). It finds
// the same documents with the same scores as Bleve's PhraseQuery (a
// conjunction of the terms, scored as one, kept when their positions line
// up), but checks the positions on the conjunction's flat list of term
// locations instead of building a map of them for every candidate, which
// was most of a Chinese word's cost (23,000 candidates for 技术故障 at a
// million messages).
type phraseQuery struct {
	terms []string
	field string
	loose bool // the terms anywhere in the document: a field without positions
}

func newPhrase(terms []string, field string) *phraseQuery {
	return &phraseQuery{terms: terms, field: field}
}

// newBigrams matches a run of CJK bigrams in tc, which keeps no
// positions: every bigram present, scored as a phrase of them is.
func newBigrams(terms []string) *phraseQuery {
	return &phraseQuery{terms: terms, field: fieldCJK, loose: true}
}

// Searcher implements bleve's query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.IncludeTermVectors = !q.loose
	ts := make([]bsearch.Searcher, 0, len(q.terms))
	closeAll := func() {
		for _, s := range ts {
			_ = s.Close()
		}
	}
	for _, t := range q.terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, 1.0, opts)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase: %w", err)
		}
		ts = append(ts, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, ts, opts)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("phrase: %w", err)
	}
	// As Bleve's phrase searcher: the conjunction normalised on its own
	// (a parent query normalises it again).
	conj.SetQueryNorm(1 / math.Sqrt(conj.Weight()))
	if q.loose {
		return conj, nil
	}
	return &phraseSearcher{Searcher: conj, terms: q.terms}, nil
}

// phraseSearcher filters a conjunction's matches by term positions.
type phraseSearcher struct {
	bsearch.Searcher
	terms []string
	pos   [][]uint64 // scratch: positions of each term in the current match
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		dm, err := s.Searcher.Next(ctx)
		if err != nil || dm == nil {
			return dm, err
		}
		if s.match(dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if err != nil || dm == nil {
		return dm, err
	}
	if s.match(dm) {
		return dm, nil
	}
	ctx.DocumentMatchPool.Put(dm)
	return s.Next(ctx)
}

// match reports whether dm's locations hold the terms one after another.
func (s *phraseSearcher) match(dm *bsearch.DocumentMatch) bool {
	if s.pos == nil {
		s.pos = make([][]uint64, len(s.terms))
	}
	for i := range s.pos {
		s.pos[i] = s.pos[i][:0]
	}
	for _, l := range dm.FieldTermLocations {
		for i, t := range s.terms {
			if l.Term == t {
				s.pos[i] = append(s.pos[i], l.Location.Pos)
			}
		}
	}
next:
	for _, p := range s.pos[0] {
		for i := 1; i < len(s.terms); i++ {
			found := false
			for _, q := range s.pos[i] {
				if q == p+uint64(i) {
					found = true
					break
				}
			}
			if !found {
				continue next
			}
		}
		return true
	}
	return false
}
