package knowledge_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/storage/tags"
)

var ctx = context.Background()

var t0 = time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)

const (
	chat    = storagetest.Chat
	channel = storagetest.Channel
	team    = storagetest.Team
)

// seed writes a chat with five messages over a month's end (three in
// March, two in April) and a channel with a thread r1 (replies r1a, r1b)
// and a lone post r2.
func seed(t testing.TB, db *storage.DB) {
	t.Helper()
	storagetest.WriteConversations(t, db, storagetest.Conversations{At: t0, ChatStep: 24 * time.Hour, From: "Li Wei",
		ChatBodies: []string{"<p>发票什么时候开？</p>", "<p>Invoice goes out Friday.</p>\n<p>Send it to li.wei@contoso.cn</p>", "<p>merci</p>", "<p>April question</p>", "<p>April answer</p>"}})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func open(t testing.TB) (*storage.DB, *knowledge.Service) {
	db := storagetest.Open(t)
	seed(t, db)
	return db, knowledge.New(db)
}

func targets(bs []knowledge.Best) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Target)
	}
	return out
}

func TestBestTargets(t *testing.T) {
	_, s := open(t)
	cases := []struct {
		target   string
		messages []string
		month    string
		title    string
		err      error
	}{
		{storage.MessageTarget(chat, "2"), []string{"2"}, "2026-03", "Invoice goes out Friday.", nil},
		{storage.ThreadTarget(channel, "r1"), []string{"r1", "r1a", "r1b"}, "2026-03", "thread post r1", nil},
		{"range/" + chat + "/1/3", []string{"1", "2", "3"}, "2026-03", "发票什么时候开？", nil},
		{"range/" + chat + "/4/5", []string{"4", "5"}, "2026-04", "April question", nil},
		{"range/" + chat + "/5/4", nil, "", "", capture.ErrInvalid}, // backwards
		{chat, nil, "", "", capture.ErrInvalid},                     // a whole chat is not a conversation's part
		{storage.MessageTarget(chat, "99"), nil, "", "", storage.ErrNotFound},
		{"thread/" + channel, nil, "", "", capture.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			b, err := s.MarkBest(ctx, knowledge.BestRequest{Target: c.target, Topic: "#Payment", Reason: "clear answer"})
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			must(t, err)
			if !slices.Equal(b.Messages, c.messages) || b.Month != c.month || b.Title != c.title || b.Topic != "payment" {
				t.Fatalf("got %+v", b)
			}
		})
	}
	all, err := s.ListBest(ctx, knowledge.BestFilter{})
	must(t, err)
	if len(all) != 4 {
		t.Fatalf("listed %v", targets(all))
	}
}

