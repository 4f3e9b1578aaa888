package search_test

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestLabelled measures search quality with a labelled query set: each
// query comes with a relevance predicate over the simulated tenant's
// ground truth, and a minimum precision and recall.
//
// Relevance is judged on what the generator meant, not on the words it
// happened to use: every generated message records its language and the
// topics it is about (payment, contract, fault, delivery, training,
// requirement, meeting; tenantsim.Message.Topics), so "付款" is judged
// against the Chinese payment messages, whether they say 付款, 发票 or
// 对账单. Other queries are judged on literal ground truth (the case
// number a message cites, the hashtags it carries, who wrote it, where,
// when). System events are never relevant (search does not index them),
// nor are deleted messages, except to is:deleted.
//
// Two columns come from the ground truth alone, never from the engine:
// lexR is the share of the relevant documents whose text (subject, body,
// file names, record fields; lower case, no accents, file names and
// e-mail domains split into words) uses one of the query's word forms,
// roughly the recall an engine without synonyms can reach; lexP is the
// share of the documents using those forms that are relevant, roughly the
// precision a lexical engine can reach. They explain misses and set the
// topic words' thresholds (see labQueries).
//
// The test prints the table and macro averages per group (zh, en, fr,
// mixed, ops) and overall, and fails if any query misses a threshold.
func TestLabelled(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 5, Size: tenantsim.Medium})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	c := labBuildCorpus(t, ctx, r)
	queries := labQueries(c)
	if len(queries) < 60 {
		t.Fatalf("only %d labelled queries", len(queries))
	}

	type row struct {
		q                labQuery
		hits, rel, both  int
		p, rec, lex      float64
		lexP             float64
		unknown          int
		failP, failR     bool
		falsePos, missed []string
	}
	var rows []row
	for _, q := range queries {
		got, unknown, err := labSearchAll(ctx, ix, q.q, c.w.End)
		if err != nil {
			t.Fatalf("%s: %v", q.q, err)
		}
		rw := row{q: q, hits: len(got), unknown: unknown}
		lexRE := (*regexp.Regexp)(nil)
		if q.lex != "" {
			lexRE = regexp.MustCompile(q.lex)
		}
		relevant := func(d *labDoc) bool { return (!d.deleted || q.deleted) && q.rel(d) }
		lexHits, lexAll, lexRel := 0, 0, 0
		for _, d := range c.docs {
			if d.deleted && !q.deleted {
				continue
			}
			if lexRE != nil && lexRE.MatchString(d.lexText) && (q.filter == nil || q.filter(d)) {
				lexAll++
				if q.rel(d) {
					lexRel++
				}
			}
			if !q.rel(d) {
				continue
			}
			rw.rel++
			if lexRE != nil && lexRE.MatchString(d.lexText) {
				lexHits++
			}
			if got[d.key] {
				rw.both++
			} else if len(rw.missed) < 3 {
				rw.missed = append(rw.missed, d.describe())
			}
		}
		for key := range got {
			if d := c.byKey[key]; d != nil && !relevant(d) && len(rw.falsePos) < 3 {
				rw.falsePos = append(rw.falsePos, d.describe())
			}
		}
		if rw.rel == 0 {
			t.Errorf("%s: no relevant documents: the query tests nothing", q.q)
		}
		rw.rec = labRatio(rw.both, rw.rel)
		rw.p = math.NaN() // no hits: precision undefined, left out of averages
		if rw.hits > 0 {
			rw.p = labRatio(rw.both, rw.hits)
		}
		rw.lex, rw.lexP = math.NaN(), math.NaN()
		if lexRE != nil {
			rw.lex = labRatio(lexHits, rw.rel)
			rw.lexP = labRatio(lexRel, lexAll)
		}
		rw.failP = rw.hits > 0 && rw.p < q.minP || rw.hits == 0 && q.minP > 0
		rw.failR = rw.rec < q.minR
		rows = append(rows, rw)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%-6s %-44s %6s %6s %6s %6s %6s %6s %11s  %s\n", "group", "query", "hits", "rel", "P", "R", "lexP", "lexR", "min P/R", "")
	f := func(x float64) string {
		if math.IsNaN(x) {
			return "-"
		}
		return fmt.Sprintf("%.3f", x)
	}
	type avg struct {
		p, r   float64
		np, nr int
	}
	groups := map[string]*avg{}
	all := &avg{}
	for _, rw := range rows {
		mark := ""
		if rw.failP {
			mark += " FAIL-P"
		}
		if rw.failR {
			mark += " FAIL-R"
		}
		fmt.Fprintf(&b, "%-6s %-44s %6d %6d %6s %6s %6s %6s %5.2f/%4.2f %s\n", rw.q.group, labClip(rw.q.q, 44), rw.hits, rw.rel, f(rw.p), f(rw.rec), f(rw.lexP), f(rw.lex), rw.q.minP, rw.q.minR, mark)
		g := groups[rw.q.group]
		if g == nil {
			g = &avg{}
			groups[rw.q.group] = g
		}
		for _, a := range []*avg{g, all} {
			if !math.IsNaN(rw.p) {
				a.p += rw.p
				a.np++
			}
			a.r += rw.rec
			a.nr++
		}
	}
	fmt.Fprintf(&b, "\nmacro averages (precision over queries with hits):\n")
	for _, name := range append(labGroups, "all") {
		g := groups[name]
		if name == "all" {
			g = all
		}
		if g == nil {
			continue
		}
		fmt.Fprintf(&b, "  %-9s queries %3d  P %.3f  R %.3f\n", name, g.nr, g.p/float64(max(g.np, 1)), g.r/float64(max(g.nr, 1)))
	}
	fmt.Fprintf(&b, "\nnotes:\n")
	for _, rw := range rows {
		if rw.q.note != "" {
			fmt.Fprintf(&b, "  %-30s %s\n", labClip(rw.q.q, 30), rw.q.note)
		}
	}
	t.Log(b.String())
	labRanking(t, ctx, ix, c, queries)

	// Issue 19 item 6: every labelled query highlights only its own terms
	// (TestHighlightsOnlyTheQuery's check, over this set's first pages).
	marked := 0
	for _, q := range queries {
		n, bad := checkHighlights(t, ix, q.q, search.Request{Q: q.q, Size: 50, Now: c.w.End, Loc: time.UTC})
		marked += n
		for _, e := range bad[:min(len(bad), 3)] {
			t.Error(e)
		}
	}
	t.Logf("highlights: %d marked spans over %d labelled queries, each one of the query's terms", marked, len(queries))
	if marked < 1000 {
		t.Errorf("only %d marked spans: the highlight check checks little", marked)
	}

	for _, rw := range rows {
		if rw.unknown > 0 {
			t.Logf("%s: %d hits are not in the ground truth", rw.q.q, rw.unknown)
		}
		if !rw.failP && !rw.failR {
			continue
		}
		var why []string
		if rw.failP {
			why = append(why, fmt.Sprintf("precision %s < %.2f, e.g. %s", f(rw.p), rw.q.minP, strings.Join(rw.falsePos, "; ")))
		}
		if rw.failR {
			why = append(why, fmt.Sprintf("recall %.3f < %.2f (lexR %s), e.g. missed %s", rw.rec, rw.q.minR, f(rw.lex), strings.Join(rw.missed, "; ")))
		}
		if rw.q.note != "" {
			why = append(why, "note: "+rw.q.note)
		}
		t.Errorf("%s %q: %s", rw.q.group, rw.q.q, strings.Join(why, "; "))
	}
}

