package metrics

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
)

// Errors the metrics calls return (wrapped, with the detail).
var (
	// ErrInvalid is a request or a setting Rapport cannot use: a day, a
	// time of day, a time zone, a weekday, a clock or a dimension it
	// does not know.
	ErrInvalid = errors.New("invalid metrics request")
)

// Store is what the metrics read in the store (*storage.DB).
type Store interface {
	Me(ctx context.Context) (string, error)
	Users(ctx context.Context) ([]storage.User, error)
	Members(ctx context.Context, containerID string) ([]storage.Member, error)
	Teams(ctx context.Context) ([]storage.Team, error)
	Channels(ctx context.Context, teamID string) ([]storage.Channel, error)
	Chats(ctx context.Context) ([]storage.Chat, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	ConvIDs(ctx context.Context) (map[int64]string, error)
	EachThreadPost(ctx context.Context, convNo int64, f func(storage.ThreadPost) error) error
	Setting(ctx context.Context, name string, v any) error
	PutSetting(ctx context.Context, name string, v any) error
	TagMetas(ctx context.Context) (map[string]storage.TagMeta, error)
	TagTargets(ctx context.Context, tag string) ([]string, error)
	NamesGeneration() uint64
	WatchMessages(f func([]storage.Message)) (stop func())
}

// maxPending bounds the messages queued between two calls; past it the
// next call rebuilds from the store instead.
const maxPending = 200_000

// Service answers the metrics calls over one store. Without Watch, every
// call computes from scratch; after Watch, it keeps the model and applies
// new messages incrementally. It is safe for concurrent use.
type Service struct {
	db Store
	// Now is the clock unanswered waits are aged by (default time.Now).
	Now func() time.Time

	mu       sync.Mutex // guards m and watching
	m        *model
	builds   int // computations from scratch (tests)
	watching bool
	stop     func()

	feedMu   sync.Mutex // guards pending and overflow
	pending  []post
	overflow bool
}

// New returns a Service over db.
func New(db Store) *Service {
	return &Service{db: db, Now: time.Now}
}

// Watch makes the service follow the store's new messages and keep its
// model between calls, until Close.
func (s *Service) Watch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watching {
		return
	}
	s.watching = true
	s.stop = s.db.WatchMessages(s.onMessages)
}

// Close stops watching the store and drops the model.
func (s *Service) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
	s.stop, s.watching, s.m = nil, false, nil
}

// onMessages queues written messages for the next call; it never blocks
// on a computation.
func (s *Service) onMessages(ms []storage.Message) {
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	if s.overflow {
		return
	}
	if len(s.pending)+len(ms) > maxPending {
		s.pending, s.overflow = nil, true
		return
	}
	for _, m := range ms {
		if counted(m.Type, m.FromID) {
			s.pending = append(s.pending, post{conv: m.ConvID, id: m.ID, replyTo: m.ReplyTo, typ: m.Type, from: m.FromID, at: m.Created})
		}
	}
}

func (s *Service) take() ([]post, bool) {
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	p, o := s.pending, s.overflow
	s.pending, s.overflow = nil, false
	return p, o
}

// Settings returns the metrics settings (the defaults filled in).
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	var set Settings
	if err := s.db.Setting(ctx, SettingName, &set); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Settings{}, fmt.Errorf("read metrics settings: %w", err)
	}
	d, err := accounts.Domains(ctx, s.db)
	if err != nil {
		return Settings{}, err
	}
	set.Domains = d
	return set.normalize(), nil
}

// SetSettings checks and stores the metrics settings.
func (s *Service) SetSettings(ctx context.Context, set Settings) (Settings, error) {
	set = set.normalize()
	if _, err := compile(set.Hours); err != nil {
		return Settings{}, err
	}
	domains := set.Domains
	if domains != nil {
		var err error
		if domains, err = accounts.SaveDomains(ctx, s.db, domains); err != nil {
			if errors.Is(err, accounts.ErrBadDomain) {
				return Settings{}, fmt.Errorf("%w: %w", ErrInvalid, err)
			}
			return Settings{}, err
		}
	}
	set.Domains = nil // kept by storage/accounts, the one mapping
	if err := s.db.PutSetting(ctx, SettingName, set); err != nil {
		return Settings{}, fmt.Errorf("store metrics settings: %w", err)
	}
	if domains == nil {
		return s.Settings(ctx)
	}
	set.Domains = domains
	return set.normalize(), nil
}

