package query

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database
)

// clock returns the fixed "now" of the tests: Wednesday 2026-03-18 10:30 in
// Asia/Shanghai.
func clock(tb testing.TB) (time.Time, *time.Location) {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return time.Date(2026, 3, 18, 10, 30, 0, 0, loc), loc
}

// dump renders a tree compactly: terms as quoted text (* marks a prefix),
// p"…" for phrases, name:"value" for fields ((q) if quoted), op:value for
// dates, and and(…), or(…), not(…).
func dump(n Node) string {
	switch n := n.(type) {
	case nil:
		return "<nil>"
	case *And:
		return "and(" + dumpAll(n.Nodes) + ")"
	case *Or:
		return "or(" + dumpAll(n.Nodes) + ")"
	case *Not:
		return "not(" + dump(n.Node) + ")"
	case *Term:
		if n.Prefix {
			return fmt.Sprintf("%q*", n.Text)
		}
		return fmt.Sprintf("%q", n.Text)
	case *Phrase:
		return fmt.Sprintf("p%q", n.Text)
	case *Field:
		if n.Quoted {
			return fmt.Sprintf("%s:%q(q)", n.Name, n.Value)
		}
		return fmt.Sprintf("%s:%q", n.Name, n.Value)
	case *Date:
		return n.Op + ":" + n.Value
	}
	return fmt.Sprintf("?%T", n)
}

func dumpAll(ns []Node) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = dump(n)
	}
	return strings.Join(s, " ")
}

