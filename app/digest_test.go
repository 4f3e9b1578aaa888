package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestDigestAndPublishCommands: rapport digest writes the overview and
// each account's digest as Markdown and HTML and prints their paths;
// rapport publish digest queues the week's summary once however often it
// is run, and the push posts it once to the channel through faults that
// leave the outcome unknown.
func TestDigestAndPublishCommands(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	ctx := context.Background()
	dir := t.TempDir()
	var db *storage.DB
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, "--data-dir", dir), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	// The latest week customers waited in.
	rep, err := metrics.New(rig.DB).Report(ctx, metrics.Query{})
	if err != nil {
		t.Fatal(err)
	}
	week := ""
	for _, g := range rep.Weeks {
		if g.Waits > 0 && g.ID > week {
			week = g.ID
		}
	}
	out := t.TempDir()
	code, stdout, errs := run("digest", "--json", "--week", week, "--lang", "fr", "--out", out)
	if code != 0 {
		t.Fatalf("rapport digest: exit %d: %s", code, errs)
	}
	var res struct{ Files []string }
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res.Files) < 4 || len(res.Files)%2 != 0 {
		t.Fatalf("rapport digest printed %q (%v)", stdout, err)
	}
	for _, p := range res.Files {
		b, err := os.ReadFile(p)
		if err != nil || (strings.HasSuffix(p, ".md") && !strings.Contains(string(b), "Délais de réponse")) {
			t.Fatalf("%s: %v", p, err)
		}
	}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"a malformed week", []string{"digest", "--week", "2026-48", "--out", out}},
		{"an unknown account", []string{"digest", "--week", week, "--account", "no such account", "--out", out}},
		{"no channel", []string{"publish", "digest", "--week", week}},
		{"an unknown channel", []string{"publish", "digest", "--week", week, "--channel", "nowhere/nothing"}},
	} {
		if code, _, errs := run(tt.args...); code == 0 || errs == "" {
			t.Errorf("%s: exit %d, %q", tt.name, code, errs)
		}
	}

	tn := rig.Srv.Tenant()
	var team, channel, teamName, channelName string
	for _, tm := range tn.World().Teams {
		for _, ch := range tm.Channels {
			if ch.MembershipType == "standard" && team == "" {
				team, channel, teamName, channelName = tm.ID, ch.ID, tm.DisplayName, ch.DisplayName
			}
		}
	}
	var seqs []uint64
	for i := 0; i < 2; i++ {
		code, stdout, errs := run("publish", "digest", "--json", "--week", week, "--lang", "en", "--channel", teamName+"/"+channelName)
		if code != 0 {
			t.Fatalf("rapport publish digest: exit %d: %s", code, errs)
		}
		var op storage.Op
		if err := json.Unmarshal([]byte(stdout), &op); err != nil || op.Kind != storage.OpPost || op.Channel != channel || op.Team != team {
			t.Fatalf("rapport publish digest printed %q (%v)", stdout, err)
		}
		seqs = append(seqs, op.Seq)
	}
	if seqs[0] != seqs[1] {
		t.Fatalf("publishing twice queued two posts: %v", seqs)
	}
	db, err = storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := rig.Srv.SetFaults("503after=1,seed=2"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := 0; i < 4; i++ {
		if i == 2 {
			rig.Srv.SetFaults("")
		}
		now = now.Add(10 * time.Minute)
		if _, err := outbox.Push(ctx, db, rig.DV, rig.G, func() time.Time { return now }); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := tn.Messages(channel)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.HTML, "Weekly summary "+week) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the summary is in the channel %d times, want once", n)
	}
}

