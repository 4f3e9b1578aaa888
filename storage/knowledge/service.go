package knowledge

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/tags"
)

// Errors the knowledge calls return (wrapped, with the detail). A target
// Rapport cannot read is capture.ErrInvalid; an unknown item or message
// storage.ErrNotFound.
var (
	// ErrInvalid is a request Rapport cannot use: no topic, no question,
	// a bad month, a reason or text too long.
	ErrInvalid = errors.New("invalid knowledge request")
	// ErrExists is a target already marked best (edit it instead).
	ErrExists = errors.New("already marked best")
)

// Kinds of items in the store's knowledge bucket.
const (
	kindBest     = "best"
	kindFAQ      = "faq"
	kindTemplate = "template"
)

// What an archive's entries are (IndexEntry.Kind, ItemReview.Kind).
const (
	ItemBest = kindBest
	ItemFAQ  = kindFAQ
)

// What an archive is for (Archive.ScopeKind), when not for all.
const (
	ScopeAccount = "account"
	ScopeTeam    = "team"
)

// Limits on what the user types.
const (
	maxReason   = 1000
	maxQuestion = 500
	maxAnswer   = 20000
	maxTitle    = 200
)

// Store is what knowledge reads and writes in the store (*storage.DB).
type Store interface {
	capture.MessageReader
	PutKnowledge(ctx context.Context, kind, id string, raw []byte) error
	AddKnowledge(ctx context.Context, kind string, make func(id string) ([]byte, error)) (string, error)
	Knowledge(ctx context.Context, kind, id string) ([]byte, error)
	EachKnowledge(ctx context.Context, kind string, f func(id string, raw []byte) error) error
	DeleteKnowledge(ctx context.Context, kind, id string) error
	TagMetas(ctx context.Context) (map[string]storage.TagMeta, error)
	ItemTags(ctx context.Context, targets []string) (map[string][]string, error)
	Users(ctx context.Context) ([]storage.User, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	Teams(ctx context.Context) ([]storage.Team, error)
	Channels(ctx context.Context, teamID string) ([]storage.Channel, error)
	Chats(ctx context.Context) ([]storage.Chat, error)
	Links(ctx context.Context, chatID string) ([]storage.Link, error)
	LinksIn(ctx context.Context, convID string) ([]storage.Link, error)
	Hosted(ctx context.Context, convID, msgID, hostedID string) ([]byte, error)
	Record(ctx context.Context, set, id string) (storage.Record, error)
}

// Service answers the knowledge calls over one store. It holds no state
// between calls and is safe for concurrent use.
type Service struct {
	db  Store
	now func() time.Time
}

// New returns a Service over db.
func New(db Store) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Second) }}
}