func TestBestLifecycle(t *testing.T) {
	db, s := open(t)
	tg := tags.New(db, nil)
	msg := storage.MessageTarget(chat, "2")
	thr := storage.ThreadTarget(channel, "r1")
	apr := "range/" + chat + "/4/5"
	_, err := s.MarkBest(ctx, knowledge.BestRequest{Target: msg, Topic: "付款", Reason: "invoice timing"})
	must(t, err)
	_, err = s.MarkBest(ctx, knowledge.BestRequest{Target: thr, Topic: "technique", Reason: "root cause"})
	must(t, err)
	_, err = s.MarkBest(ctx, knowledge.BestRequest{Target: apr, Topic: "paiement", Reason: ""})
	must(t, err)

	if _, err := s.MarkBest(ctx, knowledge.BestRequest{Target: msg, Topic: "x"}); !errors.Is(err, knowledge.ErrExists) {
		t.Fatalf("marking twice: %v", err)
	}
	for _, bad := range []knowledge.BestRequest{{Target: msg}, {Target: msg, Topic: "a b"}, {Target: msg, Topic: "ok", Reason: strings.Repeat("x", 1001)}} {
		if _, err := s.EditBest(ctx, bad); !errors.Is(err, knowledge.ErrInvalid) {
			t.Fatalf("edit %+v: %v", bad, err)
		}
	}

	// Aliases make 付款, payment and paiement one topic.
	_, err = tg.Alias(ctx, "付款", "payment")
	must(t, err)
	_, err = tg.Alias(ctx, "付款", "paiement")
	must(t, err)
	list := func(f knowledge.BestFilter) []string {
		t.Helper()
		bs, err := s.ListBest(ctx, f)
		must(t, err)
		return targets(bs)
	}
	for _, c := range []struct {
		f    knowledge.BestFilter
		want []string
	}{
		{knowledge.BestFilter{}, []string{apr, msg, thr}}, // newest conversation first
		{knowledge.BestFilter{Month: "2026-03"}, []string{msg, thr}},
		{knowledge.BestFilter{Month: "2026-04"}, []string{apr}},
		{knowledge.BestFilter{Topic: "payment"}, []string{apr, msg}},
		{knowledge.BestFilter{Topic: "#Paiement", Month: "2026-03"}, []string{msg}},
		{knowledge.BestFilter{Topic: "technique"}, []string{thr}},
		{knowledge.BestFilter{Month: "2026-05"}, []string{}},
	} {
		if got := list(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
	if _, err := s.ListBest(ctx, knowledge.BestFilter{Month: "2026-13"}); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("bad month: %v", err)
	}

	b, err := s.EditBest(ctx, knowledge.BestRequest{Target: thr, Topic: "payment", Reason: "edited"})
	must(t, err)
	if b.Topic != "payment" || b.Reason != "edited" || !slices.Equal(b.Messages, []string{"r1", "r1a", "r1b"}) {
		t.Fatalf("edited: %+v", b)
	}
	if got := list(knowledge.BestFilter{Topic: "付款"}); !slices.Equal(got, []string{apr, msg, thr}) {
		t.Fatalf("after edit: %v", got)
	}
	must(t, s.UnmarkBest(ctx, msg))
	if err := s.UnmarkBest(ctx, msg); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unmark twice: %v", err)
	}
	if _, err := s.EditBest(ctx, knowledge.BestRequest{Target: msg, Topic: "x"}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("edit unmarked: %v", err)
	}
	if got := list(knowledge.BestFilter{}); !slices.Equal(got, []string{apr, thr}) {
		t.Fatalf("after unmark: %v", got)
	}

	// Marks survive closing and reopening the store (they are the store's).
	dir := t.TempDir()
	must(t, db.Snapshot(ctx, dir))
	db2, err := storage.Open(ctx, dir, storage.Options{})
	must(t, err)
	defer db2.Close()
	bs, err := knowledge.New(db2).ListBest(ctx, knowledge.BestFilter{})
	must(t, err)
	if !slices.Equal(targets(bs), []string{apr, thr}) {
		t.Fatalf("reopened: %v", targets(bs))
	}
}