// TestPublishHelpers: the calls `rapport publish archive` and `rapport faq
// publish` make queue each file and the article once, and a push lands
// them once.
func TestPublishHelpers(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	ctx := context.Background()
	tn := rig.Srv.Tenant()
	var ch ChannelChoice
	for _, tm := range tn.World().Teams {
		for _, c := range tm.Channels {
			if ok, _ := tn.FilesProvisioned(c.ID); ok && c.MembershipType == "standard" && ch.Team == "" {
				ch = ChannelChoice{Team: tm.ID, Channel: c.ID}
			}
		}
	}
	files := []knowledge.File{{Name: "archive-2026-11.md", Data: []byte("# 2026-11\n")}, {Name: "archive-2026-11.html", Data: []byte("<!DOCTYPE html><title>2026-11</title>")}}
	var first []storage.Op
	for i := 0; i < 2; i++ {
		ops, err := knowledge.QueueFiles(ctx, rig.DB, ch.Team, ch.Channel, knowledge.ArchiveKey("2026-11", ch.Team, ch.Channel), files, time.Now())
		if err != nil || len(ops) != 2 {
			t.Fatalf("queue files: %v, %v", ops, err)
		}
		if i == 1 && (ops[0].Seq != first[0].Seq || ops[1].Seq != first[1].Seq) {
			t.Fatalf("queued again: %v, was %v", ops, first)
		}
		first = ops
		if _, err := knowledge.QueueArticle(ctx, rig.DB, knowledge.FAQKey("7"), "How do I pay?", "<p>By transfer.</p>", []string{"付款", "payment"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := knowledge.QueueFiles(ctx, rig.DB, ch.Team, ch.Channel, "k", []knowledge.File{{Name: "../escape.md", Data: []byte("x")}}, time.Now()); err == nil {
		t.Fatal("a file name with a path was queued")
	}
	if _, err := outbox.Push(ctx, rig.DB, rig.DV, rig.G, time.Now); err != nil {
		t.Fatal(err)
	}
	got := tn.ChannelFiles(ch.Channel)
	if len(got) != 2 || got[0].Version != 1 || got[1].Version != 1 {
		t.Fatalf("channel files: %+v", got)
	}
	n := 0
	for _, row := range tn.Rows("knowledgearticles") {
		if row["title"] == "How do I pay?" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the article exists %d times", n)
	}
}

// TestPublishArchiveAndFAQCommands: `rapport publish archive` queues the
// month's archive files and `rapport faq publish` the entry's article,
// the same operations however often asked; a push lands each once.
func TestPublishArchiveAndFAQCommands(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	ctx := context.Background()
	tn := rig.Srv.Tenant()
	var team, channel, msg string
	for _, tm := range tn.World().Teams {
		for _, c := range tm.Channels {
			if ok, _ := tn.FilesProvisioned(c.ID); !ok || c.MembershipType != "standard" || team != "" {
				continue
			}
			ms, err := tn.Messages(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.AuthorID != "" && m.Type == "message" && m.Deleted == nil && m.ReplyToID == "" {
					team, channel, msg = tm.ID, c.ID, m.ID
					break
				}
			}
		}
	}
	if msg == "" {
		t.Fatal("no channel post in a channel whose Files are provisioned")
	}
	dir := t.TempDir()
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(append(args, "--data-dir", dir), fstest.MapFS{}, "test", &out, &errb); code != 0 {
			t.Fatalf("rapport %v: exit %d: %s%s", args, code, errb.String(), out.String())
		}
		return out.String()
	}
	target := "message/" + channel + "/" + msg
	var best knowledge.Best
	if err := json.Unmarshal([]byte(run("best", "--json", "add", "--topic", "付款", "--reason", "clear answer", target)), &best); err != nil || best.Month == "" {
		t.Fatalf("best add: %+v, %v", best, err)
	}
	var faq knowledge.FAQ
	if err := json.Unmarshal([]byte(run("faq", "--json", "add", "--from", target, "--question", "How do we pay?")), &faq); err != nil || faq.ID == "" {
		t.Fatalf("faq add: %+v, %v", faq, err)
	}
	var ops, again []storage.Op
	for _, into := range []*[]storage.Op{&ops, &again} {
		if err := json.Unmarshal([]byte(run("publish", "--json", "archive", "--month", best.Month, "--channel", team+"/"+channel, "--lang", "en")), into); err != nil {
			t.Fatal(err)
		}
	}
	if len(ops) != 3 || len(again) != 3 || ops[0].Seq != again[0].Seq || ops[2].Seq != again[2].Seq {
		t.Fatalf("publish archive queued %+v, then %+v", ops, again)
	}
	run("faq", "publish", faq.ID)
	run("faq", "publish", faq.ID)

	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := outbox.Push(ctx, db, rig.DV, rig.G, time.Now); err != nil {
		t.Fatal(err)
	}
	files := tn.ChannelFiles(channel)
	if len(files) != 3 {
		t.Fatalf("channel files after the push: %+v", files)
	}
	for _, f := range files {
		if f.Version != 1 || !strings.HasPrefix(f.Name, "knowledge-"+best.Month) {
			t.Errorf("file %+v: want knowledge-%s…, uploaded once", f, best.Month)
		}
	}
	n := 0
	for _, row := range tn.Rows("knowledgearticles") {
		if row["title"] == "How do we pay?" {
			n++
			if row["statecode"] != 0.0 && row["statecode"] != 0 {
				t.Errorf("article state %v, want Draft (0)", row["statecode"])
			}
		}
	}
	if n != 1 {
		t.Fatalf("the FAQ's article exists %d times, want once", n)
	}
}
