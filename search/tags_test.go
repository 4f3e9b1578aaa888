package search_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/storage/tags"
)

// tagStore writes a chat (c1…c4) and a channel thread (r1, replies r1a,
// r1b) and a second thread (r2), with hashtags in Chinese, English and
// French.
func tagStore(t *testing.T) *storage.DB {
	t.Helper()
	db := storagetest.Open(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must(t, db.Apply(context.Background(), func(w *storage.Writer) error {
		if err := w.PutChat(storage.Chat{ID: "chat-1", Topic: "Contoso", ChatType: "group", Created: t0}); err != nil {
			return err
		}
		if err := w.PutTeam(storage.Team{ID: "team-1", Name: "Support"}); err != nil {
			return err
		}
		if err := w.PutChannel(storage.Channel{ID: "chan-1", TeamID: "team-1", Name: "Escalations"}); err != nil {
			return err
		}
		posts := []struct{ conv, id, reply, body string }{
			{"chat-1", "c1", "", "<p>Le #paiement est en retard</p>"},
			{"chat-1", "c2", "", "<p>请确认 #付款 时间</p>"},
			{"chat-1", "c3", "", "<p>The #payment went through</p>"},
			{"chat-1", "c4", "", "<p>plain words</p>"},
			{"chan-1", "r1", "", "<p>root of a thread</p>"},
			{"chan-1", "r1a", "r1", "<p>first reply</p>"},
			{"chan-1", "r1b", "r1", "<p>second reply #Technique</p>"},
			{"chan-1", "r2", "", "<p>another thread</p>"},
		}
		for i, p := range posts {
			m := storage.Message{ConvID: p.conv, ID: p.id, ReplyTo: p.reply, Type: "message", Created: t0.Add(time.Duration(i) * time.Minute)}
			if p.conv == "chan-1" {
				m.TeamID = "team-1"
			}
			m.Modified = m.Created
			if _, err := w.PutMessage(m, storage.Body{Raw: p.body}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// hitIDs runs q and returns the message ids found, sorted.
func hitIDs(t *testing.T, ix *search.Index, q string) []string {
	t.Helper()
	ctx := context.Background()
	must(t, ix.WaitIndexed(ctx))
	res, err := ix.Search(ctx, search.Request{Q: q, Size: 200})
	must(t, err)
	if res.QueryError != nil {
		t.Fatalf("%q: %s", q, res.QueryError.Message)
	}
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.Message.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestTagSearch: tag: (and #) finds hashtags in the text, the user's
// tags on a message, a thread or a whole conversation, and every label
// of a topic; each change is found as soon as the index has caught up
// with the store's queue, and a rebuilt index finds the same.
func TestTagSearch(t *testing.T) {
	ctx := context.Background()
	db := tagStore(t)
	dir := t.TempDir()
	ix, err := search.Open(ctx, dir, db, search.Options{})
	must(t, err)
	defer func() { ix.Close() }()
	svc := tags.New(db, ix)
	for _, st := range tagSteps(t, svc) {
		if st.do != nil {
			st.do()
		}
		if got := hitIDs(t, ix, st.q); !slices.Equal(got, st.want) {
			t.Fatalf("%s: %q found %v, want %v", st.name, st.q, got, st.want)
		}
	}
	res, err := ix.Search(ctx, search.Request{Q: "tag:contoso", Facets: true})
	must(t, err)
	found := false
	for _, f := range res.Facets {
		for _, v := range f.Values {
			found = found || f.Dim == "tag" && v.Label == "contoso" && v.Filter == "tag:contoso" && v.Count == 4
		}
	}
	if !found {
		t.Fatalf("no tag facet for the user tag contoso: %+v", res.Facets)
	}
	for _, h := range res.Hits {
		if !slices.Equal(h.Message.InheritedTags, []string{"contoso"}) {
			t.Fatalf("hit %s carries inherited tags %v", h.ID, h.Message.InheritedTags)
		}
	}
	hs, err := ix.Hashtags(ctx)
	must(t, err)
	if want := map[string]int{"paiement": 1, "付款": 1, "payment": 1, "technique": 1}; !maps.Equal(hs, want) {
		t.Fatalf("hashtags %v, want %v", hs, want)
	}

	// The index is derived: delete it, reopen, and the same queries
	// find the same messages.
	before := map[string][]string{}
	queries := []string{"tag:付款", "tag:escalade", "tag:contoso", "#technique"}
	for _, q := range queries {
		before[q] = hitIDs(t, ix, q)
	}
	must(t, ix.Close())
	must(t, os.RemoveAll(filepath.Join(dir, search.DirName())))
	ix, err = search.Open(ctx, dir, db, search.Options{})
	must(t, err)
	for _, q := range queries {
		if got := hitIDs(t, ix, q); !slices.Equal(got, before[q]) {
			t.Fatalf("after a rebuild %q found %v, want %v", q, got, before[q])
		}
	}
}

type tagStep struct {
	name string
	do   func()
	q    string
	want []string
}

// tagSteps are tag changes on tagStore's conversations, each with a query
// and the messages it must find once the change is made.
func tagSteps(t *testing.T, svc *tags.Service) []tagStep {
	ctx := context.Background()
	set := func(target string, add ...string) func() {
		return func() {
			_, err := svc.Set(ctx, target, add, nil)
			must(t, err)
		}
	}
	return []tagStep{
		{"a hashtag", nil, "tag:paiement", []string{"c1"}},
		{"# is tag:", nil, "#付款", []string{"c2"}},
		{"folded", nil, "tag:TECHNIQUE", []string{"r1b"}},
		{"a user tag on a message", set(storage.MessageTarget("chat-1", "c4"), "付款"), "tag:付款", []string{"c2", "c4"}},
		{"a thread's tag reaches its replies", set(storage.ThreadTarget("chan-1", "r1"), "escalade"), "tag:escalade", []string{"r1", "r1a", "r1b"}},
		{"a conversation's tag reaches every message", set("chat-1", "contoso"), "tag:contoso", []string{"c1", "c2", "c3", "c4"}},
		{"combined with words", nil, "tag:escalade reply", []string{"r1a", "r1b"}},
		{"negated", nil, "tag:contoso -tag:付款", []string{"c1", "c3"}},
		{"aliases: one topic, three labels", func() {
			_, err := svc.Alias(ctx, "付款", "payment")
			must(t, err)
			_, err = svc.Alias(ctx, "payment", "paiement")
			must(t, err)
		}, "tag:付款", []string{"c1", "c2", "c3", "c4"}},
		{"any label finds the topic", nil, "#paiement", []string{"c1", "c2", "c3", "c4"}},
		{"unalias", func() {
			_, err := svc.Unalias(ctx, "paiement")
			must(t, err)
		}, "tag:paiement", []string{"c1"}},
		{"untag", func() {
			_, err := svc.Set(ctx, storage.MessageTarget("chat-1", "c4"), nil, []string{"付款"})
			must(t, err)
		}, "tag:付款", []string{"c2", "c3"}},
		{"untag a thread", func() {
			_, err := svc.Set(ctx, storage.ThreadTarget("chan-1", "r1"), nil, []string{"escalade"})
			must(t, err)
		}, "tag:escalade", []string{}},
		{"a bulk tag", func() {
			_, err := svc.Bulk(ctx, "reply OR thread", []string{"suivi"}, nil, false)
			must(t, err)
		}, "tag:suivi", []string{"r1", "r1a", "r1b", "r2"}},
		{"a bulk untag", func() {
			_, err := svc.Bulk(ctx, "tag:suivi reply", nil, []string{"suivi"}, false)
			must(t, err)
		}, "tag:suivi", []string{"r1", "r2"}},
	}
}

// TestTagSearchBeforeIndexed: tag: is right the moment a change commits,
// while the index still holds the documents' old tags (the indexer is
// held), and stays right once the index has caught up.
func TestTagSearchBeforeIndexed(t *testing.T) {
	ctx := context.Background()
	db := tagStore(t)
	ix, err := search.Open(ctx, t.TempDir(), db, search.Options{})
	must(t, err)
	defer func() { ix.Close() }()
	must(t, ix.WaitIndexed(ctx))
	svc := tags.New(db, ix)
	release := ix.HoldIndexing()
	defer func() {
		if release != nil {
			release()
		}
	}()
	found := func(q string) []string {
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200})
		must(t, err)
		ids := []string{}
		for _, h := range res.Hits {
			ids = append(ids, h.Message.ID)
		}
		slices.Sort(ids)
		return ids
	}
	var queued uint64
	for _, st := range tagSteps(t, svc) {
		if st.do != nil {
			st.do()
		}
		if got := found(st.q); !slices.Equal(got, st.want) {
			t.Fatalf("%s, before the index caught up: %q found %v, want %v", st.name, st.q, got, st.want)
		}
		queued = max(queued, ix.Status(ctx).Queued)
	}
	if queued == 0 {
		t.Fatal("the index caught up while held: the test checked nothing")
	}
	release()
	release = nil
	must(t, ix.WaitIndexed(ctx))
	for q, want := range map[string][]string{
		"tag:付款":       {"c2", "c3"},
		"tag:escalade": {},
		"tag:contoso":  {"c1", "c2", "c3", "c4"},
		"tag:suivi":    {"r1", "r2"},
		"tag:paiement": {"c1"},
	} {
		if got := found(q); !slices.Equal(got, want) {
			t.Fatalf("once indexed, %q found %v, want %v", q, got, want)
		}
	}
}

// TestDocIDs: a bulk change's documents are exactly Search's hits.
func TestDocIDs(t *testing.T) {
	ctx := context.Background()
	db := tagStore(t)
	ix, err := search.Open(ctx, t.TempDir(), db, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))
	for _, q := range []string{"reply", "tag:paiement OR tag:付款", "is:message", "nothingmatchesthis", "in:Contoso"} {
		ids, err := ix.DocIDs(ctx, q)
		must(t, err)
		res, err := ix.Search(ctx, search.Request{Q: q, Size: 200})
		must(t, err)
		var want []string
		for _, h := range res.Hits {
			want = append(want, h.ID)
		}
		slices.Sort(ids)
		slices.Sort(want)
		if len(ids) != int(res.Total) || fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Fatalf("%q: DocIDs %v, Search %v (total %d)", q, ids, want, res.Total)
		}
	}
}
