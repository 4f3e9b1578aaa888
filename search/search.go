package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/rapport-app/rapport/search/query"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
)

// Request is one search.
type Request struct {
	Q      string `json:"q"`
	Sort   string `json:"sort"`   // SortRelevance (default, also "") or SortDate (newest first)
	Offset int    `json:"offset"` // 0 to MaxOffset
	Size   int    `json:"size"`   // 1 to MaxSize; 0 means 50
	Facets bool   `json:"facets"`

	Now time.Time      `json:"-"` // for relative dates (default time.Now)
	Loc *time.Location `json:"-"` // for dates (default time.Local)
}

// Sort orders (Request.Sort).
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Hit kinds (Hit.Kind).
const (
	KindMessage = "message"
	KindRecord  = "record"
)

// Conversation kinds (HitConv.Kind).
const (
	ConvChat    = "chat"
	ConvChannel = "channel"
)

// FacetDims are the facet dimensions (Facet.Dim), in the order Result
// lists them: what kind, who, where, which tag, when.
var FacetDims = []string{"kind", "from", "in", "tag", "month"}

// Result is a page of hits. A query that does not parse is not an error:
// Result.QueryError says what is wrong and where.
type Result struct {
	Q          string      `json:"q"`
	Total      uint64      `json:"total"`
	TotalMore  bool        `json:"totalMore,omitempty"` // Total is a lower bound: a query of filters only stops counting at CountBound
	FacetsOf   int         `json:"facetsOf,omitempty"`  // when set, Facets count this many hits (the top ones: FacetSample), not all
	TookMs     float64     `json:"tookMs"`
	Hits       []Hit       `json:"hits"`
	Facets     []Facet     `json:"facets,omitempty"`
	QueryError *QueryError `json:"queryError,omitempty"`
	Notes      []Unmatched `json:"notes,omitempty"` // operators whose names matched nothing
	Index      Status      `json:"index"`
}

// QueryError locates a query's syntax error (byte offsets into Q).
type QueryError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Op      string   `json:"op,omitempty"`
	Suggest string   `json:"suggest,omitempty"`
	Values  []string `json:"values,omitempty"`
}

// Hit is one result, with the rows it shows taken from the store.
type Hit struct {
	ID      string      `json:"id"`
	Kind    string      `json:"kind"` // KindMessage or KindRecord
	Score   float64     `json:"score"`
	Conv    *HitConv    `json:"conv,omitempty"`
	Message *HitMessage `json:"message,omitempty"`
	Record  *HitRecord  `json:"record,omitempty"`
	Snippet []Fragment  `json:"snippet"`
}

// HitConv is where a message was posted.
type HitConv struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // ConvChat or ConvChannel
	Name string `json:"name"`
	Team string `json:"team,omitempty"`
}

// HitMessage is a matching message's header.
type HitMessage struct {
	ID            string     `json:"id"`
	ReplyTo       string     `json:"replyTo,omitempty"`
	Created       time.Time  `json:"created"`
	From          string     `json:"from"`
	Importance    string     `json:"importance"`
	Deleted       *time.Time `json:"deleted,omitempty"`
	Subject       string     `json:"subject,omitempty"`
	HasAttachment bool       `json:"hasAttachment,omitempty"`
	// Tags are the message's own user tags; InheritedTags its thread's
	// and conversation's.
	Tags          []string `json:"tags,omitempty"`
	InheritedTags []string `json:"inheritedTags,omitempty"`
}

