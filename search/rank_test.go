package search_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestSubstance: the signals a message's text gives its rank.
func TestSubstance(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"收到，谢谢 #付款", []string{"q:ack"}},
		{"收到谢谢", []string{"q:ack"}},
		{"C'est noté. #livraison", []string{"q:ack"}},
		{"Bien reçu, merci ! #livraison", []string{"q:ack"}},
		{"Thanks, noted 👍", []string{"q:ack"}},
		{"OK", []string{"q:ack"}},
		{"好的，明白了 #故障", []string{"q:ack"}},
		{"培训？", []string{"q:ack"}},
		{"training?", []string{"q:short"}},
		{"Contract signed", []string{"q:short"}},
		{"发票有误吗？", []string{"q:ask"}},
		{"第二期付款什么时候能安排？", []string{"q:ask"}},
		{"Can we get a morning delivery slot?", []string{"q:ask"}},
		{"恒通电气第二期付款已经提交财务审批了，预计12月1日前到账。发票开专票还是普票？", []string{"q:body", "q:ask"}},
		{"The carrier says the motorway is closed, so delivery may slip by two days for the whole order.", []string{"q:body"}},
		{"Le transporteur signale une autoroute fermée.", nil},
	}
	for _, c := range cases {
		if got := search.Substance(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Substance(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestDemoFirstPages: on the demo's data (seed 1, what `rapport demo`
// shows), the first five hits of the queries hold no
// acknowledgement ("收到，谢谢 #付款", "C'est noté. #livraison" led them
// before the substance factors).
func TestDemoFirstPages(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 1, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))
	for _, q := range []string{"付款", "交付", "发票", "payment", "delivery", "invoice", "paiement", "livraison", "facture"} {
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 5})
		must(t, err)
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hits", q)
		}
		for i, h := range res.Hits {
			var text strings.Builder
			for _, f := range h.Snippet {
				text.WriteString(f.T)
			}
			if h.Message != nil && slices.Contains(search.Substance(text.String()), "q:ack") {
				t.Errorf("%s: hit %d is an acknowledgement: %q", q, i+1, text.String())
			}
		}
	}
}

// BenchmarkRanked: what the substance factors cost a scored query (the
// medium preset, 12,000 messages; the labelled set's word queries, 20
// hits each, relevance order), with and without them.
func BenchmarkRanked(b *testing.B) {
	ctx := context.Background()
	r := enginetest.Synced(b, tenantsim.Options{Seed: 5, Size: tenantsim.Medium})
	ix, err := search.Open(ctx, b.TempDir(), r.DB, search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		b.Fatal(err)
	}
	queries := []string{"付款", "发票", "交付", "故障", "payment", "invoice", "delivery", "outage", "paiement", "facture", "livraison", "panne",
		"second payment", "deuxième paiement", "付款 OR payment OR paiement"}
	for _, on := range []bool{false, true} {
		name := "plain"
		if on {
			name = "factors"
		}
		b.Run(name, func(b *testing.B) {
			search.SetRankQuality(on)
			defer search.SetRankQuality(true)
			hits := 0
			for b.Loop() {
				for _, q := range queries {
					res, err := ix.Search(ctx, search.Request{Q: q, Size: 20})
					if err != nil {
						b.Fatal(err)
					}
					hits += int(res.Total)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(queries)), "µs/query")
			b.ReportMetric(float64(hits)/float64(b.N*len(queries)), "hits/query")
		})
	}
}

// TestSignalBitmaps: the substance signals read from per-segment bitmaps
// give every hit the score that walking the signals' postings gives, on an
// index of many segments (small batches), for word, phrase, prefix and
// filtered queries (filters alone are not ranked), in relevance order, before and after more documents
// arrive (new segments, the cache's old entries dropped).
func TestSignalBitmaps(t *testing.T) {
	ctx := context.Background()
	r, ix := segmented(t)
	if n := ix.Segments(t); n < 2 {
		t.Fatalf("%d segment(s): the test needs several", n)
	}
	queries := []string{"付款", "技术故障", "payment", "delivery", "facture", "livraison", "second payment", "付款 OR payment", "from:王 付款", "is:unanswered 付款"}
	// The first 200 hits: their scores in order (ties may swap places
	// when segments merge between two searches) and by document.
	scores := func(bitmaps bool, q string) (uint64, []float64, map[string]float64) {
		ix.UseSignalBitmaps(bitmaps)
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200})
		must(t, err)
		byID := map[string]float64{}
		var order []float64
		for _, h := range res.Hits {
			byID[h.ID] = h.Score
			order = append(order, h.Score)
		}
		return res.Total, order, byID
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) }
	compare := func(round string) {
		for _, q := range queries {
			wn, worder, walked := scores(false, q)
			bn, border, bits := scores(true, q)
			if wn == 0 {
				t.Errorf("%s %q: no hits", round, q)
			}
			if wn != bn || len(worder) != len(border) {
				t.Errorf("%s %q: %d hits walking, %d with bitmaps", round, q, wn, bn)
				continue
			}
			for i := range worder {
				if !near(worder[i], border[i]) {
					t.Errorf("%s %q: hit %d scores %v walking, %v with bitmaps", round, q, i+1, worder[i], border[i])
					break
				}
			}
			for id, w := range walked {
				if b, ok := bits[id]; ok && !near(w, b) {
					t.Errorf("%s %q: %s scores %v walking, %v with bitmaps", round, q, id, w, b)
				}
			}
		}
	}
	compare("first")
	ix.UseSignalBitmaps(true)
	scores(true, "付款") // the cache holds today's segments
	chats, err := r.DB.Chats(ctx)
	must(t, err)
	now := time.Now().UTC().Truncate(time.Millisecond)
	texts := []string{"第二期付款什么时候能安排？", "收到，谢谢 #付款", "Can the second payment go out before Friday?", "ok thanks", "La facture de livraison est-elle prête ?"}
	for i := range 40 { // one batch each: a segment each; the last ten edit earlier ones (deleted documents in old segments)
		m := storage.Message{ID: fmt.Sprintf("sig%d", i%30), ConvID: chats[i%30%len(chats)].ID, Type: "message",
			Created: now.Add(-time.Duration(i%30) * time.Hour), Modified: now.Add(time.Duration(i) * time.Second)}
		must(t, r.DB.Apply(ctx, func(w *storage.Writer) error {
			_, err := w.PutMessage(m, storage.Body{Raw: texts[i%len(texts)] + fmt.Sprint(" ", i)})
			return err
		}))
		must(t, ix.WaitIndexed(ctx))
	}
	compare("after new messages")
}

// segmented is the small preset synced and indexed in small batches: an
// index of many segments, closed when the test ends.
func segmented(t *testing.T) (*enginetest.Rig, *search.Index) {
	t.Helper()
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{Batch: 97})
	must(t, err)
	t.Cleanup(func() { ix.Close() })
	must(t, ix.WaitIndexed(ctx))
	return r, ix
}
