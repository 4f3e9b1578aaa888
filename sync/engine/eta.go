package engine

import (
	"context"
	"math"
	"time"

	"github.com/rapport-app/rapport/sync/graph"
)

// The ETA of the messages phase.
//
// Graph lets each chat or channel see about one request a second, so a
// round takes at least as long as its largest conversation's pages: an
// average over conversations says seconds while one big chat still has
// minutes to go. The ETA is the largest of these bounds, over what each
// conversation has left to fetch:
//
//   - per conversation: its requests left × the spacing of requests on
//     one conversation (1/PerConversation);
//   - per team: the requests left on a team's channels × 1/3.8 s;
//   - in all: every conversation's requests left × the spacing of the
//     tenant budget (1/MessageRate), or spread over the workers, each at
//     one conversation's pace, when they are fewer than that budget needs.
//
// What a conversation has left is estimated from what can be known. Graph
// gives no message counts, but its listings are ordered in time: a chat's
// messages newest first by last modification (from the watermark on, or
// from the chat's creation), a channel's threads newest first (back to the
// channel's creation). A listing whose pages covered the newest part of
// its span in N requests is assumed to need as many again per equal part
// of the span left, at least one request while it has a next link. This
// assumes messages spread evenly over time; a conversation created long
// before its first message is overestimated until its listing ends, which
// errs on the long side. A channel's delta round after its backfill counts
// as one request. A conversation not started, or whose first page has not
// come, is assumed to be as big as the average of those whose size is
// known this round (one request while none is). Image downloads go to the
// conversation's count: they share its pace. Without a limit (negative
// rates), the paces observed this round stand in for it. Dataverse has no
// comparable limit and no counts: the records phase has no ETA.

// convState is what the ETA knows of one conversation in the round.
type convState struct {
	team     string    // the channel's team; "" for chats
	created  time.Time // the chat's or channel's creation, the span's floor when there is no watermark
	started  time.Time // when its task began (zero: not yet)
	done     bool      // its task ended
	requests int       // requests made for it so far this round, images included

	// The current ordered listing: requests made before it began, the
	// span it covers (floor and the newest time seen) and how far back its
	// pages reached; more says a next link is pending, asked that its page
	// is asked for and not in yet. after counts requests known to follow
	// the listing (a channel's delta round).
	listFrom            int
	asked               bool
	floor, top, reached time.Time
	listing, more       bool
	after               int
}

// pace is the minimum spacing of requests, from the limits (or, without
// them, as observed).
type pace struct {
	perConv, perTeam, global time.Duration
	workers                  int
}

// convLeft is one conversation's estimated requests left.
type convLeft struct {
	team     string
	requests float64
	// every is the conversation's own observed spacing, used when there
	// is no per-conversation limit (0: none observed).
	every time.Duration
}

// eta is how long the conversations' requests left take at best under p:
// the largest of the per-conversation, per-team and overall bounds.
func eta(left []convLeft, p pace) time.Duration {
	var total, longest float64
	teams := map[string]float64{}
	for _, c := range left {
		total += c.requests
		every := max(p.perConv, c.every)
		longest = max(longest, c.requests*every.Seconds())
		if c.team != "" {
			teams[c.team] += c.requests
		}
	}
	secs := longest
	secs = max(secs, total*p.global.Seconds())
	if p.workers > 0 {
		secs = max(secs, total*p.perConv.Seconds()/float64(p.workers))
	}
	for _, n := range teams {
		secs = max(secs, n*p.perTeam.Seconds())
	}
	return time.Duration(secs * float64(time.Second))
}

// left estimates the requests a conversation has left; prior stands for
// one whose size is not known yet.
func (c *convState) left(prior float64) float64 {
	switch {
	case c.done:
		return 0
	case c.started.IsZero() || !c.listing:
		return max(prior, 1)
	case !c.more:
		return float64(c.after)
	}
	// The pages so far and their images took n requests to cover their
	// part of the span; a page asked for and not in yet is part of the
	// rest.
	n := float64(c.requests - c.listFrom)
	if c.asked {
		n--
	}
	covered, rest := c.top.Sub(c.reached), c.reached.Sub(c.floor)
	est := 1.0
	if covered > 0 && rest > 0 && n > 0 {
		est = max(1, math.Ceil(n*float64(rest)/float64(covered)))
	}
	return est + float64(c.after)
}

// size is a conversation's estimated total requests this round, when it
// is known: done, or with a position in its listing.
func (c *convState) size() (float64, bool) {
	if c.done {
		return float64(c.requests), true
	}
	if c.started.IsZero() || !c.listing || c.more && !c.top.After(c.reached) {
		return 0, false // no position yet
	}
	return float64(c.requests) + c.left(0), true
}

