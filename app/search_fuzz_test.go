package app

import (
	"context"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
)

// searchCore is a core with a store of a few messages and an index that
// holds them.
func searchCore(t testing.TB) *Core {
	t.Helper()
	core := newCore(Config{DataDir: t.TempDir(), Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	db, _ := core.store()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	bodies := []string{"invoice overdue for Contoso", "发票 逾期 华东精密", "facture en retard #urgent", "CAS-01037-A1B2C3 alarm"}
	if err := db.Apply(context.Background(), func(w *storage.Writer) error {
		for i, b := range bodies {
			d := at.Add(time.Duration(i) * time.Minute)
			m := storage.Message{ConvID: "19:fuzz@thread.v2", ID: string(rune('1' + i)), Type: "message", Created: d, Modified: d, FromName: "Megan"}
			if _, err := w.PutMessage(m, storage.Body{Raw: "<p>" + b + "</p>"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := core.events.Subscribe()
	defer unsubscribe()
	if err := core.openIndex(); err != nil {
		t.Fatal(err)
	}
	for st, _ := core.Search.Status(); st.State != search.StateReady; st, _ = core.Search.Status() {
		<-events // progress events until the index is ready
	}
	return core
}

// FuzzSearchService feeds the Search service what the UI (or anything
// that reaches browser mode's API) could send: any query, sort, offset,
// size and facets; any context request; any saved search. It must never
// panic, must answer out-of-bounds paging with invalid_argument, and must
// keep its page size.
func FuzzSearchService(f *testing.F) {
	core := searchCore(f)
	f.Add("invoice", "relevance", 0, 50, true, "1", 5, "name")
	f.Add("invoice", "date", math.MaxInt, 50, false, "1", 5, "n")  // overflowed inside Bleve
	f.Add("invoice", "", math.MaxInt-10, 10, false, "2", 1, "n")   // offset + size overflows
	f.Add("发票", "relevance", 1, math.MaxInt, true, "3", 100, "保存") // size without bound
	f.Add("x", "relevance", -1, -1, false, "", -1, "")
	f.Add("from:megan (a OR b) -c \"", "bogus", search.MaxOffset, search.MaxSize, true, "9", 101, strings.Repeat("n", 201))
	f.Add(strings.Repeat("(", 500), "date", search.MaxOffset+1, search.MaxSize+1, true, "\x00", math.MinInt, "\xff")
	f.Fuzz(func(t *testing.T, q, sort string, offset, size int, facets bool, msgID string, around int, name string) {
		res, err := core.Search.Query(search.Request{Q: q, Sort: sort, Offset: offset, Size: size, Facets: facets})
		outOfBounds := offset < 0 || offset > search.MaxOffset || size < 0 || size > search.MaxSize ||
			sort != "" && sort != search.SortRelevance && sort != search.SortDate
		code := ""
		if err != nil {
			code = toError(err).Code
		}
		switch {
		case err == nil && outOfBounds:
			t.Fatalf("Query(offset %d, size %d, sort %q) succeeded", offset, size, sort)
		case err != nil && (!outOfBounds || code != "invalid_argument"):
			t.Fatalf("Query(%q, offset %d, size %d): %v (code %s)", q, offset, size, err, code)
		case err == nil && len(res.Hits) > max(size, 50):
			t.Fatalf("Query(size %d): %d hits", size, len(res.Hits))
		}
		if _, err := core.Search.Context("19:fuzz@thread.v2", msgID, around); err != nil {
			if code := toError(err).Code; code != "invalid_argument" && code != "not_found" {
				t.Fatalf("Context(%q, %d): %v (code %s)", msgID, around, err, code)
			}
		}
		if _, err := core.Search.Save(name, q); err != nil && toError(err).Code != "invalid_argument" {
			t.Fatalf("Save(%q, %q): %v", name, q, err)
		}
	})
}
