package graph_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestLongThreadRepliesArePagedToTheEnd: through the real SDK against the
// simulated tenant, a thread of 1,050 replies comes from both expanding
// listings with its newest 1,000 replies inline and marked as having more;
// Replies from its link brings the other 50, and Replies from the start
// all 1,050, newest first, 50 a page.
func TestLongThreadRepliesArePagedToTheEnd(t *testing.T) {
	ctx := context.Background()
	r := enginetest.New(t, tenantsim.Options{Seed: 33, Size: tenantsim.Size{Name: "thread", Customers: 3, Messages: 400}}, engine.Options{})
	tn := r.Srv.Tenant()
	w := tn.World()
	team := w.Teams[0]
	ch := team.Channels[1]
	root, err := tn.Post(ch.ID, "", w.Me.ID, "<p>长线程</p>")
	if err != nil {
		t.Fatal(err)
	}
	added, err := tn.AddReplies(ch.ID, root.ID, 1050)
	if err != nil {
		t.Fatal(err)
	}
	var want []string // newest first
	for i := len(added) - 1; i >= 0; i-- {
		want = append(want, added[i].ID)
	}
	since := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		name string
		list func(page func(msgs []graph.Msg) error) error
	}{
		{"history", func(page func([]graph.Msg) error) error {
			return r.G.ChannelHistory(ctx, team.ID, ch.ID, "", func(msgs []graph.Msg, _ string) error { return page(msgs) })
		}},
		{"delta", func(page func([]graph.Msg) error) error {
			return r.G.ChannelDelta(ctx, team.ID, ch.ID, "", since, func(msgs []graph.Msg, _, _ string) error { return page(msgs) })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var thread graph.Msg
			var inline []string
			err := tc.list(func(msgs []graph.Msg) error {
				for _, m := range msgs {
					switch {
					case m.ID == root.ID:
						thread = m
					case m.ReplyTo == root.ID:
						inline = append(inline, m.ID)
					case m.MoreReplies:
						t.Errorf("short thread %s marked as having more replies", m.ID)
					}
				}
				return nil
			})
			if err != nil || !thread.MoreReplies || thread.RepliesLink == "" || !slices.Equal(inline, want[:1000]) {
				t.Fatalf("%v: root more=%v link=%q, %d inline", err, thread.MoreReplies, thread.RepliesLink, len(inline))
			}
			rest := replies(t, r.G, team.ID, ch.ID, root.ID, thread.RepliesLink)
			if !slices.Equal(rest, want[1000:]) {
				t.Fatalf("from replies@odata.nextLink: %d replies, want the oldest 50", len(rest))
			}
		})
	}
	if all := replies(t, r.G, team.ID, ch.ID, root.ID, ""); !slices.Equal(all, want) {
		t.Fatalf("from the start: %d replies, want 1,050 newest first", len(all))
	}
}

func replies(t *testing.T, g *graph.Client, teamID, channelID, rootID, link string) []string {
	t.Helper()
	var ids []string
	err := g.Replies(context.Background(), teamID, channelID, rootID, link, func(msgs []graph.Msg, _ string) error {
		if len(msgs) > 50 {
			t.Errorf("a page of %d replies", len(msgs))
		}
		for _, m := range msgs {
			if m.ReplyTo != rootID || m.ConvID != channelID || m.TeamID != teamID {
				t.Errorf("reply %s: replyTo %q conv %q team %q", m.ID, m.ReplyTo, m.ConvID, m.TeamID)
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Replies: %v", err)
	}
	return ids
}