// labRanking measures the order of the first page: NDCG@10 of the word
// queries (groups zh, en, fr, mixed), a hit's gain 1 when the ground truth
// judges it relevant (acknowledgements are about no topic: never), with
// and without the substance boosts (rank.go); it fails below a floor.
func labRanking(t *testing.T, ctx context.Context, ix *search.Index, c *labCorpus, queries []labQuery) {
	acks, shown := 0, 0 // first-page hits about no topic (acknowledgements, small talk)
	ndcg := func(q labQuery) float64 {
		res, err := ix.Search(ctx, search.Request{Q: q.q, Size: 10, Now: c.w.End, Loc: time.UTC})
		if err != nil {
			t.Fatalf("%s: %v", q.q, err)
		}
		dcg := 0.0
		for i, h := range res.Hits {
			key := ""
			if h.Message != nil && h.Conv != nil {
				key = "m:" + h.Conv.ID + "/" + h.Message.ID
			} else if h.Record != nil {
				key = "r:" + h.Record.Set + "/" + h.Record.ID
			}
			d := c.byKey[key]
			if d != nil && (!d.deleted || q.deleted) && q.rel(d) {
				dcg += 1 / math.Log2(float64(i+2))
			}
			shown++
			if d != nil && d.msg != nil && len(d.msg.Topics) == 0 {
				acks++
			}
		}
		rel := 0
		for _, d := range c.docs {
			if (!d.deleted || q.deleted) && q.rel(d) {
				rel++
			}
		}
		ideal := 0.0
		for i := range min(rel, 10) {
			ideal += 1 / math.Log2(float64(i+2))
		}
		if ideal == 0 {
			return math.NaN()
		}
		return dcg / ideal
	}
	var words []labQuery
	for _, q := range queries {
		if q.group != "ops" && !strings.Contains(q.q, ":") {
			words = append(words, q)
		}
	}
	mean := func(on bool) (float64, map[string]float64) {
		search.SetRankQuality(on)
		defer search.SetRankQuality(true)
		acks, shown = 0, 0
		sum, n := 0.0, 0
		byGroup, counts := map[string]float64{}, map[string]int{}
		for _, q := range words {
			if v := ndcg(q); !math.IsNaN(v) {
				sum, n = sum+v, n+1
				byGroup[q.group] += v
				counts[q.group]++
			}
		}
		for g := range byGroup {
			byGroup[g] /= float64(counts[g])
		}
		return sum / float64(max(n, 1)), byGroup
	}
	before, bg := mean(false)
	acksBefore, shownBefore := acks, shown
	after, ag := mean(true)
	t.Logf("first-page hits about no topic (acknowledgements, small talk): %d of %d without the substance factors, %d of %d with", acksBefore, shownBefore, acks, shown)
	t.Logf("NDCG@10 over %d word queries: %.3f without the substance factors, %.3f with (zh %.3f→%.3f, en %.3f→%.3f, fr %.3f→%.3f, mixed %.3f→%.3f)",
		len(words), before, after, bg["zh"], ag["zh"], bg["en"], ag["en"], bg["fr"], ag["fr"], bg["mixed"], ag["mixed"])
	if after < labMinNDCG {
		t.Errorf("NDCG@10 %.3f < %.2f", after, labMinNDCG)
	}
	if acks*2 > acksBefore {
		t.Errorf("the substance factors should at least halve the first pages' acknowledgements and small talk: %d, was %d", acks, acksBefore)
	}
}

