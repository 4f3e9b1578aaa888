package search

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
)

// MappingVersion names the document layout below. Bump it whenever a
// field, a term or the analyzer changes: an index built with another
// version is rebuilt from the store. (ut: terms came without a bump: no
// store held user tags before schema 7 made their buckets, so a layout-5
// index has every ut: term it should.) Version 8 moved CJK bigrams to tc.
const MappingVersion = 8

// The index holds five fields, no stored values and no _all field (rows
// come from the store). The text is analyzed once (AnalyzerName) and its
// tokens split between t and tc by script, each keeping its position in
// the whole text:
//
//	t   Latin words, with positions for phrases
//	tc  CJK bigrams (and lone characters), without positions: a run of
//	    Chinese characters matches as the conjunction of its bigrams
//	    (compile.go), which saves the quarter of the index their
//	    positions took (BenchmarkIndexFieldCost: 68 B of 285 B/document)
//	k   filter terms: has:attachment/image/link/reaction, is:…, y:YYYY d:YYYYMMDD h:YYYYMMDDHH (UTC),
//	    mention:<user>, team:<team>, case:<ticket>, rid:<record id>, ua:<thread>,
//	    q:ack/q:short/q:body/q:ask/q:case, s:<subject term> (substance, rank.go)
//	f   facet terms, with doc values: kind:…, from:<user key>, in:<conv no.>, tag:<hashtag>,
//	    ut:<user tag, the message's own or its thread's or conversation's>, mo:YYYYMM (UTC),
//	    set:<entity set>
//	ts  sort key, with doc values: the time as 9 hex digits of Unix seconds
const (
	fieldText  = "t"
	fieldCJK   = "tc"
	fieldKeys  = "k"
	fieldFacet = "f"
	fieldTime  = "ts"
)

func newMapping() mapping.IndexMapping {
	text := mapping.NewTextFieldMapping()
	text.Analyzer = AnalyzerName
	text.Store, text.IncludeInAll, text.DocValues, text.IncludeTermVectors = false, false, false, true
	kw := func(docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.DocValues, f.IncludeTermVectors = false, false, docValues, false
		return f
	}
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text)
	cjk := mapping.NewTextFieldMapping()
	cjk.Analyzer = AnalyzerName
	cjk.Store, cjk.IncludeInAll, cjk.DocValues, cjk.IncludeTermVectors = false, false, false, false
	doc.AddFieldMappingsAt(fieldCJK, cjk)
	doc.AddFieldMappingsAt(fieldKeys, kw(false))
	doc.AddFieldMappingsAt(fieldFacet, kw(true))
	doc.AddFieldMappingsAt(fieldTime, kw(true))
	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = AnalyzerName
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m
}

const (
	optText  = index.IndexField | index.IncludeTermVectors
	optCJK   = index.IndexField
	optKeys  = index.IndexField
	optFacet = index.IndexField | index.DocValues
)

// docBuilder accumulates one document's fields.
type docBuilder struct {
	doc  *document.Document
	k, f int
}

func newDoc(id string) *docBuilder { return &docBuilder{doc: document.NewDocument(id)} }

// text adds s, analyzed once, as its Latin words (t) and its CJK bigrams
// (tc); a field with no tokens is left out. Both parts count the whole
// text's length for ranking, so a Latin name in a Chinese message ranks
// as it did in one field, not as a one-word message.
func (d *docBuilder) text(s string) {
	text := []byte(s) // shared: neither field stores or re-reads it
	ts := textAnalyzer.Analyze(text)
	latin, cjk := splitTokens(ts)
	if len(latin) > 0 {
		d.doc.AddField(partField{document.NewTextFieldCustom(fieldText, nil, text, optText, analyzed(latin)), len(ts)})
	}
	if len(cjk) > 0 {
		d.doc.AddField(partField{document.NewTextFieldCustom(fieldCJK, nil, text, optCJK, analyzed(cjk)), len(ts)})
	}
}

// partField is a text field holding part of a text's tokens, whose
// length (Bleve's norm) is the whole text's.
type partField struct {
	*document.TextField
	length int
}

func (f partField) AnalyzedLength() int { return f.length }

// splitTokens splits a token stream by script, each token keeping its
// position in the whole stream.
func splitTokens(ts analysis.TokenStream) (latin, cjk analysis.TokenStream) {
	for _, t := range ts {
		if isCJK(string(t.Term)) {
			cjk = append(cjk, t)
		} else {
			latin = append(latin, t)
		}
	}
	return latin, cjk
}

// analyzed is an analyzer whose tokens are already known: a field's part
// of a text analyzed once.
type analyzed analysis.TokenStream

