package metrics_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
)

// TestResolution checks the threads the user tagged resolved or
// unresolved: a thread's or a message's tag applies to its thread and wins
// over its conversation's, an alias of the topic counts as the topic,
// unresolved wins a tie, and a thread counts in the period of its newest
// message under its first customer's account.
func TestResolution(t *testing.T) {
	ctx := context.Background()
	db, s := openWorld(t, shanghai())
	s.Now = func() time.Time { return sh("2026-05-30 10:00") }
	put(t, db,
		// Huadong in the chat (one thread) in April.
		msg{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 09:00")},
		msg{id: "c2", conv: chat, from: me, at: sh("2026-04-27 09:10")},
		// Boreal's channel threads A, B, C, D in May.
		msg{id: "A", conv: chan1, from: boreal, at: sh("2026-05-19 10:00")},
		msg{id: "A1", conv: chan1, replyTo: "A", from: me, at: sh("2026-05-19 10:20")},
		msg{id: "B", conv: chan1, from: boreal, at: sh("2026-05-20 10:00")},
		msg{id: "C", conv: chan1, from: boreal, at: sh("2026-05-21 10:00")},
		msg{id: "D", conv: chan1, from: boreal, at: sh("2026-05-22 10:00")},
	)
	tag := func(items ...storage.ItemTagEdit) {
		t.Helper()
		meta := map[string]*storage.TagMeta{"已解决": {Topic: "resolved"}}
		if _, err := db.EditTags(ctx, storage.TagEdit{What: "tag", At: time.Now(), Items: items, Meta: meta}); err != nil {
			t.Fatal(err)
		}
	}
	tag(
		storage.ItemTagEdit{Target: chat, Add: []string{"resolved"}},
		storage.ItemTagEdit{Target: chan1, Add: []string{"resolved"}},                                      // every channel thread…
		storage.ItemTagEdit{Target: storage.ThreadTarget(chan1, "B"), Add: []string{"unresolved"}},         // …but B
		storage.ItemTagEdit{Target: storage.MessageTarget(chan1, "A1"), Add: []string{"已解决"}},              // A by an alias, on a reply
		storage.ItemTagEdit{Target: storage.MessageTarget(chan1, "C"), Add: []string{"已解决", "unresolved"}}, // C both: unresolved
	)
	cases := []struct {
		name                 string
		q                    metrics.Query
		resolved, unresolved int // total
		hd, br               [2]int
	}{
		{"all history", metrics.Query{}, 3, 2, [2]int{1, 0}, [2]int{2, 2}},
		{"April", metrics.Query{From: "2026-04-01", To: "2026-04-30"}, 1, 0, [2]int{1, 0}, [2]int{0, 0}},
		{"May", metrics.Query{From: "2026-05-01", To: "2026-05-31"}, 2, 2, [2]int{0, 0}, [2]int{2, 2}},
		{"Boreal only", metrics.Query{Account: accBR}, 2, 2, [2]int{0, 0}, [2]int{2, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := s.Report(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if r.Total.ThreadsResolved != c.resolved || r.Total.ThreadsUnresolved != c.unresolved {
				t.Errorf("total: %d resolved, %d unresolved; want %d, %d", r.Total.ThreadsResolved, r.Total.ThreadsUnresolved, c.resolved, c.unresolved)
			}
			got := map[string][2]int{}
			for _, a := range r.Accounts {
				got[a.ID] = [2]int{a.ThreadsResolved, a.ThreadsUnresolved}
			}
			if got[accHD] != c.hd || got[accBR] != c.br {
				t.Errorf("accounts: Huadong %v, Boreal %v; want %v, %v", got[accHD], got[accBR], c.hd, c.br)
			}
		})
	}
	// The threads behind the counts: Boreal's four channel threads, B and
	// C unresolved; the whole history's total holds the chat too.
	ths, err := s.Threads(ctx, metrics.Query{}, metrics.ByAccount, accBR)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, th := range ths {
		order = append(order, fmt.Sprintf("%s:%v", th.Thread, th.Resolved))
	}
	if strings.Join(order, " ") != "D:true C:false B:false A:true" {
		t.Errorf("Boreal's tagged threads, newest first: %v", order)
	}
	if all, err := s.Threads(ctx, metrics.Query{}, metrics.ByTotal, ""); err != nil || len(all) != 5 || all[4].Conversation != chat || all[4].Message != "c2" {
		t.Errorf("every tagged thread: %+v, %v", all, err)
	}
	// Another tag in Settings: nothing is tagged with it.
	set := shanghai()
	set.ResolvedTag, set.UnresolvedTag = "#Done", "open"
	if _, err := s.SetSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Settings(ctx)
	if got.ResolvedTag != "done" {
		t.Errorf("resolved tag stored as %q, want done", got.ResolvedTag)
	}
	r, err := s.Report(ctx, metrics.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.ThreadsResolved != 0 || r.Total.ThreadsUnresolved != 0 {
		t.Errorf("with other tags: %d resolved, %d unresolved; want none", r.Total.ThreadsResolved, r.Total.ThreadsUnresolved)
	}
}
