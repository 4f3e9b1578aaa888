package engine

import (
	"context"
	"sync"
	"time"
)

// limiter paces message reads: at most perConv per second on any one chat
// or channel, and rate per second in all. Negative rates disable it.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	perConv float64
	next    time.Time            // earliest time of the next request overall
	conv    map[string]time.Time // earliest time of the next request per conversation
}

func newLimiter(rate, perConv float64) *limiter {
	return &limiter{rate: rate, perConv: perConv, conv: map[string]time.Time{}}
}

// wait blocks until a request on conv may go: first the conversation's own
// slot, then a slot in the overall budget, so a slow conversation never
// holds the others back.
func (l *limiter) wait(ctx context.Context, conv string) error {
	if l.rate < 0 {
		return ctx.Err()
	}
	if l.perConv > 0 {
		l.mu.Lock()
		at := maxTime(time.Now(), l.conv[conv])
		l.conv[conv] = at.Add(time.Duration(float64(time.Second) / l.perConv))
		l.mu.Unlock()
		if err := sleepUntil(ctx, at); err != nil {
			return err
		}
	}
	l.mu.Lock()
	at := maxTime(time.Now(), l.next)
	l.next = at.Add(time.Duration(float64(time.Second) / l.rate))
	l.mu.Unlock()
	return sleepUntil(ctx, at)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func sleepUntil(ctx context.Context, at time.Time) error {
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
