package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox holds every edit made in Rapport that Microsoft 365 must
// learn about. An edit is one transaction: the local change and its
// operation. Operations move pending → in-flight → done, failed or
// conflict, and are never removed before done.

// Operation states.
const (
	OpPending  = "pending"
	OpInFlight = "in-flight" // sent, outcome not known yet: reconcile before any retry
	OpDone     = "done"
	OpFailed   = "failed"
	OpConflict = "conflict"
)

// Operation kinds.
const (
	OpLink   = "link"   // create a Dataverse chats row linking a Teams chat to a record
	OpUnlink = "unlink" // delete that row
	OpJoin   = "join"   // ask Dynamics to add the user to a chat linked to a record (JoinLinkedChat)
	OpNotice = "notice" // post a linked record's key-field changes to its chat (Graph)
	OpCreate = "create" // create a Dataverse row made in Rapport: a case, a follow-up task, a note
	OpMember = "member" // change a team's or private channel's membership (Graph; storage/guests)
	OpUpload = "upload" // upload a file to a channel's Files (publish.go)
	OpPost   = "post"   // start a thread in a channel (publish.go)
)

// Op is one queued edit.
type Op struct {
	Seq        uint64    `json:"seq"`
	ID         string    `json:"id"` // client-generated, stable across retries
	Kind       string    `json:"kind"`
	ChatID     string    `json:"chatId"`
	Set        string    `json:"set"`
	RecordID   string    `json:"recordId"`
	ActivityID string    `json:"activityId"` // the Dataverse chats row (client-generated on link)
	Subject    string    `json:"subject,omitempty"`
	UserID     string    `json:"userId,omitempty"`    // join: the user's Dataverse systemuser id
	Body       string    `json:"body,omitempty"`      // notice: the message's HTML
	UpTo       time.Time `json:"upTo,omitzero"`       // notice: covers the record's changes up to this time
	SeenBefore time.Time `json:"seenBefore,omitzero"` // notice: the link's SeenUpTo before it (restored on discard)
	// Row is a create's columns as sent (lookups as @odata.bind); Set
	// and RecordID are the new row's table and client-made id.
	Row map[string]any `json:"row,omitempty"`
	// Change is a member operation's change (storage/guests' Act*:
	// owner, member, remove, add-channel, remove-channel, invite) on
	// Team and its private Channel ("" for the team, both declared with
	// publishing below); UserID is the user changed and Batch the change
	// set it came from.
	Change string `json:"change,omitempty"`
	Batch  string `json:"batch,omitempty"`
	// Email and Name are an invitation's address and display name
	// (Change "invite"; Body is its message, UserID filled in once the
	// guest exists).
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	// After is the operation this one waits for (a link to a case made
	// in Rapport waits for the case's create).
	After string `json:"after,omitempty"`
	// Publishing (publish.go) and member operations: the team and
	// channel; publishing: the file's name and size,
	// and the key that makes a publication happen once.
	Team    string `json:"team,omitempty"`
	Channel string `json:"channel,omitempty"`
	File    string `json:"file,omitempty"`
	Size    int64  `json:"size,omitempty"`
	Digest  string `json:"digest,omitempty"` // SHA-256 of the file, hex
	Key     string `json:"key,omitempty"`

	By        string         `json:"by,omitempty"`
	State     string         `json:"state"`
	Attempts  int            `json:"attempts"`
	Error     string         `json:"error,omitempty"`
	Server    map[string]any `json:"server,omitempty"` // the server's side of a conflict
	Created   time.Time      `json:"created"`
	Updated   time.Time      `json:"updated"`
	NotBefore time.Time      `json:"notBefore,omitempty"` // retry no earlier than this
}

// NewID returns a random RFC 4122 version 4 UUID (Dataverse row ids and
// operation ids are made on the client, so a retried create is idempotent).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func opKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func opStateKey(state string, seq uint64) []byte { return append(key(nil).str(state), opKey(seq)...) }

// putOp writes an operation and moves its state index entry.
func putOp(tx *bolt.Tx, op Op, oldState string) error {
	raw, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("encode operation: %w", err)
	}
	if err := tx.Bucket(bucketOutbox).Put(opKey(op.Seq), raw); err != nil {
		return fmt.Errorf("put operation: %w", err)
	}
	idx := tx.Bucket(bucketOutboxByState)
	if oldState != "" && oldState != op.State {
		if err := idx.Delete(opStateKey(oldState, op.Seq)); err != nil {
			return fmt.Errorf("index operation: %w", err)
		}
	}
	return idx.Put(opStateKey(op.State, op.Seq), nil)
}

