package outbox_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// channelsWithFiles returns standard channels of Me's teams: two whose
// Files tab was opened and one whose was not.
func channelsWithFiles(t *testing.T, tn *tenantsim.Tenant) (a, b, closed *tenantsim.Channel) {
	t.Helper()
	for _, tm := range tn.World().Teams {
		for _, ch := range tm.Channels {
			if ch.MembershipType != "standard" {
				continue
			}
			p, err := tn.FilesProvisioned(ch.ID)
			must(t, err)
			switch {
			case p && a == nil:
				a = ch
			case p && b == nil:
				b = ch
			case !p && closed == nil:
				closed = ch
			}
		}
	}
	if a == nil || b == nil || closed == nil {
		t.Fatal("the world needs two channels with Files and one without")
	}
	return a, b, closed
}

func pushRounds(t *testing.T, r *enginetest.Rig, c *clock, n int, faults string) {
	t.Helper()
	must(t, r.Srv.SetFaults(faults))
	for i := 0; i < n; i++ {
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
	}
	must(t, r.Srv.SetFaults(""))
	for i := 0; i < 3; i++ {
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
	}
}

// TestPublishOnce queues an archive (a small file and one above 4 MB that
// goes through an upload session), the weekly digest's post and a
// knowledge article while the tenant is down, then pushes through writes
// that apply and answer 503 (the outcome unknown), throttling and reset
// connections: each file lands once (version 1, the exact bytes), the
// post appears once, the article exists once as a Draft. Queuing the same
// publication again queues nothing.
func TestPublishOnce(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small}, engine.Options{})
	tn := r.Srv.Tenant()
	me := tn.World().Me.ID
	a, _, _ := channelsWithFiles(t, tn)
	c := &clock{t: time.Now()}
	small := []byte("# 2026-11 archive\n\n付款 · payment · paiement\n")
	big := bytes.Repeat([]byte("0123456789 archive line\n"), (5<<20)/24)
	post := "<p>Weekly digest 2026-W48: 12 questions, 3 open</p>"
	queue := func() []storage.Op {
		u1, err := r.DB.QueueUpload(ctx, storage.Op{Team: a.TeamID, Channel: a.ID, File: "archive-2026-11.md", By: me, Key: "archive/2026-11"}, small, c.now())
		must(t, err)
		u2, err := r.DB.QueueUpload(ctx, storage.Op{Team: a.TeamID, Channel: a.ID, File: "archive-2026-11.html", By: me, Key: "archive/2026-11"}, big, c.now())
		must(t, err)
		p, err := r.DB.QueuePost(ctx, storage.Op{Team: a.TeamID, Channel: a.ID, Body: post, By: me, Key: "digest/2026-W48"}, c.now())
		must(t, err)
		k, err := r.DB.QueueArticle(ctx, "faq/1", "付款失败怎么办", "<p>Check the card, then retry.</p>", []string{"付款", "payment"}, me, c.now())
		must(t, err)
		return []storage.Op{u1, u2, p, k}
	}
	ops := queue()

	must(t, r.Srv.Stop())
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Done != 0 || res.Waiting != 4 {
		t.Fatalf("tenant down: %+v (%s)", res, states(t, r.DB))
	}
	must(t, r.Srv.Start(""))
	pushRounds(t, r, c, 8, "503after=0.6,429=0.2,reset=0.1,seed=11")
	if got := states(t, r.DB); got != "upload:done upload:done post:done create:done" {
		t.Fatalf("operations: %s", got)
	}
	// Asking again (a retried command) queues nothing new.
	again := queue()
	for i := range ops {
		if again[i].Seq != ops[i].Seq {
			t.Fatalf("queued again: %+v, was %+v", again[i], ops[i])
		}
	}
	files := tn.ChannelFiles(a.ID)
	if len(files) != 2 {
		t.Fatalf("files: %+v", files)
	}
	for _, f := range files {
		want := small
		if strings.HasSuffix(f.Name, ".html") {
			want = big
		}
		if !bytes.Equal(f.Data, want) || f.Version != 1 || f.By != me {
			t.Errorf("%s: %d bytes, version %d by %s; want %d bytes, version 1 (uploaded once)", f.Name, len(f.Data), f.Version, f.By, len(want))
		}
	}
	msgs, err := tn.Messages(a.ID)
	must(t, err)
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.HTML, "Weekly digest 2026-W48") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the digest was posted %d times", n)
	}
	n = 0
	for _, row := range tn.Rows("knowledgearticles") {
		if row["title"] == "付款失败怎么办" {
			n++
			if row["statecode"] != 0 || row["statuscode"] != 2 || row["keywords"] != "付款,payment" {
				t.Errorf("article: %v", row)
			}
		}
	}
	if n != 1 {
		t.Errorf("the article exists %d times", n)
	}
	if hits := r.Srv.FaultHits(); hits["503after"] == 0 {
		t.Errorf("no write was left with an unknown outcome: %v", hits)
	}
}

