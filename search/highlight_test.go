package search_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestHighlightsOnlyTheQuery: every word a hit's snippet marks is one of
// the query's own terms after the same analysis (stems, elisions, CJK
// bigrams), or, for the last word (typed as a prefix), a word starting
// with it. Searching "livraison" once marked "peut" and "Lyon": the
// prefix check read another word than the one it marked.
func TestHighlightsOnlyTheQuery(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	queries := []string{"delivery", "livraison", "facture", "payment", "paiement", "invoice", "contract", "contrat", "training", "formation",
		"付款", "技术故障", "发票", "培训", "合同", "l'équipe", "délai de livraison", "payment schedule", "second payment", "factur", "deliv", "付"}
	marked := 0
	for _, q := range queries {
		n, bad := checkHighlights(t, ix, q, search.Request{Q: q, Size: 50})
		marked += n
		for _, b := range bad {
			t.Error(b)
		}
	}
	if marked < 100 {
		t.Fatalf("only %d marked words over %d queries: the test checks little", marked, len(queries))
	}
}

// checkHighlights runs req and returns how many spans its hits' snippets
// mark and what is wrong with them: every marked span must re-analyse to
// one of q's terms, or (the last word is typed as a prefix: the UI searches
// as you type) start with the last word. Operators' words (from:, in:…)
// count as terms, so the check is looser for them, never stricter.
func checkHighlights(t *testing.T, ix *search.Index, q string, req search.Request) (int, []string) {
	t.Helper()
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	terms := map[string]bool{}
	for _, tk := range search.Analyze(q) {
		terms[tk.Term] = true
	}
	words := search.PrefixTokens(q)
	last := ""
	if len(words) > 0 {
		last = words[len(words)-1].Term
	}
	marked := 0
	var bad []string
	for _, h := range res.Hits {
		for _, f := range h.Snippet {
			if !f.Hit {
				continue
			}
			marked++
			if !spanMatches(f.T, terms, last) {
				bad = append(bad, fmt.Sprintf("%q: hit %s marks %q, not a term of the query (%v) nor a word starting with %q", q, h.ID, f.T, keys(terms), last))
			}
		}
	}
	return marked, bad
}

// spanMatches: a marked span holds a query term, or each of its words
// starts with the last word.
func spanMatches(span string, terms map[string]bool, last string) bool {
	for _, tk := range search.Analyze(span) {
		if terms[tk.Term] {
			return true
		}
	}
	ws := search.PrefixTokens(span)
	if last == "" || len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if !strings.HasPrefix(w.Term, last) {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
