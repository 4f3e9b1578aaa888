package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/graph"
)

// Store is the part of the store the outbox uses (*storage.DB).
type Store interface {
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
	UpdateOp(ctx context.Context, seq uint64, f func(op *storage.Op) error) (storage.Op, error)
	// SetTeamSettings records a team's settings once a settings change
	// has landed (or was found in place).
	SetTeamSettings(ctx context.Context, teamID string, s storage.TeamSettings, at time.Time) error
}

// Dataverse writes and reads rows (*dataverse.Client).
type Dataverse interface {
	Create(ctx context.Context, set string, row dataverse.Row) error
	Delete(ctx context.Context, set, id string) error
	Row(ctx context.Context, set, id string, cols []string) (dataverse.Row, error)
	JoinLinkedChat(ctx context.Context, user, chatID, set, logical, id string) error
}

// Chats posts to Teams chats and reads back what the user sent
// (*graph.Client).
type Chats interface {
	PostChatMessage(ctx context.Context, chatID, html string) (string, error)
	SentRecently(ctx context.Context, chatID, userID string, n int) ([]string, error)
}

// Result counts what a push did.
type Result struct {
	Done      int `json:"done"`
	Failed    int `json:"failed"`
	Conflicts int `json:"conflicts"`
	Waiting   int `json:"waiting"` // pending or in-flight, to retry later
	// NeedsConsent says membership changes wait for the user to grant
	// the write permissions (auth.ErrConsentRequired): asked when the
	// user applies a change, never at sign-in.
	NeedsConsent bool `json:"needsConsent,omitempty"`
}

// linkCols are the columns a link row is read back with.
var linkCols = []string{crm.LinkKey, crm.LinkChat, crm.LinkRecord}

// logical is the logical name of a linkable set, or "".
func logical(set string) string {
	if s, ok := crm.Lookup(set); ok && s.Linkable {
		return s.Logical
	}
	return ""
}

// serial names what an operation is ordered behind: the edits of one
// link, the joins of one chat; each notice stands alone.
func serial(op storage.Op) string {
	switch op.Kind {
	case storage.OpJoin:
		return "join\x00" + op.ChatID
	case storage.OpNotice, storage.OpCreate:
		return op.Kind + "\x00" + op.ID
	case storage.OpMember:
		return memberSerial(op)
	case storage.OpUpload, storage.OpPost:
		return publishSerial(op)
	}
	return op.ChatID + "\x00" + op.Set + "\x00" + op.RecordID
}

// Push sends every operation that is due, in order. It returns an error
// when the store fails, or one wrapping auth.ErrSignInRequired when the
// tenant refused the user's sign-in (the operation stays pending, "waiting
// for sign-in", and so do the rest); other server errors end up on the
// operations. Notices wait while chats is nil; uploads and channel posts
// wait unless chats is also a Publisher and db a PublishStore.
func Push(ctx context.Context, db Store, dv Dataverse, chats Chats, now func() time.Time) (Result, error) {
	var res Result
	ops, err := db.Outbox(ctx, storage.OpPending, storage.OpInFlight)
	if err != nil {
		return res, err
	}
	blocked := map[string]bool{} // links with an earlier operation not done
	stuck, err := db.Outbox(ctx, storage.OpFailed, storage.OpConflict)
	if err != nil {
		return res, err
	}
	for _, op := range ops {
		for _, s := range stuck {
			// A failed or conflicting edit holds back the later edits of
			// its link until the user retries or discards it; they say so.
			if s.Seq < op.Seq && serial(s) == serial(op) {
				blocked[serial(op)] = true
				if msg := fmt.Sprintf("waiting for #%d (%s) to be retried or discarded", s.Seq, s.State); op.Error != msg {
					if _, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error { o.Error = msg; return nil }); err != nil {
						return res, err
					}
				}
				break
			}
		}
	}
	ps, pub, canPublish := publisher(db, chats)
	undone := map[string]storage.Op{} // operations not done yet, by id
	for _, o := range append(slices.Clone(ops), stuck...) {
		undone[o.ID] = o
	}
	for _, op := range ops {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		link := serial(op)
		if dep, ok := undone[op.After]; ok && op.After != "" {
			// Waits for another operation (its record's create).
			if msg := fmt.Sprintf("waiting for #%d (%s %s)", dep.Seq, dep.Kind, dep.State); op.Error != msg {
				if _, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error { o.Error = msg; return nil }); err != nil {
					return res, err
				}
			}
			blocked[link] = true
		}
		if blocked[link] || now().Before(op.NotBefore) || (op.Kind == storage.OpNotice && chats == nil) || (isPublish(op.Kind) && !canPublish) ||
			(op.Kind == storage.OpMember && res.NeedsConsent) {
			blocked[link] = true
			res.Waiting++
			continue
		}
		var state string
		switch op.Kind {
		case storage.OpJoin:
			state, err = pushJoin(ctx, db, dv, op, now)
		case storage.OpNotice:
			state, err = pushNotice(ctx, db, chats, op, now)
		case storage.OpCreate:
			state, err = pushCreate(ctx, db, dv, op, now)
		case storage.OpMember:
			state, err = pushMember(ctx, db, chats, op, now)
		case storage.OpUpload:
			state, err = pushUpload(ctx, db, ps, pub, op, now)
		case storage.OpPost:
			state, err = pushPost(ctx, db, pub, op, now)
		default:
			state, err = push(ctx, db, dv, op, now)
		}
		if errors.Is(err, auth.ErrConsentRequired) {
			// Every membership change would be refused the same way; the
			// other edits go on.
			res.Waiting++
			res.NeedsConsent = true
			blocked[link] = true
			continue
		}
		if err != nil {
			if errors.Is(err, auth.ErrSignInRequired) {
				res.Waiting++
			}
			return res, err
		}
		switch state {
		case storage.OpDone:
			res.Done++
			delete(undone, op.ID) // what waits for it may go
		case storage.OpFailed:
			res.Failed++
			blocked[link] = true
		case storage.OpConflict:
			res.Conflicts++
			blocked[link] = true
		default:
			res.Waiting++
			blocked[link] = true
		}
	}
	return res, nil
}

