package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Substance: the words and length that make a message worth reading
// first. Bleve scores a short field high (its length norm), so "收到，谢谢
// #付款" outranked the question about the second payment. Each document
// carries its signals as keys, and a scored query multiplies a hit's score
// by the factor of each signal it has (quality): a factor, unlike an added
// boost, demotes an acknowledgement whatever its text scores.
//
//	q:ack    an acknowledgement: nothing but thanks, OK, noted… (zh, en, fr)
//	         and hashtags, or fewer than ackLetters letters       ×factorAck
//	q:short  fewer than shortLetters letters, not a question      ×factorShort
//	q:body   at least bodyLetters letters (a CJK character counts 3);
//	         every record has it                                  ×factorBody
//	q:ask    a question (? or ？) of askLetters letters or more     ×factorAsk
//	q:case   a CRM case (a match in a case's title or description) ×factorCase
//	s:<term> a term of the message's subject: a query term there  ×factorSubject
//	mo:      posted this month or the month before (the facet)    ×factorRecent
const (
	ackLetters   = 8
	shortLetters = 24
	askLetters   = 12 // "training?" is a word, not a question
	bodyLetters  = 60

	factorAck     = 0.1
	factorShort   = 0.4
	factorBody    = 1.3
	factorAsk     = 1.5
	factorCase    = 1.2
	factorSubject = 1.3
	factorRecent  = 1.1
)

// ackWords are the words acknowledgements are made of, folded.
var ackWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`收到 收到了 谢谢 谢谢您 多谢 好的 好 好嘞 嗯 嗯嗯 哦 了 啦 明白 了解 知道了 没问题 辛苦了 ok okay thanks thank you thx noted got it sure great perfect
		merci bien reçu reçu noté c'est c’est d'accord parfait super entendu ça marche top beaucoup`) {
		m[w] = true
	}
	return m
}()

// substance returns the signals of a message's text.
func substance(text string) []string {
	body := hashtagRE.ReplaceAllString(text, " ")
	letters, ack := 0, true
	for _, w := range strings.FieldsFunc(strings.ToLower(body), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	}) {
		n := 0
		for _, r := range w {
			if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) {
				n += 3
			} else {
				n++
			}
		}
		letters += n
		if !ackWords[w] && !allAck(w) {
			ack = false
		}
	}
	var out []string
	ask := letters >= askLetters && strings.ContainsAny(body, "?？")
	switch {
	case ack || letters < ackLetters:
		out = append(out, "q:ack")
	case letters < shortLetters && !ask:
		out = append(out, "q:short")
	case letters >= bodyLetters:
		out = append(out, "q:body")
	}
	if ask {
		out = append(out, "q:ask")
	}
	return out
}