// HitRecord is a matching CRM record.
type HitRecord struct {
	Set      string `json:"set"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

// Fragment is a piece of a snippet; Hit pieces matched the query. Text
// only: never HTML.
type Fragment struct {
	T   string `json:"t"`
	Hit bool   `json:"hit,omitempty"`
}

// Facet counts hits by one dimension.
type Facet struct {
	Dim    string       `json:"dim"` // kind, from, in, tag, month
	Values []FacetValue `json:"values"`
}

// FacetValue is one bucket; Filter is the query clause that selects it.
type FacetValue struct {
	Label  string `json:"label"`
	Filter string `json:"filter"`
	Count  int    `json:"count"`
}

// ErrClosed is returned by Search, Conversation and WaitIndexed once the
// index is closed.
var ErrClosed = errors.New("search index closed")

// ErrInvalid marks a request out of bounds: an offset or a size below 0
// or above MaxOffset or MaxSize.
var ErrInvalid = errors.New("invalid search request")

// Paging bounds. MaxOffset is far beyond any store's hit count and far
// below what would overflow inside Bleve (offset + size).
const (
	MaxOffset = 10_000_000
	MaxSize   = 200
)

// closed reports whether Close has begun.
func (ix *Index) closed() bool {
	select {
	case <-ix.done:
		return true
	default:
		return ix.stopping.Load()
	}
}

// Search runs a query. Rows come from the store; the index gives ids,
// scores and facet counts.
func (ix *Index) Search(ctx context.Context, req Request) (res Result, err error) {
	start := time.Now()
	res = Result{Q: req.Q, Hits: []Hit{}}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	if req.Loc == nil {
		req.Loc = time.Local
	}
	if req.Offset < 0 || req.Offset > MaxOffset {
		return res, fmt.Errorf("%w: offset %d (0 to %d)", ErrInvalid, req.Offset, MaxOffset)
	}
	if req.Size < 0 || req.Size > MaxSize {
		return res, fmt.Errorf("%w: size %d (0 to %d)", ErrInvalid, req.Size, MaxSize)
	}
	if req.Size == 0 {
		req.Size = 50
	}
	if ix.closed() {
		return res, ErrClosed
	}
	defer func() {
		res.TookMs = float64(time.Since(start).Microseconds()) / 1000
		res.Index = ix.Status(ctx)
	}()
	q, c, dir, qerr, err := ix.compileQuery(ctx, req)
	if err != nil || qerr != nil {
		res.QueryError = qerr
		return res, err
	}
	if c != nil {
		res.Notes = c.out.notes
	}
	if q == nil {
		return res, nil // empty, or only stop words
	}
	p, err := ix.plan(ctx, q, req, c.out.terms, len(c.out.terms) == 0 && len(c.out.prefixes) == 0, c.out.until)
	if err != nil {
		return res, err
	}
	res.Total, res.TotalMore = p.total, p.more
	if err := ix.rows(ctx, &res, p.ids, p.scores, dir, c.out); err != nil {
		return res, err
	}
	if req.Facets {
		res.Facets = dir.facets(p.facets)
		if uint64(p.facetsOf) < p.total || p.more {
			res.FacetsOf = p.facetsOf
		}
	}
	return res, nil
}

// rows adds the hits' rows, read from the store, to res.
func (ix *Index) rows(ctx context.Context, res *Result, ids []string, scores []float64, dir *directory, c *compiled) error {
	items, err := ix.store.IndexItems(ctx, ids)
	if err != nil {
		return fmt.Errorf("load hits: %w", err)
	}
	for i, it := range items {
		if h, ok := dir.hit(it, c); ok {
			if scores != nil {
				h.Score = scores[i]
			}
			res.Hits = append(res.Hits, h)
		}
	}
	return nil
}

// compileQuery parses and compiles req.Q. A query that does not parse
// gives a QueryError; an empty one (or only stop words) a nil query.
func (ix *Index) compileQuery(ctx context.Context, req Request) (bq.Query, *compiler, *directory, *QueryError, error) {
	ast, err := query.Parse(req.Q, req.Now, req.Loc)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			return nil, nil, nil, &QueryError{Code: qe.Code, Message: qe.Msg, Start: qe.Span.Start, End: qe.Span.End, Op: qe.Op, Suggest: qe.Suggest, Values: qe.Values}, nil
		}
		return nil, nil, nil, nil, err
	}
	if ast == nil {
		return nil, nil, nil, nil, nil
	}
	dir, err := ix.directory(ctx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	overlay, err := ix.newTagOverlay(ctx, ast, dir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	c := &compiler{ix: ix, dir: dir, out: &compiled{terms: map[string]bool{}}, overlay: overlay}
	if rest, key := prefixRest(ast, req.Q, req.Now); rest != nil {
		// The word being typed expands among the other words' documents.
		rc := &compiler{ix: ix, dir: dir, out: &compiled{terms: map[string]bool{}}, overlay: overlay}
		rq, err := rc.compile(rest)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		if rq != nil {
			if c.near, err = ix.near(ctx, rq, key); err != nil {
				return nil, nil, nil, nil, err
			}
		}
	}
	c.out.until = until(ast)
	q, err := c.compile(ast)
	if err != nil || q == nil {
		return nil, c, dir, nil, err
	}
	if !mentionsDeleted(ast) {
		b := bleve.NewBooleanQuery()
		b.AddMust(q)
		b.AddMustNot(termQ(fieldKeys, "is:deleted"))
		q = b
	}
	return q, c, dir, nil, nil
}

// ErrQuery is a query that does not parse (DocIDs; Search reports it in
// Result.QueryError instead).
var ErrQuery = errors.New("query does not parse")

// DocIDs lists every document a query matches, as Search finds them (in
// index order, unscored): what a bulk change applies to.
func (ix *Index) DocIDs(ctx context.Context, q string) ([]string, error) {
	if ix.closed() {
		return nil, ErrClosed
	}
	bqq, _, _, qerr, err := ix.compileQuery(ctx, Request{Q: q, Now: time.Now(), Loc: time.Local})
	if err != nil {
		return nil, err
	}
	if qerr != nil {
		return nil, fmt.Errorf("%w: %s (at %d–%d)", ErrQuery, qerr.Message, qerr.Start, qerr.End)
	}
	if bqq == nil {
		return []string{}, nil
	}
	// Count first, then ask for exactly that many: the collector sizes
	// itself by the request.
	count := bleve.NewSearchRequestOptions(bqq, 0, 0, false)
	count.Score = bleve.ScoreNone
	res, err := ix.idx.SearchInContext(ctx, count)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if res.Total == 0 {
		return []string{}, nil
	}
	all := bleve.NewSearchRequestOptions(bqq, int(res.Total), 0, false)
	all.Score = bleve.ScoreNone
	if res, err = ix.idx.SearchInContext(ctx, all); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}

// Hashtags counts the messages (deleted ones aside) carrying each
// hashtag in their text, by its folded name without '#'.
func (ix *Index) Hashtags(ctx context.Context) (map[string]int, error) {
	if ix.closed() {
		return nil, ErrClosed
	}
	dict, err := ix.idx.FieldDictPrefix(fieldFacet, []byte("tag:"))
	if err != nil {
		return nil, fmt.Errorf("hashtags: %w", err)
	}
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, fmt.Errorf("hashtags: %w", err)
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
	}
	if err := dict.Close(); err != nil {
		return nil, fmt.Errorf("hashtags: %w", err)
	}
	// The dictionary's counts may include documents deleted since the
	// last merge: count each term's live hits instead.
	out := make(map[string]int, len(terms))
	for _, t := range terms {
		b := bleve.NewBooleanQuery()
		b.AddMust(termQ(fieldFacet, t))
		b.AddMustNot(termQ(fieldKeys, "is:deleted"))
		sr := bleve.NewSearchRequestOptions(b, 0, 0, false)
		sr.Score = bleve.ScoreNone
		res, err := ix.idx.SearchInContext(ctx, sr)
		if err != nil {
			return nil, fmt.Errorf("hashtags: %w", err)
		}
		if res.Total > 0 {
			out[strings.TrimPrefix(t, "tag:")] = int(res.Total)
		}
	}
	return out, nil
}

// mentionsDeleted reports whether the query asks for deleted messages;
// otherwise they are left out.
func mentionsDeleted(n query.Node) bool {
	found := false
	query.Walk(n, func(x query.Node) {
		if f, ok := x.(*query.Field); ok && f.Name == "is" && f.Value == "deleted" {
			found = true
		}
	})
	return found
}

// directory returns the name snapshot, reloaded after a few seconds.
func (ix *Index) directory(ctx context.Context) (*directory, error) {
	ix.dirMu.Lock()
	defer ix.dirMu.Unlock()
	gen := ix.store.NamesGeneration()
	if ix.dir != nil && ix.dir.gen == gen {
		return ix.dir, nil
	}
	d, err := loadDirectory(ctx, ix.store)
	if err != nil {
		return nil, err
	}
	d.gen = gen // read before loading: a change during the load reloads next time
	ix.dir = d
	return d, nil
}

// hit builds a result row from the store's current row.
func (d *directory) hit(it storage.IndexItem, c *compiled) (Hit, bool) {
	h := Hit{ID: it.Doc}
	switch {
	case it.Missing:
		return h, false
	case it.Message != nil:
		m := it.Message
		h.Kind = KindMessage
		conv := d.convOf(it)
		h.Conv = conv
		files := content.Of(m).Files > 0 // the rule has:attachment indexes
		from := m.FromName
		if from == "" {
			from = d.names[m.FromID]
		}
		h.Message = &HitMessage{ID: m.ID, ReplyTo: m.ReplyTo, Created: m.Created, From: from, Importance: m.Importance,
			Deleted: m.Deleted, Subject: m.Subject, HasAttachment: files, Tags: it.Tags, InheritedTags: it.Inherited}
		if m.Type != "" && m.Type != "message" {
			return h, false
		}
	case it.Record != nil:
		h.Kind = KindRecord
		h.Record = &HitRecord{Set: it.Record.Set, ID: it.Record.ID, Title: crm.Title(it.Record.Set, it.Record.Fields), Subtitle: recordSubtitle(it.Record)}
	}
	h.Snippet = snippet(itemText(it), c)
	return h, true
}

// itemText is the text a document's t field indexes.
func itemText(it storage.IndexItem) string {
	switch {
	case it.Message != nil:
		return content.Of(it.Message).Text
	case it.Record != nil:
		return crm.Text(it.Record.Set, it.Record.Fields)
	}
	return ""
}

func recordSubtitle(r *storage.Record) string {
	var parts []string
	for _, f := range []string{"ticketnumber", "accountnumber", "emailaddress1", "jobtitle", "articlepublicnumber", "stepname"} {
		if s, _ := r.Fields[f].(string); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// convOf names a message's conversation.
func (d *directory) convOf(it storage.IndexItem) *HitConv {
	id := it.Message.ConvID
	if id == "" {
		id = d.byNo[it.ConvNo]
	}
	c := d.convs[id]
	return &HitConv{ID: id, Kind: c.Kind, Name: c.Name, Team: c.Team}
}

// snippetBytes is about how much text a snippet shows.
const snippetBytes = 240

// snippet cuts text around its first match and marks the matching words.
func snippet(text string, c *compiled) []Fragment {
	// A word is marked when its analysed term is one of the query's, or
	// when the word as typed (prefixAnalyzer's token, folded but not
	// stemmed) starts with one of the query's prefixes. The two token
	// streams differ (analysis drops stop words, splits CJK into bigrams),
	// so each is matched on its own offsets.
	type span struct{ s, e int }
	var spans []span
	for _, t := range Analyze(text) {
		if c.terms[t.Term] {
			spans = append(spans, span{t.Start, t.End})
		}
	}
	if len(c.prefixes) > 0 {
		for _, t := range tokens(prefixAnalyzer, text) {
			for _, p := range c.prefixes {
				if strings.HasPrefix(t.Term, p) {
					spans = append(spans, span{t.Start, t.End})
					break
				}
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.s, b.s), cmp.Compare(a.e, b.e)) })
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.s <= merged[n-1].e {
			merged[n-1].e = max(merged[n-1].e, sp.e)
			continue
		}
		merged = append(merged, sp)
	}
	spans = merged
	from := 0
	if len(spans) > 0 && spans[0].s > snippetBytes/4 {
		from = runeStart(text, spans[0].s-snippetBytes/4)
	}
	to := len(text)
	if to-from > snippetBytes {
		to = runeStart(text, from+snippetBytes)
	}
	for _, sp := range spans { // never cut a marked word ("Invo" of "Invoice")
		if sp.s < to && sp.e > to {
			to = sp.e
		}
	}
	var out []Fragment
	add := func(s string, hit bool) {
		s = strings.ReplaceAll(s, "\n", " ")
		if s != "" {
			out = append(out, Fragment{T: s, Hit: hit})
		}
	}
	if from > 0 {
		add("…", false)
	}
	at := from
	for _, sp := range spans {
		if sp.e <= from || sp.s >= to {
			continue
		}
		s, e := max(sp.s, from), min(sp.e, to)
		add(text[at:s], false)
		add(text[s:e], true)
		at = e
	}
	add(text[at:to], false)
	if to < len(text) {
		add("…", false)
	}
	if out == nil {
		out = []Fragment{}
	}
	return out
}

// runeStart moves i back to the start of the rune it falls in.
func runeStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// facets groups facet terms by dimension with labels and filters.
func (d *directory) facets(terms []*bsearch.TermFacet) []Facet {
	byDim := map[string][]FacetValue{}
	for _, t := range terms {
		kind, v, ok := strings.Cut(t.Term, ":")
		if !ok {
			continue
		}
		var fv FacetValue
		switch kind {
		case "kind":
			fv = FacetValue{Label: v, Filter: "is:" + v}
		case "from":
			v = d.byKey[v]
			name := d.names[v]
			if name == "" {
				continue
			}
			filter := name
			if m := d.mails[v]; m != "" {
				filter = m
			}
			fv = FacetValue{Label: name, Filter: "from:" + quote(filter)}
			kind = "from"
		case "in":
			no, err := strconv.ParseInt(v, 36, 64)
			if err != nil {
				continue
			}
			c, ok := d.convs[d.byNo[no]]
			if !ok {
				continue
			}
			label := c.Name
			if c.Kind == ConvChannel {
				label = c.Team + "/" + c.Name
			}
			fv = FacetValue{Label: label, Filter: "in:" + quote(label)}
		case "tag":
			fv = FacetValue{Label: "#" + v, Filter: "#" + v}
		case "ut":
			fv = FacetValue{Label: v, Filter: "tag:" + quote(v)}
			kind = "tag"
		case "mo":
			if len(v) != 6 {
				continue
			}
			month := v[:4] + "-" + v[4:]
			fv = FacetValue{Label: month, Filter: "during:" + month}
			kind = "month"
		default:
			continue
		}
		fv.Count = t.Count
		byDim[kind] = append(byDim[kind], fv)
	}
	var out []Facet
	for _, dim := range FacetDims {
		vs := byDim[dim]
		if len(vs) == 0 {
			continue
		}
		if dim == "month" {
			sort.Slice(vs, func(i, j int) bool { return vs[i].Label > vs[j].Label })
		} else {
			sort.SliceStable(vs, func(i, j int) bool { return vs[i].Count > vs[j].Count })
		}
		if len(vs) > 12 {
			vs = vs[:12]
		}
		out = append(out, Facet{Dim: dim, Values: vs})
	}
	return out
}

func quote(s string) string {
	if strings.ContainsAny(s, " \t\"():：") {
		return `"` + strings.ReplaceAll(s, `"`, "") + `"`
	}
	return s
}

var _ bq.Query = (*bq.TermQuery)(nil)

// Conversation names a conversation as results show it.
func (ix *Index) Conversation(ctx context.Context, id string) (HitConv, error) {
	if ix.closed() {
		return HitConv{}, ErrClosed
	}
	d, err := ix.directory(ctx)
	if err != nil {
		return HitConv{}, err
	}
	c, ok := d.convs[id]
	if !ok {
		return HitConv{}, fmt.Errorf("conversation %q: %w", id, storage.ErrNotFound)
	}
	return HitConv{ID: id, Kind: c.Kind, Name: c.Name, Team: c.Team}, nil
}