func getOp(tx *bolt.Tx, seq uint64) (Op, error) {
	raw := tx.Bucket(bucketOutbox).Get(opKey(seq))
	if raw == nil {
		return Op{}, fmt.Errorf("operation %d: %w", seq, ErrNotFound)
	}
	var op Op
	if err := json.Unmarshal(raw, &op); err != nil {
		return Op{}, fmt.Errorf("decode operation: %w", err)
	}
	return op, nil
}

// QueueOp queues a join or a notice in one transaction, and returns it
// with its sequence number. A join of a chat that already waits to be
// joined returns that operation instead. A notice names its link and the
// changes it covers (UpTo): it marks them seen in the same transaction,
// and changes already posted or dismissed are refused (ErrState).
func (db *DB) QueueOp(ctx context.Context, op Op, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	if op.Kind != OpJoin && op.Kind != OpNotice {
		return Op{}, fmt.Errorf("queue operation: kind %q has its own call", op.Kind)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if op.Kind == OpJoin {
			for _, seq := range seqsIn(tx, OpPending, OpInFlight, OpFailed, OpConflict) {
				prev, err := getOp(tx, seq)
				if err != nil {
					return err
				}
				if prev.Kind == OpJoin && prev.ChatID == op.ChatID {
					op = prev
					return nil
				}
			}
		}
		seq, err := tx.Bucket(bucketOutbox).NextSequence()
		if err != nil {
			return fmt.Errorf("number operation: %w", err)
		}
		op.Seq, op.ID, op.State, op.Created, op.Updated = seq, NewID(), OpPending, now, now
		op.Attempts, op.Error, op.Server, op.NotBefore = 0, "", nil, time.Time{}
		if op.Kind == OpNotice {
			l, err := getLink(tx, op.ChatID, op.Set, op.RecordID)
			if err != nil {
				return err
			}
			if !op.UpTo.After(l.SeenUpTo) {
				return fmt.Errorf("%w: these changes were posted or dismissed already", ErrState)
			}
			op.SeenBefore = l.SeenUpTo
			if err := seeNotices(tx, op.ChatID, op.Set, op.RecordID, op.UpTo); err != nil {
				return err
			}
		}
		return putOp(tx, op, "")
	})
	if err != nil {
		return Op{}, err
	}
	return op, nil
}

// Outbox lists operations, oldest first: those in the given states, or
// all of them.
func (db *DB) Outbox(ctx context.Context, states ...string) ([]Op, error) {
	var out []Op
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if len(states) == 0 {
			return tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
				var op Op
				if err := json.Unmarshal(v, &op); err != nil {
					return fmt.Errorf("decode operation: %w", err)
				}
				out = append(out, op)
				return nil
			})
		}
		for _, s := range seqsIn(tx, states...) {
			op, err := getOp(tx, s)
			if err != nil {
				return err
			}
			out = append(out, op)
		}
		return nil
	})
	return out, err
}

// seqsIn lists the operations in the given states, in queue order.
func seqsIn(tx *bolt.Tx, states ...string) []uint64 {
	var seqs []uint64
	c := tx.Bucket(bucketOutboxByState).Cursor()
	for _, st := range states {
		prefix := key(nil).str(st)
		for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			seqs = append(seqs, binary.BigEndian.Uint64(k[len(prefix):]))
		}
	}
	slices.Sort(seqs)
	return seqs
}

// UpdateOp applies f to an operation and stores the result, keeping the
// state index and the link's pending marker in step, in one transaction.
func (db *DB) UpdateOp(ctx context.Context, seq uint64, f func(op *Op) error) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	var out Op
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		op, err := getOp(tx, seq)
		if err != nil {
			return err
		}
		old := op.State
		if err := f(&op); err != nil {
			return err
		}
		if err := putOp(tx, op, old); err != nil {
			return err
		}
		out = op
		if op.State != OpDone {
			return nil
		}
		return settleLink(tx, op, false) // the link no longer waits on it
	})
	if err == nil {
		db.namesChanged()
	}
	return out, err
}