// allAck reports whether a run of CJK characters is made of
// acknowledgement words (Chinese has no spaces: 收到谢谢).
func allAck(w string) bool {
	for w != "" {
		found := false
		for n := min(len(w), 12); n > 0; n-- {
			if ackWords[w[:n]] {
				w, found = w[n:], true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// rankQuality turns the substance factors on (tests measure without).
var rankQuality = true

// ranked scales a scored query's hits by their substance (see quality):
// terms are the query's analysed words (a match in a subject), now the
// time recency is judged from.
func ranked(q bq.Query, terms map[string]bool, now time.Time, cache *signalCache) bq.Query {
	if !rankQuality {
		return q
	}
	return &quality{q: q, signals: qualitySignals(terms, now), cache: cache}
}

// qualitySignals are the signals a query with these analysed terms
// weighs, as of now.
func qualitySignals(terms map[string]bool, now time.Time) []signal {
	now = now.UTC()
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	sig := []signal{
		{fieldKeys, []string{"q:ack"}, factorAck},
		{fieldKeys, []string{"q:short"}, factorShort},
		{fieldKeys, []string{"q:body"}, factorBody},
		{fieldKeys, []string{"q:ask"}, factorAsk},
		{fieldKeys, []string{"q:case"}, factorCase},
		{fieldFacet, []string{"mo:" + this.Format("200601"), "mo:" + this.AddDate(0, -1, 0).Format("200601")}, factorRecent},
	}
	if len(terms) > 0 {
		subj := signal{field: fieldKeys, factor: factorSubject}
		for t := range terms {
			subj.terms = append(subj.terms, "s:"+t)
		}
		slices.Sort(subj.terms)
		sig = append(sig, subj)
	}
	return sig
}

// warm reads what the first search would otherwise wait for: the names
// directory and the signals' bitmaps of the index's segments. The
// indexer runs it once at open, while the UI is still starting.
func (ix *Index) warm(ctx context.Context) error {
	if _, err := ix.directory(ctx); err != nil {
		return err
	}
	r, err := ix.reader()
	if err != nil {
		return err
	}
	defer r.Close()
	if snap, ok := r.(*scorch.IndexSnapshot); ok && ix.signals != nil {
		if _, err := ix.signals.signals(snap, qualitySignals(nil, time.Now())); err != nil {
			return err
		}
	}
	return nil
}

// signal is a set of terms of a field and the factor a hit having any of
// them gets.
type signal struct {
	field  string
	terms  []string
	factor float64
}

// quality is a query whose hits' scores are multiplied by the factors of
// the signals they have. On Scorch's snapshots (the index Rapport opens)
// each signal is a bitmap of the documents holding it, per segment, kept
// across queries (segments never change: see signalCache), so a hit
// costs a bitmap lookup per signal. Another reader walks each signal's
// postings in step with the hits (both in index order).
type quality struct {
	q       bq.Query
	signals []signal
	cache   *signalCache
}

func (qq *quality) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := qq.q.Searcher(ctx, i, m, o)
	if err != nil {
		return nil, err
	}
	if snap, ok := i.(*scorch.IndexSnapshot); ok && qq.cache != nil {
		bs, err := qq.cache.signals(snap, qq.signals)
		if err != nil {
			s.Close()
			return nil, err
		}
		return &bitsSearcher{Searcher: s, bits: bs}, nil
	}
	qs := &qualitySearcher{Searcher: s}
	for _, sg := range qq.signals {
		for _, t := range sg.terms {
			r, err := i.TermFieldReader(ctx, []byte(t), sg.field, false, false, false)
			if err != nil {
				qs.Close()
				return nil, fmt.Errorf("search: rank %s: %w", t, err)
			}
			if r.Count() == 0 {
				r.Close()
				continue
			}
			qs.postings = append(qs.postings, &posting{r: r, factor: sg.factor, signal: len(qs.sigs)})
		}
		qs.sigs = append(qs.sigs, sg.factor)
	}
	return qs, nil
}

// signalCache keeps, per segment of the index, the bitmap of the
// documents holding each signal term. A segment is immutable (a batch
// adds one, a merge replaces several by a new one), so its bitmaps stay
// true for as long as it exists; entries of segments no longer in the
// index are dropped as snapshots move on.
type signalCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]map[string]*roaring.Bitmap
}

func newSignalCache() *signalCache {
	return &signalCache{segs: map[segment.Segment]map[string]*roaring.Bitmap{}}
}

// maxSignalTerms bounds the terms cached per segment (s: terms vary with
// the query); the segment's entry is cleared when full.
const maxSignalTerms = 512

// snapSignals are a snapshot's signals: per signal, a bitmap per segment
// (nil: no document there has it), with the segments' first global
// document numbers.
type snapSignals struct {
	offsets []uint64
	factors []float64
	bits    [][]*roaring.Bitmap // [signal][segment]
}

func (c *signalCache) signals(snap *scorch.IndexSnapshot, sigs []signal) (*snapSignals, error) {
	segs := snap.Segments()
	out := &snapSignals{offsets: make([]uint64, len(segs)), factors: make([]float64, len(sigs)), bits: make([][]*roaring.Bitmap, len(sigs))}
	var running uint64
	for j, ss := range segs {
		out.offsets[j] = running // as Scorch numbers a snapshot's documents
		running += ss.Segment().Count()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, sg := range sigs {
		out.factors[k] = sg.factor
		out.bits[k] = make([]*roaring.Bitmap, len(segs))
		for j, ss := range segs {
			var union *roaring.Bitmap
			for _, t := range sg.terms {
				b, err := c.term(ss.Segment(), sg.field, t)
				if err != nil {
					return nil, err
				}
				switch {
				case b == nil:
				case union == nil:
					union = b
				default:
					union = roaring.Or(union, b)
				}
			}
			out.bits[k][j] = union
		}
	}
	if len(c.segs) > 2*len(segs)+8 {
		live := make(map[segment.Segment]bool, len(segs))
		for _, ss := range segs {
			live[ss.Segment()] = true
		}
		for s := range c.segs {
			if !live[s] {
				delete(c.segs, s)
			}
		}
	}
	return out, nil
}

// term returns the segment's bitmap of the documents holding the term
// (nil when none does); c.mu is held.
func (c *signalCache) term(seg segment.Segment, field, term string) (*roaring.Bitmap, error) {
	key := field + "\x00" + term
	m := c.segs[seg]
	if b, ok := m[key]; ok {
		return b, nil
	}
	if m == nil || len(m) >= maxSignalTerms {
		m = map[string]*roaring.Bitmap{}
		c.segs[seg] = m
	}
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("search: rank %s: %w", term, err)
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("search: rank %s: %w", term, err)
	}
	var b *roaring.Bitmap
	if or, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
		b = roaring.New()
		or.OrInto(b)
	} else {
		b = roaring.New()
		it := pl.Iterator(false, false, false, nil)
		for {
			p, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("search: rank %s: %w", term, err)
			}
			if p == nil {
				break
			}
			b.Add(uint32(p.Number()))
		}
	}
	if b.IsEmpty() {
		b = nil
	}
	m[key] = b
	return b, nil
}

