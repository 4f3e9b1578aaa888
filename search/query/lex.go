package query

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF    tokKind = iota
	tLParen         // ( or （
	tRParen         // ) or ）
	tAnd            // AND
	tOr             // OR
	tNot            // NOT
	tMinus          // "-" directly before an operand
	tLeaf           // Term, Phrase, Field or Date, in node
)

type token struct {
	kind tokKind
	span Span
	node Node // for tLeaf
}

// startsOperand reports whether t can begin an operand of AND, OR or NOT.
func (t token) startsOperand() bool {
	switch t.kind {
	case tLParen, tNot, tMinus, tLeaf:
		return true
	}
	return false
}

// lexer splits a query into tokens, one at a time. It builds and checks the
// leaf nodes itself, so that its errors come in input order with the parser's.
type lexer struct {
	q   string
	pos int
	now time.Time // in the caller's time zone
}

func isOpenParen(r rune) bool  { return r == '(' || r == '（' }
func isCloseParen(r rune) bool { return r == ')' || r == '）' }
func isColon(r rune) bool      { return r == ':' || r == '：' }

// closeQuote returns the closing quote for an opening quote, or 0.
func closeQuote(r rune) rune {
	switch r {
	case '"':
		return '"'
	case '“':
		return '”'
	case '「':
		return '」'
	}
	return 0
}

// isDelim reports whether r ends a bare word.
func isDelim(r rune) bool {
	return unicode.IsSpace(r) || isOpenParen(r) || isCloseParen(r) || closeQuote(r) != 0
}

func isTagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_' || r == '-'
}