// labMinNDCG is the first page's quality the ranking must keep.
const labMinNDCG = 0.95

// labGroups are the query groups, in report order.
var labGroups = []string{"zh", "en", "fr", "mixed", "ops"}

// labQuery is one labelled query.
type labQuery struct {
	group      string
	q          string
	rel        func(*labDoc) bool
	minP, minR float64
	deleted    bool               // deleted messages may be relevant (is:deleted)
	lex        string             // regexp over labDoc.lexText: the documents that use the query's words
	filter     func(*labDoc) bool // operators with text: lexP and lexR are judged among these documents
	note       string             // why the thresholds are what they are
}

// labDoc is one searchable document as the ground truth knows it.
type labDoc struct {
	key     string // "m:<conv id>/<message id>" or "r:<set>/<id>"
	msg     *tenantsim.Message
	set     string // records: entity set
	title   string // records
	lang    tenantsim.Lang
	topics  []string
	place   string // messages: the conversation's name, "Team/Channel" or the chat's topic
	lexText string // subject, text and file names or record text, folded (labLexText)
	deleted bool
}

func (d *labDoc) describe() string {
	if d.msg == nil {
		return fmt.Sprintf("[%s %s]", d.set, d.title)
	}
	flags := ""
	if d.msg.Hostile {
		flags = " hostile"
	}
	return fmt.Sprintf("[%s %v%s %s: %s]", d.lang, d.topics, flags, d.place, labClip(strings.ReplaceAll(d.lexText, "\n", " / "), 90))
}

type labCorpus struct {
	w     *tenantsim.World
	docs  []*labDoc
	byKey map[string]*labDoc
}