// bitsSearcher scales each hit by the signals its segment's bitmaps give
// it. Hits come in increasing document number, so the segment is found
// by moving forward.
type bitsSearcher struct {
	bsearch.Searcher
	bits *snapSignals
	seg  int
}

func (s *bitsSearcher) scale(dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if dm == nil || err != nil || len(dm.IndexInternalID) != 8 {
		return dm, err
	}
	g := binary.BigEndian.Uint64(dm.IndexInternalID)
	off := s.bits.offsets
	if s.seg >= len(off) || off[s.seg] > g {
		s.seg = 0
	}
	for s.seg+1 < len(off) && off[s.seg+1] <= g {
		s.seg++
	}
	if s.seg >= len(off) {
		return dm, nil
	}
	local := uint32(g - off[s.seg])
	for k, f := range s.bits.factors {
		if b := s.bits.bits[k][s.seg]; b != nil && b.Contains(local) {
			dm.Score *= f
		}
	}
	return dm, nil
}

func (s *bitsSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Next(ctx))
}

func (s *bitsSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Advance(ctx, id))
}

// posting is one signal term's postings, read forward.
type posting struct {
	r      index.TermFieldReader
	doc    index.TermFieldDoc
	at     index.IndexInternalID // the current document; nil before the first
	done   bool
	factor float64
	signal int
}

// has reports whether the term's postings hold id; ids must not decrease
// from one call to the next.
func (p *posting) has(id index.IndexInternalID) (bool, error) {
	if p.done {
		return false, nil
	}
	if p.at == nil || p.at.Compare(id) < 0 {
		d, err := p.r.Advance(id, p.doc.Reset())
		if err != nil {
			return false, err
		}
		if d == nil {
			p.done = true
			return false, nil
		}
		p.at = append(p.at[:0], d.ID...)
	}
	return p.at.Equals(id), nil
}

type qualitySearcher struct {
	bsearch.Searcher
	postings []*posting
	sigs     []float64 // factor per signal
	hit      []bool    // per signal, for the current document
}

func (s *qualitySearcher) scale(dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if dm == nil || err != nil {
		return dm, err
	}
	if s.hit == nil {
		s.hit = make([]bool, len(s.sigs))
	}
	clear(s.hit)
	for _, p := range s.postings {
		ok, err := p.has(dm.IndexInternalID)
		if err != nil {
			return nil, fmt.Errorf("search: rank: %w", err)
		}
		if ok && !s.hit[p.signal] {
			s.hit[p.signal] = true
			dm.Score *= p.factor
		}
	}
	return dm, nil
}

func (s *qualitySearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Next(ctx))
}

func (s *qualitySearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Advance(ctx, id))
}

func (s *qualitySearcher) Close() error {
	var err error
	if s.Searcher != nil {
		err = s.Searcher.Close()
	}
	for _, p := range s.postings {
		if e := p.r.Close(); err == nil {
			err = e
		}
	}
	return err
}
