package engine

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"
)

// TestLimiterSpacing checks the pacing rules with fast rates: requests on
// one conversation are at least 1/perConv apart, on one team 1/perTeam
// apart, and never more than rate a second overall.
func TestLimiterSpacing(t *testing.T) {
	l := newLimiter(200, 50) // 5 ms overall, 20 ms per conversation
	l.perTeam = 80           // 12.5 ms per team
	var mu sync.Mutex
	sent := map[string][]time.Time{}
	var all []time.Time
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			conv := []string{"a", "b", "c"}[w%3]
			team := []string{"", "t1", "t1"}[w%3]
			for i := 0; i < 5; i++ {
				// The booked slots are what the limiter promises; the
				// goroutine may run later than its slot, never earlier.
				slot, err := l.book(context.Background(), conv, team)
				if err != nil {
					t.Error(err)
					return
				}
				if now := time.Now(); now.Before(slot) {
					t.Errorf("returned %v before its slot", slot.Sub(now))
				}
				mu.Lock()
				sent[conv] = append(sent[conv], slot)
				if team != "" {
					sent["team"] = append(sent["team"], slot)
				}
				all = append(all, slot)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	minGap := func(ts []time.Time) time.Duration {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		gap := time.Hour
		for i := 1; i < len(ts); i++ {
			gap = min(gap, ts[i].Sub(ts[i-1]))
		}
		return gap
	}
	const slack = 0 // slots are exact; only the wake-ups after them vary
	for _, conv := range []string{"a", "b", "c"} {
		if g := minGap(sent[conv]); g < 20*time.Millisecond-slack {
			t.Errorf("conversation %s: requests %v apart, want ≥ 20ms", conv, g)
		}
	}
	if g := minGap(sent["team"]); g < every(l.perTeam)-slack {
		t.Errorf("team: requests %v apart, want ≥ %v", g, every(l.perTeam))
	}
	if g := minGap(all); g < 5*time.Millisecond-slack {
		t.Errorf("overall: requests %v apart, want ≥ 5ms", g)
	}
	if len(all) != 30 {
		t.Fatalf("%d requests went out, want 30", len(all))
	}
}

func TestLimiterDisabledAndCancelled(t *testing.T) {
	off := newLimiter(-1, -1)
	start := time.Now()
	for i := 0; i < 100; i++ {
		off.wait(context.Background(), "x", "t")
	}
	if time.Since(start) > time.Second {
		t.Fatal("a disabled limiter waited")
	}
	l := newLimiter(1, 1)
	l.wait(context.Background(), "x", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.wait(ctx, "x", ""); err == nil {
		t.Fatal("wait ignored a cancelled context")
	}
}
