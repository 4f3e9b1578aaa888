package links

import (
	"context"
	"errors"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// Errors the links calls return (wrapped, with the detail).
var (
	// ErrInvalid is a request that names no record type, no record or no
	// target Rapport can link.
	ErrInvalid = errors.New("invalid link request")
	// ErrNotAllowed is an edit Dynamics' rules (unlink rules, joining)
	// do not allow the user.
	ErrNotAllowed = errors.New("not allowed")
	// ErrAmbiguous is a record reference that names several records; the
	// error is an *AmbiguousError listing them.
	ErrAmbiguous = errors.New("several records match")
)

// Store is what links read and write in the store (*storage.DB).
type Store interface {
	Me(ctx context.Context) (string, error)
	User(ctx context.Context, id string) (storage.User, error)
	Record(ctx context.Context, set, id string) (storage.Record, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	LinkRows(ctx context.Context, chatID string) ([]storage.Record, error)
	LinkRowsOf(ctx context.Context, set, recordID string) ([]storage.Record, error)
	RecordChanges(ctx context.Context, set, id string, since time.Time) ([]storage.RecordChange, error)
	Chat(ctx context.Context, id string) (storage.Chat, error)
	Members(ctx context.Context, containerID string) ([]storage.Member, error)
	Messages(ctx context.Context, convID string, before time.Time, limit int) ([]storage.MessageWithBody, error)
	MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]storage.MessageWithBody, error)
	Setting(ctx context.Context, name string, v any) error
	PutSetting(ctx context.Context, name string, v any) error
	Links(ctx context.Context, chatID string) ([]storage.Link, error)
	LinksIn(ctx context.Context, convID string) ([]storage.Link, error)
	LinksTo(ctx context.Context, set, recordID string) ([]storage.Link, error)
	SetLink(ctx context.Context, chatID, set, recordID string, linked bool, by, subject string, now time.Time) (storage.Op, error)
	AdoptLink(ctx context.Context, l storage.Link) error
	QueueOp(ctx context.Context, op storage.Op, now time.Time) (storage.Op, error)
	DismissNotices(ctx context.Context, chatID, set, recordID string, upTo time.Time) error
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
	RetryOp(ctx context.Context, seq uint64, now time.Time) (storage.Op, error)
	DiscardOp(ctx context.Context, seq uint64, now time.Time) (storage.Op, error)
}

// Names are the conversations' names as the user sees them.
type Names interface {
	// Chats names the user's chats, newest activity first.
	Chats(ctx context.Context) ([]Named, error)
	// Channels names the channels "Team / Channel".
	Channels(ctx context.Context) ([]Named, error)
}

// Named is a conversation's id and name.
type Named struct{ ID, Name string }

// Service answers the links calls over one store. It is safe for
// concurrent use when its Store is.
type Service struct {
	db    Store
	names Names
	// Dataverse returns the organisation URL, for cards' links into
	// Dynamics ("" for none).
	Dataverse func() string
}

// New returns a Service over db, naming conversations with names.
func New(db Store, names Names) *Service {
	return &Service{db: db, names: names}
}
