package search

import (
	"cmp"
	"slices"
	"strings"
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
// from:, to: and mentions:, teams and conversations for in:. A name is a
// candidate when one of its words is within a third of the value's
// length in edits (at least 1), or starts with the value's first two
// letters.
func (d *directory) suggest(op, value string) []string {
	var names []string
	switch op {
	case "from", "to", "mentions":
		for _, n := range d.names {
			names = append(names, n)
		}
	case "in":
		for _, t := range d.teams {
			names = append(names, t.Name)
		}
		for _, c := range d.convs {
			names = append(names, c.Name)
		}
	default:
		return nil
	}
	v := fold(strings.TrimSpace(value))
	if v == "" {
		return nil
	}
	type cand struct {
		name string
		dist int
	}
	seen := map[string]bool{}
	var out []cand
	for _, n := range names {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		best := -1
		for _, w := range strings.FieldsFunc(fold(n), func(r rune) bool { return r == ' ' || r == '-' || r == '.' || r == '/' || r == '·' }) {
			dist := editDistance(w, v)
			if len(v) >= 2 && strings.HasPrefix(w, v[:2]) {
				dist = min(dist, 1)
			}
			if best < 0 || dist < best {
				best = dist
			}
		}
		if best >= 0 && best <= max(1, len([]rune(v))/3) {
			out = append(out, cand{n, best})
		}
	}
	slices.SortFunc(out, func(a, b cand) int { return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.name, b.name)) })
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
