package search_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage/storagetest"
)

// TestTypeaheadInContext: the word being typed expands among the
// documents the query's other words match. Twenty words starting with
// "pax" are each in ten messages; "paxzeta" is in one, beside "invoice".
// Alone, "pax" expands to the sixteen most frequent (not paxzeta); typed
// after "invoice" it finds the invoice's word, with a filter too; after
// "shipment", beside every pax word but paxzeta, sixteen of those.
func TestTypeaheadInContext(t *testing.T) {
	ctx := context.Background()
	var bodies []string
	for w := range 20 {
		for range 10 {
			bodies = append(bodies, fmt.Sprintf("<p>shipment note pax%c%c</p>", 'a'+w, 'a'+w))
		}
	}
	bodies = append(bodies, "<p>invoice paxzeta for March</p>")
	ix := chatIndex(t, bodies)
	lone := fmt.Sprint(len(bodies)) // paxzeta's message id
	has := func(q string) (bool, uint64) {
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Now: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %+v", q, res.QueryError)
		}
		for _, h := range res.Hits {
			if h.Message != nil && h.Message.ID == lone {
				return true, res.Total
			}
		}
		return false, res.Total
	}
	tests := []struct {
		q     string
		found bool
		total uint64 // 0: not checked
	}{
		{"pax", false, 160},       // the sixteen most frequent words, ten messages each
		{"invoice pax", true, 1},  // the invoice's own word
		{"invoice paxz", true, 1}, // the next keystroke, from the same words
		{"in:\"Contoso payments\" invoice pax", true, 1},
		{"shipment pax", false, 160}, // every pax word is beside "shipment": the most frequent win
		{"after:2026-03-01 invoice pax", true, 1},
	}
	for _, tt := range tests {
		found, total := has(tt.q)
		if found != tt.found || (tt.total != 0 && total != tt.total) {
			t.Errorf("%q: paxzeta found %v with %d hits, want %v with %d", tt.q, found, total, tt.found, tt.total)
		}
	}
}

// chatIndex indexes a chat of bodies ("1", "2", … a minute apart, from
// Li Wei, from 2026-03-02 09:00 UTC) beside storagetest's channel, and
// waits until every message is searchable.
func chatIndex(t *testing.T, bodies []string) *search.Index {
	t.Helper()
	db := storagetest.Open(t)
	storagetest.WriteConversations(t, db, storagetest.Conversations{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), ChatBodies: bodies, ChatStep: time.Minute, From: "Li Wei"})
	ix, err := search.Open(context.Background(), t.TempDir(), db, search.Options{})
	must(t, err)
	t.Cleanup(func() { ix.Close() })
	must(t, ix.WaitIndexed(context.Background()))
	return ix
}
