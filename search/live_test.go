package search_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestLiveUpdates writes messages the way sync does and checks that the
// index follows: new words are found, edits replace old words, deletions
// leave the default results, and an answer from us clears is:unanswered
// on the customer's earlier post.
func TestLiveUpdates(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	db := rig.DB
	ix, err := search.Open(ctx, t.TempDir(), db, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))

	me, _ := db.Me(ctx)
	users, _ := db.Users(ctx)
	guest := ""
	for _, u := range users {
		if u.UserType == "Guest" {
			guest = u.ID
			break
		}
	}
	chats, _ := db.Chats(ctx)
	if guest == "" || me == "" || len(chats) == 0 {
		t.Fatal("the tenant has no guest, no me or no chat")
	}
	chat := chats[0].ID
	now := time.Now().UTC().Truncate(time.Millisecond)
	put := func(m storage.Message, body string) {
		t.Helper()
		m.ConvID, m.Type = chat, "message"
		if m.Modified.IsZero() {
			m.Modified = m.Created
		}
		must(t, db.Apply(ctx, func(w *storage.Writer) error {
			_, err := w.PutMessage(m, storage.Body{Raw: body})
			return err
		}))
		must(t, ix.WaitIndexed(ctx))
	}
	count := func(q string) int {
		t.Helper()
		res, err := ix.Search(ctx, search.Request{Q: q + " ", Size: 50})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %s", q, res.QueryError.Message)
		}
		return int(res.Total)
	}
	steps := []struct {
		name  string
		write func()
		q     string
		want  int
	}{
		{"a customer's question is found at once", func() {
			put(storage.Message{ID: "9000000000001", Created: now, FromID: guest}, "<p>Zorblax invoice question</p>")
		}, "zorblax", 1},
		{"and waits for an answer", nil, "zorblax is:unanswered", 1},
		{"our answer clears is:unanswered", func() {
			put(storage.Message{ID: "9000000000002", Created: now.Add(time.Minute), FromID: me}, "<p>Answered: quuxly</p>")
		}, "zorblax is:unanswered", 0},
		{"an edit replaces the words", func() {
			put(storage.Message{ID: "9000000000001", Created: now, Modified: now.Add(2 * time.Minute), FromID: guest}, "<p>Frobnitz invoice question</p>")
		}, "zorblax", 0},
		{"the new words are found", nil, "frobnitz", 1},
		{"a deletion leaves the default results", func() {
			del := now.Add(3 * time.Minute)
			put(storage.Message{ID: "9000000000001", Created: now, Modified: del, Deleted: &del, FromID: guest}, "")
		}, "frobnitz", 0},
		{"but is:deleted finds its retained text", nil, "frobnitz is:deleted", 1},
	}
	// Typeahead: the word being typed matches the most frequent indexed
	// words starting with it (stop words' letters included: "the" may
	// start "theme"); one letter waits for the next.
	typed := func(q string) int {
		t.Helper()
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 50})
		must(t, err)
		return int(res.Total)
	}
	steps = append(steps[:2:2], append([]struct {
		name  string
		write func()
		q     string
		want  int
	}{{"typeahead", func() {
		// A prefix's expansion is cached across keystrokes until the index
		// changes: a word indexed after it was typed is found at once.
		if got := typed("glimm"); got != 0 {
			t.Errorf("typing %q before the word is indexed: %d hits", "glimm", got)
		}
		put(storage.Message{ID: "9000000000003", Created: now.Add(-time.Hour), FromID: me}, "<p>Glimmex themeless deliverable</p>")
		for q, want := range map[string]int{"glimmex the": 1, "glimmex deliv": 1, "glimmex d": 1, "glimm": 1, "glimmex dx": 0, "glimmex zorbla": 0} {
			if got := typed(q); got != want {
				t.Errorf("typing %q: %d hits, want %d", q, got, want)
			}
		}
	}, "zorblax", 1}}, steps[2:]...)...)
	// A link made offline makes record: find the chat's messages at once.
	incidents, _ := db.Records(ctx, "incidents")
	ticket, _ := incidents[0].Fields["ticketnumber"].(string)
	before := count("record:" + ticket)
	_, err = db.SetLink(ctx, chat, "incidents", incidents[0].ID, true, me, "", now)
	must(t, err)
	if after := count("record:" + ticket); after <= before {
		t.Errorf("record:%s: %d hits before linking the chat, %d after", ticket, before, after)
	}
	_, err = db.SetLink(ctx, chat, "incidents", incidents[0].ID, false, me, "", now)
	must(t, err)
	if after := count("record:" + ticket); after != before {
		t.Errorf("record:%s: %d hits after unlinking, want %d", ticket, after, before)
	}
	// Threads and single messages linked in Rapport: record: finds the
	// thread's posts and the message, and nothing else besides.
	hits := func(q string) map[string]bool {
		t.Helper()
		res, err := ix.Search(ctx, search.Request{Q: q, Size: search.MaxSize})
		must(t, err)
		out := map[string]bool{}
		for _, h := range res.Hits {
			if h.Message != nil {
				out[h.Conv.ID+"/"+h.Message.ID] = true
			}
		}
		return out
	}
	teams, _ := db.Teams(ctx)
	chans, _ := db.Channels(ctx, teams[0].ID)
	var root storage.MessageWithBody
	var thread []storage.MessageWithBody
	for _, ch := range chans {
		ms, _ := db.Messages(ctx, ch.ID, time.Time{}, 200)
		for _, m := range ms {
			if m.ReplyTo != "" {
				thread, _ = db.MessagesAround(ctx, ch.ID, m.ReplyTo, 1000, m.ReplyTo)
				root = thread[len(thread)-1]
				break
			}
		}
		if root.ID != "" {
			break
		}
	}
	if len(thread) < 2 {
		t.Fatal("no channel thread with replies")
	}
	single, _ := db.Messages(ctx, chats[len(chats)-1].ID, time.Time{}, 1)
	before2 := hits("record:" + ticket)
	_, err = db.SetLink(ctx, storage.ThreadTarget(root.ConvID, root.ID), "incidents", incidents[0].ID, true, me, "", now)
	must(t, err)
	_, err = db.SetLink(ctx, storage.MessageTarget(single[0].ConvID, single[0].ID), "incidents", incidents[0].ID, true, me, "", now)
	must(t, err)
	after2 := hits("record:" + ticket)
	want := map[string]bool{single[0].ConvID + "/" + single[0].ID: true}
	for _, p := range thread {
		want[p.ConvID+"/"+p.ID] = true
	}
	for k := range before2 {
		want[k] = true
	}
	if len(after2) != len(want) {
		t.Errorf("record:%s after linking a thread (%d posts) and a message: %d hits, want %d", ticket, len(thread), len(after2), len(want))
	}
	for k := range want {
		if !after2[k] {
			t.Errorf("record:%s misses %s", ticket, k)
		}
	}
	for _, target := range []string{storage.ThreadTarget(root.ConvID, root.ID), storage.MessageTarget(single[0].ConvID, single[0].ID)} {
		_, err = db.SetLink(ctx, target, "incidents", incidents[0].ID, false, me, "", now)
		must(t, err)
	}
	if got := hits("record:" + ticket); len(got) != len(before2) {
		t.Errorf("record:%s after unlinking them: %d hits, want %d", ticket, len(got), len(before2))
	}
	for _, s := range steps {
		if s.write != nil {
			s.write()
		}
		if got := count(s.q); got != s.want {
			t.Errorf("%s: %q gives %d hits, want %d", s.name, s.q, got, s.want)
		}
	}
}

