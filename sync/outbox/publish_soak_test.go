package outbox_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestPublishSoak publishes new versions of two files (one above 4 MB,
// through upload sessions), channel posts and knowledge articles over
// rounds of random write faults (applied then 503, throttling, 5xx,
// reset connections), then lets the pushes settle: each file holds its
// last version and has exactly as many versions as were queued (none
// uploaded twice), each post and article exists once, nothing is in
// conflict.
func TestPublishSoak(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { publishSoak(t, seed) })
	}
}

func publishSoak(t *testing.T, seed uint64) {
	r := enginetest.New(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small, ImmediateRetry: true}, engine.Options{})
	tn := r.Srv.Tenant()
	me := tn.World().Me.ID
	a, _, _ := channelsWithFiles(t, tn)
	rng := rand.New(rand.NewPCG(seed, 7))
	c := &clock{t: time.Now()}
	must(t, r.Srv.SetFaults(fmt.Sprintf("503after=0.3,429=0.1,500=0.05,503=0.05,reset=0.05,truncate=0.05,seed=%d", seed)))
	versions := map[string]int{}
	last := map[string][]byte{}
	var posts, titles []string
	for round := 0; round < 8; round++ {
		for _, name := range []string{"notes.md", "archive.html"} {
			if rng.IntN(2) == 0 && !(name == "archive.html" && versions[name] >= 2) {
				size := 2000
				if name == "archive.html" {
					size = 5 << 20
				}
				data := bytes.Repeat([]byte(fmt.Sprintf("%s v%d seed %d\n", name, versions[name]+1, seed)), size/24)
				_, err := r.DB.QueueUpload(ctx, storage.Op{Team: a.TeamID, Channel: a.ID, File: name, By: me, Key: "soak/" + name}, data, c.now())
				must(t, err)
				versions[name]++
				last[name] = data
			}
		}
		if rng.IntN(2) == 0 {
			body := fmt.Sprintf("<p>soak post %d/%d</p>", seed, round)
			_, err := r.DB.QueuePost(ctx, storage.Op{Team: a.TeamID, Channel: a.ID, Body: body, By: me, Key: "soak/" + body}, c.now())
			must(t, err)
			posts = append(posts, body)
		}
		if round%3 == 0 {
			title := fmt.Sprintf("soak article %d/%d", seed, round)
			_, err := r.DB.QueueArticle(ctx, "soak/"+title, title, "<p>answer</p>", []string{"soak"}, me, c.now())
			must(t, err)
			titles = append(titles, title)
		}
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
	}
	must(t, r.Srv.SetFaults(""))
	for i := 0; i < 6; i++ {
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
	}
	ops, err := r.DB.Outbox(ctx)
	must(t, err)
	for _, op := range ops {
		if op.State != storage.OpDone {
			t.Errorf("#%d %s %s: %s (%s)", op.Seq, op.Kind, op.State, op.Error, op.File)
		}
	}
	files := map[string]tenantsim.File{}
	for _, f := range tn.ChannelFiles(a.ID) {
		files[f.Name] = f
	}
	for name, n := range versions {
		f := files[name]
		if f.Version != n || !bytes.Equal(f.Data, last[name]) {
			t.Errorf("%s: version %d (%d bytes), want version %d with the last bytes (%d)", name, f.Version, len(f.Data), n, len(last[name]))
		}
	}
	msgs, err := tn.Messages(a.ID)
	must(t, err)
	for _, p := range posts {
		n := 0
		for _, m := range msgs {
			if strings.Contains(m.HTML, strings.TrimSuffix(strings.TrimPrefix(p, "<p>"), "</p>")) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q posted %d times", p, n)
		}
	}
	for _, title := range titles {
		n := 0
		for _, row := range tn.Rows("knowledgearticles") {
			if row["title"] == title {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q created %d times", title, n)
		}
	}
	if hits := r.Srv.FaultHits(); hits["503after"] == 0 || hits["reset"] == 0 {
		t.Errorf("faults did not fire: %v", hits)
	}
}