// push moves one operation as far as it can go and returns its state.
func push(ctx context.Context, db Store, dv Dataverse, op storage.Op, now func() time.Time) (string, error) {
	if logical(op.Set) == "" {
		return finish(ctx, db, op, storage.OpFailed, fmt.Sprintf("records of %q cannot be linked to chats", op.Set), nil, now)
	}
	if op.State == storage.OpInFlight {
		// The last attempt's outcome is unknown: ask the server first.
		row, err := dv.Row(ctx, crm.LinkSet, op.ActivityID, linkCols)
		switch {
		case err == nil && op.Kind == storage.OpLink:
			return landed(ctx, db, op, row, now)
		case isStatus(err, 404) && op.Kind == storage.OpUnlink:
			return finish(ctx, db, op, storage.OpDone, "", nil, now)
		case err != nil && !isStatus(err, 404):
			return later(ctx, db, op, err, storage.OpInFlight, now)
		}
		// Not applied: send again.
	}
	op, err := begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	switch op.Kind {
	case storage.OpLink:
		err = dv.Create(ctx, crm.LinkSet, dataverse.Row{
			crm.LinkKey:                   op.ActivityID,
			crm.LinkChat:                  op.ChatID,
			crm.LinkSubject:               op.Subject,
			crm.LinkBind(logical(op.Set)): "/" + op.Set + "(" + op.RecordID + ")",
		})
		switch {
		case err == nil:
			return finish(ctx, db, op, storage.OpDone, "", nil, now)
		case isStatus(err, 412):
			// The id exists: our earlier attempt, or someone else's row.
			row, rerr := dv.Row(ctx, crm.LinkSet, op.ActivityID, linkCols)
			if rerr != nil {
				return later(ctx, db, op, rerr, storage.OpInFlight, now)
			}
			return landed(ctx, db, op, row, now)
		case isStatus(err, 404):
			return finish(ctx, db, op, storage.OpConflict, "the record no longer exists in Dynamics 365 (deleted upstream)", nil, now)
		}
	case storage.OpUnlink:
		err = dv.Delete(ctx, crm.LinkSet, op.ActivityID)
		switch {
		case err == nil, isStatus(err, 404):
			return finish(ctx, db, op, storage.OpDone, "", nil, now)
		case isStatus(err, 412):
			row, _ := dv.Row(ctx, crm.LinkSet, op.ActivityID, linkCols)
			return finish(ctx, db, op, storage.OpConflict, "the link was changed in Dynamics 365", row, now)
		}
	default:
		return finish(ctx, db, op, storage.OpFailed, fmt.Sprintf("unknown operation %q", op.Kind), nil, now)
	}
	return settle(ctx, db, op, err, nil, now)
}

// begin marks op in flight (committed before its request leaves).
func begin(ctx context.Context, db Store, op storage.Op, now func() time.Time) (storage.Op, error) {
	return db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Attempts, o.Updated = storage.OpInFlight, o.Attempts+1, now()
		return nil
	})
}

