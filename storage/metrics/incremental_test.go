package metrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
)

// TestIncrementalEqualsScratch: over random conversations written in
// random batches and orders (older messages after newer ones, edits and
// deletions of messages already held, bots, system events, replies in
// several channel threads, colleagues and customers), a watching service
// applying the store's new messages answers exactly what a computation
// from scratch answers, after every batch; also after the directory
// changes (a colleague who turns out to be a guest).
func TestIncrementalEqualsScratch(t *testing.T) {
	ctx := context.Background()
	authors := []string{me, col, huadong1, huadong2, boreal, external, bot}
	queries := []metrics.Query{{}, {Hours: metrics.HoursWall}, {From: "2026-04-29", To: "2026-05-06", Account: accHD}}
	for seed := range uint64(25) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 15))
			db, inc := openWorld(t, shanghai())
			now := func() time.Time { return sh("2026-05-08 15:00") }
			inc.Now = now
			inc.Watch()
			defer inc.Close()
			scratch := metrics.New(db)
			scratch.Now = now
			if _, err := inc.Report(ctx, metrics.Query{}); err != nil { // builds the model
				t.Fatal(err)
			}
			var written []msg
			roots := []string{}
			base := sh("2026-04-27 08:00")
			for batch := range 12 {
				var ms []msg
				for range 1 + r.IntN(25) {
					if len(written) > 0 && r.IntN(8) == 0 { // an edit or deletion of a message held
						old := written[r.IntN(len(written))]
						old.edited, old.deleted = r.IntN(2) == 0, r.IntN(3) == 0
						ms = append(ms, old)
						continue
					}
					m := msg{id: fmt.Sprintf("m%d-%d", batch, len(ms)), from: authors[r.IntN(len(authors))],
						at: base.Add(time.Duration(r.IntN(14*24*60)) * time.Minute)}
					if r.IntN(15) == 0 {
						m.typ = "systemEventMessage"
					}
					if r.IntN(2) == 0 {
						m.conv = chat
					} else {
						m.conv = chan1
						if len(roots) > 0 && r.IntN(3) > 0 {
							m.replyTo = roots[r.IntN(len(roots))]
						} else {
							roots = append(roots, m.id)
						}
					}
					ms = append(ms, m)
				}
				written = append(written, ms...)
				put(t, db, ms...)
				if batch == 8 {
					// The colleague turns out to be a guest: every wait they
					// ended is open again (or ended by someone else).
					if err := db.Apply(ctx, func(w *storage.Writer) error {
						return w.PutUser(storage.User{ID: col, DisplayName: "Colleague", Mail: "col@lumen.example", UserType: "Guest"})
					}); err != nil {
						t.Fatal(err)
					}
				}
				for _, q := range queries {
					a, err := inc.Report(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					b, err := scratch.Report(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					ja, _ := json.Marshal(a)
					jb, _ := json.Marshal(b)
					if string(ja) != string(jb) {
						t.Fatalf("batch %d, %+v: incremental\n%s\nfrom scratch\n%s", batch, q, ja, jb)
					}
					wa, _ := inc.Waits(ctx, q, metrics.ByTotal, "")
					wb, _ := scratch.Waits(ctx, q, metrics.ByTotal, "")
					ja, _ = json.Marshal(wa)
					jb, _ = json.Marshal(wb)
					if string(ja) != string(jb) {
						t.Fatalf("batch %d, %+v: waits incremental\n%s\nfrom scratch\n%s", batch, q, ja, jb)
					}
				}
			}
			if n := metrics.Builds(inc); n != 1 {
				t.Fatalf("the watching service computed from scratch %d times, want once", n)
			}
			if r, _ := scratch.Report(ctx, metrics.Query{}); r.Total.Waits == 0 || r.Total.Answered == 0 {
				t.Fatalf("a random history without waits tests nothing: %+v", r.Total)
			}
		})
	}
}
