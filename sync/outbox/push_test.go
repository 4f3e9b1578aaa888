package outbox_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

var ctx = context.Background()

// clock is a test clock the back-off can be skipped on.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// links lists the tenant's chats rows as "chat→record" strings.
func links(srv *tenantsim.Server) []string {
	var out []string
	for _, r := range srv.Tenant().Rows("chats") {
		out = append(out, r["teamschatid"].(string)+"→"+r["_regardingobjectid_value"].(string))
	}
	sort.Strings(out)
	return out
}

func states(t *testing.T, db *storage.DB) string {
	t.Helper()
	ops, err := db.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, op := range ops {
		s = append(s, op.Kind+":"+op.State)
	}
	return strings.Join(s, " ")
}

// TestPushLinks links and unlinks chats while the tenant is down, then
// pushes with the tenant up, through faults that leave the outcome
// unknown: the tenant ends with exactly the intended rows, once each.
func TestPushLinks(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	before := links(r.Srv)
	chats := r.Srv.Tenant().World().Chats
	cases := r.Srv.Tenant().Rows("incidents")
	if len(chats) < 3 || len(cases) < 2 {
		t.Fatal("the tenant has too few chats or cases")
	}
	c := &clock{t: time.Now()}
	inc := func(i int) string { return cases[i]["incidentid"].(string) }
	// Offline: link A, link B, unlink B, relink B, link C then unlink C.
	edits := []struct {
		chat, rec string
		linked    bool
	}{
		{chats[0].ID, inc(0), true},
		{chats[1].ID, inc(1), true},
		{chats[1].ID, inc(1), false},
		{chats[1].ID, inc(1), true},
		{chats[2].ID, inc(0), true},
		{chats[2].ID, inc(0), false},
	}
	must(t, r.Srv.Stop())
	for _, e := range edits {
		if _, err := r.DB.SetLink(ctx, e.chat, "incidents", e.rec, e.linked, "me", "", c.now()); err != nil {
			t.Fatal(err)
		}
	}
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Done != 0 || res.Waiting == 0 {
		t.Fatalf("tenant down: %+v", res)
	}
	if got := states(t, r.DB); strings.Contains(got, "done") || strings.Contains(got, "failed") {
		t.Fatalf("tenant down: operations %s", got)
	}
	// Up again, but every write applies and then answers 503.
	must(t, r.Srv.Start(""))
	must(t, r.Srv.SetFaults("503after=1"))
	for i := 0; i < 10; i++ {
		c.t = c.t.Add(10 * time.Minute) // past any back-off
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
		if i == 3 {
			must(t, r.Srv.SetFaults(""))
		}
	}
	if got := states(t, r.DB); got != "link:done link:done unlink:done link:done link:done unlink:done" {
		t.Fatalf("operations: %s", got)
	}
	want := append(append([]string{}, before...), chats[0].ID+"→"+inc(0), chats[1].ID+"→"+inc(1))
	sort.Strings(want)
	if got := links(r.Srv); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("tenant links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Pending markers are gone from the links the user sees.
	ls, err := r.DB.Links(ctx, chats[1].ID)
	must(t, err)
	if len(ls) != 1 || !ls[0].Linked || ls[0].Op != "" {
		t.Fatalf("chat links: %+v", ls)
	}
}

// TestPushConflicts: a record deleted upstream and a row id taken by a
// different link are conflicts with the server's side, never overwritten.
func TestPushConflicts(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	chats := r.Srv.Tenant().World().Chats
	cases := r.Srv.Tenant().Rows("incidents")
	c := &clock{t: time.Now()}
	gone := cases[0]["incidentid"].(string)
	_, err := r.DB.SetLink(ctx, chats[0].ID, "incidents", gone, true, "me", "", c.now())
	must(t, err)
	must(t, r.Srv.Tenant().DeleteRow("incidents", gone))
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	ops, _ := r.DB.Outbox(ctx, storage.OpConflict)
	if res.Conflicts != 1 || len(ops) != 1 || !strings.Contains(ops[0].Error, "deleted upstream") {
		t.Fatalf("deleted record: %+v %+v", res, ops)
	}
	// A later unlink of that link waits behind the conflict.
	_, err = r.DB.SetLink(ctx, chats[0].ID, "incidents", gone, false, "me", "", c.now())
	must(t, err)
	res, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Waiting != 1 || res.Done != 0 {
		t.Fatalf("behind a conflict: %+v", res)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPushJoinAndNotices queues joins and notices while the tenant is
// down, then pushes through writes that apply and answer 503: the user
// ends in the handover chat once, each notice is in its chat exactly
// once, and the ones Dynamics or Teams refuse are conflicts that say why.
func TestPushJoinAndNotices(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	w := r.Srv.Tenant().World()
	if len(w.Handovers) < 2 {
		t.Fatal("the tenant has too few handover chats")
	}
	h, other := w.Handovers[0], w.Handovers[1]
	me := w.SystemUserID(w.Me.ID)
	c := &clock{t: time.Now()}
	queue := func(op storage.Op) storage.Op {
		t.Helper()
		op.By = w.Me.ID
		q, err := r.DB.QueueOp(ctx, op, c.now())
		must(t, err)
		return q
	}
	const notice = "<p>【Rapport】CAS-TEST <b>Priority</b>: High → Low</p>"
	// Notices are about a link: the chats' links as Dynamics has them.
	acc := w.Customers[0].AccountID
	for _, chat := range []string{w.Chats[0].ID, other.ID} {
		must(t, r.DB.AdoptLink(ctx, storage.Link{ChatID: chat, Set: "accounts", RecordID: acc, ActivityID: storage.NewID(), Linked: true}))
	}
	join := queue(storage.Op{Kind: storage.OpJoin, ChatID: h.ID, Set: "incidents", RecordID: w.CaseID(h.Case), UserID: me})
	wrong := queue(storage.Op{Kind: storage.OpJoin, ChatID: other.ID, Set: "incidents", RecordID: w.CaseID(h.Case), UserID: me})
	posted := queue(storage.Op{Kind: storage.OpNotice, ChatID: w.Chats[0].ID, Set: "accounts", RecordID: acc, Body: notice, UpTo: c.now()})
	outside := queue(storage.Op{Kind: storage.OpNotice, ChatID: other.ID, Set: "accounts", RecordID: acc, Body: notice, UpTo: c.now()})

	must(t, r.Srv.Stop())
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Done != 0 || res.Waiting != 4 {
		t.Fatalf("tenant down: %+v", res)
	}
	must(t, r.Srv.Start(""))
	must(t, r.Srv.SetFaults("503after=1"))
	for i := 0; i < 8; i++ {
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
		if i == 2 {
			must(t, r.Srv.SetFaults(""))
		}
	}
	for _, tt := range []struct {
		op    storage.Op
		state string
		why   string
	}{
		{join, storage.OpDone, ""},
		{wrong, storage.OpConflict, "no longer linked"},
		{posted, storage.OpDone, ""},
		{outside, storage.OpConflict, "no longer a member"},
	} {
		ops, err := r.DB.Outbox(ctx)
		must(t, err)
		got := ops[tt.op.Seq-1]
		if got.Seq != tt.op.Seq || got.State != tt.state || !strings.Contains(got.Error, tt.why) {
			t.Errorf("%s %s: %s %q, want %s %q", got.Kind, got.ChatID, got.State, got.Error, tt.state, tt.why)
		}
	}
	// Joined: the chat's messages are readable now.
	if err := r.G.ChatMessages(ctx, h.ID, "", time.Time{}, func([]graph.Msg, string) error { return nil }); err != nil {
		t.Fatalf("reading the joined chat: %v", err)
	}
	posts := func() int {
		msgs, err := r.Srv.Tenant().Messages(w.Chats[0].ID)
		must(t, err)
		n := 0
		for _, m := range msgs {
			if m.AuthorID == w.Me.ID && strings.Contains(m.HTML, "CAS-TEST") {
				n++
			}
		}
		return n
	}
	if n := posts(); n != 1 {
		t.Fatalf("the notice is %d times in the chat, want once", n)
	}

	// A notice whose POST landed but whose answer was lost, then whose
	// read-back failed for good (failed), retried by the user: it is
	// found in the chat, not posted again.
	again := queue(storage.Op{Kind: storage.OpNotice, ChatID: w.Chats[0].ID, Set: "accounts", RecordID: acc, Body: notice, UpTo: c.now().Add(time.Second)})
	must(t, r.Srv.SetFaults("503after=1"))
	_, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	must(t, r.Srv.SetFaults(""))
	if _, err := r.DB.UpdateOp(ctx, again.Seq, func(o *storage.Op) error { o.State = storage.OpFailed; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = r.DB.RetryOp(ctx, again.Seq, c.now())
	must(t, err)
	c.t = c.t.Add(time.Hour)
	_, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	ops, _ := r.DB.Outbox(ctx)
	if got := ops[again.Seq-1]; got.State != storage.OpDone || posts() != 2 {
		t.Fatalf("the retried notice: %s %q, %d posts in the chat (want done, 2: this one once)", got.State, got.Error, posts())
	}
}
