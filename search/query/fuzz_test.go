package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// FuzzParse checks the package invariants: Parse never panics, every span
// lies within the input, And and Or are flat with at least two children, and
// String re-parses to the same tree (up to spans and the Prefix flag).
func FuzzParse(f *testing.F) {
	for _, q := range []string{
		``, ` `, `a`, `a `, `付款 退款`, `paiement l'échéance`,
		`付款 from:张伟 in:"华东 实施" has:attachment after:2026-03 -退款`,
		`"second payment" OR #paiement`,
		`(urgent OR 紧急) is:unanswered before:last-week`,
		`“second payment” 「付款」 from：张伟 （a OR b）`,
		`a b OR c d`, `NOT a AND -(b OR c)`, `--a`, `NOT(a)OR(b)`,
		`during:7d after:2026/3/5 before:this-week during:"last-month"`,
		`has:FILE is:Urgent tag:"x y" #a_b-c mentions:Wei record:ACME to:x`,
		`Note: call back https://x.y ID:4711`, `note:"a b"`, `form:x`,
		`"abc`, `(a`, `a)`, `()`, `from:`, `has:video`, `after:2026-02-30`,
		`a OR`, `- a`, `-`, `「“a” "b"」`, `“a "b" c”`, "a\u3000b\u3000",
		"\xff\xfe", "#\xff", "from:\xff", `"\xff"`,
		strings.Repeat("(", 33) + "a" + strings.Repeat(")", 33),
		strings.Repeat("#a ", 300),
	} {
		f.Add(q)
	}
	now, loc := clock(f)
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q, now, loc)
		within := func(s Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(q) }
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || n != nil {
				t.Fatalf("Parse(%q) = %v, %#v", q, n, err)
			}
			if !within(e.Span) || e.Msg == "" || !knownCode(e.Code) {
				t.Fatalf("Parse(%q): bad error %#v", q, e)
			}
			return
		}
		if n == nil {
			if strings.TrimFunc(q, unicode.IsSpace) != "" {
				t.Fatalf("Parse(%q) = nil, nil", q)
			}
			return
		}
		Walk(n, func(c Node) {
			if !within(c.Pos()) {
				t.Fatalf("Parse(%q): %T span %v outside the input", q, c, c.Pos())
			}
			switch c := c.(type) {
			case *And:
				for _, k := range c.Nodes {
					if isAnd(k) || len(c.Nodes) < 2 {
						t.Fatalf("Parse(%q): And not flat: %s", q, dump(c))
					}
				}
			case *Or:
				for _, k := range c.Nodes {
					if isOr(k) || len(c.Nodes) < 2 {
						t.Fatalf("Parse(%q): Or not flat: %s", q, dump(c))
					}
				}
			}
		})
		s := n.String()
		if len(s) > maxLen {
			return // the canonical form (tag:x for #x, …) may outgrow the limit
		}
		n2, err := Parse(s, now, loc)
		if err != nil {
			t.Fatalf("Parse(%q) = %s\nString() = %q does not parse: %v", q, dump(n), s, err)
		}
		if a, b := normalize(n), normalize(n2); !reflect.DeepEqual(a, b) {
			t.Fatalf("Parse(%q) = %s\nString() = %q parses to %s", q, dump(n), s, dump(n2))
		}
	})
}

func knownCode(c string) bool {
	switch c {
	case "unclosed_quote", "unbalanced_paren", "empty_group", "empty_value", "bad_value",
		"bad_date", "unknown_operator", "dangling_operator", "too_long":
		return true
	}
	return false
}

// normalize returns a copy of the tree without spans and Prefix flags.
func normalize(n Node) Node {
	switch n := n.(type) {
	case *And:
		c := &And{Nodes: make([]Node, len(n.Nodes))}
		for i, k := range n.Nodes {
			c.Nodes[i] = normalize(k)
		}
		return c
	case *Or:
		c := &Or{Nodes: make([]Node, len(n.Nodes))}
		for i, k := range n.Nodes {
			c.Nodes[i] = normalize(k)
		}
		return c
	case *Not:
		return &Not{Node: normalize(n.Node)}
	case *Term:
		return &Term{Text: n.Text}
	case *Phrase:
		return &Phrase{Text: n.Text}
	case *Field:
		c := *n
		c.Span = Span{}
		return &c
	case *Date:
		c := *n
		c.Span = Span{}
		return &c
	}
	return n
}
