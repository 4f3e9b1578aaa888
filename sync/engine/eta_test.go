package engine

import (
	"testing"
	"time"
)

// limits is the engine's default pace: 0.95 requests a second per
// conversation, 3.8 per team, 19 in all, 24 workers.
var limits = pace{perConv: every(0.95), perTeam: every(perTeam), global: every(19), workers: 24}

func many(n int, requests float64, team string) []convLeft {
	out := make([]convLeft, n)
	for i := range out {
		out[i] = convLeft{team: team, requests: requests}
	}
	return out
}

// TestETABounds: the ETA is the largest of the per-conversation, per-team
// and overall bounds, so one big conversation among many small ones sets
// it, not the average (the old estimate, time so far per conversation
// done × conversations left, said seconds with 500 of 501 done).
func TestETABounds(t *testing.T) {
	perConv := every(0.95).Seconds()
	for _, tt := range []struct {
		name     string
		left     []convLeft
		p        pace
		min, max float64 // seconds
	}{
		{"nothing left", nil, limits, 0, 0},
		{"one page", many(1, 1, ""), limits, perConv, perConv},
		{"a dominant conversation: 2,000 pages beside 500 small chats",
			append(many(500, 2, ""), convLeft{requests: 2000}), limits, 2000 * perConv, 2000 * perConv},
		{"many small chats: the tenant budget", many(3000, 2, ""), limits, 6000.0 / 19, 6000.0 / 19},
		{"few workers: their pace", many(40, 3, ""), pace{perConv: time.Second, global: every(19), workers: 4}, 30, 30},
		{"one team's channels: 3.8/s per team", many(10, 38, "team-a"), limits, 100, 100},
		{"no limit: the conversation's observed pace",
			[]convLeft{{requests: 100, every: 200 * time.Millisecond}, {requests: 10, every: time.Second}}, pace{workers: 24}, 20, 20},
	} {
		got := eta(tt.left, tt.p).Seconds()
		if got < tt.min-0.01 || got > tt.max+0.01 {
			t.Errorf("%s: ETA %.1fs, want %.1f–%.1fs", tt.name, got, tt.min, tt.max)
		}
	}
}

// TestConversationLeft: what a conversation has left, from how far back
// in time its listing's pages reached.
func TestConversationLeft(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	started := day(400)
	for _, tt := range []struct {
		name  string
		c     convState
		prior float64
		want  float64
		known bool // its size counts towards the prior
	}{
		{"not started: the prior", convState{}, 7, 7, false},
		{"not started, nothing known yet: one", convState{}, 0, 1, false},
		{"started, before its listing (priming): the prior", convState{started: started, requests: 1}, 5, 5, false},
		{"done", convState{started: started, done: true, requests: 40}, 5, 0, true},
		{"listing, first page not in yet: one", convState{started: started, listing: true, more: true, asked: true, requests: 1}, 5, 1, false},
		{"the next page asked for is not what covered the span",
			convState{started: started, listing: true, more: true, asked: true, requests: 11, floor: day(0), top: day(400), reached: day(300)}, 5, 30, true},
		{"a quarter of the span in 10 requests: 30 more",
			convState{started: started, listing: true, more: true, requests: 10, floor: day(0), top: day(400), reached: day(300)}, 5, 30, true},
		{"from the watermark: the span left is since then",
			convState{started: started, listing: true, more: true, requests: 12, listFrom: 2, floor: day(350), top: day(400), reached: day(390)}, 5, 40, true},
		{"a channel's backfill, then its delta round",
			convState{started: started, listing: true, more: true, requests: 4, floor: day(0), top: day(400), reached: day(200), after: 1}, 5, 5, true},
		{"the backfill's last page: the delta round is left", convState{started: started, listing: true, requests: 9, after: 1}, 5, 1, true},
		{"all the span covered but a next link: one", convState{started: started, listing: true, more: true, requests: 9, floor: day(0), top: day(400), reached: day(0)}, 5, 1, true},
		{"a delta round (no order): one", convState{started: started, listing: true, more: true, requests: 3}, 5, 1, false},
	} {
		if got := tt.c.left(tt.prior); got != tt.want {
			t.Errorf("%s: %v left, want %v", tt.name, got, tt.want)
		}
		if n, ok := tt.c.size(); ok != tt.known || ok && n != float64(tt.c.requests)+tt.c.left(0) {
			t.Errorf("%s: size %v %v, want known=%v", tt.name, n, ok, tt.known)
		}
	}
}
