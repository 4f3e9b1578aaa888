package search_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

func TestExplore(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 5, Size: tenantsim.Medium})
	start := time.Now()
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("indexed in %v: %+v", time.Since(start), ix.Status(ctx))
	for _, q := range []string{"付款", "paiement", "payment", "second payment", "pay", "付", "is:urgent", "has:attachment 合同", "is:unanswered", "#付款", "from:me", "in:general", "after:2026-01 before:2026-03", "record:CAS", "bad:(", "\"unclosed"} {
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 3, Facets: true})
		if err != nil {
			t.Fatal(q, err)
		}
		fmt.Printf("%-30q total=%d took=%.1fms err=%v notes=%v\n", q, res.Total, res.TookMs, res.QueryError, res.Notes)
		for _, h := range res.Hits {
			fmt.Printf("   %s %v\n", h.ID, h.Snippet)
		}
		if len(res.Facets) > 0 {
			fmt.Printf("   facets: %v\n", res.Facets[0])
		}
	}
}
