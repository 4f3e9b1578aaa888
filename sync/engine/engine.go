package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/graph"
)

// Graph is what the engine needs from Microsoft Graph (*graph.Client).
type Graph interface {
	Me(ctx context.Context) (storage.User, error)
	Guests(ctx context.Context) ([]storage.User, error)
	JoinedTeams(ctx context.Context) ([]storage.Team, error)
	TeamSettings(ctx context.Context, teamID string) (storage.TeamSettings, error)
	Channels(ctx context.Context, teamID string) ([]storage.Channel, error)
	Members(ctx context.Context, teamID, channelID string) ([]storage.Member, error)
	Chats(ctx context.Context, page func([]graph.ChatInfo) error) error
	ChatMessages(ctx context.Context, chatID, link string, since time.Time, page func([]graph.Msg, string) error) error
	ChannelDelta(ctx context.Context, teamID, channelID, link string, since time.Time, page func(msgs []graph.Msg, next, delta string) error) error
	ChannelHistory(ctx context.Context, teamID, channelID, link string, page func([]graph.Msg, string) error) error
	Replies(ctx context.Context, teamID, channelID, rootID, link string, page func([]graph.Msg, string) error) error
	HostedContent(ctx context.Context, convID, teamID, msgID, replyTo, hostedID string) ([]byte, error)
}

// Dataverse is what the engine needs from Dataverse (*dataverse.Client).
type Dataverse interface {
	Changes(ctx context.Context, set string, cols []string, link string, page func(dataverse.Page) error) error
}

// Progress reports a round as it goes.
type Progress struct {
	Phase    string    `json:"phase"`    // "directory", "messages", "records", "done"
	Current  string    `json:"current"`  // what is being synced
	Done     int       `json:"done"`     // conversations finished
	Total    int       `json:"total"`    // conversations in the round
	Messages int       `json:"messages"` // messages written this round
	Records  int       `json:"records"`  // records written this round
	Requests int       `json:"requests"` // Graph and Dataverse pages fetched
	Errors   int       `json:"errors"`
	Started  time.Time `json:"started"`
	// ETA is the messages phase's estimated seconds left (see eta.go):
	// the largest of the per-conversation, per-team and overall bounds
	// on what each conversation has left. 0 (absent) when there is no
	// estimate: outside that phase, or nothing left.
	ETA int `json:"eta,omitempty"`
}

// Options tune an engine.
type Options struct {
	// Workers is how many conversations sync at once. The default keeps
	// enough requests in flight to use the whole tenant budget although
	// each conversation may see only one request a second.
	Workers int
	// MessageRate and PerConversation cap message reads per second
	// (defaults: 5% under Graph's published 20/s per tenant and 1/s per
	// chat or channel, so clock jitter does not earn 429s). Zero uses the
	// defaults; negative disables the cap.
	MessageRate     float64
	PerConversation float64
	// Report receives progress, throttled to every 200 ms and always once
	// at the end.
	Report func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Log receives what a user may want to know later (a listing started
	// over, and why); default: discarded.
	Log *slog.Logger
}

// Engine syncs one tenant into one store.
type Engine struct {
	db   *storage.DB
	g    Graph
	dv   Dataverse // nil when no Dataverse is configured
	opts Options
	lim  *limiter

	mu   sync.Mutex // one round at a time
	pmu  sync.Mutex
	prog Progress
	last time.Time
	// convs are the round's conversations as the ETA sees them; phaseAt
	// and phaseReq are when the messages phase began and the requests
	// made before it (for the pace observed when there are no limits).
	convs    map[string]*convState
	phaseAt  time.Time
	phaseReq int
}

// New returns an engine; dv may be nil.
func New(db *storage.DB, g Graph, dv Dataverse, opts Options) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = 24
	}
	if opts.MessageRate == 0 {
		opts.MessageRate = 19
	}
	if opts.PerConversation == 0 {
		opts.PerConversation = 0.95
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Engine{db: db, g: g, dv: dv, opts: opts, lim: newLimiter(opts.MessageRate, opts.PerConversation)}
}

// RoundOptions tune one round.
type RoundOptions struct {
	// Full fetches every chat, not only those whose activity changed (edits
	// to old messages do not move a chat's last activity).
	Full bool
	// Quick lists chats and fetches only the changed ones: no directory,
	// channels or records. An idle quick round is a single listing.
	Quick bool
}

