package query

import (
	"fmt"
	"strings"
	"time"
)

// Span is a range of byte offsets into the query text, End exclusive.
type Span struct{ Start, End int }

// Node is a node of the syntax tree.
type Node interface {
	// Pos returns the part of the input the node was parsed from.
	Pos() Span
	// String returns canonical query text that parses to the same tree.
	String() string
}

// And matches what all of its Nodes match.
type And struct {
	Nodes []Node
	Span  Span
}

// Or matches what any of its Nodes matches.
type Or struct {
	Nodes []Node
	Span  Span
}

// Not matches what Node does not match.
type Not struct {
	Node Node
	Span Span
}

// Term is a free word. Prefix marks the word the user is still typing.
type Term struct {
	Text   string
	Prefix bool
	Span   Span
}

// Phrase is quoted text, without the quotes and surrounding white space.
type Phrase struct {
	Text string
	Span Span
}

// Field is an operator with a free or enumerated value. Name is one of from,
// to, in, tag, mentions, record, has, is. Values of has: and is: are the
// lower-case canonical names; other values are kept as typed, trimmed.
type Field struct {
	Name   string
	Value  string
	Quoted bool
	Span   Span
}

// Date is a before:, after: or during: operator. Value is the date as typed;
// [From, To) is the interval it selects, where a zero From or To is open.
type Date struct {
	Op       string
	Value    string
	From, To time.Time
	Span     Span
}

// Error is a syntax error. Code is stable (for translation), Msg is an English
// explanation, Span marks the offending part of the input. Op, Suggest and
// Values are the facts Msg is made of, for a UI to say them in its own
// language: the operator concerned (lower case, no colon), the operator a
// misspelt name probably means, and values the operator takes, as typed
// after its colon.
type Error struct {
	Code    string
	Msg     string
	Span    Span
	Op      string
	Suggest string
	Values  []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (at %d–%d)", e.Msg, e.Span.Start, e.Span.End)
}

func (n *And) Pos() Span    { return n.Span }
func (n *Or) Pos() Span     { return n.Span }
func (n *Not) Pos() Span    { return n.Span }
func (n *Term) Pos() Span   { return n.Span }
func (n *Phrase) Pos() Span { return n.Span }
func (n *Field) Pos() Span  { return n.Span }
func (n *Date) Pos() Span   { return n.Span }

func (n *And) String() string {
	parts := make([]string, len(n.Nodes))
	for i, c := range n.Nodes {
		parts[i] = group(c, isOr)
	}
	return strings.Join(parts, " ")
}

func (n *Or) String() string {
	parts := make([]string, len(n.Nodes))
	for i, c := range n.Nodes {
		parts[i] = group(c, func(c Node) bool { _, ok := c.(*Or); return ok })
	}
	return strings.Join(parts, " OR ")
}

func (n *Not) String() string {
	return "-" + group(n.Node, func(c Node) bool { return isOr(c) || isAnd(c) })
}

func (n *Term) String() string   { return n.Text }
func (n *Phrase) String() string { return quote(n.Text) }

func (n *Field) String() string {
	v := n.Value
	if n.Quoted || needsQuote(v) {
		v = quote(v)
	}
	return n.Name + ":" + v
}

func (n *Date) String() string {
	v := n.Value
	if needsQuote(v) {
		v = quote(v)
	}
	return n.Op + ":" + v
}

func isOr(n Node) bool  { _, ok := n.(*Or); return ok }
func isAnd(n Node) bool { _, ok := n.(*And); return ok }

// group returns n's text, parenthesised if paren(n).
func group(n Node, paren func(Node) bool) string {
	if paren(n) {
		return "(" + n.String() + ")"
	}
	return n.String()
}

// quote quotes s with the first kind of quotes whose closing quote s does not
// contain; as quoted text ends at its first closing quote, one always fits.
func quote(s string) string {
	for _, q := range [...][2]string{{`"`, `"`}, {"“", "”"}, {"「", "」"}} {
		if !strings.Contains(s, q[1]) {
			return q[0] + s + q[1]
		}
	}
	return `"` + s + `"`
}

// needsQuote reports whether s would not read back as one bare value.
func needsQuote(s string) bool {
	return s == "" || strings.IndexFunc(s, isDelim) >= 0
}

// Walk calls f for every node of the tree rooted at n, in pre-order.
func Walk(n Node, f func(Node)) {
	if n == nil {
		return
	}
	f(n)
	switch n := n.(type) {
	case *And:
		for _, c := range n.Nodes {
			Walk(c, f)
		}
	case *Or:
		for _, c := range n.Nodes {
			Walk(c, f)
		}
	case *Not:
		Walk(n.Node, f)
	}
}