// settle ends an attempt: done on success, else a conflict or failure the
// status calls for, else a retry later.
func settle(ctx context.Context, db Store, op storage.Op, err error, conflicts map[int]string, now func() time.Time) (string, error) {
	if err == nil {
		return finish(ctx, db, op, storage.OpDone, "", nil, now)
	}
	if errors.Is(err, auth.ErrConsentRequired) {
		return waitConsent(ctx, db, op, err, storage.OpPending, now)
	}
	if signIn(err) {
		// Refused before it was carried out: pending, not failed.
		return waitSignIn(ctx, db, op, err, storage.OpPending, now)
	}
	if msg, ok := conflicts[status(err)]; ok {
		return finish(ctx, db, op, storage.OpConflict, msg, nil, now)
	}
	if transient(err) {
		// 429 was refused before applying; anything else may have applied.
		state := storage.OpInFlight
		if status(err) == 429 {
			state = storage.OpPending
		}
		return later(ctx, db, op, err, state, now)
	}
	return finish(ctx, db, op, storage.OpFailed, err.Error(), nil, now)
}

// pushCreate creates a row made in Rapport (a case, a task, a note) under
// its client-made id. Its outcome, when unknown, is read back before the
// create is sent again; a create refused because the id exists is the
// earlier attempt (the id is random and Rapport's own).
func pushCreate(ctx context.Context, db Store, dv Dataverse, op storage.Op, now func() time.Time) (string, error) {
	set, ok := crm.Lookup(op.Set)
	if !ok || op.RecordID == "" || len(op.Row) == 0 {
		return finish(ctx, db, op, storage.OpFailed, fmt.Sprintf("Rapport cannot create rows of %q", op.Set), nil, now)
	}
	if op.State == storage.OpInFlight {
		_, err := dv.Row(ctx, op.Set, op.RecordID, []string{set.Key})
		switch {
		case err == nil:
			return finish(ctx, db, op, storage.OpDone, "", nil, now)
		case !isStatus(err, 404):
			return later(ctx, db, op, err, storage.OpInFlight, now)
		}
		// Not created: send again.
	}
	op, err := begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	row := dataverse.Row{}
	for k, v := range op.Row {
		row[k] = v
	}
	row[set.Key] = op.RecordID
	err = dv.Create(ctx, op.Set, row)
	if isStatus(err, 412) || isStatus(err, 409) {
		return finish(ctx, db, op, storage.OpDone, "", nil, now) // created by an earlier attempt
	}
	if isStatus(err, 404) {
		return finish(ctx, db, op, storage.OpConflict, "the record it belongs to no longer exists in Dynamics 365 (deleted upstream): "+err.Error(), nil, now)
	}
	return settle(ctx, db, op, err, nil, now)
}

// pushJoin asks Dynamics to add the user to a linked chat. Joining is
// idempotent (a member joining again succeeds), so an unknown outcome is
// settled by sending again.
func pushJoin(ctx context.Context, db Store, dv Dataverse, op storage.Op, now func() time.Time) (string, error) {
	if logical(op.Set) == "" || op.UserID == "" {
		return finish(ctx, db, op, storage.OpFailed, "a join needs a linked record and the user's Dynamics 365 id", nil, now)
	}
	op, err := begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	err = dv.JoinLinkedChat(ctx, op.UserID, op.ChatID, op.Set, logical(op.Set), op.RecordID)
	return settle(ctx, db, op, err, map[int]string{
		404: "the chat is no longer linked to this record in Dynamics 365 (unlinked or deleted upstream)",
	}, now)
}

// recentMessages is how far back an unknown notice is looked for (the
// chat's most recently changed messages): a chat changes far less between
// two pushes. A notice that waits through more changes than this is not
// found and is sent again.
const recentMessages = 100

// pushNotice posts a notice to its chat (postOnce).
func pushNotice(ctx context.Context, db Store, chats Chats, op storage.Op, now func() time.Time) (string, error) {
	return postOnce(ctx, db, op, now, postPlace{
		recent: func() ([]string, error) { return chats.SentRecently(ctx, op.ChatID, op.By, recentMessages) },
		send: func() error {
			_, err := chats.PostChatMessage(ctx, op.ChatID, op.Body)
			return err
		},
		lookRefused: map[int]string{
			403: "you are no longer a member of this chat (whether an earlier attempt reached it cannot be checked)",
			404: "the chat no longer exists in Teams",
		},
		sendRefused: map[int]string{
			403: "you are no longer a member of this chat",
			404: "the chat no longer exists in Teams",
		},
	})
}

// postPlace is where postOnce posts: how to read the user's recent
// messages there and send the message, and what Graph's refusals of
// either mean to the user.
type postPlace struct {
	recent                   func() ([]string, error)
	send                     func() error
	lookRefused, sendRefused map[int]string
}