func (l *lexer) peek() (rune, int) {
	if l.pos >= len(l.q) {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRuneInString(l.q[l.pos:])
}

// atDelim reports whether the input ends at l.pos or continues with a
// delimiter.
func (l *lexer) atDelim() bool {
	r, n := l.peek()
	return n == 0 || isDelim(r)
}

// bare consumes a bare word (possibly empty) and returns it.
func (l *lexer) bare() string {
	start := l.pos
	for !l.atDelim() {
		_, n := l.peek()
		l.pos += n
	}
	return l.q[start:l.pos]
}

// next returns the next token.
func (l *lexer) next() (token, *Error) {
	for {
		r, n := l.peek()
		if n == 0 || !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	r, n := l.peek()
	switch {
	case n == 0:
		return token{kind: tEOF, span: Span{start, start}}, nil
	case isOpenParen(r):
		l.pos += n
		return token{kind: tLParen, span: Span{start, l.pos}}, nil
	case isCloseParen(r):
		l.pos += n
		return token{kind: tRParen, span: Span{start, l.pos}}, nil
	case closeQuote(r) != 0:
		text, err := l.quoted()
		if err != nil {
			return token{}, err
		}
		sp := Span{start, l.pos}
		if text == "" {
			return token{}, &Error{Code: codeEmptyValue, Span: sp,
				Msg: "empty quotes — put words between the quotes or remove them"}
		}
		return leaf(&Phrase{Text: text, Span: sp}), nil
	case r == '-':
		l.pos += n
		if r, n := l.peek(); n == 0 || unicode.IsSpace(r) || isCloseParen(r) {
			return token{}, &Error{Code: codeDangling, Span: Span{start, l.pos},
				Msg: `"-" must be followed directly by what it excludes, e.g. -refund`}
		}
		return token{kind: tMinus, span: Span{start, l.pos}}, nil
	}
	if t, ok, err := l.operator(); ok || err != nil {
		return t, err
	}
	text := l.bare()
	sp := Span{start, l.pos}
	switch text {
	case "AND":
		return token{kind: tAnd, span: sp}, nil
	case "OR":
		return token{kind: tOr, span: sp}, nil
	case "NOT":
		return token{kind: tNot, span: sp}, nil
	}
	if len(text) > 1 && text[0] == '#' && strings.IndexFunc(text[1:], func(r rune) bool { return !isTagChar(r) }) < 0 {
		return leaf(&Field{Name: "tag", Value: text[1:], Span: sp}), nil
	}
	return leaf(&Term{Text: text, Prefix: l.pos == len(l.q), Span: sp}), nil
}

func leaf(n Node) token { return token{kind: tLeaf, span: n.Pos(), node: n} }

// quoted consumes quoted text starting at an opening quote and returns it
// without the quotes, trimmed.
func (l *lexer) quoted() (string, *Error) {
	start := l.pos
	open, n := l.peek()
	end := closeQuote(open)
	i := strings.IndexRune(l.q[start+n:], end)
	if i < 0 {
		l.pos = len(l.q)
		return "", &Error{Code: codeUnclosedQuote, Span: Span{start, len(l.q)},
			Msg: fmt.Sprintf("unclosed quote %c — add a closing %c", open, end)}
	}
	text := l.q[start+n : start+n+i]
	l.pos = start + n + i + utf8.RuneLen(end)
	return strings.TrimFunc(text, unicode.IsSpace), nil
}

// operator lexes name:value at l.pos. It returns ok == false, consuming
// nothing, if the input there does not start with letters and a colon.
func (l *lexer) operator() (token, bool, *Error) {
	start := l.pos
	i := start
	for i < len(l.q) {
		r, n := utf8.DecodeRuneInString(l.q[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += n
	}
	r, n := utf8.DecodeRuneInString(l.q[i:])
	if i == start || !isColon(r) {
		return token{}, false, nil
	}
	name, colonEnd := l.q[start:i], i+n
	l.pos = colonEnd
	var value string
	quoted := false
	if r, _ := l.peek(); closeQuote(r) != 0 {
		v, err := l.quoted()
		if err != nil {
			return token{}, true, err
		}
		value, quoted = v, true
	} else {
		value = l.bare()
	}
	sp, valSpan := Span{start, l.pos}, Span{colonEnd, l.pos}

	canon := strings.ToLower(name)
	if !isOperator(canon) {
		if s := suggest(name); s != "" {
			return token{}, true, &Error{Code: codeUnknownOperator, Span: Span{start, colonEnd}, Suggest: s,
				Msg: fmt.Sprintf("unknown operator %q — did you mean %q?", name+":", s+":")}
		}
		return leaf(&Term{Text: l.q[start:l.pos], Prefix: !quoted && l.pos == len(l.q), Span: sp}), true, nil
	}
	if value == "" {
		return token{}, true, &Error{Code: codeEmptyValue, Span: sp, Op: canon, Values: values(canon),
			Msg: fmt.Sprintf("%q has no value — type one right after the colon, e.g. %s", canon+":", example(canon))}
	}
	switch canon {
	case "before", "after", "during":
		from, to, ok := resolveDate(value, l.now)
		if !ok {
			return token{}, true, &Error{Code: codeBadDate, Span: valSpan, Op: canon, Values: values(canon),
				Msg: fmt.Sprintf("invalid date %q for %s: — use YYYY, YYYY-MM, YYYY-MM-DD, today, yesterday, this-week, last-week, this-month, last-month, this-year, last-year, or Nd, Nw, Nm such as 7d", value, canon)}
		}
		switch canon {
		case "before":
			from, to = time.Time{}, from
		case "after":
			if _, _, rel := relative(value); rel {
				to = time.Time{} // after:7d is "in the last 7 days"
			} else {
				from, to = to, time.Time{}
			}
		}
		return leaf(&Date{Op: canon, Value: value, From: from, To: to, Span: sp}), true, nil
	case "has", "is":
		v, ok := enumValue(canon, value)
		if !ok {
			return token{}, true, &Error{Code: codeBadValue, Span: valSpan, Op: canon, Values: values(canon),
				Msg: fmt.Sprintf("unknown value %q for %s: — use %s", value, canon, example(canon))}
		}
		value = v
	}
	return leaf(&Field{Name: canon, Value: value, Quoted: quoted, Span: sp}), true, nil
}

func isOperator(name string) bool {
	switch name {
	case "from", "to", "in", "tag", "mentions", "record", "has", "is", "before", "after", "during":
		return true
	}
	return false
}

// enums are the values has: and is: take (file is attachment's alias).
var enums = map[string][]string{
	"has": {"attachment", "image", "link", "reaction"},
	"is":  {"urgent", "important", "unanswered", "deleted", "message", "record"},
}

// enumValue returns the canonical value of has: or is:.
func enumValue(op, v string) (string, bool) {
	v = strings.ToLower(v)
	if op == "has" && v == "file" {
		return "attachment", true
	}
	if slices.Contains(enums[op], v) {
		return v, true
	}
	return "", false
}

// values are values an operator takes, as typed after its colon: all of
// an enumeration's, examples of a date's and of a name's.
func values(op string) []string {
	switch op {
	case "has", "is":
		return enums[op]
	case "before", "after", "during":
		return []string{"2026-03", "last-week"}
	case "tag":
		return []string{"paiement", `"second payment"`}
	}
	return []string{"name", `"two words"`}
}

// example describes the values an operator takes (values, in English).
func example(op string) string {
	vs := values(op)
	switch op {
	case "has", "is":
		return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
	}
	return op + ":" + strings.Join(vs, " or "+op+":")
}

// suggest returns the operator that name is probably a misspelling of, or "".
// Names of one or two letters ("Re", "ID") are never misspellings, names of
// three or four letters must be one edit away, longer ones at most two.
func suggest(name string) string {
	typed := []rune(strings.ToLower(name))
	limit := 2
	switch {
	case len(typed) <= 2:
		return ""
	case len(typed) <= 4:
		limit = 1
	}
	best, bestDist := "", limit+1
	for _, op := range [...]string{"from", "to", "in", "tag", "mentions", "record", "has", "is", "before", "after", "during"} {
		if d := editDistance(typed, []rune(op)); d < bestDist {
			best, bestDist = op, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: the number of rune
// insertions, deletions, substitutions and adjacent transpositions.
func editDistance(a, b []rune) int {
	// d[i][j] is the distance between a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