func TestFAQ(t *testing.T) {
	db, s := open(t)
	f, err := s.DraftFAQ(ctx, knowledge.FAQRequest{From: "range/" + chat + "/1/2", Question: "When is the invoice sent?", Tags: []string{"#付款", "invoice", "付款"}})
	must(t, err)
	if f.ID == "" || f.Question != "When is the invoice sent?" || f.Answer != "Invoice goes out Friday.\nSend it to li.wei@contoso.cn" ||
		!slices.Equal(f.Tags, []string{"付款", "invoice"}) || f.Month != "2026-03" ||
		!slices.Equal(f.Sources, []string{storage.MessageTarget(chat, "1"), storage.MessageTarget(chat, "2")}) {
		t.Fatalf("drafted %+v", f)
	}
	// No question: the first message's first line.
	g, err := s.DraftFAQ(ctx, knowledge.FAQRequest{From: storage.ThreadTarget(channel, "r1")})
	must(t, err)
	if g.Question != "thread post r1" || g.Answer != "thread post r1a\n\nthread post r1b" || g.ID == f.ID {
		t.Fatalf("drafted %+v", g)
	}
	for _, bad := range []knowledge.FAQRequest{
		{From: chat},
		{From: storage.MessageTarget(chat, "1"), Question: strings.Repeat("?", 501)},
		{From: storage.MessageTarget(chat, "1"), Tags: []string{"no spaces"}},
	} {
		if _, err := s.DraftFAQ(ctx, bad); err == nil {
			t.Fatalf("drafted %+v", bad)
		}
	}

	e, err := s.EditFAQ(ctx, knowledge.FAQEdit{ID: f.ID, Question: "Quand la facture part-elle ?", Answer: "Le vendredi.\n\nÀ l'adresse <b>habituelle</b>.", Tags: []string{"paiement"}})
	must(t, err)
	if e.Question != "Quand la facture part-elle ?" || e.Sources[0] != f.Sources[0] {
		t.Fatalf("edited %+v", e)
	}
	if _, err := s.EditFAQ(ctx, knowledge.FAQEdit{ID: f.ID, Question: "", Answer: "x"}); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("empty question: %v", err)
	}
	if _, err := s.EditFAQ(ctx, knowledge.FAQEdit{ID: "999", Question: "q", Answer: "a"}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	// The topic filter goes through aliases.
	_, err = tags.New(db, nil).Alias(ctx, "付款", "paiement")
	must(t, err)
	fs, err := s.ListFAQ(ctx, knowledge.BestFilter{Topic: "付款"})
	must(t, err)
	if len(fs) != 1 || fs[0].ID != f.ID {
		t.Fatalf("by topic: %+v", fs)
	}
	fs, err = s.ListFAQ(ctx, knowledge.BestFilter{})
	must(t, err)
	if len(fs) != 2 || fs[0].ID != f.ID || fs[1].ID != g.ID { // both start at t0: by id
		t.Fatalf("all: %+v", fs)
	}

	// What publishing reads: HTML escaped, personal data redacted.
	en, err := s.Entry(ctx, f.ID)
	must(t, err)
	if en.Question != e.Question || en.AnswerHTML != "<p>Le vendredi.</p>\n<p>À l&#39;adresse &lt;b&gt;habituelle&lt;/b&gt;.</p>\n" ||
		!slices.Equal(en.Tags, []string{"paiement"}) || len(en.Sources) != 2 || en.Sources[1].Text != "Invoice goes out Friday.\nSend it to [email 1]" {
		t.Fatalf("entry %+v", en)
	}

	must(t, s.DeleteFAQ(ctx, g.ID))
	if _, err := s.FAQ(ctx, g.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
	// Ids are never reused.
	h, err := s.DraftFAQ(ctx, knowledge.FAQRequest{From: storage.MessageTarget(chat, "3"), Answer: "De rien"})
	must(t, err)
	if h.ID == g.ID || h.ID == f.ID {
		t.Fatalf("id %s reused", h.ID)
	}
}

func TestTemplates(t *testing.T) {
	_, s := open(t)
	f, err := s.DraftFAQ(ctx, knowledge.FAQRequest{From: "range/" + chat + "/1/2", Question: "Invoice timing", Tags: []string{"付款"}})
	must(t, err)
	fromFAQ, err := s.SaveTemplate(ctx, knowledge.TemplateRequest{From: "faq/" + f.ID})
	must(t, err)
	if fromFAQ.Title != "Invoice timing" || fromFAQ.Text != f.Answer || !slices.Equal(fromFAQ.Tags, []string{"付款"}) {
		t.Fatalf("from FAQ: %+v", fromFAQ)
	}
	fromMsg, err := s.SaveTemplate(ctx, knowledge.TemplateRequest{From: storage.MessageTarget(chat, "3"), Title: "Remerciement écrit"})
	must(t, err)
	if fromMsg.Text != "merci" || fromMsg.Title != "Remerciement écrit" {
		t.Fatalf("from message: %+v", fromMsg)
	}
	plain, err := s.SaveTemplate(ctx, knowledge.TemplateRequest{Text: "您好，我们已收到您的问题。"})
	must(t, err)
	for _, bad := range []knowledge.TemplateRequest{{}, {From: "faq/404"}, {From: chat}, {Text: "x", Title: strings.Repeat("t", 201)}} {
		if _, err := s.SaveTemplate(ctx, bad); err == nil {
			t.Fatalf("saved %+v", bad)
		}
	}
	search := func(q string) []string {
		t.Helper()
		ts, err := s.Templates(ctx, q)
		must(t, err)
		out := []string{}
		for _, x := range ts {
			out = append(out, x.ID)
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", []string{fromFAQ.ID, fromMsg.ID, plain.ID}},
		{"INVOICE", []string{fromFAQ.ID}},
		{"ecrit", []string{fromMsg.ID}}, // accents folded
		{"付款", []string{fromFAQ.ID}},    // tags
		{"收到", []string{plain.ID}},
		{"invoice merci", []string{}}, // every word
	} {
		if got := search(c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
	ed, err := s.SaveTemplate(ctx, knowledge.TemplateRequest{ID: fromMsg.ID, Text: "Merci beaucoup"})
	must(t, err)
	if ed.Title != "Remerciement écrit" || ed.Text != "Merci beaucoup" || !ed.Created.Equal(fromMsg.Created) {
		t.Fatalf("edited %+v", ed)
	}
	must(t, s.DeleteTemplate(ctx, plain.ID))
	if got := search(""); !slices.Equal(got, []string{fromFAQ.ID, fromMsg.ID}) {
		t.Fatalf("after delete: %v", got)
	}
}
