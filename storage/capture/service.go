package capture

import (
	"context"
	"errors"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/links"
)

// ErrInvalid is a request Dataverse would refuse, or one Rapport cannot
// read (no title, no customer, an unknown target, a bad date); nothing is
// queued.
var ErrInvalid = errors.New("invalid request")

// Store is what capture reads and writes in the store (*storage.DB).
type Store interface {
	Me(ctx context.Context) (string, error)
	Chat(ctx context.Context, id string) (storage.Chat, error)
	Record(ctx context.Context, set, id string) (storage.Record, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]storage.MessageWithBody, error)
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
	QueueCreate(ctx context.Context, op storage.Op, linkTo string, now time.Time) (storage.Op, error)
}

// Resolver finds the record a reference names, and the records worth
// linking to a target (*links.Service).
type Resolver interface {
	Resolve(ctx context.Context, target, set, ref string, among links.Among) (links.RecordRef, error)
	Suggest(ctx context.Context, target string) ([]links.Suggestion, error)
}

// Service answers the capture calls over one store.
type Service struct {
	db  Store
	ref Resolver
	now func() time.Time
}

// New returns a Service over db, finding records with ref.
func New(db Store, ref Resolver) *Service {
	return &Service{db: db, ref: ref, now: func() time.Time { return time.Now().UTC() }}
}
