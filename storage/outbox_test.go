package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
)

func TestOutboxStates(t *testing.T) {
	db := storagetest.Open(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		chat, rec string
		linked    bool
		wantSeq   bool // a new operation was queued
		wantErr   error
	}{
		{"c1", "r1", true, true, nil},
		{"c1", "r1", true, false, nil}, // already linked: nothing queued
		{"c1", "r1", false, true, nil},
		{"c1", "r1", false, false, nil}, // already unlinked
		{"c2", "r9", false, false, storage.ErrNotFound},
		{"c1", "r1", true, true, nil}, // relink: a new row id
	}
	var ids []string
	for i, s := range steps {
		op, err := db.SetLink(ctx, s.chat, "incidents", s.rec, s.linked, "me", "", now)
		if !errors.Is(err, s.wantErr) || (op.Seq != 0) != s.wantSeq {
			t.Fatalf("step %d: op %+v, err %v", i, op, err)
		}
		if op.Seq != 0 {
			ids = append(ids, op.ActivityID)
		}
	}
	if ids[0] != ids[1] || ids[2] == ids[0] {
		t.Errorf("row ids: link and unlink share one, a relink gets a new one: %v", ids)
	}
	pending, _ := db.Outbox(ctx, storage.OpPending)
	if len(pending) != 3 {
		t.Fatalf("pending: %+v", pending)
	}
	// States move the index with them; done clears the link's marker.
	for _, tc := range []struct {
		seq   uint64
		state string
	}{{pending[0].Seq, storage.OpInFlight}, {pending[0].Seq, storage.OpDone}, {pending[1].Seq, storage.OpConflict}} {
		if _, err := db.UpdateOp(ctx, tc.seq, func(o *storage.Op) error { o.State = tc.state; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	count := func(states ...string) int {
		ops, err := db.Outbox(ctx, states...)
		if err != nil {
			t.Fatal(err)
		}
		return len(ops)
	}
	if count(storage.OpPending) != 1 || count(storage.OpInFlight) != 0 || count(storage.OpDone) != 1 || count(storage.OpConflict) != 1 || count() != 3 {
		t.Errorf("by state: pending %d in-flight %d done %d conflict %d all %d", count(storage.OpPending), count(storage.OpInFlight),
			count(storage.OpDone), count(storage.OpConflict), count())
	}
	ls, _ := db.Links(ctx, "c1")
	if len(ls) != 1 || !ls[0].Linked || ls[0].Op == "" || ls[0].ActivityID != ids[2] {
		t.Errorf("link: %+v", ls)
	}
	if id := storage.NewID(); len(id) != 36 || strings.Count(id, "-") != 4 || id[14] != '4' {
		t.Errorf("NewID %q is not a v4 UUID", id)
	}
}

// TestQueueOp: joins and notices are queued as operations of their own; a
// second join of a chat while the first waits (or is stuck) is the same
// operation, a join after the first is done is a new one; link kinds are
// refused (SetLink owns them).
func TestQueueOp(t *testing.T) {
	db := storagetest.Open(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	join := storage.Op{Kind: storage.OpJoin, ChatID: "c1", Set: "incidents", RecordID: "r1", UserID: "su1", By: "me"}
	a, err := db.QueueOp(ctx, join, now)
	if err != nil || a.Seq == 0 || a.State != storage.OpPending || a.ID == "" {
		t.Fatalf("join: %+v %v", a, err)
	}
	b, err := db.QueueOp(ctx, join, now)
	if err != nil || b.Seq != a.Seq {
		t.Fatalf("second join while the first waits: %+v %v", b, err)
	}
	if _, err := db.UpdateOp(ctx, a.Seq, func(o *storage.Op) error { o.State = storage.OpFailed; return nil }); err != nil {
		t.Fatal(err)
	}
	if b, _ = db.QueueOp(ctx, join, now); b.Seq != a.Seq || b.State != storage.OpFailed {
		t.Fatalf("join while the first failed: %+v", b)
	}
	if _, err := db.UpdateOp(ctx, a.Seq, func(o *storage.Op) error { o.State = storage.OpDone; return nil }); err != nil {
		t.Fatal(err)
	}
	if b, _ = db.QueueOp(ctx, join, now); b.Seq == a.Seq {
		t.Fatal("a join after a done one was folded into it")
	}
	notice := storage.Op{Kind: storage.OpNotice, ChatID: "c1", Set: "incidents", RecordID: "r1", Body: "<p>x</p>", UpTo: now}
	if _, err := db.QueueOp(ctx, notice, now); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a notice without its link: %v", err)
	}
	if err := db.AdoptLink(ctx, storage.Link{ChatID: "c1", Set: "incidents", RecordID: "r1", ActivityID: "row1", Linked: true}); err != nil {
		t.Fatal(err)
	}
	n1, err := db.QueueOp(ctx, notice, now)
	if err != nil || n1.Seq == 0 || n1.Body != "<p>x</p>" {
		t.Fatalf("notice: %+v %v", n1, err)
	}
	// The same changes again (a second click, another tab): refused.
	if _, err := db.QueueOp(ctx, notice, now); !errors.Is(err, storage.ErrState) {
		t.Fatalf("the same notice twice: %v", err)
	}
	notice.UpTo = now.Add(time.Minute)
	if n2, err := db.QueueOp(ctx, notice, now); err != nil || n2.Seq == n1.Seq || !n2.SeenBefore.Equal(now) {
		t.Fatalf("later changes: %+v %v", n2, err)
	}
	if _, err := db.QueueOp(ctx, storage.Op{Kind: storage.OpLink, ChatID: "c1"}, now); err == nil {
		t.Fatal("a link queued without its link")
	}
	if ls, _ := db.Links(ctx, "c1"); len(ls) != 1 || ls[0].Op != "" {
		t.Fatalf("joins and notices touched links: %+v", ls)
	}
}

// TestNoticesSeen: dismissing and posting notices move a link's SeenUpTo
// forward only, in the operation's transaction; discarding a post brings
// its changes back unless a later dismissal covers them; a link Rapport
// does not know cannot be dismissed.
func TestNoticesSeen(t *testing.T) {
	db := storagetest.Open(t)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := db.SetLink(ctx, "c1", "incidents", "r1", true, "me", "", t0); err != nil {
		t.Fatal(err)
	}
	seen := func() time.Time {
		ls, err := db.Links(ctx, "c1")
		if err != nil || len(ls) != 1 {
			t.Fatalf("links %+v %v", ls, err)
		}
		return ls[0].SeenUpTo
	}
	steps := []struct {
		name string
		do   func() error
		want time.Time
	}{
		{"dismiss", func() error { return db.DismissNotices(ctx, "c1", "incidents", "r1", t0.Add(time.Hour)) }, t0.Add(time.Hour)},
		{"dismiss older", func() error { return db.DismissNotices(ctx, "c1", "incidents", "r1", t0) }, t0.Add(time.Hour)},
		{"post", func() error {
			_, err := db.QueueOp(ctx, storage.Op{Kind: storage.OpNotice, ChatID: "c1", Set: "incidents", RecordID: "r1", Body: "x", UpTo: t0.Add(2 * time.Hour)}, t0)
			return err
		}, t0.Add(2 * time.Hour)},
		{"discard the post: the changes show again", func() error {
			ops, _ := db.Outbox(ctx, storage.OpPending)
			_, err := db.DiscardOp(ctx, ops[len(ops)-1].Seq, t0)
			return err
		}, t0.Add(time.Hour)},
		{"post, dismiss later, discard the post: the dismissal stands", func() error {
			op, err := db.QueueOp(ctx, storage.Op{Kind: storage.OpNotice, ChatID: "c1", Set: "incidents", RecordID: "r1", Body: "x", UpTo: t0.Add(2 * time.Hour)}, t0)
			if err != nil {
				return err
			}
			if err := db.DismissNotices(ctx, "c1", "incidents", "r1", t0.Add(3*time.Hour)); err != nil {
				return err
			}
			_, err = db.DiscardOp(ctx, op.Seq, t0)
			return err
		}, t0.Add(3 * time.Hour)},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := seen(); !got.Equal(s.want) {
			t.Fatalf("%s: seen up to %v, want %v", s.name, got, s.want)
		}
	}
	if err := db.DismissNotices(ctx, "c9", "incidents", "r1", t0); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("dismissing an unknown link: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	for _, tt := range []struct{ in, kind, conv, msg string }{
		{"19:abc@thread.v2", storage.TargetChat, "19:abc@thread.v2", ""},
		{storage.ThreadTarget("19:ch@thread.tacv2", "1700000000000"), storage.TargetThread, "19:ch@thread.tacv2", "1700000000000"},
		{storage.MessageTarget("19:abc@thread.v2", "42"), storage.TargetMessage, "19:abc@thread.v2", "42"},
		{"thread/19:ch@thread.tacv2", storage.TargetChat, "thread/19:ch@thread.tacv2", ""}, // no message: not a thread
		{"message//42", storage.TargetChat, "message//42", ""},
		{"message/c/1/2", storage.TargetChat, "message/c/1/2", ""},
	} {
		if k, c, m := storage.ParseTarget(tt.in); k != tt.kind || c != tt.conv || m != tt.msg {
			t.Errorf("ParseTarget(%q) = %q %q %q, want %q %q %q", tt.in, k, c, m, tt.kind, tt.conv, tt.msg)
		}
	}
}

// TestLocalLinks: threads and messages are linked in Rapport only: no
// operation is queued, the conversation lists them, and the record knows
// its targets, chats and local ones alike.
func TestLocalLinks(t *testing.T) {
	db := storagetest.Open(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	thread := storage.ThreadTarget("ch1", "100")
	msg := storage.MessageTarget("ch1", "101")
	for _, target := range []string{thread, msg} {
		op, err := db.SetLink(ctx, target, "incidents", "r1", true, "me", "Printer down", now)
		if err != nil || op.State != storage.OpLocal || op.Seq != 0 || op.Kind != storage.OpLink {
			t.Fatalf("local link of %s: %+v %v", target, op, err)
		}
	}
	if _, err := db.SetLink(ctx, "c1", "incidents", "r1", true, "me", "", now); err != nil {
		t.Fatal(err)
	}
	if op, err := db.SetLink(ctx, msg, "incidents", "r1", false, "me", "", now); err != nil || op.State != storage.OpLocal || op.Kind != storage.OpUnlink {
		t.Fatalf("local unlink: %+v %v", op, err)
	}
	ops, _ := db.Outbox(ctx)
	if len(ops) != 1 || ops[0].ChatID != "c1" {
		t.Fatalf("outbox: %+v (only the chat's link is pushed)", ops)
	}
	in, err := db.LinksIn(ctx, "ch1")
	if err != nil || len(in) != 2 {
		t.Fatalf("links in ch1: %+v %v", in, err)
	}
	for _, l := range in {
		if l.Linked != (l.ChatID == thread) || l.Op != "" {
			t.Errorf("link %+v", l)
		}
	}
	if other, _ := db.LinksIn(ctx, "ch"); len(other) != 0 {
		t.Fatalf("a conversation id's prefix matched: %+v", other)
	}
	if _, err := db.SetLink(ctx, storage.MessageTarget("c1", "7"), "accounts", "a1", true, "me", "", now); err != nil {
		t.Fatal(err)
	}
	if all, _ := db.LinksIn(ctx, ""); len(all) != 3 {
		t.Fatalf("every conversation's local links: %+v (want the thread's, the message's and c1's)", all)
	}
	to, err := db.LinksTo(ctx, "incidents", "r1")
	var targets []string
	for _, l := range to {
		if l.Set != "incidents" || l.RecordID != "r1" {
			t.Errorf("LinksTo(incidents, r1) lists %+v", l)
		}
		targets = append(targets, l.ChatID)
	}
	if err != nil || strings.Join(targets, " ") != "c1 "+msg+" "+thread {
		t.Fatalf("targets: %q %v", targets, err)
	}
	if other, err := db.LinksTo(ctx, "accounts", "r1"); err != nil || len(other) != 0 {
		t.Fatalf("a record of another type with the same id: %+v %v", other, err)
	}
}
