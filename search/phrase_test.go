package search_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
)

// TestTextMatching: runs of Latin words match as phrases (positions in
// t); a run of Chinese characters matches every message holding all of
// its bigrams, in any order (tc keeps no positions: the trade doc.go and
// document.go state); a query mixing both needs each part. The messages
// are "1"…"8" in order.
func TestTextMatching(t *testing.T) {
	ctx := context.Background()
	bodies := []string{
		"<p>设备出现技术故障，请尽快处理</p>",        // 1: the run itself
		"<p>技术支持已到场，术故，故障已排除</p>",      // 2: its three bigrams apart
		"<p>技术支持已到场</p>",               // 3: one bigram of it
		"<p>invoice due tomorrow</p>",  // 4
		"<p>due invoice tomorrow</p>",  // 5
		"<p>请查收 invoice 付款 due 明天</p>", // 6
		"<p>Northwind 的付款已到账</p>",      // 7
		"<p>故障</p>",                    // 8
	}
	ix := chatIndex(t, bodies)
	tests := []struct {
		q    string // a trailing space: typed to the end (no typeahead)
		want []string
	}{
		{"技术故障 ", []string{"1", "2"}},
		{"技术 ", []string{"1", "2", "3"}},
		{"故障 ", []string{"1", "2", "8"}},
		{"技", []string{"1", "2", "3"}}, // typed: the bigrams it starts
		{`"invoice due" `, []string{"4"}},
		{`"due invoice" `, []string{"5"}},
		{"invoice due ", []string{"4", "5", "6"}},
		{`"invoice 付款 due" `, []string{"6"}},
		{`"tomorrow invoice" `, nil},
		{"northwind付款 ", []string{"7"}},
		{"付款 ", []string{"6", "7"}},
		{"付款 -northwind ", []string{"6"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, search.Request{Q: tt.q, Size: 50, Now: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %+v", tt.q, res.QueryError)
		}
		var got []string
		for _, h := range res.Hits {
			if h.Message != nil {
				got = append(got, h.Message.ID)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: messages %v, want %v", tt.q, got, tt.want)
		}
	}
}
