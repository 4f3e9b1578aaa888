package links_test

// BenchmarkLinks times the calls the UI makes most on the large preset:
// a chat's Linked records (ForChat), suggestions (Suggest) and the
// busiest account's timeline (Timeline), and prints p50 and p95 per call
// with the corpus size.
//
//	go test -run '^$' -bench Links -benchtime 1x -timeout 30m -v ./storage/links/
//
// Environment:
//
//	RAPPORT_BENCH_STORE=dir   keep the synced store there and reuse it
//	                          (synced only when it has not been yet; the
//	                          search benchmark's store can be shared)
//	RAPPORT_BENCH_SIZE=medium another tenantsim size (small, medium, large, N)

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
)

const (
	benchChats = 40 // sample chats (Dynamics links them), by id
	benchCalls = 5  // timed calls per sample chat, after one warm-up
	benchTimes = 100
)

func BenchmarkLinks(b *testing.B) {
	ctx := context.Background()
	dir, size := enginetest.BenchStore(b)
	start := time.Now()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Logf("store: opened in %.2fs (migrations included)", time.Since(start).Seconds())
	svc := links.New(db, storeNames{db})

	chats, busy, items := benchSample(b, ctx, db, svc)
	st, err := db.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	records := 0
	for _, n := range st.Records {
		records += n
	}
	rows, _ := db.Records(ctx, "chats")
	b.Logf("corpus: %s preset, %d messages, %d chats, %d records (%d link rows); %d sample chats; busiest account %s (%d timeline items)",
		size.Name, st.Messages, st.Chats, records, len(rows), len(chats), busy, items)
	for b.Loop() {
		enginetest.Timed(b, "chat", len(chats)*benchCalls, func(i int) error { _, err := svc.ForChat(ctx, chats[i%len(chats)]); return err })
		enginetest.Timed(b, "suggest", len(chats)*benchCalls, func(i int) error { _, err := svc.Suggest(ctx, chats[i%len(chats)]); return err })
		enginetest.Timed(b, "timeline", benchTimes, func(int) error { _, err := svc.Timeline(ctx, "accounts", busy); return err })
	}
}

// storeNames names conversations from the store as it holds them (the
// app names them through its conversation list, read the same way).
type storeNames struct{ db *storage.DB }

func (n storeNames) Chats(ctx context.Context) ([]links.Named, error) {
	chats, err := n.db.Chats(ctx)
	out := make([]links.Named, len(chats))
	for i, c := range chats {
		out[i] = links.Named{ID: c.ID, Name: c.Topic}
	}
	return out, err
}

func (n storeNames) Channels(ctx context.Context) ([]links.Named, error) {
	teams, err := n.db.Teams(ctx)
	if err != nil {
		return nil, err
	}
	var out []links.Named
	for _, t := range teams {
		chs, err := n.db.Channels(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			out = append(out, links.Named{ID: ch.ID, Name: t.Name + " / " + ch.Name})
		}
	}
	return out, nil
}

// benchSample picks the sample: the first chats by id that Dynamics links
// and the store holds, and the account whose timeline is longest.
func benchSample(b *testing.B, ctx context.Context, db *storage.DB, svc *links.Service) (chats []string, busy string, items int) {
	rows, err := db.Records(ctx, "chats")
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		c, _ := r.Fields["teamschatid"].(string)
		if _, err := db.Chat(ctx, c); err == nil && r.Deleted == nil && !slices.Contains(chats, c) {
			chats = append(chats, c)
		}
	}
	slices.Sort(chats)
	chats = chats[:min(len(chats), benchChats)]
	accounts, err := db.Records(ctx, "accounts")
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range accounts {
		tl, err := svc.Timeline(ctx, "accounts", a.ID)
		if err != nil {
			b.Fatal(err)
		}
		if busy == "" || len(tl) > items {
			busy, items = a.ID, len(tl)
		}
	}
	if len(chats) == 0 || busy == "" {
		b.Fatal("the store has no linked chats or no accounts")
	}
	return chats, busy, items
}