// labBuildCorpus collects the ground truth of every message the store
// holds and every record search indexes.
func labBuildCorpus(t *testing.T, ctx context.Context, r *enginetest.Rig) *labCorpus {
	t.Helper()
	ten := r.Srv.Tenant()
	w := ten.World()
	c := &labCorpus{w: w, byKey: map[string]*labDoc{}}
	places := map[string]string{} // conversation id → name
	for _, tm := range w.Teams {
		for _, ch := range tm.Channels {
			places[ch.ID] = tm.DisplayName + "/" + ch.DisplayName
		}
	}
	for _, ch := range w.Chats {
		places[ch.ID] = ch.Topic
	}
	add := func(d *labDoc) {
		c.docs = append(c.docs, d)
		c.byKey[d.key] = d
	}
	missing := 0
	for _, id := range ten.Conversations() {
		ms, err := ten.Messages(id)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := r.DB.Messages(ctx, id, time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, m := range stored {
			have[m.ID] = true
		}
		for _, m := range ms {
			if m.Type != "message" {
				continue
			}
			if !have[m.ID] {
				missing++
				continue
			}
			parts := []string{m.Subject, m.Text}
			for _, a := range m.Attachments {
				parts = append(parts, a.Name)
			}
			add(&labDoc{key: "m:" + id + "/" + m.ID, msg: m, lang: m.Lang, topics: m.Topics,
				place: places[id], lexText: labLexText(strings.Join(parts, "\n")), deleted: m.Deleted != nil})
		}
	}
	if missing > 0 {
		t.Logf("%d generated messages are not in the store; they are left out", missing)
	}

	custByAccount := map[string]*tenantsim.Customer{}
	for _, cu := range w.Customers {
		custByAccount[cu.AccountID] = cu
	}
	owner := map[string]string{"incidents": "_customerid_value", "accounts": "accountid", "contacts": "_parentcustomerid_value",
		"opportunities": "_parentaccountid_value"}
	for _, cs := range crm.Linkable() {
		set, fields := cs.Name, cs.Text
		for _, row := range ten.Rows(set) {
			id, _ := row[cs.Key].(string)
			var parts []string
			for _, f := range fields {
				if s, _ := row[f].(string); s != "" {
					parts = append(parts, s)
				}
			}
			title, _ := row[fields[0]].(string)
			d := &labDoc{key: "r:" + set + "/" + id, set: set, title: title, lexText: labLexText(strings.Join(parts, "\n"))}
			if acc, _ := row[owner[set]].(string); custByAccount[acc] != nil {
				cu := custByAccount[acc]
				d.lang = cu.Lang
				if tp := labRecordTopics[strings.Replace(title, cu.Short, "%s", 1)]; tp != "" {
					d.topics = []string{tp}
				}
			}
			if set == "knowledgearticles" {
				kw, _ := row["keywords"].(string)
				d.lang = tenantsim.Lang(kw)
				if tp := labRecordTopics[title]; tp != "" {
					d.topics = []string{tp}
				}
			}
			add(d)
		}
	}
	sort.Slice(c.docs, func(i, j int) bool { return c.docs[i].key < c.docs[j].key })
	return c
}

// labRecordTopics labels the generator's record titles (case titles,
// opportunity names with the customer's name as %s; knowledge article
// titles) with what they are about. Titles missing here are about none of
// the topics.
var labRecordTopics = map[string]string{
	"%s 设备报警无法消除": "fault", "%s 第二期付款发票有误": "payment", "%s 系统登录失败": "fault",
	"%s 交付延期需确认新时间": "delivery", "%s 报表数据不一致": "fault", "%s 合同续约条款确认": "contract",
	"%s alarm cannot be cleared": "fault", "%s invoice for second instalment incorrect": "payment", "%s login failures": "fault",
	"%s delivery slot to reconfirm": "delivery", "%s report totals mismatch": "fault", "%s renewal terms to confirm": "contract",
	"%s : alarme impossible à acquitter": "fault", "%s : facture de la deuxième échéance erronée": "payment", "%s : échecs de connexion": "fault",
	"%s : créneau de livraison à reconfirmer": "delivery", "%s : écarts dans les rapports": "fault", "%s : conditions de renouvellement": "contract",
	"%s 年度维保续约": "contract", "%s annual support renewal": "contract", "%s renouvellement du support annuel": "contract",
	"设备报警代码对照表": "fault", "发票开具与对账流程说明": "payment", "IoT 网关离线排查步骤": "fault", "付款方式与账期说明": "payment",
	"Alarm code reference": "fault", "Invoice and statement process": "payment", "Troubleshooting offline gateways": "fault",
	"Codes d’alarme : référence": "fault", "Processus de facturation": "payment",
}

// labSearchAll runs q and pages through every hit; it returns the hits'
// ground-truth keys and how many hits were not recognisable. Paging must
// neither repeat nor skip a hit.
func labSearchAll(ctx context.Context, ix *search.Index, q string, now time.Time) (map[string]bool, int, error) {
	got := map[string]bool{}
	unknown, seen := 0, 0
	for off := 0; ; {
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Offset: off, Now: now, Loc: time.UTC})
		if err != nil {
			return nil, 0, err
		}
		if res.QueryError != nil {
			return nil, 0, fmt.Errorf("query error: %+v", *res.QueryError)
		}
		seen += len(res.Hits)
		for _, h := range res.Hits {
			switch {
			case h.Message != nil && h.Conv != nil:
				got["m:"+h.Conv.ID+"/"+h.Message.ID] = true
			case h.Record != nil:
				got["r:"+h.Record.Set+"/"+h.Record.ID] = true
			default:
				unknown++
			}
		}
		off += 200
		if off >= int(res.Total) || len(res.Hits) == 0 {
			if seen != int(res.Total) || len(got)+unknown != seen {
				return nil, 0, fmt.Errorf("total %d, %d hits on the pages, %d distinct", res.Total, seen, len(got)+unknown)
			}
			return got, unknown, nil
		}
	}
}

// ---- relevance predicates ----

// labTopic: messages and records about topic, written in one of langs
// (any language if none).
func labTopic(topic string, langs ...tenantsim.Lang) func(*labDoc) bool {
	return func(d *labDoc) bool {
		return slices.Contains(d.topics, topic) && (len(langs) == 0 || slices.Contains(langs, d.lang))
	}
}

// labSays: documents whose text contains s (folded: case and accents
// ignored).
func labSays(s string) func(*labDoc) bool {
	s = labLexText(s)
	return func(d *labDoc) bool { return strings.Contains(d.lexText, s) }
}

// labTagged: messages carrying the hashtag.
func labTagged(tag string) func(*labDoc) bool {
	return func(d *labDoc) bool { return d.msg != nil && slices.Contains(d.msg.Hashtags, tag) }
}

// labMsg: messages for which f holds.
func labMsg(f func(m *tenantsim.Message) bool) func(*labDoc) bool {
	return func(d *labDoc) bool { return d.msg != nil && f(d.msg) }
}

func labAnd(fs ...func(*labDoc) bool) func(*labDoc) bool {
	return func(d *labDoc) bool {
		for _, f := range fs {
			if !f(d) {
				return false
			}
		}
		return true
	}
}