func TestParse(t *testing.T) {
	now, loc := clock(t)
	tests := []struct{ in, want string }{
		// The examples of the brief.
		{`付款 from:张伟 in:"华东 实施" has:attachment after:2026-03 -退款`,
			`and("付款" from:"张伟" in:"华东 实施"(q) has:"attachment" after:2026-03 not("退款"*))`},
		{`"second payment" OR #paiement`, `or(p"second payment" tag:"paiement")`},
		{`(urgent OR 紧急) is:unanswered before:last-week`,
			`and(or("urgent" "紧急") is:"unanswered" before:last-week)`},

		// Words and phrases in several languages.
		{`paiement`, `"paiement"*`},
		{`l'échéance paiement`, `and("l'échéance" "paiement"*)`},
		{`l’échéance`, `"l’échéance"*`},
		{`付款 退款`, `and("付款" "退款"*)`},
		{`Paiement ÉCHÉANCE`, `and("Paiement" "ÉCHÉANCE"*)`},
		{`"second payment"`, `p"second payment"`},
		{`"  padded  "`, `p"padded"`},
		{`a"b"c`, `and("a" p"b" "c"*)`},
		{`2026-03-01 v1.2 50%`, `and("2026-03-01" "v1.2" "50%"*)`},

		// Full-width and typographic punctuation.
		{`“second payment”`, `p"second payment"`},
		{`「付款 退款」`, `p"付款 退款"`},
		{`“a "b" c”`, `p"a \"b\" c"`},
		{`from：张伟`, `from:"张伟"`},
		{`in:“华东 实施”`, `in:"华东 实施"(q)`},
		{`（urgent OR 紧急）is：unanswered`, `and(or("urgent" "紧急") is:"unanswered")`},
		{"付款\u3000退款", `and("付款" "退款"*)`},

		// Every operator.
		{`from:张伟`, `from:"张伟"`},
		{`FROM:Zhang`, `from:"Zhang"`},
		{`to:alice@example.com`, `to:"alice@example.com"`},
		{`in:"Shanghai Ops"`, `in:"Shanghai Ops"(q)`},
		{`in:" Shanghai Ops "`, `in:"Shanghai Ops"(q)`},
		{`tag:paiement`, `tag:"paiement"`},
		{`Tag:Paiement`, `tag:"Paiement"`},
		{`#paiement`, `tag:"paiement"`},
		{`#付款`, `tag:"付款"`},
		{`#a_b-2`, `tag:"a_b-2"`},
		{`mentions:Wei`, `mentions:"Wei"`},
		{`record:"ACME Ltd"`, `record:"ACME Ltd"(q)`},
		{`has:attachment`, `has:"attachment"`},
		{`has:FILE`, `has:"attachment"`},
		{`has:image`, `has:"image"`},
		{`has:Link`, `has:"link"`},
		{`has:"image"`, `has:"image"(q)`},
		{`is:urgent`, `is:"urgent"`},
		{`is:IMPORTANT`, `is:"important"`},
		{`is:unanswered`, `is:"unanswered"`},
		{`is:deleted`, `is:"deleted"`},
		{`before:2026`, `before:2026`},
		{`After:2026-03`, `after:2026-03`},
		{`during:"today"`, `during:today`},
		{`from:a:b`, `from:"a:b"`},
		{`from:OR`, `from:"OR"`},
		{`in:"华东"实施`, `and(in:"华东"(q) "实施"*)`},

		// Not tags: kept as words.
		{`#`, `"#"*`},
		{`C# #a.b`, `and("C#" "#a.b"*)`},

		// Unknown word: kept as text.
		{`Note: call back`, `and("Note:" "call" "back"*)`},
		{`https://x.y`, `"https://x.y"*`},
		{`Re: 付款`, `and("Re:" "付款"*)`},
		{`ID:4711 Tel:`, `and("ID:4711" "Tel:"*)`},
		{`备注：明天回电`, `"备注：明天回电"*`},
		{`drng:today`, `"drng:today"*`}, // 4 letters, 2 edits from during:
		{`note:"call back"`, `"note:\"call back\""`},

		// Boolean structure and precedence.
		{`a b`, `and("a" "b"*)`},
		{`a AND b`, `and("a" "b"*)`},
		{`a OR b`, `or("a" "b"*)`},
		{`a b OR c d`, `or(and("a" "b") and("c" "d"*))`},
		{`a OR b c`, `or("a" and("b" "c"*))`},
		{`a AND b OR c`, `or(and("a" "b") "c"*)`},
		{`NOT a b`, `and(not("a") "b"*)`},
		{`-a OR b`, `or(not("a") "b"*)`},
		{`-(a OR b) c`, `and(not(or("a" "b")) "c"*)`},
		{`a -"b c" -from:x -#y -(d)`, `and("a" not(p"b c") not(from:"x") not(tag:"y") not("d"))`},
		{`NOT NOT a`, `not(not("a"*))`},
		{`--a`, `not(not("a"*))`},
		{`NOT(a) OR(b)AND(c)`, `or(not("a") and("b" "c"))`},
		{`a and b or c not d`, `and("a" "and" "b" "or" "c" "not" "d"*)`},
		{`-foo`, `not("foo"*)`},

		// Flattening and collapsing.
		{`a (b c)`, `and("a" "b" "c")`},
		{`a OR (b OR c)`, `or("a" "b" "c")`},
		{`((a))`, `"a"`},
		{`(a b) OR (c OR d)`, `or(and("a" "b") "c" "d")`},
		{`(a OR b) (c OR d)`, `and(or("a" "b") or("c" "d"))`},

		// Typeahead.
		{`pay`, `"pay"*`},
		{`pay `, `"pay"`},
		{"pay\u3000", `"pay"`},
		{`"pay"`, `p"pay"`},
		{`from:pay`, `from:"pay"`},
		{`#pay`, `tag:"pay"`},
		{`a -pay`, `and("a" not("pay"*))`},
		{`(pay)`, `"pay"`},
		{`pay OR ab`, `or("pay" "ab"*)`},
		{`pay "ab"`, `and("pay" p"ab")`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now, loc)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := dump(n); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	now, loc := clock(t)
	for _, q := range []string{"", " ", "\t\n", "\u3000 "} {
		if n, err := Parse(q, now, loc); n != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", q, n, err)
		}
	}
}