// TestClosedIndex: once closed, the index answers ErrClosed, as documented.
func TestClosedIndex(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), rig.DB, search.Options{})
	must(t, err)
	must(t, ix.WaitIndexed(ctx))
	if _, err := ix.Search(ctx, search.Request{Q: "payment"}); err != nil {
		t.Fatalf("open index: %v", err)
	}
	must(t, ix.Close())
	if _, err := ix.Search(ctx, search.Request{Q: "payment"}); !errors.Is(err, search.ErrClosed) {
		t.Fatalf("Search after Close: %v, want ErrClosed", err)
	}
	if err := ix.WaitIndexed(ctx); !errors.Is(err, search.ErrClosed) {
		t.Fatalf("WaitIndexed after Close: %v, want ErrClosed", err)
	}
}

// TestRecordType: record: with a record type (the syntax help's
// record:incidents, or record:case) finds the cases themselves, the
// messages that mention a case number and the chats linked to a case;
// record:accounts the accounts and the chats linked to an account; a type
// never matches nothing.
func TestRecordType(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), rig.DB, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))
	count := func(q string) (records, messages int) {
		t.Helper()
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200, Facets: true})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %s", q, res.QueryError.Message)
		}
		for _, f := range res.Facets {
			if f.Dim != "kind" {
				continue
			}
			for _, v := range f.Values {
				switch {
				case strings.HasSuffix(v.Filter, search.KindRecord):
					records = v.Count
				case strings.HasSuffix(v.Filter, search.KindMessage):
					messages = v.Count
				}
			}
		}
		return records, messages
	}
	cases, _ := rig.DB.Records(ctx, "incidents")
	accounts, _ := rig.DB.Records(ctx, "accounts")
	r, m := count("record:incidents")
	if r != len(cases) || m == 0 {
		t.Errorf("record:incidents: %d records (want the %d cases) and %d messages", r, len(cases), m)
	}
	if r2, m2 := count("record:case"); r2 != r || m2 != m {
		t.Errorf("record:case %d/%d, record:incidents %d/%d", r2, m2, r, m)
	}
	_, mentions := count("CAS")
	if m < mentions/2 {
		t.Errorf("record:incidents finds %d messages; %d mention CAS", m, mentions)
	}
	if r, m := count("record:accounts"); r != len(accounts) || m == 0 {
		t.Errorf("record:accounts: %d records (want %d) and %d messages in chats linked to an account", r, len(accounts), m)
	}
}
