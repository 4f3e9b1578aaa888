package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Link is a chat's link to a CRM record as Rapport knows it: what the
// user wants (Linked) and whether Dynamics has it yet (Op, the last
// operation's id, while not done).
type Link struct {
	ChatID     string    `json:"chatId"`
	Set        string    `json:"set"`
	RecordID   string    `json:"recordId"`
	ActivityID string    `json:"activityId"`
	Linked     bool      `json:"linked"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at"`
	Op         string    `json:"op,omitempty"`
	// SeenUpTo: key-field notices up to this time were dismissed or
	// posted to the chat.
	SeenUpTo time.Time `json:"seenUpTo,omitempty"`
}

// Link targets. A chat is linked by its id (and pushed to Dynamics, which
// links chats only); a channel thread or a single message is linked by a
// target made here and kept in Rapport: its links are never pushed.
const (
	TargetChat    = "chat"
	TargetThread  = "thread"
	TargetMessage = "message"
)

// OpLocal is the state SetLink reports for a link kept in Rapport only.
const OpLocal = "local"

// ThreadTarget names a channel thread (its root message) as a link target.
func ThreadTarget(convID, rootID string) string { return TargetThread + "/" + convID + "/" + rootID }

// MessageTarget names one message as a link target.
func MessageTarget(convID, msgID string) string { return TargetMessage + "/" + convID + "/" + msgID }

// ParseTarget splits a link target into its kind, conversation and
// message (conversation and message ids hold no "/"; chat ids are
// returned as they are).
func ParseTarget(t string) (kind, convID, msgID string) {
	for _, k := range []string{TargetThread, TargetMessage} {
		if rest, ok := strings.CutPrefix(t, k+"/"); ok {
			if conv, msg, ok := strings.Cut(rest, "/"); ok && conv != "" && msg != "" && !strings.Contains(msg, "/") {
				return k, conv, msg
			}
		}
	}
	return TargetChat, t, ""
}

func linkKey(chatID, set, recordID string) []byte { return key(nil).str(chatID).str(set).str(recordID) }

// SetLink records the user's wish to link (or unlink) a chat and a record,
// and queues the operation that tells Dynamics, in one transaction. It
// returns the operation. Unlinking a link Rapport does not know is
// ErrNotFound; linking what is already linked returns the link's pending
// operation or ErrNotFound-free no-op (Op with Seq 0).
func (db *DB) SetLink(ctx context.Context, chatID, set, recordID string, linked bool, by, subject string, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	var out Op
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		out, err = setLink(tx, chatID, set, recordID, linked, by, subject, "", now)
		return err
	})
	if err == nil {
		db.namesChanged()
	}
	return out, err
}

// setLink is SetLink in tx; the operation waits for the operation after
// (when not "").
func setLink(tx *bolt.Tx, chatID, set, recordID string, linked bool, by, subject, after string, now time.Time) (Op, error) {
	l, err := getLink(tx, chatID, set, recordID)
	if err != nil && !(linked && errors.Is(err, ErrNotFound)) {
		return Op{}, err
	}
	if l.ChatID != "" && l.Linked == linked {
		return Op{}, nil // already so
	}
	kind := OpUnlink
	if linked {
		kind = OpLink
		l = Link{ChatID: chatID, Set: set, RecordID: recordID, Linked: true, By: by, At: now}
	} else {
		l.Linked, l.At, l.By = false, now, by
	}
	out := Op{Kind: kind, ChatID: chatID, Set: set, RecordID: recordID, Subject: subject, By: by, State: OpLocal, Created: now, Updated: now}
	if target, _, _ := ParseTarget(chatID); target == TargetChat {
		// Dynamics must learn it: a row id made here, and the operation.
		if linked {
			l.ActivityID = NewID()
		}
		seq, err := tx.Bucket(bucketOutbox).NextSequence()
		if err != nil {
			return Op{}, fmt.Errorf("number operation: %w", err)
		}
		out.Seq, out.ID, out.ActivityID, out.State, out.After = seq, NewID(), l.ActivityID, OpPending, after
		l.Op = out.ID
		if err := putOp(tx, out, ""); err != nil {
			return Op{}, err
		}
	} // else kept in Rapport: no operation, nothing to push
	return out, putLink(tx, l)
}

// DismissNotices hides a link's key-field notices up to upTo.
func (db *DB) DismissNotices(ctx context.Context, chatID, set, recordID string, upTo time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error { return seeNotices(tx, chatID, set, recordID, upTo) })
}

func getLink(tx *bolt.Tx, chatID, set, recordID string) (Link, error) {
	raw := tx.Bucket(bucketLinks).Get(linkKey(chatID, set, recordID))
	if raw == nil {
		return Link{}, fmt.Errorf("link of chat %s to %s(%s): %w", chatID, set, recordID, ErrNotFound)
	}
	var l Link
	if err := json.Unmarshal(raw, &l); err != nil {
		return Link{}, fmt.Errorf("decode link: %w", err)
	}
	return l, nil
}

// putLink writes a link and its entry in links_by_record.
func putLink(tx *bolt.Tx, l Link) error {
	raw, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode link: %w", err)
	}
	if err := tx.Bucket(bucketLinks).Put(linkKey(l.ChatID, l.Set, l.RecordID), raw); err != nil {
		return fmt.Errorf("put link: %w", err)
	}
	return tx.Bucket(bucketLinksByRecord).Put(key(nil).str(l.Set).str(l.RecordID).str(l.ChatID), nil)
}

// seeNotices moves a link's SeenUpTo forward to upTo (never back).
func seeNotices(tx *bolt.Tx, chatID, set, recordID string, upTo time.Time) error {
	l, err := getLink(tx, chatID, set, recordID)
	if err != nil || !upTo.After(l.SeenUpTo) {
		return err
	}
	l.SeenUpTo = upTo
	return putLink(tx, l)
}

// settleLink clears a link's pending marker when op was its last edit;
// with revert, the link also returns to its state before op.
func settleLink(tx *bolt.Tx, op Op, revert bool) error {
	l, err := getLink(tx, op.ChatID, op.Set, op.RecordID)
	if errors.Is(err, ErrNotFound) || err == nil && l.Op != op.ID {
		return nil // no link, or a later edit decides it
	}
	if err != nil {
		return err
	}
	l.Op = ""
	if revert {
		l.Linked = op.Kind != OpLink
	}
	return putLink(tx, l)
}

// Links lists a chat's (or another target's) links, pending ones included.
func (db *DB) Links(ctx context.Context, chatID string) ([]Link, error) {
	return list[Link](db, ctx, bucketLinks, key(nil).str(chatID))
}

// LinksIn lists the links of a conversation's threads and messages (the
// links kept in Rapport), unlinked ones included; all conversations' when
// convID is "".
func (db *DB) LinksIn(ctx context.Context, convID string) ([]Link, error) {
	var out []Link
	for _, kind := range []string{TargetThread, TargetMessage} {
		// Targets hold no 0x00, so the target's bytes prefix its key.
		prefix := kind + "/"
		if convID != "" {
			prefix += convID + "/"
		}
		ls, err := list[Link](db, ctx, bucketLinks, key(prefix))
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

// AdoptLink records a link that exists in Dynamics (synced) but that
// Rapport has no entry for, with its row id, so a later unlink deletes
// that row. It changes nothing if the link is known.
func (db *DB) AdoptLink(ctx context.Context, l Link) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketLinks).Get(linkKey(l.ChatID, l.Set, l.RecordID)) != nil {
			return nil
		}
		l.Op = ""
		return putLink(tx, l)
	})
	if err == nil {
		db.namesChanged()
	}
	return err
}
