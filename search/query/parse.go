package query

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits beyond which a query is rejected as too_long.
const (
	maxLen   = 1000 // bytes
	maxDepth = 32   // nested parentheses
)

// Error codes.
const (
	codeUnclosedQuote   = "unclosed_quote"
	codeUnbalancedParen = "unbalanced_paren"
	codeEmptyGroup      = "empty_group"
	codeEmptyValue      = "empty_value"
	codeBadValue        = "bad_value"
	codeBadDate         = "bad_date"
	codeUnknownOperator = "unknown_operator"
	codeDangling        = "dangling_operator"
	codeTooLong         = "too_long"
)

// Parse parses the query q. Dates are resolved against now in loc (now's own
// location if loc is nil). An empty or blank query gives (nil, nil); any other
// failure is an *Error.
func Parse(q string, now time.Time, loc *time.Location) (Node, error) {
	if len(q) > maxLen {
		start := maxLen
		for start > 0 && !utf8.RuneStart(q[start]) {
			start--
		}
		return nil, &Error{Code: codeTooLong, Span: Span{start, len(q)},
			Msg: fmt.Sprintf("the query is too long (%d bytes) — shorten it to at most %d", len(q), maxLen)}
	}
	if strings.TrimFunc(q, unicode.IsSpace) == "" {
		return nil, nil
	}
	if loc == nil {
		loc = now.Location()
	}
	p := &parser{lex: lexer{q: q, now: now.In(loc)}}
	n, err := p.parse()
	if err != nil {
		return nil, err
	}
	return n, nil
}

// parser is a recursive descent parser over the lexer's tokens, with one
// token of lookahead in tok. Each parse method returns the node and its
// extent in the input, which for a group includes the parentheses.
type parser struct {
	lex   lexer
	tok   token
	depth int // open parentheses
}

func (p *parser) advance() *Error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

func (p *parser) parse() (Node, *Error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, _, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF { // the only token that stops or() early
		return nil, unbalanced(p.tok)
	}
	return n, nil
}

// or = and { "OR" and } .
func (p *parser) or() (Node, Span, *Error) {
	var nodes []Node
	var ext Span
	for {
		n, sp, err := p.and()
		if err != nil {
			return nil, sp, err
		}
		if nodes == nil {
			ext.Start = sp.Start
		}
		ext.End = sp.End
		if or, ok := n.(*Or); ok {
			nodes = append(nodes, or.Nodes...)
		} else {
			nodes = append(nodes, n)
		}
		if p.tok.kind != tOr {
			break
		}
		if err := p.binary(); err != nil {
			return nil, ext, err
		}
	}
	if len(nodes) == 1 {
		return nodes[0], ext, nil
	}
	return &Or{Nodes: nodes, Span: ext}, ext, nil
}

// and = unary { [ "AND" ] unary } .
func (p *parser) and() (Node, Span, *Error) {
	var nodes []Node
	var ext Span
	for {
		n, sp, err := p.unary()
		if err != nil {
			return nil, sp, err
		}
		if nodes == nil {
			ext.Start = sp.Start
		}
		ext.End = sp.End
		if and, ok := n.(*And); ok {
			nodes = append(nodes, and.Nodes...)
		} else {
			nodes = append(nodes, n)
		}
		if p.tok.kind == tAnd {
			if err := p.binary(); err != nil {
				return nil, ext, err
			}
		} else if !p.tok.startsOperand() {
			break
		}
	}
	if len(nodes) == 1 {
		return nodes[0], ext, nil
	}
	return &And{Nodes: nodes, Span: ext}, ext, nil
}

// binary consumes an AND or OR, which must be followed by an operand.
func (p *parser) binary() *Error {
	op := p.tok
	if err := p.advance(); err != nil {
		return err
	}
	if !p.tok.startsOperand() {
		return dangling(op, p.lex.q)
	}
	return nil
}

// unary = ( "NOT" | "-" ) unary | primary .
// primary = "(" or ")" | leaf .
func (p *parser) unary() (Node, Span, *Error) {
	t := p.tok
	switch t.kind {
	case tNot, tMinus:
		if err := p.advance(); err != nil {
			return nil, t.span, err
		}
		if !p.tok.startsOperand() {
			return nil, t.span, dangling(t, p.lex.q)
		}
		n, sp, err := p.unary()
		if err != nil {
			return nil, sp, err
		}
		sp = Span{t.span.Start, sp.End}
		return &Not{Node: n, Span: sp}, sp, nil
	case tLParen:
		return p.group()
	case tLeaf:
		return t.node, t.span, p.advance()
	case tRParen:
		return nil, t.span, unbalanced(t)
	}
	// AND or OR with nothing before it; or the end of the input, which
	// callers rule out, reported the same way should that ever change.
	return nil, t.span, dangling(t, p.lex.q)
}

// group parses "(" or ")".
func (p *parser) group() (Node, Span, *Error) {
	open := p.tok
	if p.depth == maxDepth {
		return nil, open.span, &Error{Code: codeTooLong, Span: open.span,
			Msg: fmt.Sprintf("too many nested parentheses — use at most %d levels", maxDepth)}
	}
	p.depth++
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return nil, open.span, err
	}
	switch p.tok.kind {
	case tRParen:
		sp := Span{open.span.Start, p.tok.span.End}
		return nil, sp, &Error{Code: codeEmptyGroup, Span: sp,
			Msg: "empty parentheses — put search words inside or remove them"}
	case tEOF:
		return nil, open.span, unbalanced(open)
	}
	n, _, err := p.or()
	if err != nil {
		return nil, open.span, err
	}
	if p.tok.kind != tRParen {
		return nil, open.span, unbalanced(open)
	}
	ext := Span{open.span.Start, p.tok.span.End}
	switch n := n.(type) {
	case *And:
		n.Span = ext
	case *Or:
		n.Span = ext
	}
	return n, ext, p.advance()
}

func unbalanced(t token) *Error {
	if t.kind == tLParen {
		return &Error{Code: codeUnbalancedParen, Span: t.span,
			Msg: `unmatched "(" — add a closing ")" or remove it`}
	}
	return &Error{Code: codeUnbalancedParen, Span: t.span,
		Msg: `unmatched ")" — add an opening "(" or remove it`}
}

func dangling(t token, q string) *Error {
	word := q[t.span.Start:t.span.End]
	msg := fmt.Sprintf("%q needs a search term on each side — complete or remove it", word)
	switch t.kind {
	case tNot:
		msg = `"NOT" needs a search term after it — complete or remove it`
	case tMinus:
		msg = `"-" must be followed directly by what it excludes, e.g. -refund`
	case tEOF:
		msg = "the query ends too early"
	}
	return &Error{Code: codeDangling, Span: t.span, Msg: msg}
}
