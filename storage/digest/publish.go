package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// Outbox is what posting a summary needs of the store (*storage.DB).
// QueuePost returns the post already queued or done for the same key and
// body, so asking again posts nothing twice.
type Outbox interface {
	Me(ctx context.Context) (string, error)
	QueuePost(ctx context.Context, op storage.Op, now time.Time) (storage.Op, error)
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
}

// Key names a week's summary in a channel: posting it there again is the
// same publication.
func Key(week, team, channel string) string { return weekKey(week) + team + "/" + channel }

// weekKey is the start of the keys of a week's summaries.
func weekKey(week string) string { return "digest/" + week + "/" }

// QueuePost queues the overview d of week as a post in channel
// team/channel (the seed's Monday summary).
func QueuePost(ctx context.Context, out Outbox, d Digest, week, team, channel string, now time.Time) (storage.Op, error) {
	if team == "" || channel == "" {
		return storage.Op{}, fmt.Errorf("%w: choose a channel", ErrInvalid)
	}
	me, err := out.Me(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	return out.QueuePost(ctx, storage.Op{Team: team, Channel: channel, Body: Post(d), By: me,
		Subject: "Weekly digest " + week, Key: Key(week, team, channel)}, now)
}

// Publications lists the posts of a week's summary, oldest first, with
// their outbox state.
func Publications(ctx context.Context, out Outbox, week string) ([]storage.Op, error) {
	ops, err := out.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	res := []storage.Op{}
	for _, op := range ops {
		if op.Kind == storage.OpPost && strings.HasPrefix(op.Key, weekKey(week)) {
			res = append(res, op)
		}
	}
	return res, nil
}
