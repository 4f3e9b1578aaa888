package search

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rapport-app/rapport/storage/crm"
)

// Unmatched is an operator whose value matched nobody and nothing (from:xu),
// with the names closest to it, to try instead.
type Unmatched struct {
	Text    string   `json:"text"`              // the operator as typed
	Op      string   `json:"op"`                // from, to, mentions, in, record
	Value   string   `json:"value"`             // its value
	Suggest []string `json:"suggest,omitempty"` // names to try, closest first (at most maxSuggest)
}

const maxSuggest = 3

// suggest finds the names an operator's value may have meant: people for
// from:, to: and mentions:, teams and conversations for in:, record types
// and records' titles for record:. A name is a candidate when one of its
// words is within a third of the value's length in edits (at least 1), or
// starts with the value's first half (two letters at least); the closest
// words come first. A person's words include
// those of their e-mail address before the @, which spell a Chinese name
// in pinyin (from:xu finds 许强, qiang.xu@…).
func (d *directory) suggest(op, value string) []string {
	type named struct{ name, words string }
	var names []named
	switch op {
	case "from", "to", "mentions":
		for id, n := range d.names {
			local, _, _ := strings.Cut(d.mails[id], "@")
			names = append(names, named{n, n + " " + local})
		}
	case "in":
		for _, t := range d.teams {
			names = append(names, named{t.Name, t.Name})
		}
		for _, c := range d.convs {
			names = append(names, named{c.Name, c.Name})
		}
	case "record":
		for _, set := range crm.LinkableNames() {
			names = append(names, named{set, set})
		}
		for _, r := range d.recs {
			t := crm.Title(r.Set, r.Fields)
			names = append(names, named{t, t})
		}
	default:
		return nil
	}
	slices.SortFunc(names, func(a, b named) int { return strings.Compare(a.name, b.name) }) // maps iterate in any order
	v := fold(strings.TrimSpace(value))
	if v == "" {
		return nil
	}
	type cand struct {
		name string
		dist int // the closest word's edit distance
	}
	rs := []rune(v)
	prefix := string(rs[:min(len(rs), max(2, len(rs)/2))])
	seen := map[string]bool{}
	var out []cand
	for _, n := range names {
		if n.name == "" || seen[n.name] {
			continue
		}
		seen[n.name] = true
		best, near := -1, false
		for _, w := range strings.FieldsFunc(fold(n.words), func(r rune) bool {
			return r == ' ' || r == '-' || r == '.' || r == '/' || r == '·' || r == '_' || r == ',' || r == ':'
		}) {
			dist := editDistance(w, v)
			near = near || dist <= max(1, len(rs)/3) || len(rs) >= 2 && strings.HasPrefix(w, prefix)
			if best < 0 || dist < best {
				best = dist
			}
		}
		if near {
			out = append(out, cand{n.name, best})
		}
	}
	slices.SortStableFunc(out, func(a, b cand) int { return cmp.Compare(a.dist, b.dist) })
	var res []string
	for _, c := range out[:min(len(out), maxSuggest)] {
		res = append(res, c.name)
	}
	return res
}

// editDistance is the Levenshtein distance between two strings, by runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			sub := prev[j-1]
			if x[i-1] != y[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}
