package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	porter "github.com/blevesearch/go-porterstemmer"
	"golang.org/x/text/unicode/norm"
)

// AnalyzerName is the text analyzer of the "t" field: one analyzer for
// Chinese, English and French, because a message (and a query) often
// mixes them.
//
//  1. Unicode word segmentation (UAX #29); Han, kana and Hangul come out
//     one character per token.
//  2. Full-width Latin letters and digits become ASCII (ｐａｙ → pay).
//  3. Lower case; French elision (l', d', qu', jusqu' …, straight or curly
//     apostrophe) and the English possessive 's are cut.
//  4. Accents are folded (échéance → echeance, œ → oe), so a query typed
//     without accents finds the accented word and vice versa.
//  5. English and French stop words are dropped (positions are kept, so
//     phrases still line up).
//  6. Pure-ASCII words are stemmed with Porter (payments → payment); it is
//     mild enough on French plurals (paiements → paiement).
//  7. Runs of CJK characters become overlapping bigrams (华东付款 → 华东
//     东付 付款); a lone character stays a unigram.
const AnalyzerName = "rapport"

type analyzer struct {
	tok    *unitok.UnicodeTokenizer
	bigram *cjk.CJKBigramFilter
	stem   bool
	stop   bool
}

// textAnalyzer is the indexing and query analyzer; prefixAnalyzer is the
// same without stemming and stop words, for typeahead prefixes (a stem of
// a partial word is meaningless, and "de" may be the start of "delivery").
var (
	textAnalyzer   = &analyzer{tok: unitok.NewUnicodeTokenizer(), bigram: cjk.NewCJKBigramFilter(false), stem: true, stop: true}
	prefixAnalyzer = &analyzer{tok: unitok.NewUnicodeTokenizer(), bigram: cjk.NewCJKBigramFilter(false)}
)

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return textAnalyzer, nil
	}); err != nil {
		panic(err)
	}
}

// Analyze implements analysis.Analyzer.
func (a *analyzer) Analyze(input []byte) analysis.TokenStream {
	toks := a.tok.Tokenize(input)
	out := make(analysis.TokenStream, 0, len(toks))
	for _, t := range toks {
		if t.Type == analysis.Ideographic {
			out = append(out, t)
			continue
		}
		for _, p := range splitJoined(t) {
			if a.normalize(p) {
				out = append(out, p)
			}
		}
	}
	return a.bigram.Filter(out)
}

// splitJoined splits a word the segmenter kept whole across '_' or '.'
// (file names like QBR_Northwind.pptx, identifiers like foo.bar) into its
// parts, so each part is a word of its own. Decimal numbers (3.5) stay.
func splitJoined(t *analysis.Token) []*analysis.Token {
	term := t.Term
	cut := false
	for i, c := range term {
		if c == '_' || c == '.' && (i == 0 || i == len(term)-1 || !isDigit(term[i-1]) || !isDigit(term[i+1])) {
			cut = true
			break
		}
	}
	if !cut {
		return []*analysis.Token{t}
	}
	var out []*analysis.Token
	start := 0
	for i := 0; i <= len(term); i++ {
		if i < len(term) && term[i] != '_' && !(term[i] == '.' && (i == 0 || i == len(term)-1 || !isDigit(term[i-1]) || !isDigit(term[i+1]))) {
			continue
		}
		if i > start {
			out = append(out, &analysis.Token{Term: term[start:i], Start: t.Start + start, End: t.Start + i, Position: t.Position, Type: t.Type})
		}
		start = i + 1
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// normalize rewrites a non-CJK token in place; false drops it.
func (a *analyzer) normalize(t *analysis.Token) bool {
	term := t.Term
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		term = lowerASCII(term)
	} else {
		term = []byte(fold(string(term)))
	}
	// Elision: l'échéance, qu’il, jusqu'à. Apostrophes were folded to '.
	if i := indexByte(term, '\''); i > 0 && i < len(term)-1 && articles[string(term[:i])] {
		t.Start += apostropheEnd(t.Term)
		term = term[i+1:]
	}
	if n := len(term); n > 2 && term[n-2] == '\'' && term[n-1] == 's' {
		term = term[:n-2]
	}
	if len(term) == 0 || a.stop && stopWords[string(term)] {
		return false
	}
	if a.stem && t.Type == analysis.AlphaNumeric && isLetters(term) && len(term) > 3 {
		term = []byte(porter.StemString(string(term)))
	}
	t.Term = term
	return true
}

// fold lower-cases, narrows full-width forms, folds accents and ligatures
// and turns curly apostrophes straight.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == '’' || r == 'ʼ' || r == '‘':
			r = '\''
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			continue
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			continue
		case r == 'ß':
			b.WriteString("ss")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// apostropheEnd is the byte offset just past word's first apostrophe,
// straight or curly, in the text as written: the folded term's offset is
// not the text's (’ is three bytes, ' one), and the marked word would
// start inside a character.
func apostropheEnd(word []byte) int {
	for i, r := range string(word) {
		if r == '\'' || r == '’' || r == 'ʼ' || r == '‘' {
			return i + utf8.RuneLen(r)
		}
	}
	return 0
}

func lowerASCII(b []byte) []byte {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func isLetters(b []byte) bool {
	for _, c := range b {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// articles are the French elided words (Lucene's list).
var articles = set("l m t qu n s j d c jusqu quoiqu lorsqu puisqu")

// stopWords are short English and French function words: frequent enough
// to bloat the index, too common to tell messages apart.
var stopWords = set(`a an and are as at be but by for if in into is it no not of on or such that the their then there these
they this to was will with we you i our your us
le la les un une des du de et ou au aux ce ces cet cette est sont en dans par pour sur avec que qui ne pas
il elle ils elles nous vous je tu se sa son ses leur leurs mais donc ni car y`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Token is a term and where it came from in the text.
type Token struct {
	Term       string
	Start, End int // byte offsets in the analyzed text
	Position   int
}

// Analyze runs the index analyzer over text.
func Analyze(text string) []Token { return tokens(textAnalyzer, text) }

func tokens(a analysis.Analyzer, text string) []Token {
	ts := a.Analyze([]byte(text))
	out := make([]Token, len(ts))
	for i, t := range ts {
		out[i] = Token{Term: string(t.Term), Start: t.Start, End: t.End, Position: t.Position}
	}
	return out
}