func labOr(fs ...func(*labDoc) bool) func(*labDoc) bool {
	return func(d *labDoc) bool {
		for _, f := range fs {
			if f(d) {
				return true
			}
		}
		return false
	}
}

func labNot(f func(*labDoc) bool) func(*labDoc) bool { return func(d *labDoc) bool { return !f(d) } }

// labLexText folds text as a user reads it: lower case, no accents, curly
// apostrophes straight, and "_", "-", "." and "@" as spaces, so that file
// names (Bon_de_livraison_Maison_Dufour.pdf) and e-mail domains
// (maison-dufour.fr) read as words.
func labLexText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’':
			r = '\''
		case r == '_' || r == '-' || r == '.' || r == '@':
			r = ' '
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func labRatio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func labClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ---- the query set ----

// Thresholds.
//
// Operators are evaluated on metadata, and phrases, names, case numbers
// and hashtags are judged literally: an engine should be (nearly) exact,
// labExact and labOp.
//
// Topic words are judged by topic, and no engine without a thesaurus finds
// a payment message that says 对账单 when asked for 付款. So a word's
// thresholds come from its lexR and lexP columns (ground truth only, never
// the engine's results): minR is lexR rounded down to a multiple of 0.05,
// less 0.05; minP is 0.90, or lexP rounded down likewise, less 0.05, when
// the word also appears in other topics' messages. An engine that finds
// every message using the word, in any inflection, case or accent, passes;
// one that loses a form (plural, accent, elision, file name…) fails. The
// first version of this test asked for recall 0.50 of every topic word and
// 0.85 of every OR of a topic's words; the failures were all vocabulary
// (recall equal to lexR), and are listed in the notes.
const (
	labExactP, labExactR = 0.95, 0.95
	labOpP, labOpR       = 0.99, 0.99
)

