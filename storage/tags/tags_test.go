package tags_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/storage/tags"
)

var ctx = context.Background()

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	chat    = storagetest.Chat
	channel = storagetest.Channel
	team    = storagetest.Team
)

// seed writes a chat with five messages (two with hashtags) and a
// channel with two threads: r1 (replies r1a, r1b) and r2.
func seed(t testing.TB, db *storage.DB) {
	t.Helper()
	storagetest.WriteConversations(t, db, storagetest.Conversations{At: t0, ChatStep: time.Minute, ThreadSuffix: " #technique",
		ChatBodies: []string{"<p>Le #paiement est en retard</p>", "<p>付款 #付款 问题</p>", "<p>hello</p>", "<p>invoice sent</p>", "<p>merci</p>"}})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func msgT(conv, id string) string { return storage.MessageTarget(conv, id) }

func dump(t testing.TB, s *tags.Service) string {
	t.Helper()
	var b bytes.Buffer
	must(t, s.Dump(ctx, &b))
	return b.String()
}

func counts(t testing.TB, db *storage.DB) map[string]int {
	t.Helper()
	c, err := db.TagCounts(ctx)
	must(t, err)
	return c
}

func TestNorm(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{"#付款", "付款", false},
		{"Paiement", "paiement", false},
		{"  #Technique ", "technique", false},
		{"e\u0301te", "\u00e9te", false}, // NFC: é composed
		{"follow-up_2", "follow-up_2", false},
		{"", "", true},
		{"#", "", true},
		{"two words", "", true},
		{"-draft", "", true},
		{"a:b", "", true},
		{strings.Repeat("x", tags.MaxLen+1), "", true},
	} {
		got, err := tags.Norm(c.in)
		if c.bad {
			if !errors.Is(err, tags.ErrInvalid) {
				t.Errorf("Norm(%q) = %q, %v; want ErrInvalid", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Norm(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestSet tags a message, a thread and a whole conversation, and checks
// what the store and the index queue's documents say: a thread's tags
// reach its root and replies, a conversation's every message.
func TestSet(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db)
	s := tags.New(db, nil)
	cases := []struct {
		name        string
		target      string
		add, remove []string
		want        []string
		err         error
	}{
		{"a message", msgT(chat, "2"), []string{"#付款", "Urgent"}, nil, []string{"urgent", "付款"}, nil},
		{"remove one", msgT(chat, "2"), nil, []string{"urgent"}, []string{"付款"}, nil},
		{"a thread", storage.ThreadTarget(channel, "r1"), []string{"escalade"}, nil, []string{"escalade"}, nil},
		{"a whole chat", chat, []string{"contoso"}, nil, []string{"contoso"}, nil},
		{"unknown conversation", msgT("19:nope@thread.v2", "1"), []string{"x"}, nil, nil, tags.ErrInvalid},
		{"bad tag", chat, []string{"a b"}, nil, nil, tags.ErrInvalid},
		{"nothing to do", chat, nil, nil, nil, tags.ErrInvalid},
	}
	for _, c := range cases {
		got, err := s.Set(ctx, c.target, c.add, c.remove)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, err, c.want)
		}
	}
	no, _, err := db.ConvNo(ctx, channel)
	must(t, err)
	chatNo, _, err := db.ConvNo(ctx, chat)
	must(t, err)
	items, err := db.IndexItems(ctx, []string{
		storage.MessageDocID(no, "r1"), storage.MessageDocID(no, "r1b"), storage.MessageDocID(no, "r2"),
		storage.MessageDocID(chatNo, "2"), storage.MessageDocID(chatNo, "5"),
	})
	must(t, err)
	want := []struct{ own, inherited []string }{
		{nil, []string{"escalade"}}, {nil, []string{"escalade"}}, {nil, nil},
		{[]string{"付款"}, []string{"contoso"}}, {nil, []string{"contoso"}},
	}
	for i, it := range items {
		if !slices.Equal(it.Tags, want[i].own) || !slices.Equal(it.Inherited, want[i].inherited) {
			t.Errorf("%s: own %v inherited %v, want %v %v", it.Doc, it.Tags, it.Inherited, want[i].own, want[i].inherited)
		}
	}
	conv, err := s.ForConversation(ctx, channel)
	must(t, err)
	if len(conv) != 1 || !slices.Equal(conv[storage.ThreadTarget(channel, "r1")], []string{"escalade"}) {
		t.Errorf("ForConversation(channel) = %v", conv)
	}
}

// state is what a test compares before and after: every tag, colour and
// alias, as the dump writes them.
func TestRenameMergeDeleteUndo(t *testing.T) {
	type op func(s *tags.Service, dry bool) (tags.Change, error)
	cases := []struct {
		name  string
		op    op
		items int // items the dry run reports, and the change touches
		after map[string]int
		err   error
	}{
		{"rename", func(s *tags.Service, dry bool) (tags.Change, error) { return s.Rename(ctx, "paiement", "payment", dry) },
			3, map[string]int{"payment": 3, "urgent": 2, "付款": 1}, nil},
		{"rename onto a tag in use", func(s *tags.Service, dry bool) (tags.Change, error) { return s.Rename(ctx, "paiement", "urgent", dry) },
			0, nil, tags.ErrExists},
		{"rename an unknown tag", func(s *tags.Service, dry bool) (tags.Change, error) { return s.Rename(ctx, "nope", "x", dry) },
			0, nil, storage.ErrNotFound},
		{"merge", func(s *tags.Service, dry bool) (tags.Change, error) { return s.Merge(ctx, "paiement", "付款", dry) },
			3, map[string]int{"urgent": 2, "付款": 3}, nil},
		{"delete", func(s *tags.Service, dry bool) (tags.Change, error) { return s.Delete(ctx, "urgent", dry) },
			2, map[string]int{"paiement": 3, "付款": 1}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := storagetest.Open(t)
			seed(t, db)
			s := tags.New(db, nil)
			for _, x := range []struct {
				target string
				add    []string
			}{
				{msgT(chat, "1"), []string{"paiement", "urgent"}},
				{msgT(chat, "2"), []string{"付款", "paiement"}},
				{storage.ThreadTarget(channel, "r1"), []string{"paiement", "urgent"}},
			} {
				_, err := s.Set(ctx, x.target, x.add, nil)
				must(t, err)
			}
			_, err := s.Color(ctx, "paiement", "green")
			must(t, err)
			before := dump(t, s)
			dry, err := c.op(s, true)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("dry run: %v, want %v", err, c.err)
				}
				return
			}
			must(t, err)
			if dry.Items != c.items || !dry.DryRun {
				t.Fatalf("dry run %+v, want %d items", dry, c.items)
			}
			if got := dump(t, s); got != before {
				t.Fatalf("dry run changed the store:\n%s\nwas\n%s", got, before)
			}
			ch, err := c.op(s, false)
			must(t, err)
			if ch.Items != dry.Items || ch.Added != dry.Added || ch.Removed != dry.Removed {
				t.Fatalf("change %+v differs from its dry run %+v", ch, dry)
			}
			if got := counts(t, db); !maps.Equal(got, c.after) {
				t.Fatalf("counts %v, want %v", got, c.after)
			}
			l, err := s.List(ctx)
			must(t, err)
			if l.Undo == nil || l.Undo.Items != c.items {
				t.Fatalf("undo %+v, want %d items", l.Undo, c.items)
			}
			u, err := s.Undo(ctx, false)
			must(t, err)
			if u.Items != c.items {
				t.Errorf("undo touched %d items, want %d", u.Items, c.items)
			}
			if got := dump(t, s); got != before {
				t.Fatalf("after undo:\n%s\nwant\n%s", got, before)
			}
			if _, err := s.Undo(ctx, false); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("a second undo: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestAliases: one topic, several labels. List shows them together,
// a merge makes the merged tag an alias, unalias takes one out.
func TestAliases(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db)
	s := tags.New(db, nil)
	_, err := s.Set(ctx, msgT(chat, "1"), []string{"paiement"}, nil)
	must(t, err)
	for _, a := range [][2]string{{"付款", "payment"}, {"payment", "paiement"}} {
		_, err := s.Alias(ctx, a[0], a[1])
		must(t, err)
	}
	metas, err := db.TagMetas(ctx)
	must(t, err)
	want := map[string]storage.TagMeta{"payment": {Topic: "付款"}, "paiement": {Topic: "付款"}}
	if !maps.Equal(metas, want) {
		t.Fatalf("metas %v, want %v", metas, want)
	}
	l, err := s.List(ctx)
	must(t, err)
	got := map[string][]string{}
	for _, tg := range l.Tags {
		got[tg.Name] = tg.Aliases
	}
	wantL := map[string][]string{"付款": {"paiement", "payment"}, "payment": {"付款", "paiement"}, "paiement": {"付款", "payment"}}
	if len(got) != 3 || !slices.Equal(got["付款"], wantL["付款"]) || !slices.Equal(got["payment"], wantL["payment"]) ||
		!slices.Equal(got["paiement"], wantL["paiement"]) {
		t.Fatalf("list aliases %v, want %v", got, wantL)
	}
	_, err = s.Unalias(ctx, "付款") // the topic leaves: the others keep together
	must(t, err)
	metas, err = db.TagMetas(ctx)
	must(t, err)
	if !maps.Equal(metas, map[string]storage.TagMeta{"payment": {Topic: "paiement"}}) {
		t.Fatalf("after unalias: %v", metas)
	}
	if _, err := s.Alias(ctx, "x", "x"); !errors.Is(err, tags.ErrInvalid) {
		t.Fatalf("alias of itself: %v", err)
	}
	if _, err := s.Color(ctx, "x", "chartreuse"); !errors.Is(err, tags.ErrInvalid) {
		t.Fatalf("unknown colour: %v", err)
	}
}

// TestAliasesConcurrent: alias changes made at once (two windows, the
// command line) each see the others' committed entries, so topics stay
// flat (an alias's topic is never itself an alias) and no label is lost.
func TestAliasesConcurrent(t *testing.T) {
	for round := range 20 {
		db := storagetest.Open(t)
		s := tags.New(db, nil)
		var wg sync.WaitGroup
		labels := []string{"payment", "paiement", "zahlung", "pago", "betaling", "pagamento"}
		for i, l := range labels {
			wg.Add(1)
			go func() {
				defer wg.Done()
				topic := "付款"
				if i%2 == 1 {
					topic = labels[i-1] // an alias of an alias being made at the same time
				}
				_, err := s.Alias(ctx, topic, l)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		metas, err := db.TagMetas(ctx)
		must(t, err)
		for name, m := range metas {
			if m.Topic != "" && metas[m.Topic].Topic != "" {
				t.Fatalf("round %d: %s's topic %s is itself an alias of %s: %v", round, name, m.Topic, metas[m.Topic].Topic, metas)
			}
		}
		for _, l := range labels {
			if metas[l].Topic == "" && !slices.ContainsFunc(labels, func(o string) bool { return metas[o].Topic == l }) {
				t.Fatalf("round %d: %s is in no topic: %v", round, l, metas)
			}
		}
	}
}

// TestDumpRestore: a dump restored into a fresh store dumps the same;
// restored twice it changes nothing; a bad line changes nothing.
func TestDumpRestore(t *testing.T) {
	a := storagetest.Open(t)
	seed(t, a)
	sa := tags.New(a, nil)
	for target, add := range map[string][]string{
		msgT(chat, "1"): {"paiement", "urgent"}, chat: {"contoso"}, storage.ThreadTarget(channel, "r1"): {"technique"},
	} {
		_, err := sa.Set(ctx, target, add, nil)
		must(t, err)
	}
	_, err := sa.Alias(ctx, "付款", "paiement")
	must(t, err)
	_, err = sa.Color(ctx, "urgent", "red")
	must(t, err)
	want := dump(t, sa)
	for _, line := range []string{"# rapport tags 1", "alias paiement 付款", "color urgent red",
		"tag " + chat + " contoso", "tag " + msgT(chat, "1") + " paiement urgent"} {
		if !strings.Contains(want, line+"\n") {
			t.Fatalf("dump lacks %q:\n%s", line, want)
		}
	}
	b := storagetest.Open(t) // another machine, not synced yet
	sb := tags.New(b, nil)
	ch, err := sb.Restore(ctx, strings.NewReader(want), false)
	must(t, err)
	if ch.Items != 3 || ch.Meta != 2 {
		t.Fatalf("restore %+v, want 3 items and 2 tag entries", ch)
	}
	if got := dump(t, sb); got != want {
		t.Fatalf("round trip:\n%s\nwant\n%s", got, want)
	}
	ch, err = sb.Restore(ctx, strings.NewReader(want), false)
	must(t, err)
	if ch.Items != 0 || ch.Meta != 0 {
		t.Fatalf("restoring again changed %+v", ch)
	}
	for _, bad := range []string{"tag " + chat + " two words!", "colour x red", "color x chartreuse", "tag " + chat + " a\ntag " + chat + " b"} {
		if _, err := sb.Restore(ctx, strings.NewReader("tag "+msgT(chat, "9")+" fine\n"+bad), false); !errors.Is(err, tags.ErrInvalid) {
			t.Errorf("restore %q: %v, want ErrInvalid", bad, err)
		}
	}
	if got := dump(t, sb); got != want {
		t.Fatalf("a refused restore changed the store:\n%s", got)
	}
}

// TestSurvivesResync: a full resync upserts every message again (newer
// versions too); tags stay, and the index reads them.
func TestSurvivesResync(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db)
	s := tags.New(db, nil)
	_, err := s.Set(ctx, msgT(chat, "3"), []string{"kept"}, nil)
	must(t, err)
	_, err = s.Set(ctx, chat, []string{"whole"}, nil)
	must(t, err)
	before := dump(t, s)
	seed(t, db) // the same messages again
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		m := storage.Message{ConvID: chat, ID: "3", Type: "message", Created: t0.Add(2 * time.Minute), Modified: t0.Add(time.Hour)}
		_, err := w.PutMessage(m, storage.Body{Raw: "<p>hello, edited</p>"})
		return err
	}))
	if got := dump(t, s); got != before {
		t.Fatalf("resync changed tags:\n%s\nwant\n%s", got, before)
	}
	no, _, err := db.ConvNo(ctx, chat)
	must(t, err)
	items, err := db.IndexItems(ctx, []string{storage.MessageDocID(no, "3")})
	must(t, err)
	if !slices.Equal(items[0].Tags, []string{"kept"}) || !slices.Equal(items[0].Inherited, []string{"whole"}) {
		t.Fatalf("index item tags %v %v", items[0].Tags, items[0].Inherited)
	}
}

// openIndex opens the real search index over db and waits for it.
func openIndex(t testing.TB, db *storage.DB, dir string) *search.Index {
	t.Helper()
	ix, err := search.Open(ctx, dir, db, search.Options{})
	must(t, err)
	must(t, ix.WaitIndexed(ctx))
	return ix
}

// TestBulk tags every result of a search, untags some, reports records
// as skipped, and undoes it; the index follows each step.
func TestBulk(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db)
	ix := openIndex(t, db, t.TempDir())
	defer ix.Close()
	s := tags.New(db, ix)
	total := func(q string) int {
		t.Helper()
		must(t, ix.WaitIndexed(ctx))
		res, err := ix.Search(ctx, search.Request{Q: q})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %s", q, res.QueryError.Message)
		}
		return int(res.Total)
	}
	steps := []struct {
		name        string
		q           string
		add, remove []string
		dry         bool
		items       int
		check       string
		want        int
	}{
		{"dry run", "thread post", []string{"+ignored"}, nil, true, 4, "tag:ignored", 0},
		{"tag a search's results", "thread post", []string{"suivi"}, nil, false, 4, "tag:suivi", 4},
		{"tag and untag at once", "r1a OR r2", []string{"fini"}, []string{"suivi"}, false, 2, "tag:suivi", 2},
		{"the other tag", "", nil, nil, false, 0, "tag:fini", 2},
		{"nothing left to change", "r1a OR r2", []string{"fini"}, []string{"suivi"}, false, 0, "tag:fini", 2},
	}
	for _, st := range steps {
		if st.q != "" {
			var add []string
			for _, a := range st.add {
				add = append(add, strings.TrimPrefix(a, "+"))
			}
			ch, err := s.Bulk(ctx, st.q, add, st.remove, st.dry)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if ch.Items != st.items || ch.Matched < st.items {
				t.Fatalf("%s: %+v, want %d items", st.name, ch, st.items)
			}
		}
		if got := total(st.check); got != st.want {
			t.Fatalf("%s: %s finds %d, want %d", st.name, st.check, got, st.want)
		}
	}
	if _, err := s.Bulk(ctx, "from:(", []string{"x"}, nil, false); !errors.Is(err, search.ErrQuery) {
		t.Fatalf("a bad query: %v, want ErrQuery", err)
	}
	// A bulk change that changed nothing is not kept: Undo undoes the
	// one before (r1a and r2 back to suivi).
	u, err := s.Undo(ctx, false)
	must(t, err)
	if u.Items != 2 || total("tag:suivi") != 4 || total("tag:fini") != 0 {
		t.Fatalf("undo %+v: tag:suivi %d, tag:fini %d; want 2 items, 4 and 0", u, total("tag:suivi"), total("tag:fini"))
	}
}