// trackTasks starts the ETA's record of a round's conversations.
func (e *Engine) trackTasks(tasks []task) {
	e.pmu.Lock()
	defer e.pmu.Unlock()
	e.convs = make(map[string]*convState, len(tasks))
	for _, t := range tasks {
		e.convs[t.conv] = &convState{team: t.team, created: t.created}
	}
}

// conv runs f on a tracked conversation's state, if it is tracked.
func (e *Engine) conv(id string, f func(c *convState)) {
	e.pmu.Lock()
	defer e.pmu.Unlock()
	if c, ok := e.convs[id]; ok {
		f(c)
	}
}

// wait counts a request on conv (an image) and waits for its slot.
func (e *Engine) wait(ctx context.Context, conv, team string) error {
	e.conv(conv, func(c *convState) { c.requests++ })
	return e.lim.wait(ctx, conv, team)
}

// waitPage counts a request for a listing's page and waits for its slot.
func (e *Engine) waitPage(ctx context.Context, conv, team string) error {
	e.conv(conv, func(c *convState) { c.requests, c.asked = c.requests+1, true })
	return e.lim.wait(ctx, conv, team)
}

// beginListing marks the start of an ordered listing of conv, newest first
// down to floor (zero: the conversation's creation), followed by after
// more requests.
func (e *Engine) beginListing(conv string, floor time.Time, after int) {
	e.conv(conv, func(c *convState) {
		if floor.IsZero() {
			floor = c.created
		}
		c.listFrom, c.floor, c.top, c.reached = c.requests, floor, time.Time{}, time.Time{}
		c.listing, c.more, c.asked, c.after = true, true, false, after
	})
}

// unordered marks a listing with no order to measure (a delta round): one
// request left while it has a next link.
func (e *Engine) unordered(conv string) {
	e.conv(conv, func(c *convState) {
		c.listFrom, c.floor, c.top, c.reached = c.requests, time.Time{}, time.Time{}, time.Time{}
		c.listing, c.more, c.asked, c.after = true, true, false, 0
	})
}

// reachedPage records a page of an ordered listing: how far back in time it
// got (at) and whether a next link follows.
func (e *Engine) reachedPage(conv string, newest, at time.Time, more bool) {
	e.conv(conv, func(c *convState) {
		if !newest.IsZero() && newest.After(c.top) {
			c.top = newest
		}
		if !at.IsZero() && (c.reached.IsZero() || at.Before(c.reached)) {
			c.reached = at
		}
		c.more, c.asked = more, false
	})
}

// pageSpan is the newest and oldest time of a page's messages: last
// modified (chat listings) or, for channel threads, their roots' creation.
func pageSpan(msgs []graph.Msg, roots bool) (newest, oldest time.Time) {
	for _, m := range msgs {
		t := m.Modified
		if roots {
			if m.ReplyTo != "" {
				continue
			}
			t = m.Created
		}
		if t.IsZero() {
			continue
		}
		if t.After(newest) {
			newest = t
		}
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return newest, oldest
}

// etaLocked computes the messages phase's ETA. e.pmu is held.
func (e *Engine) etaLocked(now time.Time) time.Duration {
	if e.prog.Phase != "messages" || len(e.convs) == 0 {
		return 0
	}
	var sum float64
	known := 0
	for _, c := range e.convs {
		if n, ok := c.size(); ok {
			sum += n
			known++
		}
	}
	prior := 1.0
	if known > 0 {
		prior = sum / float64(known)
	}
	p := pace{workers: e.opts.Workers}
	limited := e.opts.MessageRate > 0
	if limited {
		p.global = every(e.opts.MessageRate)
		p.perTeam = every(perTeam)
		if e.opts.PerConversation > 0 {
			p.perConv = every(e.opts.PerConversation)
		}
	} else if el := now.Sub(e.phaseAt); el > 0 && e.prog.Requests > e.phaseReq {
		p.global = el / time.Duration(e.prog.Requests-e.phaseReq)
	}
	left := make([]convLeft, 0, len(e.convs))
	for _, c := range e.convs {
		cl := convLeft{team: c.team, requests: c.left(prior)}
		if cl.requests == 0 {
			continue
		}
		if p.perConv == 0 && !c.started.IsZero() && c.requests > 0 {
			cl.every = now.Sub(c.started) / time.Duration(c.requests)
		}
		left = append(left, cl)
	}
	if len(left) == 0 {
		return 0
	}
	return max(eta(left, p), time.Second)
}