// postOnce sends op.Body, a POST that is not idempotent: an attempt whose
// outcome is unknown (in flight, or retried after a failure or conflict)
// is looked for among the user's newest messages there, by its visible
// text, before it is sent again.
func postOnce(ctx context.Context, db Store, op storage.Op, now func() time.Time, at postPlace) (string, error) {
	if op.Attempts > 0 {
		sent, err := at.recent()
		if err != nil && transient(err) {
			return later(ctx, db, op, err, storage.OpInFlight, now) // still unknown
		}
		if err != nil {
			return settle(ctx, db, op, err, at.lookRefused, now)
		}
		want := plain(op.Body)
		for _, h := range sent {
			if plain(h) == want {
				return finish(ctx, db, op, storage.OpDone, "", nil, now)
			}
		}
	}
	op, err := begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	return settle(ctx, db, op, at.send(), at.sendRefused, now)
}

// plain is an HTML body's visible text with white space collapsed: what a
// message still says after a server re-formats its markup.
func plain(h string) string {
	return strings.Join(strings.Fields(content.Extract(h, false).Text), " ")
}

// landed decides whether an existing row is the one op creates.
func landed(ctx context.Context, db Store, op storage.Op, row dataverse.Row, now func() time.Time) (string, error) {
	chat, _ := row[crm.LinkChat].(string)
	rec, _ := row[crm.LinkRecord].(string)
	if chat == op.ChatID && strings.EqualFold(rec, op.RecordID) {
		return finish(ctx, db, op, storage.OpDone, "", nil, now)
	}
	return finish(ctx, db, op, storage.OpConflict, "Dynamics 365 holds a different row under this link's id", row, now)
}

func finish(ctx context.Context, db Store, op storage.Op, state, msg string, server map[string]any, now func() time.Time) (string, error) {
	_, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Error, o.Server, o.Updated, o.NotBefore = state, msg, server, now(), time.Time{}
		return nil
	})
	return state, err
}

// later leaves op to retry after a back-off (the server's Retry-After
// when it gave one).
func later(ctx context.Context, db Store, op storage.Op, cause error, state string, now func() time.Time) (string, error) {
	if errors.Is(cause, auth.ErrConsentRequired) {
		return waitConsent(ctx, db, op, cause, state, now)
	}
	if signIn(cause) {
		return waitSignIn(ctx, db, op, cause, state, now)
	}
	wait := time.Duration(1<<min(op.Attempts, 8)) * time.Second
	var e *dataverse.Error
	var g *graph.Error
	switch {
	case errors.As(cause, &e) && e.RetryAfter > 0:
		wait = e.RetryAfter
	case errors.As(cause, &g) && g.RetryAfter > 0:
		wait = g.RetryAfter
	}
	_, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Error, o.Updated, o.NotBefore = state, cause.Error(), now(), now().Add(wait)
		return nil
	})
	return state, err
}

// signIn reports whether the tenant refused the user's sign-in: a renewal
// refused (auth.ErrSignInRequired) or a 401 that renewing did not cure.
func signIn(err error) bool {
	return errors.Is(err, auth.ErrSignInRequired) || status(err) == 401
}

// waitSignIn leaves op in state (pending, or in flight when an earlier
// attempt's outcome is still unknown) until the user signs in again, and
// returns an error wrapping auth.ErrSignInRequired, which ends the push:
// every later operation would be refused the same way.
func waitSignIn(ctx context.Context, db Store, op storage.Op, cause error, state string, now func() time.Time) (string, error) {
	_, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Error, o.Updated, o.NotBefore = state, "waiting for sign-in", now(), time.Time{}
		return nil
	})
	if err != nil {
		return "", err
	}
	if !errors.Is(cause, auth.ErrSignInRequired) {
		cause = fmt.Errorf("%w: %w", auth.ErrSignInRequired, cause)
	}
	return state, cause
}

// WaitingConsent is what an operation waiting for the user to grant a
// permission says.
const WaitingConsent = "waiting for permission: Rapport asks for it when you apply a change"

// waitConsent leaves op in state until the user grants the permission it
// needs (incremental consent) and returns the cause, which wraps
// auth.ErrConsentRequired: the token was refused before any request left.
func waitConsent(ctx context.Context, db Store, op storage.Op, cause error, state string, now func() time.Time) (string, error) {
	_, err := db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Error, o.Updated, o.NotBefore = state, WaitingConsent, now(), time.Time{}
		return nil
	})
	if err != nil {
		return "", err
	}
	return state, cause
}

// status is the HTTP status of a Dataverse or Graph error (0 for others).
func status(err error) int {
	var d *dataverse.Error
	if errors.As(err, &d) {
		return d.Status
	}
	var g *graph.Error
	if errors.As(err, &g) {
		return g.Status
	}
	return 0
}

func isStatus(err error, st int) bool { return status(err) == st }

// transient errors are worth retrying: throttling, server errors, and
// the network (timeouts, resets, refused connections).
func transient(err error) bool {
	if st := status(err); st != 0 {
		return st == 429 || st >= 500
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}