// OpDiscarded is the state of an operation the user gave up on; its link
// goes back to what it was before the edit.
const OpDiscarded = "discarded"

// RetryOp sends a failed or conflicting operation again (now).
func (db *DB) RetryOp(ctx context.Context, seq uint64, now time.Time) (Op, error) {
	return db.UpdateOp(ctx, seq, func(o *Op) error {
		if o.State != OpFailed && o.State != OpConflict && o.State != OpPending {
			return fmt.Errorf("%w: operation %d is %s; only failed, conflicting or waiting ones can be retried", ErrState, seq, o.State)
		}
		o.State, o.NotBefore, o.Updated = OpPending, time.Time{}, now
		return nil
	})
}

// DiscardOp gives up on an operation that has not reached Dynamics: it is
// kept as discarded, and its link returns to the state before the edit (a
// notice's changes show again).
func (db *DB) DiscardOp(ctx context.Context, seq uint64, now time.Time) (Op, error) {
	var out Op
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		op, err := getOp(tx, seq)
		if err != nil {
			return err
		}
		if op.State == OpDone || op.State == OpDiscarded || op.State == OpInFlight {
			return fmt.Errorf("%w: operation %d is %s and cannot be discarded", ErrState, seq, op.State)
		}
		old := op.State
		op.State, op.Updated = OpDiscarded, now
		if err := putOp(tx, op, old); err != nil {
			return err
		}
		out = op
		if op.Kind == OpCreate {
			// What waits for the row cannot happen without it.
			return discardAfter(tx, op.ID, now)
		}
		if op.Kind == OpNotice {
			// The notices come back, unless a later post or dismissal
			// moved the mark on.
			l, err := getLink(tx, op.ChatID, op.Set, op.RecordID)
			if err != nil || !l.SeenUpTo.Equal(op.UpTo) {
				return nil
			}
			l.SeenUpTo = op.SeenBefore
			return putLink(tx, l)
		}
		return settleLink(tx, op, true)
	})
	if err == nil {
		db.namesChanged()
	}
	return out, err
}

// discardAfter discards the operations waiting for the operation id (and
// theirs), returning their links to what they were.
func discardAfter(tx *bolt.Tx, id string, now time.Time) error {
	for _, seq := range seqsIn(tx, OpPending, OpFailed, OpConflict) {
		op, err := getOp(tx, seq)
		if err != nil {
			return err
		}
		if op.After != id {
			continue
		}
		old := op.State
		op.State, op.Updated, op.Error = OpDiscarded, now, "its record was not created (discarded)"
		if err := putOp(tx, op, old); err != nil {
			return err
		}
		if err := settleLink(tx, op, true); err != nil {
			return err
		}
		if err := discardAfter(tx, op.ID, now); err != nil {
			return err
		}
	}
	return nil
}

// QueueCreate queues the creation of a Dataverse row made in Rapport
// (op.Set, op.RecordID its client-made id, op.Row its columns) and, when
// linkTo names a target, the link of that target to the new row, in one
// transaction. A chat's link is pushed after the row is created (it waits
// for it); a thread's or a message's is kept in Rapport. op.After names
// the create this row waits for, if any (a note on a case not created
// yet). It returns the create.
func (db *DB) QueueCreate(ctx context.Context, op Op, linkTo string, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	if op.Set == "" || op.RecordID == "" || len(op.Row) == 0 {
		return Op{}, fmt.Errorf("queue create: a table, an id and columns are needed")
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		seq, err := tx.Bucket(bucketOutbox).NextSequence()
		if err != nil {
			return fmt.Errorf("number operation: %w", err)
		}
		op.Kind, op.Seq, op.ID, op.State, op.Created, op.Updated = OpCreate, seq, NewID(), OpPending, now, now
		op.Attempts, op.Error, op.Server, op.NotBefore = 0, "", nil, time.Time{}
		if err := putOp(tx, op, ""); err != nil {
			return err
		}
		if linkTo == "" {
			return nil
		}
		_, err = setLink(tx, linkTo, op.Set, op.RecordID, true, op.By, op.Subject, op.ID, now)
		return err
	})
	if err != nil {
		return Op{}, err
	}
	db.namesChanged()
	return op, nil
}
