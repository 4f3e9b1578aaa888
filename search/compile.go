package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/rapport-app/rapport/search/query"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// compiled is a parsed query turned into a Bleve query, with what the
// results need to show why they matched.
type compiled struct {
	q        bq.Query
	terms    map[string]bool // analyzed text terms (for highlighting)
	prefixes []string        // typeahead prefixes (highlight tokens starting with them)
	notes    []Unmatched     // names that resolved to nothing, e.g. `from:"Nobody"`
	until    time.Time       // every hit is older (before:, on:, a range); zero when unbounded
}

// until is the earliest end of the query's date filters that every hit
// must meet: those of the query itself or of its conjunction.
func until(ast query.Node) time.Time {
	var out time.Time
	take := func(n query.Node) {
		if d, ok := n.(*query.Date); ok && !d.To.IsZero() && (out.IsZero() || d.To.Before(out)) {
			out = d.To
		}
	}
	take(ast)
	if and, ok := ast.(*query.And); ok {
		for _, n := range and.Nodes {
			take(n)
		}
	}
	return out
}

func termQ(field, term string) bq.Query {
	t := bleve.NewTermQuery(term)
	t.SetField(field)
	return t
}

func none() bq.Query { return bleve.NewMatchNoneQuery() }

func anyOf(field string, terms []string) bq.Query {
	switch len(terms) {
	case 0:
		return none()
	case 1:
		return termQ(field, terms[0])
	}
	qs := make([]bq.Query, len(terms))
	for i, t := range terms {
		qs[i] = termQ(field, t)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// compiler turns the query AST into Bleve queries. It resolves names
// (people, conversations, records) through a directory snapshot.
type compiler struct {
	ix      *Index
	dir     *directory
	out     *compiled
	overlay *tagOverlay    // the store's tags of documents not indexed yet (pending.go); nil when none
	near    map[string]int // words of the documents the query's other words match (typeahead.go); nil when none
}

func (c *compiler) compile(n query.Node) (bq.Query, error) {
	switch n := n.(type) {
	case *query.And:
		return c.boolean(n.Nodes)
	case *query.Or:
		qs := make([]bq.Query, 0, len(n.Nodes))
		for _, x := range n.Nodes {
			q, err := c.compile(x)
			if err != nil {
				return nil, err
			}
			if q != nil {
				qs = append(qs, q)
			}
		}
		if len(qs) == 0 {
			return nil, nil
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case *query.Not:
		return c.boolean([]query.Node{n})
	case *query.Term:
		return c.text(n.Text, n.Prefix)
	case *query.Phrase:
		return c.text(n.Text, false)
	case *query.Field:
		return c.field(n)
	case *query.Date:
		return dateQuery(n.From, n.To), nil
	}
	return nil, fmt.Errorf("unexpected query node %T", n)
}

// boolean compiles a conjunction whose members may be negated.
func (c *compiler) boolean(nodes []query.Node) (bq.Query, error) {
	var must, not []bq.Query
	for _, x := range nodes {
		neg := false
		if n, ok := x.(*query.Not); ok {
			x, neg = n.Node, true
		}
		q, err := c.compile(x)
		if err != nil {
			return nil, err
		}
		switch {
		case q == nil:
		case neg:
			not = append(not, q)
		default:
			must = append(must, q)
		}
	}
	if len(not) == 0 {
		switch len(must) {
		case 0:
			return nil, nil
		case 1:
			return must[0], nil
		}
		return bleve.NewConjunctionQuery(must...), nil
	}
	b := bleve.NewBooleanQuery()
	if len(must) == 0 {
		must = []bq.Query{bleve.NewMatchAllQuery()}
	}
	b.AddMust(must...)
	b.AddMustNot(not...)
	return b, nil
}

// text compiles free text: one analyzed term, or when the text analyzes
// to several (a hyphenated word, a run of Chinese characters) textQuery's
// phrases and bigrams.
// A prefix (the word being typed) also matches the most frequent indexed
// words that start with it, so typeahead never expands without bound.
func (c *compiler) text(s string, prefix bool) (bq.Query, error) {
	toks := Analyze(s)
	var raw []Token
	if prefix {
		raw = tokens(prefixAnalyzer, s)
		if len(raw) == 1 && len([]rune(raw[0].Term)) < 2 && !isCJK(raw[0].Term) {
			return nil, nil // one letter typed: wait for the next before narrowing
		}
	}
	for _, t := range toks {
		c.out.terms[t.Term] = true
	}
	q := textQuery(toks)
	if !prefix {
		return q, nil
	}
	if len(raw) != 1 {
		return q, nil // several words or none: the phrase above
	}
	p := raw[0].Term
	expanded, err := c.ix.expand(p)
	if err != nil {
		return nil, err
	}
	if c.near != nil {
		expanded = constrain(p, c.near, expanded)
	}
	c.out.prefixes = append(c.out.prefixes, p)
	qs := make([]bq.Query, 0, len(expanded)+1)
	if q != nil {
		qs = append(qs, q)
	}
	field := textField(p)
	for _, t := range expanded {
		if q == nil || t != toks[0].Term {
			qs = append(qs, termQ(field, t))
		}
	}
	switch len(qs) {
	case 0:
		return none(), nil
	case 1:
		return qs[0], nil
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

// textQuery matches analyzed text: each run of Latin words as a phrase
// (t has positions), and the CJK bigrams all present, in any order (tc
// has none). 技术故障 is 技术, 术故 and 故障; "invoice 付款 due" is
// invoic, 付款 and due, each anywhere.
func textQuery(toks []Token) bq.Query {
	var parts []bq.Query
	var run, cjk []string
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			parts = append(parts, termQ(fieldText, run[0]))
		default:
			parts = append(parts, newPhrase(run, fieldText))
		}
		run = nil
	}
	for _, t := range toks {
		if isCJK(t.Term) {
			flush()
			cjk = append(cjk, t.Term)
			continue
		}
		run = append(run, t.Term)
	}
	flush()
	switch len(cjk) {
	case 0:
	case 1:
		parts = append(parts, termQ(fieldCJK, cjk[0]))
	default:
		parts = append(parts, newBigrams(cjk))
	}
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	return bleve.NewConjunctionQuery(parts...)
}

// textField is the field a text token (or a prefix of one) is kept in.
func textField(term string) string {
	if isCJK(term) {
		return fieldCJK
	}
	return fieldText
}

// isCJK reports whether a token is Chinese, Japanese or Korean: a bigram
// or a lone character, kept in tc.
func isCJK(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 {
			return true
		}
	}
	return false
}

// maxExpansion bounds a typeahead prefix's expansion.
const maxExpansion = 16

// expand lists the indexed words starting with p, most frequent first.
func (ix *Index) expand(p string) ([]string, error) {
	gen := ix.gen.Load() // read first: a batch during the walk makes the entry stale
	if terms, ok := ix.expCache.get(p, gen); ok {
		return terms, nil
	}
	dict, err := ix.idx.FieldDictPrefix(textField(p), []byte(p))
	if err != nil {
		return nil, fmt.Errorf("expand %q: %w", p, err)
	}
	defer dict.Close()
	type tc struct {
		term  string
		count uint64
	}
	var top []tc
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("expand %q: %w", p, err)
		}
		if e == nil {
			break
		}
		if len(top) < maxExpansion {
			top = append(top, tc{e.Term, e.Count})
			sort.Slice(top, func(i, j int) bool { return top[i].count > top[j].count })
			continue
		}
		if e.Count > top[len(top)-1].count {
			top[len(top)-1] = tc{e.Term, e.Count}
			sort.Slice(top, func(i, j int) bool { return top[i].count > top[j].count })
		}
	}
	out := make([]string, len(top))
	for i, t := range top {
		out[i] = t.term
	}
	ix.expCache.put(p, gen, out)
	return out, nil
}