// Best is a conversation marked best: a message, a range of messages or
// a channel thread, with its topic and the reason.
type Best struct {
	Target string `json:"target"` // message/CONV/MSG, thread/CHANNEL/ROOT or range/CONV/FIRST/LAST; its id
	Conv   string `json:"conv"`
	Topic  string `json:"topic"` // a tag name (Norm): its aliases are the same topic
	Reason string `json:"reason"`
	// Month is the first message's month, YYYY-MM (UTC): the archive it
	// belongs to.
	Month    string    `json:"month"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Messages []string  `json:"messages"` // the message ids, oldest first
	Title    string    `json:"title"`    // the first message's first line
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// BestRequest marks a target best, or edits its mark.
type BestRequest struct {
	Target string `json:"target"`
	Topic  string `json:"topic"`
	Reason string `json:"reason"`
}

// BestFilter narrows List: a month (YYYY-MM) and a topic (any of its
// labels), each "" for all.
type BestFilter struct {
	Month string `json:"month,omitempty"`
	Topic string `json:"topic,omitempty"`
}

// MarkBest marks the messages a target names best. A target already
// marked is ErrExists.
func (s *Service) MarkBest(ctx context.Context, r BestRequest) (Best, error) {
	topic, reason, err := checkBest(r)
	if err != nil {
		return Best{}, err
	}
	if _, err := s.db.Knowledge(ctx, kindBest, r.Target); err == nil {
		return Best{}, fmt.Errorf("%w: %s", ErrExists, r.Target)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return Best{}, err
	}
	conv, msgs, err := capture.Messages(ctx, s.db, r.Target)
	if err != nil {
		return Best{}, err
	}
	now := s.now()
	b := Best{Target: r.Target, Conv: conv, Topic: topic, Reason: reason, Created: now, Modified: now}
	b.fill(msgs)
	return b, s.put(ctx, kindBest, b.Target, b)
}

// EditBest changes a mark's topic and reason.
func (s *Service) EditBest(ctx context.Context, r BestRequest) (Best, error) {
	topic, reason, err := checkBest(r)
	if err != nil {
		return Best{}, err
	}
	var b Best
	if err := s.get(ctx, kindBest, r.Target, &b); err != nil {
		return Best{}, err
	}
	b.Topic, b.Reason, b.Modified = topic, reason, s.now()
	return b, s.put(ctx, kindBest, b.Target, b)
}

// UnmarkBest removes a mark (storage.ErrNotFound when there is none).
func (s *Service) UnmarkBest(ctx context.Context, target string) error {
	return s.db.DeleteKnowledge(ctx, kindBest, target)
}

// topicFilter is a list's topic filter: each label's topic, and the
// topic asked for ("" for any).
func (s *Service) topicFilter(ctx context.Context, topic string) (topicOf func(string) string, want string, err error) {
	if topicOf, err = s.topics(ctx); err != nil {
		return nil, "", err
	}
	if topic != "" {
		t, err := tags.Norm(topic)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		want = topicOf(t)
	}
	return topicOf, want, nil
}

// ListBest lists the marks, newest conversation first, narrowed by f.
func (s *Service) ListBest(ctx context.Context, f BestFilter) ([]Best, error) {
	if f.Month != "" {
		if _, err := ParseMonth(f.Month); err != nil {
			return nil, err
		}
	}
	topicOf, want, err := s.topicFilter(ctx, f.Topic)
	if err != nil {
		return nil, err
	}
	out := []Best{}
	err = each(ctx, s.db, kindBest, func(b Best) {
		if (f.Month == "" || b.Month == f.Month) && (want == "" || topicOf(b.Topic) == want) {
			out = append(out, b)
		}
	})
	slices.SortFunc(out, func(a, b Best) int { return cmp.Or(b.First.Compare(a.First), strings.Compare(a.Target, b.Target)) })
	return out, err
}

func checkBest(r BestRequest) (topic, reason string, err error) {
	if r.Target == "" {
		return "", "", fmt.Errorf("%w: no target", ErrInvalid)
	}
	if strings.TrimSpace(r.Topic) == "" {
		return "", "", fmt.Errorf("%w: a best conversation needs a topic", ErrInvalid)
	}
	topic, err = tags.Norm(r.Topic)
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	reason = strings.TrimSpace(r.Reason)
	if utf8.RuneCountInString(reason) > maxReason {
		return "", "", fmt.Errorf("%w: the reason is longer than %d characters", ErrInvalid, maxReason)
	}
	return topic, reason, nil
}

// fill records what the messages are: their ids, span, month and title.
func (b *Best) fill(msgs []storage.MessageWithBody) {
	b.Messages = b.Messages[:0]
	for i := range msgs {
		b.Messages = append(b.Messages, msgs[i].ID)
		if b.Title == "" && msgs[i].Deleted == nil {
			b.Title = firstLine(content.Of(&msgs[i]).Text)
		}
	}
	b.First, b.Last = msgs[0].Created.UTC(), msgs[len(msgs)-1].Created.UTC()
	b.Month = b.First.Format(monthLayout)
}

// topics returns the function mapping a label to its topic (the tag
// it is an alias of, else itself), from the tags room's aliases.
func (s *Service) topics(ctx context.Context) (func(string) string, error) {
	metas, err := s.db.TagMetas(ctx)
	if err != nil {
		return nil, err
	}
	return func(n string) string {
		if t := metas[n].Topic; t != "" { // topics are flat (storage/tags)
			return t
		}
		return n
	}, nil
}

const monthLayout = "2006-01"

// ParseMonth reads YYYY-MM: the month's first instant, UTC.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse(monthLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: month %q (YYYY-MM)", ErrInvalid, s)
	}
	return t, nil
}

func (s *Service) put(ctx context.Context, kind, id string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	return s.db.PutKnowledge(ctx, kind, id, raw)
}

func (s *Service) get(ctx context.Context, kind, id string, v any) error {
	raw, err := s.db.Knowledge(ctx, kind, id)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", kind, id, err)
	}
	return nil
}

func each[T any](ctx context.Context, db Store, kind string, f func(T)) error {
	return db.EachKnowledge(ctx, kind, func(id string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s %s: %w", kind, id, err)
		}
		f(v)
		return nil
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return clip(l, 80)
}

// clip shortens s to n characters (runes), marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }
