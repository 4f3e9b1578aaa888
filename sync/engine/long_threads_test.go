package engine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// longThreadSize keeps the rest of the world small: the thread is the point.
var longThreadSize = tenantsim.Size{Name: "long-thread", Customers: 3, Messages: 400}

// TestLongThreadsSyncCompletely: Graph inlines at most 1,000 replies under
// a root ($expand=replies) and links to the rest. A channel thread past
// that is stored whole on the first sync and again when it changes later
// (delta returns the root with the capped expansion), and the extra reads
// stay under Graph's published limits.
func TestLongThreadsSyncCompletely(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after int // replies added before the first round, then before the second
	}{
		{"1,050 replies at the first sync, then one more", 1050, 1},
		{"5 replies at the first sync, then past the cap", 5, 1045},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the rounds mostly wait for the limits
			r := newRig(t, tenantsim.Options{Seed: 31, Size: longThreadSize, Limits: true}, engine.Options{})
			tn := r.Srv.Tenant()
			ch, root := longThread(t, tn)
			for round, n := range []int{tc.before, tc.after} {
				if _, err := tn.AddReplies(ch.ID, root, n); err != nil {
					t.Fatal(err)
				}
				if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
					t.Fatalf("round %d: %v", round+1, err)
				}
				sameReplies(t, r, ch.ID, root)
			}
			converged(t, r)
			if n := r.Srv.Throttled(); n != 0 {
				t.Fatalf("%d requests refused by the published limits (%v)", n, r.Srv.ThrottledBy())
			}
		})
	}
}

// TestLongThreadCutDuringRepliesResumes: the network goes, and the round
// with it, while the engine lists the replies a long thread did not inline
// (before the first extra page, or after it was stored). The next round
// stores the thread whole and nothing twice: the thread's page and cursor
// had not been committed, so it is fetched again with its replies.
func TestLongThreadCutDuringRepliesResumes(t *testing.T) {
	for _, cutAt := range []int{1, 2} {
		t.Run(fmt.Sprintf("cut at replies request %d", cutAt), func(t *testing.T) {
			srv := simtest.Start(t, tenantsim.Options{Seed: 32, Size: longThreadSize})
			tn := srv.Tenant()
			ch, root := longThread(t, tn)
			// 1,000 inline, then two pages of /replies.
			if _, err := tn.AddReplies(ch.ID, root, 1080); err != nil {
				t.Fatal(err)
			}
			round, cancel := context.WithCancel(ctx)
			defer cancel()
			var seen atomic.Int32
			cut := func(next http.RoundTripper) http.RoundTripper {
				return roundTripper(func(req *http.Request) (*http.Response, error) {
					if strings.HasSuffix(req.URL.Path, "/replies") && int(seen.Add(1)) == cutAt {
						cancel()
						return nil, errors.New("network gone")
					}
					return next.RoundTrip(req)
				})
			}
			r := enginetest.ConnectGraph(t, srv, storagetest.Open(t), engine.Options{MessageRate: -1}, graph.Options{MaxRetries: 3, Wrap: cut})
			if _, err := r.Eng.Run(round, engine.RoundOptions{}); err == nil {
				t.Fatal("the cut round succeeded")
			}
			if n := storedReplies(t, r, ch.ID, root); n != 50*(cutAt-1) {
				t.Fatalf("after the cut: %d replies stored, want the %d of the pages before it", n, 50*(cutAt-1))
			}
			if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
				t.Fatalf("round after the cut: %v", err)
			}
			sameReplies(t, r, ch.ID, root)
			converged(t, r)
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// longThread picks the first thread of the busiest channel of the first
// team, to grow past the replies Graph inlines.
func longThread(t *testing.T, tn *tenantsim.Tenant) (*tenantsim.Channel, string) {
	t.Helper()
	var ch *tenantsim.Channel
	for _, c := range tn.World().Teams[0].Channels {
		if ch == nil || c.Roots > ch.Roots {
			ch = c
		}
	}
	msgs, err := tn.Messages(ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(msgs, func(m *tenantsim.Message) bool { return m.ReplyToID == "" && m.Type == "message" })
	if i < 0 {
		t.Fatal("no thread in the channel")
	}
	return ch, msgs[i].ID
}

func storedReplies(t *testing.T, r *rig, convID, root string) int {
	t.Helper()
	stored, err := r.DB.Messages(ctx, convID, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range stored {
		if m.ReplyTo == root {
			n++
		}
	}
	return n
}

// sameReplies compares the stored replies of a thread with the tenant's.
func sameReplies(t *testing.T, r *rig, convID, root string) {
	t.Helper()
	truth, _ := r.Srv.Tenant().Messages(convID)
	want := map[string]bool{}
	for _, m := range truth {
		if m.ReplyToID == root {
			want[m.ID] = true
		}
	}
	stored, err := r.DB.Messages(ctx, convID, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range stored {
		if m.ReplyTo == root {
			got[m.ID] = true
		}
	}
	missing := 0
	for id := range want {
		if !got[id] {
			missing++
		}
	}
	if missing > 0 || len(got) != len(want) {
		t.Fatalf("thread %s: %d replies stored, tenant has %d (%d missing)", root, len(got), len(want), missing)
	}
}