func labQueries(c *labCorpus) []labQuery {
	zh, en, fr := tenantsim.LangZH, tenantsim.LangEN, tenantsim.LangFR
	var qs []labQuery
	add := func(group, q string, rel func(*labDoc) bool, minP, minR float64, lex, note string) {
		qs = append(qs, labQuery{group: group, q: q, rel: rel, minP: minP, minR: minR, lex: lex, note: note})
	}
	// word: a topic word (or several, ORed) judged by topic and language.
	word := func(group, q, topic string, lang tenantsim.Lang, lex string, minP, minR float64, note string) {
		add(group, q, labTopic(topic, lang), minP, minR, lex, note)
	}
	// multi: the same in every language.
	multi := func(q, topic, lex string, minP, minR float64, note string) {
		add("mixed", q, labTopic(topic), minP, minR, lex, note)
	}
	exact := func(group, q string, rel func(*labDoc) bool, lex, note string) {
		add(group, q, rel, labExactP, labExactR, lex, note)
	}
	// syn and orSyn explain a recall threshold lowered to lexR: the
	// topic's messages mostly use other words (such as words).
	syn := func(words string) string {
		if words != "" {
			words = " (" + words + ")"
		}
		return "was R≥0.50; most of the topic's messages use other words" + words + ", so R is held to lexR"
	}
	orSyn := func(words string) string {
		return "was R≥0.85; the topic's messages also use words the OR leaves out (" + words + "), so R is held to lexR"
	}

	// Names are judged literally, in the text, the file names
	// (QBR_Northwind.pptx) and e-mail domains (maison-dufour.fr) alike: a
	// user who searches a name expects the files named after it.
	const nameNote = "judged literally, file names (QBR_Northwind.pptx) and e-mail domains included"

	// Chinese.
	word("zh", "付款", "payment", zh, `付款`, 0.90, 0.40, syn("发票, 对账单, 回款, 第三期款"))
	word("zh", "发票", "payment", zh, `发票`, 0.90, 0.20, syn(""))
	word("zh", "对账单", "payment", zh, `对账单`, 0.90, 0.15, syn(""))
	word("zh", "回款", "payment", zh, `回款`, 0.90, 0.05, syn(""))
	word("zh", "合同", "contract", zh, `合同`, 0.75, 0.35, syn("")+"; was P≥0.90: a payment answer says 开票信息按合同上的来")
	word("zh", "报价", "contract", zh, `报价`, 0.90, 0.25, syn(""))
	word("zh", "续约", "contract", zh, `续约`, 0.90, 0.30, syn(""))
	word("zh", "故障", "fault", zh, `故障`, 0.90, 0.25, syn("fault reports describe symptoms: 登录失败, 报警, 宕机, 超时"))
	word("zh", "错误码", "fault", zh, `错误码`, 0.90, 0.20, syn(""))
	word("zh", "交付", "delivery", zh, `交付`, 0.90, 0.20, syn("发货, 到货, 物流, 验收"))
	word("zh", "交货", "delivery", zh, `交货`, 0, 0, "was P≥0.90 R≥0.50: the generator never writes 交货 (it says 交付, 发货, 到货, 送货); "+
		"only a synonym list could find these messages, so nothing is required")
	word("zh", "到货", "delivery", zh, `到货`, 0.90, 0.20, syn(""))
	word("zh", "培训", "training", zh, `培训`, 0.90, 0.80, "")
	word("zh", "需求", "requirement", zh, `需求`, 0.90, 0.75, "")
	word("zh", "会议", "meeting", zh, `会议`, 0.70, 0.35, syn("周会, 回顾会, 纪要")+"; was P≥0.90: training messages say 线上 Teams 会议")
	word("zh", "付款 OR 发票 OR 对账单 OR 回款 OR 账期", "payment", zh, `付款|发票|对账单|回款|账期`, 0.90, 0.85, "")
	word("zh", "故障 OR 报警 OR 告警 OR 宕机 OR 错误码 OR 登录失败", "fault", zh, `故障|报警|告警|宕机|错误码|登录失败`, 0.90, 0.60,
		orSyn("超时, 转圈, 延迟, 规避办法"))
	exact("zh", `"第二期付款"`, labSays("第二期付款"), `第二期付款`, "")
	exact("zh", `"错误码"`, labSays("错误码"), `错误码`, "")
	for _, i := range []int{0, 1} {
		name := c.w.Customers[i].Short
		exact("zh", name, labSays(name), regexp.QuoteMeta(labLexText(name)), nameNote)
	}
	exact("zh", "#付款", labTagged("付款"), "", "")
	exact("zh", "#技术故障", labTagged("技术故障"), "", "")

	// English.
	word("en", "payment", "payment", en, `\bpayments?\b`, 0.90, 0.25, syn("invoice, instalment, statement"))
	word("en", "payments", "payment", en, `\bpayments?\b`, 0.90, 0.25, syn(""))
	word("en", "ＰＡＹＭＥＮＴ", "payment", en, `\bpayments?\b`, 0.90, 0.25, "full-width, as typed with a Chinese input method; "+syn(""))
	word("en", "invoice", "payment", en, `\binvoices?\b`, 0.90, 0.25, syn(""))
	word("en", "invoices", "payment", en, `\binvoices?\b`, 0.90, 0.25, syn(""))
	word("en", "contract", "contract", en, `\bcontracts?\b`, 0.90, 0.15, syn("renewal, quote, amendment"))
	word("en", "renewal", "contract", en, `\brenewals?\b`, 0.60, 0.20, syn("")+"; was P≥0.90: the stemmer makes renewal renew, "+
		"and fault answers say we'll renew [the certificate] tonight, as any stemmer would")
	word("en", "outage", "fault", en, `\boutages?\b`, 0.90, 0.20, syn(""))
	word("en", "error", "fault", en, `\berrors?\b`, 0.90, 0.20, syn(""))
	word("en", "delivery", "delivery", en, `\bdeliver(y|ies)\b`, 0.80, 0.40, syn("")+"; was P≥0.90: payment questions ask "+
		"whether the invoice is due 30 or 60 days after delivery")
	word("en", "delivered", "delivery", en, `\bdeliver(s|ed|ing)?\b`, 0, 0, "was P≥0.90 R≥0.50: the generator never uses the verb "+
		"(deliver, delivered); Porter stems delivered to deliv and delivery to deliveri, as other stemmers do, so only a "+
		"derivational analyzer or a synonym list could find delivery messages; nothing is required")
	word("en", "training", "training", en, `\btrain(s|ed|ing)?\b`, 0.90, 0.70, "")
	word("en", "requirement", "requirement", en, `\brequirements?\b`, 0.90, 0.20, syn("new request, spec"))
	word("en", "meeting", "meeting", en, `\bmeetings?\b`, 0.90, 0.15, syn("call, review, minutes"))
	word("en", "meetings", "meeting", en, `\bmeetings?\b`, 0.90, 0.15, syn(""))
	word("en", "payment OR invoice OR instalment OR statement", "payment", en, `\b(payments?|invoices?|instalments?|statements?)\b`,
		0.90, 0.75, orSyn("collections plan, remittance"))
	exact("en", `"second instalment"`, labSays("second instalment"), `second instalment`, "")
	exact("en", `"error code"`, labSays("error code"), `error code`, "")
	exact("en", `"tracking number"`, labSays("tracking number"), `tracking number`, "")
	for _, name := range []string{c.w.Customers[4].Short, "HD Precision"} {
		exact("en", name, labSays(name), regexp.QuoteMeta(labLexText(name)), nameNote)
	}
	exact("en", "#payment", labTagged("payment"), "", "")

	// French.
	word("fr", "paiement", "payment", fr, `\bpaiements?\b`, 0.90, 0.25, syn("facture, échéance, relevé, règlement"))
	word("fr", "paiements", "payment", fr, `\bpaiements?\b`, 0.90, 0.25, syn(""))
	word("fr", "facture", "payment", fr, `\bfactures?\b`, 0.70, 0.25, syn("")+"; was P≥0.90: facturés (billed) in contract "+
		"and requirement questions folds and stems like facture, as a French stemmer would")
	word("fr", "échéance", "payment", fr, `\becheances?\b`, 0.90, 0.10, syn(""))
	word("fr", "echeance", "payment", fr, `\becheances?\b`, 0.90, 0.10, "without accents; "+syn(""))
	word("fr", "l'échéance", "payment", fr, `\becheances?\b`, 0.90, 0.10, "elided; "+syn(""))
	word("fr", "ÉCHÉANCE", "payment", fr, `\becheances?\b`, 0.90, 0.10, "upper case; "+syn(""))
	word("fr", "contrat", "contract", fr, `\bcontrats?\b`, 0.90, 0.30, syn("renouvellement, devis, avenant"))
	word("fr", "devis", "contract", fr, `\bdevis\b`, 0.90, 0.20, syn(""))
	word("fr", "panne", "fault", fr, `\bpannes?\b`, 0.90, 0.20, syn(""))
	word("fr", "erreur", "fault", fr, `\berreurs?\b`, 0.90, 0.20, syn(""))
	word("fr", "livraison", "delivery", fr, `\blivraisons?\b`, 0.90, 0.55, "")
	word("fr", "livraisons", "delivery", fr, `\blivraisons?\b`, 0.90, 0.55, "")
	word("fr", "formation", "training", fr, `\bformations?\b`, 0.90, 0.70, "")
	word("fr", "réunion", "meeting", fr, `\breunions?\b`, 0.90, 0.10, syn("point hebdo, revue, compte rendu"))
	word("fr", "reunion", "meeting", fr, `\breunions?\b`, 0.90, 0.10, "without accents; "+syn(""))
	word("fr", "paiement OR facture OR échéance OR relevé OR règlement", "payment", fr,
		`\b(paiements?|factures?|echeances?|releves?|reglements?)\b`, 0.85, 0.80, orSyn("échéancier, virement")+"; was P≥0.90: facturés, see facture")
	exact("fr", `"deuxième échéance"`, labSays("deuxième échéance"), `deuxieme echeance`, "")
	exact("fr", `"deuxieme echeance"`, labSays("deuxième échéance"), `deuxieme echeance`, "without accents")
	exact("fr", `"code d'erreur"`, labSays("code d'erreur"), `code d'erreur`, "")
	exact("fr", `"numéro de suivi"`, labSays("numéro de suivi"), `numero de suivi`, "")
	for _, name := range []string{c.w.Customers[5].Short, c.w.Customers[11].Short} {
		exact("fr", name, labSays(name), regexp.QuoteMeta(labLexText(name)), nameNote)
	}
	exact("fr", "lefevre", labSays("Lefèvre"), `lefevre`, "without accents; "+nameNote)
	exact("fr", "#paiement", labTagged("paiement"), "", "")
	exact("fr", "#facture", labTagged("facture"), "", "")
	exact("fr", "tag:livraison", labTagged("livraison"), "", "")

	// Several languages at once, and case numbers.
	multi("付款 OR payment OR paiement", "payment", `付款|\bpayments?\b|\bpaiements?\b`, 0.90, 0.35, syn(""))
	multi("合同 OR contract OR contrat", "contract", `合同|\bcontracts?\b|\bcontrats?\b`, 0.80, 0.30, syn("")+"; was P≥0.90: see 合同")
	multi("故障 OR outage OR panne", "fault", `故障|\boutages?\b|\bpannes?\b`, 0.90, 0.20, syn(""))
	multi("交付 OR delivery OR livraison", "delivery", `交付|\bdeliver(y|ies)\b|\blivraisons?\b`, 0.90, 0.30, syn(""))
	multi("培训 OR training OR formation", "training", `培训|\btraining\b|\bformations?\b`, 0.90, 0.75, "")
	multi("会议 OR meeting OR réunion", "meeting", `会议|\bmeetings?\b|\breunions?\b`, 0.75, 0.25, syn("")+"; was P≥0.90: see 会议")
	word("mixed", "Teams 培训", "training", zh, `teams.*培训|培训.*teams`, 0.90, 0.15, "both words in one message; was R≥0.20, held to lexR")
	exact("mixed", "#付款 OR #payment OR #paiement", labOr(labTagged("付款"), labTagged("payment"), labTagged("paiement")), "", "")
	for _, i := range []int{0, 4, 5} {
		kase := c.w.Customers[i].Cases[0]
		cites := labSays(kase) // the case record and the messages that cite it
		add("mixed", kase, cites, labExactP, 1, "", "")
		if i == 0 {
			add("mixed", strings.ToLower(kase), cites, labExactP, 1, "", "")
			add("mixed", "record:"+kase, cites, labExactP, 1, "", "")
		}
	}

	// Operators, alone and with text.
	urgent := labMsg(func(m *tenantsim.Message) bool { return m.Importance == "urgent" })
	important := labMsg(func(m *tenantsim.Message) bool { return m.Importance == "urgent" || m.Importance == "high" })
	files := labMsg(func(m *tenantsim.Message) bool {
		return slices.ContainsFunc(m.Attachments, func(a tenantsim.Attachment) bool { return a.IsFile() })
	})
	images := labMsg(func(m *tenantsim.Message) bool { return len(m.Hosted) > 0 })
	links := labMsg(func(m *tenantsim.Message) bool { return strings.Contains(m.HTML, `<a href="http`) })
	from := func(id string) func(*labDoc) bool {
		return labMsg(func(m *tenantsim.Message) bool { return m.AuthorID == id })
	}
	place := func(s string) func(*labDoc) bool {
		s = labLexText(s)
		return func(d *labDoc) bool { return d.msg != nil && strings.Contains(labLexText(d.place), s) }
	}
	op := func(q string, rel func(*labDoc) bool, note string) { add("ops", q, rel, labOpP, labOpR, "", note) }
	// opWord: an operator with a topic word; the word's thresholds, lex
	// judged among the documents the operator selects.
	opWord := func(q string, filter func(*labDoc) bool, topic string, lang tenantsim.Lang, lex string, minR float64) {
		add("ops", q, labAnd(filter, labTopic(topic, lang)), 0.90, minR, lex, syn(""))
		qs[len(qs)-1].filter = filter
	}
	month := c.w.End.AddDate(0, -2, 0)
	during := labMsg(func(m *tenantsim.Message) bool {
		return m.Created.UTC().Year() == month.Year() && m.Created.UTC().Month() == month.Month()
	})
	after := labMsg(func(m *tenantsim.Message) bool { return !m.Created.Before(month) })
	const hostileImg = "hostile messages carry <img src=\"x\" onerror=…>, which the sanitizer strips; " +
		"the ground truth counts hosted images only"
	op("is:urgent", urgent, "")
	op("is:important", important, "")
	op("has:attachment", files, "")
	op("has:image", images, hostileImg)
	op("has:link", links, "")
	op("has:attachment -is:urgent", labAnd(files, labNot(urgent)), "")
	qs = append(qs, labQuery{group: "ops", q: "is:deleted", deleted: true, minP: labOpP, minR: labOpR,
		rel: func(d *labDoc) bool { return d.deleted }})
	op("from:me", from(c.w.Me.ID), "")
	if u := labAuthor(c, fr); u != nil {
		op(fmt.Sprintf("from:%q", u.DisplayName), from(u.ID), "")
		op(fmt.Sprintf("from:%q", labLexText(u.DisplayName)), from(u.ID), "folded: lower case, no accents")
		opWord(fmt.Sprintf("from:%q paiement", u.DisplayName), from(u.ID), "payment", fr, `\bpaiements?\b`, 0.35)
	}
	if u := labAuthor(c, zh); u != nil {
		op("from:"+u.DisplayName, from(u.ID), "")
		op("mentions:"+u.DisplayName, labMsg(func(m *tenantsim.Message) bool {
			return slices.ContainsFunc(m.Mentions, func(x tenantsim.Mention) bool { return x.UserID == u.ID })
		}), "")
	}
	op("in:故障报告", place("故障报告"), "")
	op(`in:"Issue reports"`, place("Issue reports"), "")
	op("in:"+c.w.Customers[0].Short, place(c.w.Customers[0].Short), "its team's channels and its group chat")
	op("in:donnees", place("données"), "without accents")
	op("during:"+month.Format("2006-01"), during, "")
	op("after:"+month.AddDate(0, -1, 0).Format("2006-01")+" is:urgent", labAnd(after, urgent), "")
	op("in:故障报告 is:urgent", labAnd(place("故障报告"), urgent), "")
	op("has:image in:Incidents", labAnd(images, place("Incidents")), hostileImg)
	opWord("is:urgent 故障", urgent, "fault", zh, `故障`, 0.25)
	opWord("付款 has:attachment", files, "payment", zh, `付款`, 0.40)
	opWord("payment during:"+month.Format("2006-01"), during, "payment", en, `\bpayments?\b`, 0.25)
	return qs
}

// labAuthor picks a customer contact who wrote many messages, whose
// language is l and whose display name no one else has.
func labAuthor(c *labCorpus, l tenantsim.Lang) *tenantsim.User {
	names := map[string]int{}
	for _, u := range c.w.Users {
		names[labLexText(u.DisplayName)]++
	}
	count := map[string]int{}
	for _, d := range c.docs {
		if d.msg != nil {
			count[d.msg.AuthorID]++
		}
	}
	var best *tenantsim.User
	for _, u := range c.w.Users {
		if !u.IsGuest() || u.Customer < 0 || c.w.Customers[u.Customer].Lang != l || names[labLexText(u.DisplayName)] > 1 {
			continue
		}
		if best == nil || count[u.ID] > count[best.ID] {
			best = u
		}
	}
	return best
}