func (a analyzed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

func (d *docBuilder) key(term string) {
	d.doc.AddField(document.NewTextFieldCustom(fieldKeys, []uint64{uint64(d.k)}, []byte(term), optKeys, nil))
	d.k++
}

func (d *docBuilder) facet(term string) {
	d.doc.AddField(document.NewTextFieldCustom(fieldFacet, []uint64{uint64(d.f)}, []byte(term), optFacet, nil))
	d.f++
}

func (d *docBuilder) time(t time.Time) {
	d.doc.AddField(document.NewTextFieldCustom(fieldTime, nil, []byte(timeKey(t)), optFacet, nil))
	u := t.UTC()
	d.key("y:" + u.Format("2006"))
	d.facet("mo:" + u.Format("200601"))
	d.key("d:" + u.Format("20060102"))
	d.key("h:" + u.Format("2006010215"))
}

// Facet values are short, because every hit's values are read back for
// facets: a user is 12 characters of a hash of their id, a conversation
// its number in the store (base 36). The directory maps them back.
func userKey(id string) string {
	h := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(h[:9])
}

func convKey(no int64) string { return strconv.FormatInt(no, 36) }

// timeKey is a fixed-width, order-preserving text form of t.
func timeKey(t time.Time) string {
	s := t.Unix()
	if s < 0 {
		s = 0
	}
	return fmt.Sprintf("%09x", s)
}

var (
	hashtagRE = regexp.MustCompile(`#([\p{L}\p{N}_][\p{L}\p{N}_\-]*)`)
)

// Tag normalises a hashtag for indexing and querying: accents folded,
// lower case, no '#'.
func Tag(s string) string { return fold(strings.TrimPrefix(strings.TrimSpace(s), "#")) }

// convRef is what the index needs to know about a conversation.
type convRef struct {
	ID     string
	Kind   string // chat or channel
	TeamID string
}

// msgFacts are the facts about a message that depend on other rows.
type msgFacts struct {
	Conv       convRef
	ConvNo     int64
	Unanswered string   // thread key when the message waits for an answer, else ""
	Tags       []string // user tags: the message's own, its thread's and its conversation's
}

// threadKey names a message's thread: the conversation for chats, the root
// post for channels.
func threadKey(convNo int64, kind string, m storage.ThreadPost) string {
	t := ""
	if kind == "channel" {
		t = m.ID
		if m.ReplyTo != "" {
			t = m.ReplyTo
		}
	}
	return strconv.FormatInt(convNo, 36) + "/" + t
}

// messageDoc builds a message's document. Indexable reports false for
// messages search leaves out (system events).
func messageDoc(doc string, m *storage.MessageWithBody, facts msgFacts) (*docBuilder, bool) {
	if m.Type != "" && m.Type != "message" {
		return nil, false
	}
	d := newDoc(doc)
	mc := content.Of(m)
	text, files, images := mc.Text, mc.Files, mc.Images
	d.text(text)
	d.facet("kind:message")
	if m.FromID != "" {
		d.facet("from:" + userKey(m.FromID))
	}
	d.facet("in:" + convKey(facts.ConvNo))
	if facts.Conv.TeamID != "" {
		d.key("team:" + facts.Conv.TeamID)
	}
	d.time(m.Created)
	if files > 0 {
		d.key("has:attachment")
	}
	if images > 0 {
		d.key("has:image")
	}
	if mc.Links > 0 {
		d.key("has:link")
	}
	if len(m.Reactions) > 0 {
		d.key("has:reaction")
	}
	switch m.Importance {
	case "urgent":
		d.key("is:urgent")
		d.key("is:important")
	case "high":
		d.key("is:important")
	}
	if m.Deleted != nil {
		d.key("is:deleted")
	}
	if facts.Unanswered != "" {
		d.key("is:unanswered")
		d.key("ua:" + facts.Unanswered)
	}
	var seen []string
	for _, mt := range m.Mentions {
		if mt.UserID != "" && !slices.Contains(seen, mt.UserID) {
			seen = append(seen, mt.UserID)
			d.key("mention:" + mt.UserID)
		}
	}
	seen = seen[:0]
	for _, g := range hashtagRE.FindAllStringSubmatch(text, -1) {
		if t := Tag(g[1]); t != "" && !slices.Contains(seen, t) {
			seen = append(seen, t)
			d.facet("tag:" + t)
		}
	}
	seen = seen[:0]
	for _, t := range facts.Tags {
		if t := Tag(t); t != "" && !slices.Contains(seen, t) {
			seen = append(seen, t)
			d.facet("ut:" + t)
		}
	}
	for _, c := range content.CaseNumbers(text) {
		d.key("case:" + strings.ToLower(c))
	}
	for _, k := range substance(text) {
		d.key(k)
	}
	seen = seen[:0]
	for _, t := range Analyze(m.Subject) {
		if !slices.Contains(seen, t.Term) {
			seen = append(seen, t.Term)
			d.key("s:" + t.Term)
		}
	}
	return d, true
}

// recordDoc builds a CRM record's document.
func recordDoc(doc string, r *storage.Record) (*docBuilder, bool) {
	if !crm.IsLinkable(r.Set) || r.Deleted != nil {
		return nil, false
	}
	d := newDoc(doc)
	text := crm.Text(r.Set, r.Fields)
	d.text(text)
	d.facet("kind:record")
	d.key("q:body") // a record is substance: its matches rank with long messages
	d.facet("set:" + r.Set)
	d.key("rid:" + r.ID)
	if r.Set == "incidents" {
		d.key("q:case")
		if t, _ := r.Fields["ticketnumber"].(string); t != "" {
			d.key("case:" + strings.ToLower(t))
		}
	}
	d.doc.AddField(document.NewTextFieldCustom(fieldTime, nil, []byte(timeKey(r.Modified)), optFacet, nil))
	return d, true
}
