package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QueueMemberOps queues a change set's membership changes (OpMember) in
// one transaction, all or none, under one batch id, and returns them with
// their sequence numbers. Each needs a team, a user and a change. An op
// with an ID keeps it (a change set's change id), and one whose ID is
// already in the outbox is not queued again (an apply repeated after a
// crash queues nothing twice).
func (db *DB) QueueMemberOps(ctx context.Context, ops []Op, by string, now time.Time) ([]Op, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, op := range ops {
		if op.Change == "" || op.Change == "invite" && op.Email == "" || op.Change == "settings" && (op.Team == "" || op.Row["settings"] == nil) ||
			op.Change != "invite" && op.Change != "settings" && (op.Team == "" || op.UserID == "") {
			return nil, fmt.Errorf("queue member change: a change, and a team and a user (an invitation: an address; team settings: the settings) are needed (%+v)", op)
		}
	}
	batch := NewID()
	out := make([]Op, 0, len(ops))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		known := map[string]bool{}
		if err := tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
			var o Op
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("decode operation: %w", err)
			}
			known[o.ID] = true
			return nil
		}); err != nil {
			return err
		}
		for _, op := range ops {
			if op.ID != "" && known[op.ID] {
				continue
			}
			if op.ID == "" {
				op.ID = NewID()
			}
			seq, err := tx.Bucket(bucketOutbox).NextSequence()
			if err != nil {
				return fmt.Errorf("number operation: %w", err)
			}
			op.Kind, op.Seq, op.State, op.Created, op.Updated, op.Batch, op.By = OpMember, seq, OpPending, now, now, batch, by
			op.Attempts, op.Error, op.Server, op.NotBefore = 0, "", nil, time.Time{}
			if err := putOp(tx, op, ""); err != nil {
				return err
			}
			out = append(out, op)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
