package engine

import (
	"context"
	"sync"
	"time"
)

// perTeam paces requests on one team's channels under Graph's cap of 4/s.
const perTeam = 3.8

// limiter paces message reads: at most perConv per second on any one chat
// or channel, perTeam per second on one team's channels, and rate per
// second in all. Negative rates disable it.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	perConv float64
	perTeam float64
	next    time.Time            // earliest time of the next request overall
	keyed   map[string]time.Time // earliest time of the next request per conversation or team
}

func newLimiter(rate, perConv float64) *limiter {
	return &limiter{rate: rate, perConv: perConv, perTeam: perTeam, keyed: map[string]time.Time{}}
}

func every(rate float64) time.Duration { return time.Duration(float64(time.Second) / rate) }

// wait blocks until a request on conv (in team, "" for chats; conv ""
// for a request on the team itself, paced only by the team) may go. It
// waits for the conversation's and the team's next slot, then takes a slot
// in the overall budget, and only then books the conversation's and team's
// next slots from the moment the request really leaves, so queueing for
// the overall budget never squeezes two requests on one chat together.
func (l *limiter) wait(ctx context.Context, conv, team string) error {
	_, err := l.book(ctx, conv, team)
	return err
}

// book reserves the request's slot, sleeps until it and returns it.
func (l *limiter) book(ctx context.Context, conv, team string) (time.Time, error) {
	if l.rate < 0 {
		return time.Now(), ctx.Err()
	}
	teamKey := "team:" + team
	for {
		l.mu.Lock()
		var at time.Time
		if conv != "" {
			at = l.keyed[conv]
		}
		if team != "" {
			at = maxTime(at, l.keyed[teamKey])
		}
		l.mu.Unlock()
		if err := sleepUntil(ctx, at); err != nil {
			return time.Time{}, err
		}
		l.mu.Lock()
		now := time.Now()
		if (conv != "" && l.keyed[conv].After(now)) || (team != "" && l.keyed[teamKey].After(now)) {
			l.mu.Unlock() // another request on this conversation or team got in first
			continue
		}
		start := maxTime(now, l.next)
		l.next = start.Add(every(l.rate))
		if l.perConv > 0 && conv != "" {
			l.keyed[conv] = start.Add(every(l.perConv))
		}
		if team != "" {
			l.keyed[teamKey] = start.Add(every(l.perTeam))
		}
		l.mu.Unlock()
		return start, sleepUntil(ctx, start)
	}
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
