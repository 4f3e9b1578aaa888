package outbox

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/quickxor"
)

// Publisher writes a channel's Files and starts threads in channels
// (*graph.Client). Push publishes when the Chats it is given is one.
type Publisher interface {
	FilesFolder(ctx context.Context, teamID, channelID string) (graph.Item, error)
	Child(ctx context.Context, driveID, parentID, name string) (graph.Item, error)
	Upload(ctx context.Context, driveID, parentID, name string, data []byte, ifMatch string) (graph.Item, error)
	PostChannelMessage(ctx context.Context, teamID, channelID, html string) (string, error)
	ChannelSentRecently(ctx context.Context, teamID, channelID, userID string, n int) ([]string, error)
}

// PublishStore is the part of the store uploads use (*storage.DB). Push
// publishes when the Store it is given is one.
type PublishStore interface {
	OpFile(ctx context.Context, id string) ([]byte, error)
	LastUpload(ctx context.Context, team, channel, name string) (storage.Upload, bool, error)
	FinishUpload(ctx context.Context, seq uint64, up storage.Upload, now time.Time) (storage.Op, error)
}

func isPublish(kind string) bool { return kind == storage.OpUpload || kind == storage.OpPost }

// publisher returns the Graph and store sides of publishing, or false
// when the push was given neither (publications then wait).
func publisher(db Store, chats Chats) (PublishStore, Publisher, bool) {
	ps, ok1 := db.(PublishStore)
	pub, ok2 := chats.(Publisher)
	return ps, pub, ok1 && ok2
}

// pushUpload uploads a file to a channel's Files, exactly once and never
// over someone else's change. Rapport's own earlier upload of the name is
// replaced only under its eTag (412 otherwise: a conflict); a name taken
// by a file Rapport did not put there answers 409 (a conflict). An
// attempt whose outcome is unknown is settled by reading the file back:
// the same size and QuickXorHash means it landed.
func pushUpload(ctx context.Context, db Store, ps PublishStore, pub Publisher, op storage.Op, now func() time.Time) (string, error) {
	data, err := ps.OpFile(ctx, op.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return finish(ctx, db, op, storage.OpFailed, "the file to upload is no longer in the outbox", nil, now)
	}
	if err != nil {
		return "", err
	}
	folder, err := pub.FilesFolder(ctx, op.Team, op.Channel)
	if err != nil {
		return unreachable(ctx, db, op, err, now)
	}
	hash := quickxor.Of(data)
	last, had, err := ps.LastUpload(ctx, op.Team, op.Channel, op.File)
	if err != nil {
		return "", err
	}
	ifMatch := ""
	if had {
		ifMatch = last.ETag
	}
	landed := func(it graph.Item) (string, error) {
		_, err := ps.FinishUpload(ctx, op.Seq, storage.Upload{ItemID: it.ID, ETag: it.ETag, Size: it.Size, QuickXor: it.QuickXor, WebURL: it.WebURL}, now())
		if err != nil {
			return "", err
		}
		return storage.OpDone, nil
	}
	if op.Attempts > 0 || had {
		// An earlier attempt may have landed, and the name may have
		// changed hands: look before sending.
		cur, err := pub.Child(ctx, folder.DriveID, folder.ID, op.File)
		switch {
		case err == nil && cur.Size == op.Size && cur.QuickXor == hash:
			return landed(cur)
		case err == nil && had && cur.ETag == last.ETag:
			// Rapport's own earlier file, unchanged: replace it.
		case err == nil:
			return finish(ctx, db, op, storage.OpConflict, changedMsg(had), itemMap(cur), now)
		case isStatus(err, 404):
			ifMatch = "" // nothing there (any more): create it
		default:
			return unreachable(ctx, db, op, err, now)
		}
	}
	op, err = begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	it, err := pub.Upload(ctx, folder.DriveID, folder.ID, op.File, data, ifMatch)
	switch {
	case err == nil:
		return landed(it)
	case isStatus(err, 409), isStatus(err, 412):
		// The name is taken, or the file changed since: ours (an earlier
		// attempt) if it holds these bytes, else a conflict.
		cur, rerr := pub.Child(ctx, folder.DriveID, folder.ID, op.File)
		if rerr == nil && cur.Size == op.Size && cur.QuickXor == hash {
			return landed(cur)
		}
		if rerr != nil && !isStatus(rerr, 404) {
			return later(ctx, db, op, rerr, storage.OpInFlight, now)
		}
		return finish(ctx, db, op, storage.OpConflict, changedMsg(had && isStatus(err, 412)), itemMap(cur), now)
	}
	return settle(ctx, db, op, err, map[int]string{
		403: "you may not write to this channel's Files",
		404: "the channel's Files folder no longer exists",
	}, now)
}

func changedMsg(ours bool) string {
	if ours {
		return "the file was changed in Teams since Rapport uploaded it: not overwritten (rename it there, or discard this upload)"
	}
	return "a file of this name, which Rapport did not upload, is already in the channel's Files: not overwritten"
}

// itemMap is the server's side of a conflict.
func itemMap(it graph.Item) map[string]any {
	if it.ID == "" {
		return nil
	}
	return map[string]any{"name": it.Name, "eTag": it.ETag, "size": it.Size, "by": it.By, "webUrl": it.WebURL}
}

// unreachable handles a failed read before an upload: nothing was sent,
// so the operation keeps its state.
func unreachable(ctx context.Context, db Store, op storage.Op, err error, now func() time.Time) (string, error) {
	switch {
	case signIn(err) || transient(err):
		return later(ctx, db, op, err, op.State, now)
	case isStatus(err, 404):
		return finish(ctx, db, op, storage.OpFailed, "the channel has no Files folder yet (open its Files tab in Teams once, then retry) or no longer exists", nil, now)
	case isStatus(err, 403):
		return finish(ctx, db, op, storage.OpFailed, "you are not a member of this channel, or may not read its Files", nil, now)
	}
	return finish(ctx, db, op, storage.OpFailed, err.Error(), nil, now)
}

// pushPost starts a thread in a channel. A POST is not idempotent: an
// attempt whose outcome is unknown is looked for among the channel's
// newest threads by the user before it is sent again.
func pushPost(ctx context.Context, db Store, pub Publisher, op storage.Op, now func() time.Time) (string, error) {
	return postOnce(ctx, db, op, now, postPlace{
		recent: func() ([]string, error) {
			return pub.ChannelSentRecently(ctx, op.Team, op.Channel, op.By, recentMessages)
		},
		send: func() error {
			_, err := pub.PostChannelMessage(ctx, op.Team, op.Channel, op.Body)
			return err
		},
		lookRefused: map[int]string{
			403: "you are no longer a member of this channel (whether an earlier attempt reached it cannot be checked)",
			404: "the channel no longer exists in Teams",
		},
		sendRefused: map[int]string{
			403: "you may not post in this channel",
			404: "the channel no longer exists in Teams",
		},
	})
}

// publishSerial orders an upload behind earlier uploads of its name to
// its channel; each post stands alone.
func publishSerial(op storage.Op) string {
	if op.Kind == storage.OpUpload {
		return "upload\x00" + op.Team + "\x00" + op.Channel + "\x00" + strings.ToLower(op.File)
	}
	return "post\x00" + op.ID
}
