package engine_test

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// countingGraph counts the message requests each conversation has had
// answered.
type countingGraph struct {
	engine.Graph
	mu sync.Mutex
	n  map[string]int
}

func (g *countingGraph) count(conv string) {
	g.mu.Lock()
	g.n[conv]++
	g.mu.Unlock()
}

func (g *countingGraph) snapshot() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return maps.Clone(g.n)
}

func (g *countingGraph) ChatMessages(ctx context.Context, chatID, link string, since time.Time, page func([]graph.Msg, string) error) error {
	return g.Graph.ChatMessages(ctx, chatID, link, since, func(m []graph.Msg, next string) error {
		g.count(chatID)
		return page(m, next)
	})
}

func (g *countingGraph) ChannelDelta(ctx context.Context, teamID, channelID, link string, since time.Time, page func([]graph.Msg, string, string) error) error {
	return g.Graph.ChannelDelta(ctx, teamID, channelID, link, since, func(m []graph.Msg, next, delta string) error {
		g.count(channelID)
		return page(m, next, delta)
	})
}

func (g *countingGraph) ChannelHistory(ctx context.Context, teamID, channelID, link string, page func([]graph.Msg, string) error) error {
	return g.Graph.ChannelHistory(ctx, teamID, channelID, link, func(m []graph.Msg, next string) error {
		g.count(channelID)
		return page(m, next)
	})
}

func (g *countingGraph) HostedContent(ctx context.Context, convID, teamID, msgID, replyTo, hostedID string) ([]byte, error) {
	defer g.count(convID)
	return g.Graph.HostedContent(ctx, convID, teamID, msgID, replyTo, hostedID)
}

// TestETAUnderLimits syncs a tenant whose largest chat has about nine pages
// under Graph's limits (1 request a second per conversation, enforced by
// the simulated tenant) and compares each ETA reported with what was
// really left at that moment, counted in requests: the requests each
// conversation still made after the report, at the engine's pace. No
// wall-clock assertion: the bound is computed from counts.
func TestETAUnderLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about ten seconds: the largest chat's pages at one a second")
	}
	size, err := tenantsim.ParseSize("1500")
	if err != nil {
		t.Fatal(err)
	}
	rig := enginetest.New(t, tenantsim.Options{Seed: 1, Size: size, Limits: true}, engine.Options{})
	g := &countingGraph{Graph: rig.G, n: map[string]int{}}
	type report struct {
		p    engine.Progress
		done map[string]int
	}
	var mu sync.Mutex
	var reports []report
	eng := engine.New(rig.DB, g, nil, engine.Options{Report: func(p engine.Progress) {
		if p.Phase != "messages" {
			return
		}
		done := g.snapshot()
		mu.Lock()
		reports = append(reports, report{p, done})
		mu.Unlock()
	}})
	if _, err := eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	total := g.snapshot()
	perConv, overall := 1/0.95, 1/19.0 // the engine's default pace, seconds a request
	checked := 0
	for _, r := range reports {
		// What was really left: each conversation's requests after the
		// report, at one conversation's pace, and all of them at the
		// tenant budget's. The round took at least that long from then.
		longest, sum, unknown := 0, 0, false
		for conv, n := range total {
			left := n - r.done[conv]
			longest = max(longest, left)
			sum += left
			unknown = unknown || left > 0 && r.done[conv] == 0
		}
		atLeast := max(float64(longest)*perConv, float64(sum)*overall)
		if unknown || atLeast < 3 {
			// Before a conversation's first page nothing says how big it
			// is; in the last seconds a page in flight is a second either
			// way.
			continue
		}
		checked++
		// Far below is what the issue saw (10 s said with 3 minutes
		// left); a little above is the price of estimating.
		if eta := float64(r.p.ETA); eta < 0.6*atLeast-1 || eta > 3*atLeast+5 {
			t.Errorf("%d/%d conversations done: ETA %.0fs, but %d requests were left on the largest (%d in all): at least %.0fs",
				r.p.Done, r.p.Total, eta, longest, sum, atLeast)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d reports to check out of %d", checked, len(reports))
	}
	if ts := rig.Srv.Throttled(); ts > 0 {
		t.Logf("%d requests throttled by the tenant", ts)
	}
}