// Run performs one sync round. When the tenant wants the user to sign in
// again (an error wrapping auth.ErrSignInRequired) the round stops at once
// and returns that error alone: what was stored so far stays, with its
// cursors, and the next round goes on from there.
func (e *Engine) Run(ctx context.Context, ro RoundOptions) (Progress, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pmu.Lock()
	e.prog = Progress{Phase: "directory", Started: e.opts.Now()}
	e.convs = nil
	e.pmu.Unlock()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var errs []error
	fail := func(err error) {
		if err != nil {
			errs = append(errs, err)
			e.update(func(p *Progress) { p.Errors++ })
			if errors.Is(err, auth.ErrSignInRequired) {
				stop(err)
			}
		}
	}
	signedOut := func() error {
		if cause := context.Cause(ctx); errors.Is(cause, auth.ErrSignInRequired) {
			return cause
		}
		return nil
	}
	var tasks []task
	if !ro.Quick {
		var err error
		if tasks, err = e.directory(ctx); err != nil {
			// Without teams and chats there is nothing to sync.
			e.finish()
			return e.snapshot(), err
		}
	}
	chatTasks, err := e.chats(ctx, ro.Full)
	fail(err)
	tasks = append(tasks, chatTasks...)
	e.trackTasks(tasks)
	e.update(func(p *Progress) {
		p.Phase, p.Total = "messages", len(tasks)
		e.phaseAt, e.phaseReq = e.opts.Now(), p.Requests
	})
	if signedOut() == nil {
		fail(e.runTasks(ctx, tasks, stop))
	}
	if e.dv != nil && !ro.Quick && signedOut() == nil {
		e.update(func(p *Progress) { p.Phase = "records" })
		fail(e.records(ctx))
	}
	e.finish()
	if err := signedOut(); err != nil {
		return e.snapshot(), err
	}
	return e.snapshot(), errors.Join(errs...)
}

func (e *Engine) update(f func(p *Progress)) {
	e.pmu.Lock()
	f(&e.prog)
	p := e.prog
	now := e.opts.Now()
	report := e.opts.Report != nil && now.Sub(e.last) >= 200*time.Millisecond
	if report {
		e.last = now
		e.prog.ETA = int(math.Ceil(e.etaLocked(now).Seconds()))
		p.ETA = e.prog.ETA
	}
	e.pmu.Unlock()
	if report {
		e.opts.Report(p)
	}
}

func (e *Engine) finish() {
	e.pmu.Lock()
	e.prog.Phase, e.prog.ETA = "done", 0
	p := e.prog
	e.pmu.Unlock()
	if e.opts.Report != nil {
		e.opts.Report(p)
	}
}

func (e *Engine) snapshot() Progress {
	e.pmu.Lock()
	defer e.pmu.Unlock()
	return e.prog
}

// task syncs one conversation's messages.
type task struct {
	name    string
	conv    string    // the chat's or channel's id
	team    string    // the channel's team; "" for a chat
	created time.Time // the conversation's creation, if known
	run     func(ctx context.Context) error
}

// directory syncs the user, guests, teams, channels and members, and
// returns the channel tasks.
// settingsMaxAge is how long a team's synced settings are trusted
// before sync reads them again.
const settingsMaxAge = 12 * time.Hour