// maxExpansions bounds the cache of prefix expansions (cleared when full).
const maxExpansions = 4096

func (c *compiler) field(f *query.Field) (bq.Query, error) {
	v := f.Value
	switch f.Name {
	case "has", "is":
		if v == "message" || v == "record" {
			return termQ(fieldFacet, "kind:"+v), nil
		}
		return termQ(fieldKeys, f.Name+":"+v), nil
	case "tag":
		// Every label of the tag's topic, as a hashtag in the text or a
		// user tag (own or inherited from the thread or conversation).
		var hashtags, user []string
		for _, l := range c.dir.tagLabels(Tag(v)) {
			hashtags = append(hashtags, "tag:"+l)
			user = append(user, "ut:"+l)
		}
		if c.overlay == nil {
			return anyOf(fieldFacet, append(hashtags, user...)), nil
		}
		// Documents still queued answer from the store, not from their
		// indexed ut: terms (pending.go).
		indexed := anyOf(fieldFacet, user)
		if docs := c.overlay.others[v]; len(docs) > 0 {
			b := bleve.NewBooleanQuery()
			b.AddMust(indexed)
			b.AddMustNot(bq.NewDocIDQuery(docs))
			indexed = b
		}
		qs := []bq.Query{anyOf(fieldFacet, hashtags), indexed}
		if docs := c.overlay.matches[v]; len(docs) > 0 {
			qs = append(qs, bq.NewDocIDQuery(docs))
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case "from":
		ids := c.dir.people(v)
		c.note(f, len(ids))
		return anyOf(fieldFacet, prefixed("from:", userKeys(ids))), nil
	case "mentions":
		ids := c.dir.people(v)
		c.note(f, len(ids))
		return anyOf(fieldKeys, prefixed("mention:", ids)), nil
	case "to":
		ids := c.dir.people(v)
		c.note(f, len(ids))
		var qs []bq.Query
		for _, id := range ids {
			// In a chat with them, not written by them; or @mentioning them.
			chats := c.dir.chatsWith(id)
			if len(chats) > 0 {
				b := bleve.NewBooleanQuery()
				b.AddMust(anyOf(fieldFacet, prefixed("in:", c.dir.convKeys(chats))))
				b.AddMustNot(termQ(fieldFacet, "from:"+userKey(id)))
				qs = append(qs, b)
			}
			qs = append(qs, termQ(fieldKeys, "mention:"+id))
		}
		if len(qs) == 0 {
			return none(), nil
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case "in":
		teams, convs := c.dir.places(v)
		c.note(f, len(teams)+len(convs))
		qs := []bq.Query{}
		if len(teams) > 0 {
			qs = append(qs, anyOf(fieldKeys, prefixed("team:", teams)))
		}
		if len(convs) > 0 {
			qs = append(qs, anyOf(fieldFacet, prefixed("in:", c.dir.convKeys(convs))))
		}
		if len(qs) == 0 {
			return none(), nil
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case "record":
		if set := crm.SetNamed(v); set != "" && !c.dir.namesRecord(v) {
			// A record type (record:incidents, record:case): its records,
			// the messages mentioning any case number (cases), and what is
			// linked to any record of the type.
			chats, docs := c.dir.linkedToSet(set)
			qs := []bq.Query{anyOf(fieldFacet, []string{"set:" + set})}
			if set == crm.CaseSet {
				p := bleve.NewPrefixQuery("case:")
				p.SetField(fieldKeys)
				qs = append(qs, p)
			}
			if len(chats) > 0 {
				qs = append(qs, anyOf(fieldFacet, prefixed("in:", c.dir.convKeys(chats))))
			}
			if len(docs) > 0 {
				qs = append(qs, bq.NewDocIDQuery(docs))
			}
			return bleve.NewDisjunctionQuery(qs...), nil
		}
		recs, cases, chats, docs := c.dir.records(v)
		c.note(f, len(recs))
		var qs []bq.Query
		if len(recs) > 0 {
			qs = append(qs, anyOf(fieldKeys, prefixed("rid:", recs)))
		}
		if len(cases) > 0 {
			qs = append(qs, anyOf(fieldKeys, prefixed("case:", cases)))
		}
		if len(chats) > 0 {
			qs = append(qs, anyOf(fieldFacet, prefixed("in:", c.dir.convKeys(chats))))
		}
		if len(docs) > 0 {
			qs = append(qs, bq.NewDocIDQuery(docs))
		}
		if len(qs) == 0 {
			return none(), nil
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	}
	return nil, fmt.Errorf("unsupported operator %q", f.Name)
}

func (c *compiler) note(f *query.Field, n int) {
	if n == 0 {
		c.out.notes = append(c.out.notes, Unmatched{Text: f.String(), Op: f.Name, Value: f.Value, Suggest: c.dir.suggest(f.Name, f.Value)})
	}
}

func userKeys(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = userKey(id)
	}
	return out
}

// convKeys maps conversation ids to their facet keys; conversations with
// no messages (no number yet) have none.
func (d *directory) convKeys(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if no, ok := d.noOf[id]; ok {
			out = append(out, convKey(no))
		}
	}
	return out
}

func prefixed(p string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p + id
	}
	return out
}

// Date ranges become a union of the coarsest time terms that tile them:
// whole years, months, days, then hours (all UTC). Bounds are rounded to
// the hour; open ends stop at minYear and maxYear.
const minYear, maxYear = 2000, 2100

func dateQuery(from, to time.Time) bq.Query {
	terms := dateTerms(from, to)
	if len(terms) == 0 {
		return none()
	}
	qs := make([]bq.Query, len(terms))
	for i, t := range terms {
		field := fieldKeys
		if strings.HasPrefix(t, "mo:") {
			field = fieldFacet
		}
		qs[i] = termQ(field, t)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// dateTerms tiles [from, to) with y:, mo:, d: and h: terms.
func dateTerms(from, to time.Time) []string {
	lo := time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(maxYear, 1, 1, 0, 0, 0, 0, time.UTC)
	if !from.IsZero() {
		lo = maxTime(lo, from.UTC().Truncate(time.Hour))
	}
	if !to.IsZero() {
		t := to.UTC()
		if r := t.Truncate(time.Hour); r.Before(t) {
			t = r.Add(time.Hour)
		}
		hi = minTime(hi, t)
	}
	var out []string
	for t := lo; t.Before(hi); {
		switch {
		case t.Month() == 1 && t.Day() == 1 && t.Hour() == 0 && !t.AddDate(1, 0, 0).After(hi):
			out = append(out, "y:"+t.Format("2006"))
			t = t.AddDate(1, 0, 0)
		case t.Day() == 1 && t.Hour() == 0 && !t.AddDate(0, 1, 0).After(hi):
			out = append(out, "mo:"+t.Format("200601"))
			t = t.AddDate(0, 1, 0)
		case t.Hour() == 0 && !t.AddDate(0, 0, 1).After(hi):
			out = append(out, "d:"+t.Format("20060102"))
			t = t.AddDate(0, 0, 1)
		default:
			out = append(out, "h:"+t.Format("2006010215"))
			t = t.Add(time.Hour)
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// directory is a snapshot of the names queries use.
type directory struct {
	me       string
	users    []storage.User
	names    map[string]string // user id → display name (users and members)
	mails    map[string]string
	convs    map[string]convName
	teams    []storage.Team
	members  map[string][]string // chat id → member user ids
	recs     []storage.Record
	gen      uint64              // the store's NamesGeneration this was loaded at
	chatLink map[string][]string // recordKey → linked chat ids (storage.Overlay)
	postLink map[string][]string // recordKey → documents of the threads and messages linked in Rapport
	byNo     map[int64]string    // conversation number → id
	noOf     map[string]int64    // conversation id → number
	byKey    map[string]string   // user facet key → user id
	topics   map[string][]string // folded tag label → every label of its topic (folded), when it has aliases
}

// tagLabels lists the labels tag:v finds: v and its aliases.
func (d *directory) tagLabels(v string) []string {
	if ls, ok := d.topics[v]; ok {
		return ls
	}
	return []string{v}
}

type convName struct {
	Kind, Name, Team, TeamID string
}

func loadDirectory(ctx context.Context, d Store) (*directory, error) {
	dir := &directory{names: map[string]string{}, mails: map[string]string{},
		convs: map[string]convName{}, members: map[string][]string{}, chatLink: map[string][]string{},
		postLink: map[string][]string{}}
	var err error
	if dir.me, err = d.Me(ctx); err != nil {
		return nil, fmt.Errorf("read me: %w", err)
	}
	if dir.users, err = d.Users(ctx); err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	for _, u := range dir.users {
		dir.names[u.ID] = u.DisplayName
		dir.mails[u.ID] = strings.ToLower(u.Mail)
	}
	if dir.teams, err = d.Teams(ctx); err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	for _, t := range dir.teams {
		chs, err := d.Channels(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("read channels: %w", err)
		}
		for _, c := range chs {
			dir.convs[c.ID] = convName{Kind: ConvChannel, Name: c.Name, Team: t.Name, TeamID: t.ID}
		}
	}
	chats, err := d.Chats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chats: %w", err)
	}
	for _, c := range chats {
		ms, err := d.Members(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("read members: %w", err)
		}
		var others []string
		for _, m := range ms {
			dir.members[c.ID] = append(dir.members[c.ID], m.UserID)
			if _, ok := dir.names[m.UserID]; !ok {
				dir.names[m.UserID] = m.DisplayName
				dir.mails[m.UserID] = strings.ToLower(m.Email)
			}
			if m.UserID != dir.me {
				others = append(others, m.DisplayName)
			}
		}
		name := c.Topic
		if name == "" {
			name = strings.Join(others, ", ")
		}
		dir.convs[c.ID] = convName{Kind: ConvChat, Name: name}
	}
	for _, set := range crm.LinkableNames() {
		rs, err := d.Records(ctx, set)
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		for _, r := range rs {
			if r.Deleted == nil {
				dir.recs = append(dir.recs, r)
			}
		}
	}
	if dir.byNo, err = d.ConvIDs(ctx); err != nil {
		return nil, fmt.Errorf("read conversations: %w", err)
	}
	dir.noOf = make(map[string]int64, len(dir.byNo))
	for no, id := range dir.byNo {
		dir.noOf[id] = no
	}
	dir.byKey = make(map[string]string, len(dir.names))
	for id := range dir.names {
		dir.byKey[userKey(id)] = id
	}
	// Chats linked to records: Dynamics' rows overlaid by Rapport's edits,
	// by the one rule the links views use (storage.Overlay).
	rows, err := d.Records(ctx, crm.LinkSet)
	if err != nil {
		return nil, fmt.Errorf("read chat links: %w", err)
	}
	var entries []storage.Link
	for _, c := range chats {
		ls, err := d.Links(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("read links: %w", err)
		}
		entries = append(entries, ls...)
	}
	ops, err := d.Outbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	byID := make(map[string]storage.Op, len(ops))
	for _, op := range ops {
		byID[op.ID] = op
	}
	for _, l := range storage.Overlay(nil, rows, entries, byID) {
		if l.Linked {
			k := recordKey(l.Set, l.RecordID)
			dir.chatLink[k] = append(dir.chatLink[k], l.Target)
		}
	}
	// Tag topics: a label and its aliases find the same items.
	metas, err := d.TagMetas(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	dir.topics = tagTopics(metas)
	// Threads and messages linked in Rapport: their posts' documents.
	local, err := d.LinksIn(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	for _, l := range local {
		kind, conv, msg := storage.ParseTarget(l.ChatID)
		no, ok := dir.noOf[conv]
		if l.Linked && ok {
			thread, around := "", 0
			if kind == storage.TargetThread {
				thread, around = msg, 1000
			}
			posts, err := d.MessagesAround(ctx, conv, msg, around, thread)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, fmt.Errorf("read linked posts: %w", err)
			}
			for _, p := range posts {
				k := recordKey(l.Set, l.RecordID)
				dir.postLink[k] = append(dir.postLink[k], storage.MessageDocID(no, p.ID))
			}
		}
	}
	return dir, nil
}

// recordKey names a record by type and id: an account and a case may
// share an id.
func recordKey(set, id string) string { return set + "/" + strings.ToLower(id) }

// matches reports whether the folded name contains the folded value.
func matches(name, v string) bool {
	return name != "" && strings.Contains(fold(name), v)
}

// people resolves a from:/to:/mentions: value: "me", an e-mail address
// (exact), or part of a display name.
func (d *directory) people(v string) []string {
	v = fold(strings.TrimSpace(v))
	if v == "me" || v == "moi" || v == "我" {
		if d.me == "" {
			return nil
		}
		return []string{d.me}
	}
	var out []string
	for id, name := range d.names {
		if mail := d.mails[id]; strings.Contains(v, "@") && mail == v || !strings.Contains(v, "@") && matches(name, v) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// places resolves an in: value to teams (by team name) and conversations
// (channel name, "Team/Channel", or chat name).
func (d *directory) places(v string) (teams, convs []string) {
	v = fold(strings.TrimSpace(strings.ReplaceAll(v, "›", "/")))
	for _, t := range d.teams {
		if matches(t.Name, v) {
			teams = append(teams, t.ID)
		}
	}
	for id, c := range d.convs {
		full := c.Name
		if c.Kind == ConvChannel {
			full = c.Team + "/" + c.Name
		}
		if matches(c.Name, v) || matches(full, v) || matches(strings.ReplaceAll(full, " / ", "/"), v) {
			convs = append(convs, id)
		}
	}
	slices.Sort(teams)
	slices.Sort(convs)
	return teams, convs
}

// records resolves a record: value (a case number, a name or title, an
// e-mail) to record ids, the case numbers among them, the chats linked to
// them (in Dynamics or Rapport) and the documents of the threads and
// messages linked to them in Rapport.
func (d *directory) records(v string) (ids, cases, chats, docs []string) {
	v = fold(strings.TrimSpace(v))
	for _, r := range d.recs {
		hit := false
		cs, _ := crm.Lookup(r.Set)
		for _, f := range cs.Text {
			if s, _ := r.Fields[f].(string); s != "" && (fold(s) == v || len(v) >= 3 && strings.Contains(fold(s), v)) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		ids = append(ids, r.ID)
		if t, _ := r.Fields["ticketnumber"].(string); t != "" {
			cases = append(cases, strings.ToLower(t))
		}
		chats = append(chats, d.chatLink[recordKey(r.Set, r.ID)]...)
		docs = append(docs, d.postLink[recordKey(r.Set, r.ID)]...)
	}
	slices.Sort(ids)
	slices.Sort(cases)
	slices.Sort(chats)
	slices.Sort(docs)
	return ids, cases, slices.Compact(chats), slices.Compact(docs)
}

// namesRecord reports whether v is the text of a record (a record named
// "Case" is meant by record:case, not every case).
func (d *directory) namesRecord(v string) bool {
	v = fold(strings.TrimSpace(v))
	for _, r := range d.recs {
		cs, _ := crm.Lookup(r.Set)
		for _, f := range cs.Text {
			if s, _ := r.Fields[f].(string); s != "" && fold(s) == v {
				return true
			}
		}
	}
	return false
}

// linkedToSet lists the chats, and the documents of threads and messages,
// linked to any record of set.
func (d *directory) linkedToSet(set string) (chats, docs []string) {
	prefix := set + "/"
	for k, cs := range d.chatLink {
		if strings.HasPrefix(k, prefix) {
			chats = append(chats, cs...)
		}
	}
	for k, ds := range d.postLink {
		if strings.HasPrefix(k, prefix) {
			docs = append(docs, ds...)
		}
	}
	slices.Sort(chats)
	slices.Sort(docs)
	return slices.Compact(chats), slices.Compact(docs)
}

// chatsWith lists the chats a user is a member of.
func (d *directory) chatsWith(user string) []string {
	var out []string
	for chat, ms := range d.members {
		if slices.Contains(ms, user) {
			out = append(out, chat)
		}
	}
	slices.Sort(out)
	return out
}

// tagTopics maps every label that belongs to a topic with several labels
// to all of them, folded as the index folds them.
func tagTopics(metas map[string]storage.TagMeta) map[string][]string {
	groups := map[string][]string{}
	for n, m := range metas {
		if m.Topic != "" {
			groups[m.Topic] = append(groups[m.Topic], n)
		}
	}
	out := map[string][]string{}
	for t, g := range groups {
		var labels []string
		for _, l := range append(g, t) {
			if f := Tag(l); !slices.Contains(labels, f) {
				labels = append(labels, f)
			}
		}
		slices.Sort(labels)
		for _, l := range labels {
			out[l] = labels
		}
	}
	return out
}
