package search_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// The oracle is a brute-force model of the index built straight from the
// store's rows: every filter operator is evaluated on the rows themselves,
// and text on the analyzer's own tokens of each row's text.

type odoc struct {
	id        string
	record    bool
	toks      []search.Token
	terms     map[string]bool
	from      string
	conv      string
	team      string
	created   time.Time
	hasDate   bool
	important string
	deleted   bool
	files     bool
	images    bool
	links     bool
	reacted   bool
	mentions  []string
	tags      []string
	waiting   bool
}

type oracle struct {
	docs    []*odoc
	names   map[string]string // user id → display name
	convs   map[string]string // channel id → "Team/Channel"
	samples []*odoc           // messages with text, to draw words from
	tags    []string
	months  []string
	texts   map[string]string // message doc id → text
}

var tagRE = regexp.MustCompile(`#([\p{L}\p{N}_][\p{L}\p{N}_\-]*)`)

func buildOracle(t *testing.T, ctx context.Context, db *storage.DB) *oracle {
	t.Helper()
	o := &oracle{names: map[string]string{}, convs: map[string]string{}, texts: map[string]string{}}
	users, _ := db.Users(ctx)
	internal := map[string]bool{}
	for _, u := range users {
		o.names[u.ID] = u.DisplayName
		if u.UserType != "Guest" {
			internal[u.ID] = true
		}
	}
	me, _ := db.Me(ctx)
	internal[me] = true
	type conv struct{ id, kind, team string }
	var convs []conv
	teams, _ := db.Teams(ctx)
	for _, tm := range teams {
		chs, _ := db.Channels(ctx, tm.ID)
		for _, c := range chs {
			convs = append(convs, conv{c.ID, "channel", tm.ID})
			o.convs[c.ID] = tm.Name + "/" + c.Name
		}
	}
	chats, _ := db.Chats(ctx)
	for _, c := range chats {
		convs = append(convs, conv{c.ID, "chat", ""})
		ms, _ := db.Members(ctx, c.ID)
		for _, m := range ms {
			if _, ok := o.names[m.UserID]; !ok {
				o.names[m.UserID] = m.DisplayName
			}
		}
	}
	months := map[string]bool{}
	tags := map[string]bool{}
	for _, c := range convs {
		no, ok, err := db.ConvNo(ctx, c.id)
		if err != nil || !ok {
			continue
		}
		ms, err := db.Messages(ctx, c.id, time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		latest := map[string]time.Time{} // thread → newest internal post
		thread := func(m storage.MessageWithBody) string {
			if c.kind == "chat" {
				return ""
			}
			if m.ReplyTo != "" {
				return m.ReplyTo
			}
			return m.ID
		}
		for _, m := range ms {
			if m.Type == "message" && internal[m.FromID] && m.Created.After(latest[thread(m)]) {
				latest[thread(m)] = m.Created
			}
		}
		for _, m := range ms {
			if m.Type != "message" {
				continue
			}
			raw, cards := m.Shown()
			ex := content.Extract(raw, m.TextBody)
			parts := []string{}
			if m.Subject != "" {
				parts = append(parts, m.Subject)
			}
			parts = append(parts, ex.Text)
			for _, cd := range cards {
				if _, text, _ := content.Card(cd.ContentType, cd.Content); text != "" {
					parts = append(parts, text)
				}
			}
			d := &odoc{id: storage.MessageDocID(no, m.ID), from: m.FromID, conv: c.id, team: c.team, created: m.Created, hasDate: true,
				important: m.Importance, deleted: m.Deleted != nil, reacted: len(m.Reactions) > 0, links: ex.Links > 0, images: ex.Images+len(m.Hosted) > 0}
			for _, a := range m.Attachments {
				if strings.HasPrefix(a.ContentType, "image/") {
					d.images = true
				} else if a.ContentType == "reference" || a.ContentType == "file" || strings.HasPrefix(a.ContentType, "application/") && !strings.Contains(a.ContentType, "card") {
					d.files = true
				}
				if a.Name != "" {
					parts = append(parts, a.Name)
				}
			}
			for _, mt := range m.Mentions {
				d.mentions = append(d.mentions, mt.UserID)
			}
			text := strings.Join(parts, "\n")
			o.texts[storage.MessageDocID(no, m.ID)] = text
			for _, g := range tagRE.FindAllStringSubmatch(text, -1) {
				d.tags = append(d.tags, search.Tag(g[1]))
				tags[search.Tag(g[1])] = true
			}
			d.waiting = m.FromID != "" && !internal[m.FromID] && m.Deleted == nil && latest[thread(m)].Before(m.Created)
			d.setText(text)
			o.docs = append(o.docs, d)
			if len(d.toks) > 2 {
				o.samples = append(o.samples, d)
			}
			months[m.Created.UTC().Format("2006-01")] = true
		}
	}
	for _, set := range crm.LinkableNames() {
		rs, _ := db.Records(ctx, set)
		for _, r := range rs {
			if r.Deleted != nil {
				continue
			}
			text := crm.Text(r.Set, r.Fields)
			d := &odoc{id: storage.RecordDocID(r.Set, r.ID), record: true}
			d.setText(text)
			o.docs = append(o.docs, d)
		}
	}
	for k := range tags {
		o.tags = append(o.tags, k)
	}
	for k := range months {
		o.months = append(o.months, k)
	}
	sort.Strings(o.tags)
	sort.Strings(o.months)
	return o
}

func (d *odoc) setText(text string) {
	d.toks = search.Analyze(text)
	d.terms = map[string]bool{}
	for _, tk := range d.toks {
		d.terms[tk.Term] = true
	}
}

// hasText: each run of Latin terms at consecutive positions, and every
// CJK bigram anywhere.
func (d *odoc) hasText(s string) bool {
	var run []search.Token
	for _, tk := range search.Analyze(s) {
		if !search.IsCJK(tk.Term) {
			run = append(run, tk)
			continue
		}
		if !d.hasRun(run) || !d.terms[tk.Term] {
			return false
		}
		run = nil
	}
	return d.hasRun(run)
}

// hasRun: the terms at consecutive positions.
func (d *odoc) hasRun(q []search.Token) bool {
	switch len(q) {
	case 0:
		return true
	case 1:
		return d.terms[q[0].Term]
	}
	at := map[int]string{}
	for _, tk := range d.toks {
		at[tk.Position] = tk.Term
	}
	for _, tk := range d.toks {
		if tk.Term != q[0].Term {
			continue
		}
		ok := true
		for j := 1; j < len(q); j++ {
			if at[tk.Position+j] != q[j].Term {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// clause is a generated query part and its meaning.
type clause struct {
	q    string
	pred func(*odoc) bool
}

func (o *oracle) word(r *rand.Rand) clause {
	d := o.samples[r.IntN(len(o.samples))]
	text := o.textOf(d)
	tk := d.toks[r.IntN(len(d.toks))]
	w := text[tk.Start:tk.End]
	if strings.ContainsAny(w, `"():：（）“”「」#-`) || strings.Contains(w, ":") {
		return clause{"payment ", func(x *odoc) bool { return x.hasText("payment") }}
	}
	return clause{w, func(x *odoc) bool { return x.hasText(w) }}
}

func (o *oracle) phrase(r *rand.Rand) clause {
	d := o.samples[r.IntN(len(o.samples))]
	text := o.textOf(d)
	i := r.IntN(len(d.toks) - 1)
	a, b := d.toks[i], d.toks[i+1]
	if b.Position != a.Position+1 || b.Start < a.End {
		return o.word(r)
	}
	p := text[a.Start:b.End]
	if strings.ContainsAny(p, "\"\n“”「」") {
		return o.word(r)
	}
	return clause{`"` + p + `"`, func(x *odoc) bool { return x.hasText(p) }}
}

// textOf recovers a sample's text (the oracle keeps tokens, not text).
func (o *oracle) textOf(d *odoc) string { return o.texts[d.id] }

func (o *oracle) operator(r *rand.Rand) clause {
	msgs := func(f func(*odoc) bool) func(*odoc) bool {
		return func(x *odoc) bool { return !x.record && f(x) }
	}
	switch r.IntN(13) {
	case 12:
		return clause{"has:reaction", msgs(func(x *odoc) bool { return x.reacted })}
	case 0:
		return clause{"has:attachment", msgs(func(x *odoc) bool { return x.files })}
	case 1:
		return clause{"has:image", msgs(func(x *odoc) bool { return x.images })}
	case 2:
		return clause{"has:link", msgs(func(x *odoc) bool { return x.links })}
	case 3:
		return clause{"is:urgent", msgs(func(x *odoc) bool { return x.important == "urgent" })}
	case 4:
		return clause{"is:important", msgs(func(x *odoc) bool { return x.important == "urgent" || x.important == "high" })}
	case 5:
		return clause{"is:unanswered", msgs(func(x *odoc) bool { return x.waiting })}
	case 6:
		d := o.samples[r.IntN(len(o.samples))]
		name := o.names[d.from]
		if name == "" {
			return clause{"is:record", func(x *odoc) bool { return x.record }}
		}
		var ids []string
		for id, n := range o.names {
			if strings.Contains(fold(n), fold(name)) {
				ids = append(ids, id)
			}
		}
		return clause{`from:"` + name + `"`, msgs(func(x *odoc) bool { return slices.Contains(ids, x.from) })}
	case 7:
		d := o.samples[r.IntN(len(o.samples))]
		name, ok := o.convs[d.conv]
		if !ok {
			return clause{"is:message", func(x *odoc) bool { return !x.record }}
		}
		var ids []string
		for id, n := range o.convs {
			if strings.Contains(fold(n), fold(name)) {
				ids = append(ids, id)
			}
		}
		return clause{`in:"` + name + `"`, msgs(func(x *odoc) bool { return slices.Contains(ids, x.conv) })}
	case 8:
		if len(o.tags) == 0 {
			return clause{"is:message", func(x *odoc) bool { return !x.record }}
		}
		tag := o.tags[r.IntN(len(o.tags))]
		return clause{"#" + tag, msgs(func(x *odoc) bool { return slices.Contains(x.tags, tag) })}
	case 9:
		m := o.months[r.IntN(len(o.months))]
		from, _ := time.Parse("2006-01", m)
		to := from.AddDate(0, 1, 0)
		return clause{"during:" + m, func(x *odoc) bool { return x.hasDate && !x.created.Before(from) && x.created.Before(to) }}
	case 10:
		d := o.samples[r.IntN(len(o.samples))]
		day := d.created.UTC().Format("2006-01-02")
		at, _ := time.Parse("2006-01-02", day)
		return clause{"before:" + day, func(x *odoc) bool { return x.hasDate && x.created.Before(at) }}
	default:
		d := o.samples[r.IntN(len(o.samples))]
		day := d.created.UTC().Format("2006-01-02")
		at, _ := time.Parse("2006-01-02", day)
		end := at.AddDate(0, 0, 1)
		return clause{"after:" + day, func(x *odoc) bool { return x.hasDate && !x.created.Before(end) }}
	}
}

func fold(s string) string { return strings.ToLower(s) }

func (o *oracle) atom(r *rand.Rand) clause {
	switch r.IntN(5) {
	case 0, 1:
		return o.word(r)
	case 2:
		return o.phrase(r)
	default:
		return o.operator(r)
	}
}

// query draws a random query: a conjunction of one to three parts, one
// maybe negated, or a disjunction of two.
func (o *oracle) query(r *rand.Rand) clause {
	if r.IntN(5) == 0 {
		a, b := o.atom(r), o.atom(r)
		return clause{"(" + a.q + " OR " + b.q + ")", func(x *odoc) bool { return a.pred(x) || b.pred(x) }}
	}
	n := 1 + r.IntN(3)
	parts := make([]clause, n)
	for i := range parts {
		parts[i] = o.atom(r)
	}
	neg := -1
	if n > 1 && r.IntN(3) == 0 {
		neg = r.IntN(n)
	}
	qs := make([]string, n)
	for i, p := range parts {
		qs[i] = p.q
		if i == neg {
			qs[i] = "-" + p.q
		}
	}
	return clause{strings.Join(qs, " "), func(x *odoc) bool {
		for i, p := range parts {
			if p.pred(x) == (i == neg) {
				return false
			}
		}
		return true
	}}
}

func TestSearchEqualsBruteForce(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 11, Size: tenantsim.Medium})
	ix, err := search.Open(ctx, t.TempDir(), rig.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	o := buildOracle(t, ctx, rig.DB)
	seed := uint64(1)
	if s := os.Getenv("RAPPORT_SEARCH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	checkOracle(t, ctx, ix, o, 300, seed)
	checkDateOrder(t, ctx, ix, o)
	checkFacetSample(t, ctx, ix, o)
}

// checkDateOrder compares date-sorted pages with the oracle's newest
// first order (to the second: the index keeps seconds), on queries with
// more hits than a date plan sorts whole, and fewer.
func checkDateOrder(t *testing.T, ctx context.Context, ix *search.Index, o *oracle) {
	t.Helper()
	tests := []struct {
		q    string
		pred func(*odoc) bool
	}{
		{"is:message", func(x *odoc) bool { return !x.record }},
		{"is:message -payment", func(x *odoc) bool { return !x.record && !x.hasText("payment") }},
		{"payment is:message", func(x *odoc) bool { return !x.record && x.hasText("payment") }},
		{"has:link", func(x *odoc) bool { return !x.record && x.links }},
	}
	for _, tt := range tests {
		var want []int64
		for _, d := range o.docs {
			if !d.deleted && tt.pred(d) {
				want = append(want, d.created.Unix())
			}
		}
		slices.SortFunc(want, func(a, b int64) int { return cmp.Compare(b, a) })
		if len(want) < 60 {
			t.Fatalf("%q: only %d hits: the check needs pages", tt.q, len(want))
		}
		for _, off := range []int{0, 50, len(want) / 2, len(want) - 10} {
			res, err := ix.Search(ctx, search.Request{Q: tt.q + " ", Sort: search.SortDate, Offset: off, Size: 50, Loc: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != uint64(len(want)) && !res.TotalMore {
				t.Errorf("%q sorted by date: %d hits, oracle %d", tt.q, res.Total, len(want))
			}
			if n := min(50, len(want)-off); len(res.Hits) != n {
				t.Errorf("%q sorted by date, offset %d: %d hits, want %d", tt.q, off, len(res.Hits), n)
				continue
			}
			for i, h := range res.Hits {
				if got := h.Message.Created.Unix(); got != want[off+i] {
					t.Errorf("%q sorted by date: hit %d at %s, oracle %s", tt.q, off+i,
						time.Unix(got, 0).UTC(), time.Unix(want[off+i], 0).UTC())
					break
				}
			}
		}
	}
}

// checkFacetSample: facets count every hit up to search.FacetSample,
// and say so (FacetsOf) when they count only the top ones: the most
// relevant FacetSample, or the hits of the newest days (FacetSample to
// four times as many).
func checkFacetSample(t *testing.T, ctx context.Context, ix *search.Index, o *oracle) {
	t.Helper()
	for _, tt := range []struct {
		q    string
		sort string
		pred func(*odoc) bool
	}{
		{"is:message", search.SortRelevance, func(x *odoc) bool { return !x.record }},
		{"is:message", search.SortDate, func(x *odoc) bool { return !x.record }},
		{"payment", search.SortRelevance, func(x *odoc) bool { return x.hasText("payment") }},
		{"payment is:message", search.SortDate, func(x *odoc) bool { return !x.record && x.hasText("payment") }},
	} {
		n := 0
		for _, d := range o.docs {
			if !d.deleted && tt.pred(d) {
				n++
			}
		}
		res, err := ix.Search(ctx, search.Request{Q: tt.q + " ", Sort: tt.sort, Size: 1, Facets: true, Loc: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		counted := 0
		for _, f := range res.Facets {
			if f.Dim == "kind" {
				for _, v := range f.Values {
					counted += v.Count
				}
			}
		}
		switch {
		case n <= search.FacetSample:
			if counted != n || res.FacetsOf != 0 {
				t.Errorf("%q (%s): kind facets count %d of %d hits, facetsOf %d", tt.q, tt.sort, counted, n, res.FacetsOf)
			}
		case counted != res.FacetsOf || res.FacetsOf < search.FacetSample || res.FacetsOf > 4*search.FacetSample || res.FacetsOf >= n:
			t.Errorf("%q (%s): kind facets count %d of %d hits, facetsOf %d (want %d to %d)", tt.q, tt.sort, counted, n, res.FacetsOf, search.FacetSample, 4*search.FacetSample)
		case tt.sort == search.SortRelevance && !strings.Contains(tt.q, ":") && res.FacetsOf != search.FacetSample:
			t.Errorf("%q: facets count the top %d hits, want %d", tt.q, res.FacetsOf, search.FacetSample)
		}
	}
}

// checkOracle compares n random queries with the brute-force scan.
func checkOracle(t *testing.T, ctx context.Context, ix *search.Index, o *oracle, n int, seed uint64) {
	t.Helper()
	if st := ix.Status(ctx); int(st.Indexed) != len(o.docs) {
		t.Fatalf("index holds %d documents, the store %d indexable rows", st.Indexed, len(o.docs))
	}
	r := rand.New(rand.NewPCG(seed, 7))
	checked, nonEmpty := 0, 0
	for i := 0; i < n; i++ {
		c := o.query(r)
		q := c.q + " " // no typeahead prefix: exact words only
		want := map[string]bool{}
		deleted := strings.Contains(q, "is:deleted")
		for _, d := range o.docs {
			if c.pred(d) && (deleted || !d.deleted) {
				want[d.id] = true
			}
		}
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Loc: time.UTC})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if res.QueryError != nil {
			t.Fatalf("%q: %v", q, res.QueryError.Message)
		}
		if res.TotalMore {
			// Filters alone stop counting at the bound: then the total must
			// be the bound, and a true lower bound.
			if res.Total != search.CountBound || len(want) <= search.CountBound {
				t.Errorf("%q: %d+ hits, oracle %d", q, res.Total, len(want))
			}
			continue
		}
		if int(res.Total) != len(want) {
			t.Errorf("%q: %d hits, oracle %d%s", q, res.Total, len(want), diff(ctx, ix, o, q, want))
			continue
		}
		if len(want) > 0 {
			nonEmpty++
		}
		if len(want) <= 1000 {
			got := map[string]bool{}
			for off := 0; off < len(want); off += 200 {
				page, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Offset: off, Loc: time.UTC})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range page.Hits {
					got[h.ID] = true
				}
			}
			for id := range want {
				if !got[id] {
					t.Errorf("%q: misses %s", q, id)
				}
			}
		}
		checked++
	}
	t.Logf("%d random queries (seed %d, RAPPORT_SEARCH_SEED to replay) equal the brute-force scan of %d documents; %d had hits", checked, seed, len(o.docs), nonEmpty)
	if nonEmpty < n/3 {
		t.Errorf("only %d of %d queries had hits: the generator is not exercising the index", nonEmpty, n)
	}
}

// diff names a few ids on either side, to debug a mismatch.
func diff(ctx context.Context, ix *search.Index, o *oracle, q string, want map[string]bool) string {
	got := map[string]bool{}
	for off := 0; off < 2000; off += 200 {
		page, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Offset: off, Loc: time.UTC})
		if err != nil || len(page.Hits) == 0 {
			break
		}
		for _, h := range page.Hits {
			got[h.ID] = true
		}
	}
	var extra, missing []string
	for id := range got {
		if !want[id] && len(extra) < 3 {
			extra = append(extra, id+" "+o.texts[id])
		}
	}
	for id := range want {
		if !got[id] && len(missing) < 3 {
			missing = append(missing, id+" "+o.texts[id])
		}
	}
	return fmt.Sprintf("\n  extra: %q\n  missing: %q", extra, missing)
}