func TestParseSpans(t *testing.T) {
	now, loc := clock(t)
	tests := []struct {
		in   string
		want Node
	}{
		{`付款 from:张伟 -#退款`, &And{Span: Span{0, 27}, Nodes: []Node{
			&Term{Text: "付款", Span: Span{0, 6}},
			&Field{Name: "from", Value: "张伟", Span: Span{7, 18}},
			&Not{Span: Span{19, 27}, Node: &Field{Name: "tag", Value: "退款", Span: Span{20, 27}}},
		}}},
		{`(a OR b) c`, &And{Span: Span{0, 10}, Nodes: []Node{
			&Or{Span: Span{0, 8}, Nodes: []Node{
				&Term{Text: "a", Span: Span{1, 2}},
				&Term{Text: "b", Span: Span{6, 7}},
			}},
			&Term{Text: "c", Prefix: true, Span: Span{9, 10}},
		}}},
		{`x OR “y z”`, &Or{Span: Span{0, 14}, Nodes: []Node{
			&Term{Text: "x", Span: Span{0, 1}},
			&Phrase{Text: "y z", Span: Span{5, 14}},
		}}},
		{`NOT in:"a b" `, &Not{Span: Span{0, 12}, Node: &Field{Name: "in", Value: "a b", Quoted: true, Span: Span{4, 12}}}},
		{`note:x`, &Term{Text: "note:x", Prefix: true, Span: Span{0, 6}}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now, loc)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(n, tt.want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.in, n, tt.want)
		}
	}
}

func TestParseDates(t *testing.T) {
	now, loc := clock(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	day := func(y int, m time.Month, d int) time.Time { return at(y, m, d, 0, 0) }
	var open time.Time
	tests := []struct {
		in       string
		from, to time.Time
	}{
		{"during:2026", day(2026, 1, 1), day(2027, 1, 1)},
		{"during:2026-03", day(2026, 3, 1), day(2026, 4, 1)},
		{"during:2026/3", day(2026, 3, 1), day(2026, 4, 1)},
		{"during:2026.03", day(2026, 3, 1), day(2026, 4, 1)},
		{"during:2026-12", day(2026, 12, 1), day(2027, 1, 1)},
		{"during:2026-03-05", day(2026, 3, 5), day(2026, 3, 6)},
		{"during:2026/03/05", day(2026, 3, 5), day(2026, 3, 6)},
		{"during:2026.3.5", day(2026, 3, 5), day(2026, 3, 6)},
		{"during:2024-02-29", day(2024, 2, 29), day(2024, 3, 1)},
		{"during:2026-12-31", day(2026, 12, 31), day(2027, 1, 1)},
		{"during:today", day(2026, 3, 18), day(2026, 3, 19)},
		{"during:TODAY", day(2026, 3, 18), day(2026, 3, 19)},
		{"during:yesterday", day(2026, 3, 17), day(2026, 3, 18)},
		{"during:this-week", day(2026, 3, 16), day(2026, 3, 23)},
		{"during:last-week", day(2026, 3, 9), day(2026, 3, 16)},
		{"during:this-month", day(2026, 3, 1), day(2026, 4, 1)},
		{"during:last-month", day(2026, 2, 1), day(2026, 3, 1)},
		{"during:this-year", day(2026, 1, 1), day(2027, 1, 1)},
		{"during:last-year", day(2025, 1, 1), day(2026, 1, 1)},
		{"during:7d", at(2026, 3, 11, 10, 30), now},
		{"during:1D", at(2026, 3, 17, 10, 30), now},
		{"during:2w", at(2026, 3, 4, 10, 30), now},
		{"during:1m", at(2026, 2, 18, 10, 30), now},
		{"during:3m", at(2025, 12, 18, 10, 30), now},
		{"during:12M", at(2025, 3, 18, 10, 30), now},
		{"before:2026-03", open, day(2026, 3, 1)},
		{"before:today", open, day(2026, 3, 18)},
		{"before:7d", open, at(2026, 3, 11, 10, 30)},
		{"after:2026-03", day(2026, 4, 1), open},
		{"after:yesterday", day(2026, 3, 18), open},
		{"after:2025", day(2026, 1, 1), open},
		{"after:7d", at(2026, 3, 11, 10, 30), open}, // "in the last 7 days"
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now, loc)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		d, ok := n.(*Date)
		if !ok {
			t.Errorf("Parse(%q) = %s, want a Date", tt.in, dump(n))
			continue
		}
		if !d.From.Equal(tt.from) || !d.To.Equal(tt.to) {
			t.Errorf("Parse(%q) = [%v, %v), want [%v, %v)", tt.in, d.From, d.To, tt.from, tt.to)
		}
		if op, value, _ := strings.Cut(tt.in, ":"); d.Op != op || d.Value != value {
			t.Errorf("Parse(%q) = Op %q Value %q", tt.in, d.Op, d.Value)
		}
	}
}