// build computes the model from the store.
func build(ctx context.Context, db Store, set Settings) (*model, error) {
	clock, err := compile(set.Hours)
	if err != nil {
		return nil, fmt.Errorf("working hours in settings: %w", err)
	}
	dir, err := readDirectory(ctx, db, set.Domains)
	if err != nil {
		return nil, err
	}
	m := newModel(set, clock, dir)
	nos, err := db.ConvIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("read conversations: %w", err)
	}
	// Two readers decode the conversations (the cost of a first
	// computation); this goroutine applies them, one conversation at a
	// time, oldest message first (appends).
	type batch struct {
		conv  string
		posts []storage.ThreadPost
	}
	todo := make(chan int64)
	done := make(chan batch, 4)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, readers)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for no := range todo {
				var ps []storage.ThreadPost
				err := db.EachThreadPost(ctx, no, func(p storage.ThreadPost) error {
					if counted(p.Type, p.FromID) {
						ps = append(ps, p)
					}
					return nil
				})
				if err != nil {
					errs[r] = fmt.Errorf("read messages of %s: %w", nos[no], err)
					cancel()
					return
				}
				select {
				case done <- batch{nos[no], ps}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	var feeder sync.WaitGroup
	feeder.Add(1)
	go func() {
		defer feeder.Done()
		defer close(todo)
		for no := range nos {
			select {
			case todo <- no:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()
	for b := range done {
		for i := len(b.posts) - 1; i >= 0; i-- {
			p := b.posts[i]
			m.apply(post{conv: b.conv, id: p.ID, replyTo: p.ReplyTo, typ: p.Type, from: p.FromID, at: p.Created})
		}
	}
	cancel() // the feeder stops early if a reader failed
	feeder.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := parent.Err(); err != nil {
		return nil, err
	}
	m.flush()
	return m, nil
}

// readers is how many goroutines decode the store's messages in a
// computation from scratch.
const readers = 2

func sameSettings(a, b Settings) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// current returns the model brought up to date, with s.mu held.
func (s *Service) current(ctx context.Context) (*model, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	pending, overflow := s.take()
	m := s.m
	if m == nil || !s.watching || overflow || m.stale || !sameSettings(m.set, set) {
		if m, err = build(ctx, s.db, set); err != nil {
			return nil, err
		}
		s.builds++
		if s.watching {
			s.m = m
		}
		return m, nil
	}
	if gen := s.db.NamesGeneration(); gen != m.dir.gen {
		dir, err := readDirectory(ctx, s.db, set.Domains)
		if err != nil {
			return nil, err
		}
		if m.redirect(dir); m.stale {
			s.m = nil
			return s.current(ctx)
		}
	}
	for _, p := range pending {
		m.apply(p)
	}
	m.flush()
	return m, nil
}

// compileQuery checks a query against a model.
func (s *Service) compileQuery(m *model, q Query) (span, error) {
	sp := span{from: math.MinInt64, to: math.MaxInt64, account: q.Account, all: q.Account == "",
		target: int64(m.set.TargetMinutes) * 60, now: s.Now().UTC()}
	switch q.Hours {
	case "", HoursSettings:
	case HoursWall:
		sp.wall = true
	default:
		return span{}, fmt.Errorf("%w: hours %q (%s or %s)", ErrInvalid, q.Hours, HoursWall, HoursSettings)
	}
	if strings.TrimSpace(q.From) != "" {
		t, err := parseDay(q.From, m.zone)
		if err != nil {
			return span{}, err
		}
		sp.from = t.UnixNano()
	}
	if strings.TrimSpace(q.To) != "" {
		t, err := parseDay(q.To, m.zone)
		if err != nil {
			return span{}, err
		}
		sp.to = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, m.zone).UnixNano()
	}
	if sp.to <= sp.from {
		return span{}, fmt.Errorf("%w: the period ends (%s) before it starts (%s)", ErrInvalid, q.To, q.From)
	}
	return sp, nil
}

// Report computes the metrics a query asks for.
func (s *Service) Report(ctx context.Context, q Query) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.current(ctx)
	if err != nil {
		return Report{}, err
	}
	sp, err := s.compileQuery(m, q)
	if err != nil {
		return Report{}, err
	}
	tg, err := readTagged(ctx, s.db, m.set)
	if err != nil {
		return Report{}, err
	}
	r := m.report(sp, tg)
	r.Query = q
	if r.Query.Hours == "" {
		r.Query.Hours = HoursSettings
	}
	return r, nil
}

// Waits lists the waits behind one group of a report: by is ByTotal,
// ByAccount, ByTeam, ByConversation or ByWeek, id the group's id.
func (s *Service) Waits(ctx context.Context, q Query, by, id string) ([]Wait, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, sp, err := s.behind(ctx, q, by)
	if err != nil {
		return nil, err
	}
	return m.waits(sp, by, id), nil
}

// behind checks a group dimension and compiles q against the current
// model, for the calls that list what is behind a group's figures. s.mu
// must be held.
func (s *Service) behind(ctx context.Context, q Query, by string) (*model, span, error) {
	switch by {
	case ByTotal, ByAccount, ByTeam, ByConversation, ByWeek:
	default:
		return nil, span{}, fmt.Errorf("%w: group by %q", ErrInvalid, by)
	}
	m, err := s.current(ctx)
	if err != nil {
		return nil, span{}, err
	}
	sp, err := s.compileQuery(m, q)
	if err != nil {
		return nil, span{}, err
	}
	return m, sp, nil
}

// Account is a CRM account, for the account filter.
type Account struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Accounts lists the CRM accounts by name.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	ids := m.dir.accounts.IDs()
	out := make([]Account, 0, len(ids))
	for _, id := range ids {
		out = append(out, Account{ID: id, Name: m.dir.accounts.Name(id)})
	}
	slices.SortFunc(out, func(a, b Account) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
