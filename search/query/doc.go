// Package query parses Rapport's search query language into a syntax tree
// that the search engine evaluates.
//
// A query is made of free words, quoted phrases and name:value operators,
// combined with implicit AND, the keywords AND, OR and NOT, "-" negation and
// parentheses:
//
//	付款 from:张伟 in:"华东 实施" has:attachment after:2026-03 -退款
//	"second payment" OR #paiement
//	(urgent OR 紧急) is:unanswered before:last-week
//
// # Grammar
//
//	query    = [ or ] .                          (empty or blank: no tree)
//	or       = and { "OR" and } .
//	and      = unary { [ "AND" ] unary } .
//	unary    = ( "NOT" | "-" ) unary | primary .
//	primary  = "(" or ")" | phrase | operator | tag | word .
//	phrase   = open { any } close .              "…"  “…”  「…」
//	operator = name ( ":" | "：" ) ( phrase | bare ) .
//	name     = from | to | in | tag | mentions | record
//	         | has | is | before | after | during .  (any case)
//	tag      = "#" tagchar { tagchar } .          same as tag:…
//	word     = bare .
//	bare     = barechar { barechar } .
//
// A barechar is anything except white space (including U+3000), the
// parentheses ( ) （ ） and the opening quotes " “ 「. A tagchar is a letter
// (CJK included), digit, mark, "_" or "-". The keywords AND, OR and NOT are
// recognised in upper case only; "-" negates when it is directly followed by
// the operand. NOT and "-" bind tightest, then AND, then OR, so
// "a b OR c d" means "(a AND b) OR (c AND d)".
//
// Values of has: are attachment (alias file), image, link and reaction; values of is:
// are urgent, important, unanswered, deleted, message and record, both in any case. Values of
// before:, after: and during: are dates, resolved against the caller's clock
// and time zone to half-open intervals: YYYY, YYYY-MM, YYYY-MM-DD (also with
// "/" or "." as separator), today, yesterday, this-week, last-week (weeks
// start on Monday), this-month, last-month, this-year, last-year and Nd, Nw,
// Nm (the last N days, weeks or months up to now). during:X is X itself,
// before:X ends where X starts and after:X starts where X ends, except for
// Nd, Nw, Nm: after:7d means since 7 days ago (the last 7 days); the zero
// time.Time stands for an open end.
//
// A word:value whose name is not an operator is ordinary text (for example
// "Note:" or "https://example.com"), unless the name looks like a misspelt
// operator ("form:", "frm:", "hass:"), which is an unknown_operator error
// that suggests the right name. To keep everyday words such as "Re:", "ID:"
// or "Tel:" usable, names of one or two letters are never treated as
// misspellings, names of three or four letters must be one edit (insertion,
// deletion, substitution or transposition) from an operator, and longer names
// at most two edits.
//
// When the last token of the input is a bare free word and the input does not
// end in white space, its Term is marked Prefix so that typeahead can match
// words that start with it.
//
// # Invariants
//
//   - Parse never panics, whatever the input (including invalid UTF-8).
//   - Every Span, in the tree or in an *Error, lies within the input:
//     0 <= Start <= End <= len(q).
//   - And and Or have at least two children and never a child of their own
//     kind.
//   - Parsing the String() of a tree with the same clock and time zone gives
//     the same tree except for spans and the Prefix flag (which depends on
//     trailing white space), provided the canonical text stays within the
//     1,000-byte limit.
//   - Errors are *Error values whose Code is stable (for translation) and
//     whose Span marks the offending part of the input.
package query