// TestBulkAllOrNothing: a failure half-way through a bulk change (an
// injected error after k items, or a cancelled context) leaves the store
// and the index exactly as they were.
func TestBulkAllOrNothing(t *testing.T) {
	for _, k := range []int{0, 1, 3} {
		t.Run(fmt.Sprint("fail after ", k), func(t *testing.T) {
			db := storagetest.Open(t)
			seed(t, db)
			s := tags.New(db, nil)
			_, err := s.Set(ctx, chat, []string{"before"}, nil)
			must(t, err)
			before := dump(t, s)
			q0, err := db.IndexQueueState(ctx)
			must(t, err)
			var items []storage.ItemTagEdit
			for _, id := range []string{"1", "2", "3", "4", "5"} {
				items = append(items, storage.ItemTagEdit{Target: msgT(chat, id), Add: []string{"bulk"}})
			}
			boom := errors.New("injected failure")
			_, err = db.EditTags(ctx, storage.TagEdit{What: "bulk", Items: items, Journal: true, Check: func(done int) error {
				if done == k {
					return boom
				}
				return nil
			}})
			if !errors.Is(err, boom) {
				t.Fatalf("err %v, want the injected failure", err)
			}
			if got := dump(t, s); got != before {
				t.Fatalf("half a bulk change stayed:\n%s", got)
			}
			q1, err := db.IndexQueueState(ctx)
			must(t, err)
			if q1 != q0 {
				t.Fatalf("index queue moved %v → %v", q0, q1)
			}
			if _, ok, err := db.LastTagChange(ctx); err != nil || ok {
				t.Fatalf("a failed change was kept for undo (%v %v)", ok, err)
			}
		})
	}
}