func TestParseDatesEdges(t *testing.T) {
	_, loc := clock(t)
	tests := []struct {
		now      time.Time
		in       string
		from, to time.Time
	}{
		// Weeks start on Monday, whether now is a Sunday or a Monday.
		{time.Date(2026, 3, 22, 23, 0, 0, 0, loc), "during:this-week",
			time.Date(2026, 3, 16, 0, 0, 0, 0, loc), time.Date(2026, 3, 23, 0, 0, 0, 0, loc)},
		{time.Date(2026, 3, 16, 0, 0, 0, 0, loc), "during:this-week",
			time.Date(2026, 3, 16, 0, 0, 0, 0, loc), time.Date(2026, 3, 23, 0, 0, 0, 0, loc)},
		// Months back are clamped to the end of a shorter month.
		{time.Date(2026, 3, 31, 9, 0, 0, 0, loc), "during:1m",
			time.Date(2026, 2, 28, 9, 0, 0, 0, loc), time.Date(2026, 3, 31, 9, 0, 0, 0, loc)},
		{time.Date(2024, 3, 31, 9, 0, 0, 0, loc), "during:1m",
			time.Date(2024, 2, 29, 9, 0, 0, 0, loc), time.Date(2024, 3, 31, 9, 0, 0, 0, loc)},
		{time.Date(2026, 1, 15, 9, 0, 0, 0, loc), "during:last-month",
			time.Date(2025, 12, 1, 0, 0, 0, 0, loc), time.Date(2026, 1, 1, 0, 0, 0, 0, loc)},
		// now is taken in loc: 20:00 UTC on the 17th is already the 18th in Shanghai.
		{time.Date(2026, 3, 17, 20, 0, 0, 0, time.UTC), "during:today",
			time.Date(2026, 3, 18, 0, 0, 0, 0, loc), time.Date(2026, 3, 19, 0, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, tt.now, loc)
		if err != nil {
			t.Errorf("Parse(%q) at %v: %v", tt.in, tt.now, err)
			continue
		}
		if d := n.(*Date); !d.From.Equal(tt.from) || !d.To.Equal(tt.to) {
			t.Errorf("Parse(%q) at %v = [%v, %v), want [%v, %v)", tt.in, tt.now, d.From, d.To, tt.from, tt.to)
		}
	}

	// A nil location means now's own.
	now := time.Date(2026, 3, 18, 10, 30, 0, 0, time.UTC)
	n, err := Parse("during:today", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := n.(*Date); !d.From.Equal(time.Date(2026, 3, 18, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("nil location: From = %v", d.From)
	}
}

func TestParseErrors(t *testing.T) {
	now, loc := clock(t)
	tests := []struct {
		in   string
		code string
		span Span
	}{
		{`"abc`, "unclosed_quote", Span{0, 4}},
		{`foo “bar`, "unclosed_quote", Span{4, 10}},
		{`「付款`, "unclosed_quote", Span{0, 9}},
		{`in:"华东`, "unclosed_quote", Span{3, 10}},
		{`"a” b`, "unclosed_quote", Span{0, 7}},

		{`(a b`, "unbalanced_paren", Span{0, 1}},
		{`((a)`, "unbalanced_paren", Span{0, 1}},
		{`a b)`, "unbalanced_paren", Span{3, 4}},
		{`)`, "unbalanced_paren", Span{0, 1}},
		{`（a`, "unbalanced_paren", Span{0, 3}},
		{`a）`, "unbalanced_paren", Span{1, 4}},
		{`(`, "unbalanced_paren", Span{0, 1}},

		{`()`, "empty_group", Span{0, 2}},
		{`a ( ) b`, "empty_group", Span{2, 5}},
		{`（）`, "empty_group", Span{0, 6}},
		{`((a) ())`, "empty_group", Span{5, 7}},

		{`from:`, "empty_value", Span{0, 5}},
		{`from: 张伟`, "empty_value", Span{0, 5}},
		{`a in:""`, "empty_value", Span{2, 7}},
		{`tag:" "`, "empty_value", Span{0, 7}},
		{`before:)`, "empty_value", Span{0, 7}},
		{`a "" b`, "empty_value", Span{2, 4}},

		{`has:video`, "bad_value", Span{4, 9}},
		{`is:read`, "bad_value", Span{3, 7}},
		{`a has:"big file"`, "bad_value", Span{6, 16}},

		{`after:2026-02-30`, "bad_date", Span{6, 16}},
		{`during:"2026-13"`, "bad_date", Span{7, 16}},
		{`during:2025-02-29`, "bad_date", Span{7, 17}},
		{`during:2026-00`, "bad_date", Span{7, 14}},
		{`during:2026-03-32`, "bad_date", Span{7, 17}},
		{`during:26-03`, "bad_date", Span{7, 12}},
		{`during:2026-03/05`, "bad_date", Span{7, 17}},
		{`during:2026-3-`, "bad_date", Span{7, 14}},
		{`during:0d`, "bad_date", Span{7, 9}},
		{`during:7x`, "bad_date", Span{7, 9}},
		{`during:10000d`, "bad_date", Span{7, 13}},
		{`before:soon`, "bad_date", Span{7, 11}},
		{`before:-7d`, "bad_date", Span{7, 10}},

		{`form:张伟`, "unknown_operator", Span{0, 5}},
		{`a frm:x`, "unknown_operator", Span{2, 6}},
		{`hass:image`, "unknown_operator", Span{0, 5}},
		{`Befor:2026`, "unknown_operator", Span{0, 6}},
		{`mentoins:x`, "unknown_operator", Span{0, 9}},
		{`tags:x`, "unknown_operator", Span{0, 5}},
		{`durng：today`, "unknown_operator", Span{0, 8}},

		{`OR a`, "dangling_operator", Span{0, 2}},
		{`a OR`, "dangling_operator", Span{2, 4}},
		{`a AND`, "dangling_operator", Span{2, 5}},
		{`AND`, "dangling_operator", Span{0, 3}},
		{`NOT`, "dangling_operator", Span{0, 3}},
		{`a NOT`, "dangling_operator", Span{2, 5}},
		{`a AND OR b`, "dangling_operator", Span{2, 5}},
		{`a OR OR b`, "dangling_operator", Span{2, 4}},
		{`(a OR)`, "dangling_operator", Span{3, 5}},
		{`-`, "dangling_operator", Span{0, 1}},
		{`a - b`, "dangling_operator", Span{2, 3}},
		{`(a -)`, "dangling_operator", Span{3, 4}},
		{`-AND a`, "dangling_operator", Span{0, 1}},

		{strings.Repeat("a ", 501), "too_long", Span{1000, 1002}},
		{strings.Repeat("付", 334), "too_long", Span{999, 1002}},
		{strings.Repeat("(", 33) + "a" + strings.Repeat(")", 33), "too_long", Span{32, 33}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now, loc)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%.40q) = %s, %v; want a %s error", tt.in, dump(n), err, tt.code)
			continue
		}
		if n != nil || e.Code != tt.code || e.Span != tt.span || e.Msg == "" {
			t.Errorf("Parse(%.40q) = %s %v %q; want %s %v", tt.in, e.Code, e.Span, e.Msg, tt.code, tt.span)
		}
	}
}

func TestParseLimits(t *testing.T) {
	now, loc := clock(t)
	for _, q := range []string{
		strings.Repeat("a ", 500),
		strings.Repeat("(", 32) + "a" + strings.Repeat(")", 32),
		strings.Repeat("-", 999) + "a",
	} {
		if _, err := Parse(q, now, loc); err != nil {
			t.Errorf("Parse(%.40q…): %v", q, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	now, loc := clock(t)
	tests := []struct{ in, msg string }{
		{`form:张伟`, `unknown operator "form:" — did you mean "from:"?`},
		{`Frm:x`, `unknown operator "Frm:" — did you mean "from:"?`},
		{`hass:image`, `unknown operator "hass:" — did you mean "has:"?`},
		{`durng:today`, `unknown operator "durng:" — did you mean "during:"?`},
		{`recrod:x`, `unknown operator "recrod:" — did you mean "record:"?`},
		{`has:video`, `unknown value "video" for has: — use attachment, image, link or reaction`},
		{`a OR`, `"OR" needs a search term on each side — complete or remove it`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, now, loc)
		if err == nil || err.(*Error).Msg != tt.msg {
			t.Errorf("Parse(%q) = %v, want message %q", tt.in, err, tt.msg)
		}
	}
	err := &Error{Code: "bad_date", Msg: "invalid date", Span: Span{3, 9}}
	if got, want := err.Error(), "invalid date (at 3–9)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestErrorFacts: an error carries its message's facts (operator,
// suggestion, values) for a UI to say in its own language.
func TestErrorFacts(t *testing.T) {
	now, loc := clock(t)
	tests := []struct {
		in, op, suggest string
		values          []string
	}{
		{`form:张伟`, "", "from", nil},
		{`has:video`, "has", "", []string{"attachment", "image", "link", "reaction"}},
		{`IS:x`, "is", "", []string{"urgent", "important", "unanswered", "deleted", "message", "record"}},
		{`before:someday`, "before", "", []string{"2026-03", "last-week"}},
		{`to:`, "to", "", []string{"name", `"two words"`}},
		{`"a`, "", "", nil},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, now, loc)
		e, ok := err.(*Error)
		if !ok || e.Op != tt.op || e.Suggest != tt.suggest || !slices.Equal(e.Values, tt.values) {
			t.Errorf("Parse(%q) = %#v; want op %q, suggest %q, values %q", tt.in, err, tt.op, tt.suggest, tt.values)
		}
	}
}

func TestString(t *testing.T) {
	now, loc := clock(t)
	tests := []struct{ in, want string }{
		{`a b OR c d`, `a b OR c d`},
		{`NOT a AND (b OR c)`, `-a (b OR c)`},
		{`-(a b) OR NOT (c OR d)`, `-(a b) OR -(c OR d)`},
		{`a OR (b c)`, `a OR b c`},
		{`#x FROM:张伟`, `tag:x from:张伟`},
		{`in:"华东 实施" in:“x”`, `in:"华东 实施" in:"x"`},
		{`“a "b" c” 「d ”e”」`, `“a "b" c” "d ”e”"`},
		{`「“a” "b"」`, `「“a” "b"」`},
		{`has:FILE is:Urgent`, `has:attachment is:urgent`},
		{`during:"today" before:2026/3`, `during:today before:2026/3`},
		{"（a OR b）\u3000c", `(a OR b) c`},
		{`Note: x`, `Note: x`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now, loc)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := n.String()
		if got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		n2, err := Parse(got, now, loc)
		if err != nil || !reflect.DeepEqual(normalize(n2), normalize(n)) {
			t.Errorf("Parse(%q) = %s, %v; want %s", got, dump(n2), err, dump(n))
		}
	}
}

func TestWalk(t *testing.T) {
	now, loc := clock(t)
	n, err := Parse(`a (b OR -c) #d`, now, loc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	Walk(n, func(n Node) { got = append(got, fmt.Sprintf("%T", n)) })
	want := "*query.And *query.Term *query.Or *query.Term *query.Not *query.Term *query.Field"
	if strings.Join(got, " ") != want {
		t.Errorf("Walk visited %v, want %s", got, want)
	}
	Walk(nil, func(Node) { t.Error("Walk(nil) called f") })
}