func (e *Engine) directory(ctx context.Context) ([]task, error) {
	me, err := e.g.Me(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync directory: %w", err)
	}
	guests, err := e.g.Guests(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync guests: %w", err)
	}
	teams, err := e.g.JoinedTeams(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync teams: %w", err)
	}
	type teamData struct {
		team     storage.Team
		channels []storage.Channel
		members  map[string][]storage.Member
	}
	var data []teamData
	stored, err := e.db.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	known := make(map[string]storage.Team, len(stored))
	for _, k := range stored {
		known[k.ID] = k
	}
	for _, t := range teams {
		prev := known[t.ID]
		// A team's settings change rarely: read when unknown or after
		// settingsMaxAge (the outbox records what its own changes left).
		// That read is one more request on the team, so this team's
		// requests are then paced under Graph's per-team limit.
		t.Settings, t.SettingsRead = prev.Settings, prev.SettingsRead
		readSettings := prev.Settings == nil || time.Since(prev.SettingsRead) > settingsMaxAge
		wait := func() error {
			if !readSettings {
				return nil
			}
			return e.lim.wait(ctx, "", t.ID)
		}
		e.update(func(p *Progress) { p.Current = t.Name; p.Requests += 2 })
		if readSettings {
			if err := wait(); err != nil {
				return nil, err
			}
			e.update(func(p *Progress) { p.Requests++ })
			// Evidence, not a reason to stop the sync: a team that
			// refuses keeps the settings read before.
			if s, err := e.g.TeamSettings(ctx, t.ID); err == nil {
				t.Settings, t.SettingsRead = s, time.Now()
			} else if ctx.Err() != nil {
				return nil, ctx.Err()
			} else {
				e.opts.Log.Warn("team settings not read", "team", t.Name, "err", err)
			}
		}
		if err := wait(); err != nil {
			return nil, err
		}
		chs, err := e.g.Channels(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("sync channels of %s: %w", t.Name, err)
		}
		td := teamData{team: t, channels: chs, members: map[string][]storage.Member{}}
		if err := wait(); err != nil {
			return nil, err
		}
		if td.members[t.ID], err = e.g.Members(ctx, t.ID, ""); err != nil {
			return nil, fmt.Errorf("sync members of %s: %w", t.Name, err)
		}
		for _, ch := range chs {
			if ch.MembershipType != "standard" {
				if err := wait(); err != nil {
					return nil, err
				}
				if td.members[ch.ID], err = e.g.Members(ctx, t.ID, ch.ID); err != nil {
					return nil, fmt.Errorf("sync members of %s / %s: %w", t.Name, ch.Name, err)
				}
			}
		}
		data = append(data, td)
	}
	err = e.db.Apply(ctx, func(w *storage.Writer) error {
		if err := w.SetMe(me.ID); err != nil {
			return err
		}
		for _, u := range append([]storage.User{me}, guests...) {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		for _, td := range data {
			if err := w.PutTeam(td.team); err != nil {
				return err
			}
			for _, ch := range td.channels {
				if err := w.PutChannel(ch); err != nil {
					return err
				}
			}
			for id, ms := range td.members {
				if err := w.SetMembers(id, ms); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store directory: %w", err)
	}
	var tasks []task
	for _, td := range data {
		for _, ch := range td.channels {
			teamID, ch := td.team.ID, ch
			name := td.team.Name + " / " + ch.Name
			var created time.Time
			if ch.Created != nil {
				created = *ch.Created
			}
			tasks = append(tasks, task{name: name, conv: ch.ID, team: teamID, created: created, run: func(ctx context.Context) error {
				if err := e.channel(ctx, teamID, ch.ID); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				return nil
			}})
		}
	}
	return tasks, nil
}

// runTasks runs tasks on a bounded pool, largest first is the caller's
// concern; it waits for all and joins their errors. A task that finds the
// user signed out stops the others through stop.
func (e *Engine) runTasks(ctx context.Context, tasks []task, stop context.CancelCauseFunc) error {
	var mu sync.Mutex
	var errs []error
	next := make(chan task)
	var wg sync.WaitGroup
	for i := 0; i < e.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				e.conv(t.conv, func(c *convState) { c.started = e.opts.Now() })
				e.update(func(p *Progress) { p.Current = t.name })
				if err := t.run(ctx); err != nil {
					if errors.Is(err, auth.ErrSignInRequired) {
						stop(err)
					}
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					e.update(func(p *Progress) { p.Errors++ })
				}
				e.conv(t.conv, func(c *convState) { c.done = true })
				e.update(func(p *Progress) { p.Done++ })
			}
		}()
	}
	for _, t := range tasks {
		select {
		case next <- t:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// store writes a page of messages and the cursor that follows it (nil:
// the cursor stays) in one transaction, then fetches the page's new inline
// images. Bodies are stored raw; they are sanitized when shown (render is
// pure and fast), which keeps the store to one copy of each.
func (e *Engine) store(ctx context.Context, msgs []graph.Msg, cur *storage.Cursor) (int, error) {
	n := 0
	var images []storage.Message
	err := e.db.Apply(ctx, func(w *storage.Writer) error {
		for _, m := range msgs {
			sm := m.Message
			sm.Hosted = content.HostedIDs(m.Raw)
			sm.TextBody = m.IsText
			raw := m.Raw
			if sm.Type == "systemEventMessage" {
				raw = ""
			}
			wrote, err := w.PutMessage(sm, storage.Body{Raw: raw, Cards: m.Cards})
			if err != nil {
				return err
			}
			if wrote {
				n++
				for _, id := range sm.Hosted {
					if !w.HasHosted(sm.ConvID, sm.ID, id) {
						images = append(images, sm)
						break
					}
				}
			}
		}
		if cur == nil {
			return nil
		}
		return w.SetCursor(*cur)
	})
	e.update(func(p *Progress) { p.Messages += n; p.Requests++ })
	if err != nil {
		return n, err
	}
	return n, e.fetchImages(ctx, images)
}

// fetchImages downloads inline images so they show offline. A failed
// image is skipped (it shows as "[image]"); only cancellation stops.
func (e *Engine) fetchImages(ctx context.Context, msgs []storage.Message) error {
	for _, m := range msgs {
		for _, id := range m.Hosted {
			if err := e.wait(ctx, m.ConvID, m.TeamID); err != nil {
				return err
			}
			data, err := e.g.HostedContent(ctx, m.ConvID, m.TeamID, m.ID, m.ReplyTo, id)
			e.update(func(p *Progress) { p.Requests++ })
			if err != nil || len(data) > storage.MaxHosted {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				continue
			}
			if err := e.db.Apply(ctx, func(w *storage.Writer) error { return w.PutHosted(m.ConvID, m.ID, id, data) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func maxModified(msgs []graph.Msg, t time.Time) time.Time {
	for _, m := range msgs {
		if m.Modified.After(t) {
			t = m.Modified
		}
	}
	return t
}