// TestPublishConflicts: a name taken by someone else's file, and
// Rapport's own file changed in Teams since it uploaded it, are
// conflicts that keep the other person's bytes; Rapport's file nobody
// touched is replaced under its eTag (version 2); a channel whose Files
// tab was never opened fails with what to do, and lands once it is
// opened and the upload retried.
func TestPublishConflicts(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small}, engine.Options{})
	tn := r.Srv.Tenant()
	w := tn.World()
	me := w.Me.ID
	a, b, closed := channelsWithFiles(t, tn)
	other := ""
	for _, m := range w.Teams[0].Members {
		if m.UserID != me {
			other = m.UserID
			break
		}
	}
	c := &clock{t: time.Now()}
	up := func(ch *tenantsim.Channel, name, text string) storage.Op {
		op, err := r.DB.QueueUpload(ctx, storage.Op{Team: ch.TeamID, Channel: ch.ID, File: name, By: me, Key: "archive/" + name}, []byte(text), c.now())
		must(t, err)
		return op
	}
	must(t, tn.PutFile(a.ID, other, "taken.md", []byte("someone else's")))
	up(a, "taken.md", "ours")
	up(a, "mine.md", "v1")
	up(b, "kept.md", "v1")
	up(closed, "later.md", "v1")
	pushRounds(t, r, c, 2, "")
	if got := states(t, r.DB); got != "upload:conflict upload:done upload:done upload:failed" {
		t.Fatalf("first round: %s", got)
	}
	ops, err := r.DB.Outbox(ctx)
	must(t, err)
	if ops[0].Server["eTag"] == nil || !strings.Contains(ops[0].Error, "not overwritten") {
		t.Errorf("the conflict does not show the server's file: %+v", ops[0])
	}
	if !strings.Contains(ops[3].Error, "Files tab") {
		t.Errorf("unprovisioned folder: %q", ops[3].Error)
	}
	// Someone edits mine.md in Teams; kept.md stays as Rapport left it.
	must(t, tn.PutFile(a.ID, other, "mine.md", []byte("edited in Teams")))
	up(a, "mine.md", "v2")
	up(b, "kept.md", "v2")
	must(t, tn.OpenFilesTab(closed.ID))
	_, err = r.DB.RetryOp(ctx, ops[3].Seq, c.now())
	must(t, err)
	pushRounds(t, r, c, 4, "503after=0.5,seed=5")
	if got := states(t, r.DB); got != "upload:conflict upload:done upload:done upload:done upload:conflict upload:done" {
		t.Fatalf("second round: %s", got)
	}
	want := map[string]string{"taken.md": "someone else's", "mine.md": "edited in Teams"}
	for _, f := range tn.ChannelFiles(a.ID) {
		if string(f.Data) != want[f.Name] {
			t.Errorf("%s holds %q, want %q", f.Name, f.Data, want[f.Name])
		}
	}
	if fs := tn.ChannelFiles(b.ID); len(fs) != 1 || string(fs[0].Data) != "v2" || fs[0].Version != 2 {
		t.Errorf("kept.md: %+v, want v2 as version 2", fs)
	}
	if fs := tn.ChannelFiles(closed.ID); len(fs) != 1 || fs[0].Version != 1 {
		t.Errorf("later.md: %+v", fs)
	}
}
