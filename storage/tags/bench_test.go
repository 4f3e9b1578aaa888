package tags_test

// BenchmarkBulkTag tags 100,000 search results on the large preset, as
// `rapport tag +TAG QUERY` does, and prints the corpus size and each
// phase: the search's documents (Index.DocIDs), the one transaction that
// tags them (storage.DB.EditTags, with the index queue entries and the
// undo record), the index catching up, and the undo.
//
//	go test -run '^$' -bench BulkTag -benchtime 1x -timeout 60m -v ./storage/tags/
//
// Environment:
//
//	RAPPORT_BENCH_STORE=dir   keep the synced store (and its index) there
//	                          and reuse it; the links and search benchmarks'
//	                          stores can be shared
//	RAPPORT_BENCH_SIZE=medium another tenantsim size (small, medium, large, N)

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
)

const benchBulk = 100_000

func BenchmarkBulkTag(b *testing.B) {
	ctx := context.Background()
	dir, size := enginetest.BenchStore(b)
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	ix, err := search.Open(ctx, dir, db, search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("index: ready in %.1fs", time.Since(start).Seconds())
	st, err := db.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	convs, err := db.ConvIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t0 := time.Now()
		ids, err := ix.DocIDs(ctx, "is:message")
		if err != nil {
			b.Fatal(err)
		}
		tSearch := time.Since(t0)
		items := make([]storage.ItemTagEdit, 0, min(len(ids), benchBulk))
		for _, id := range ids {
			if len(items) == benchBulk {
				break
			}
			if _, no, _, msg, err := storage.ParseDocID(id); err == nil && convs[no] != "" {
				items = append(items, storage.ItemTagEdit{Target: storage.MessageTarget(convs[no], msg), Add: []string{"bench-bulk"}})
			}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].Target < items[j].Target })
		t1 := time.Now()
		res, err := db.EditTags(ctx, storage.TagEdit{What: "bulk", At: t1, Items: items, Journal: true})
		if err != nil {
			b.Fatal(err)
		}
		tTag := time.Since(t1)
		// At once, before the index catches up: tag: answers from the
		// store for the documents still queued.
		t2 := time.Now()
		early, err := ix.Search(ctx, search.Request{Q: "tag:bench-bulk", Size: 20})
		if err != nil {
			b.Fatal(err)
		}
		tEarly := time.Since(t2)
		queued := ix.Status(ctx).Queued
		// A query of filters only counts up to search.CountBound; every
		// tagged message is found (DocIDs, what a bulk untag would change).
		tA := time.Now()
		all, err := ix.DocIDs(ctx, "tag:bench-bulk")
		if err != nil {
			b.Fatal(err)
		}
		tAll := time.Since(tA)
		counts, err := db.TagCounts(ctx) // this run's, and any an interrupted run left
		if err != nil {
			b.Fatal(err)
		}
		tagged := counts["bench-bulk"]
		if len(all) != tagged || tagged < res.Items || len(early.Hits) == 0 || early.Total < uint64(min(tagged, search.CountBound)) {
			b.Fatalf("right after the commit tag:bench-bulk finds %d (page total %d, more %v), %d tagged, %d this run", len(all), early.Total, early.TotalMore, tagged, res.Items)
		}
		if err := ix.WaitIndexed(ctx); err != nil {
			b.Fatal(err)
		}
		tIndex := time.Since(t2)
		indexed, err := ix.DocIDs(ctx, "tag:bench-bulk")
		if err != nil {
			b.Fatal(err)
		}
		if len(indexed) != tagged {
			b.Fatalf("once indexed tag:bench-bulk finds %d, tagged %d", len(indexed), tagged)
		}
		t3 := time.Now()
		if _, _, err := db.UndoTags(ctx, false); err != nil {
			b.Fatal(err)
		}
		tUndo := time.Since(t3)
		if err := ix.WaitIndexed(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(tTag.Seconds(), "tag-s")
		b.ReportMetric(tIndex.Seconds(), "index-s")
		b.Logf("corpus: %s preset, %d messages, %d chats, %d channels; %d results, %d tagged in one transaction",
			size.Name, st.Messages, st.Chats, st.Channels, len(ids), res.Items)
		b.ReportMetric(tEarly.Seconds(), "first-tag-query-s")
		b.Logf("bulk tag: search %.2fs, tag (store commit, %d index entries, undo record) %.2fs, tag: right after it: first page %.2fs, all %d found %.2fs (%d documents still queued), index caught up %.1fs, undo %.2fs",
			tSearch.Seconds(), res.Docs, tTag.Seconds(), tEarly.Seconds(), len(all), tAll.Seconds(), queued, tIndex.Seconds(), tUndo.Seconds())
	}
}

// BenchmarkBulkTagStore is the store's part of BenchmarkBulkTag without
// the index: 100,000 messages (taken from the store, conversation by
// conversation) tagged in one transaction, then the undo.
func BenchmarkBulkTagStore(b *testing.B) {
	ctx := context.Background()
	dir, size := enginetest.BenchStore(b)
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	convs, err := db.ConvIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	nos := make([]int64, 0, len(convs))
	for no := range convs {
		nos = append(nos, no)
	}
	sort.Slice(nos, func(i, j int) bool { return nos[i] < nos[j] })
	items := make([]storage.ItemTagEdit, 0, benchBulk)
	for _, no := range nos {
		err := db.EachThreadPost(ctx, no, func(p storage.ThreadPost) error {
			if len(items) < benchBulk {
				items = append(items, storage.ItemTagEdit{Target: storage.MessageTarget(convs[no], p.ID), Add: []string{"bench-bulk"}})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(items) == benchBulk {
			break
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Target < items[j].Target })
	for b.Loop() {
		t1 := time.Now()
		res, err := db.EditTags(ctx, storage.TagEdit{What: "bulk", At: t1, Items: items, Journal: true})
		if err != nil {
			b.Fatal(err)
		}
		tTag := time.Since(t1)
		t2 := time.Now()
		if _, _, err := db.UndoTags(ctx, false); err != nil {
			b.Fatal(err)
		}
		tUndo := time.Since(t2)
		// The queue entries are the index's to drain; this store has no
		// index running, so trim them (as the indexer would once done).
		q, err := db.IndexQueueState(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.TrimIndexQueue(ctx, q.Last); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(tTag.Seconds(), "tag-s")
		b.Logf("corpus: %s preset, %d messages, %d chats, %d channels; %d messages tagged in one transaction (%d index entries, undo record) in %.2fs; undo %.2fs",
			size.Name, st.Messages, st.Chats, st.Channels, res.Items, res.Docs, tTag.Seconds(), tUndo.Seconds())
	}
}
