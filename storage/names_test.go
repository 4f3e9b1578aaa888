package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
)

// TestNamesGeneration: the generation moves with every write that changes
// what names resolve to, and not with the writes sync makes all the time
// (a message in a known conversation, a cursor).
func TestNamesGeneration(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	msg := func(conv, id, replyTo string) func(w *storage.Writer) error {
		return func(w *storage.Writer) error {
			_, err := w.PutMessage(storage.Message{ConvID: conv, ID: id, ReplyTo: replyTo, Type: "message", Created: now, Modified: now}, storage.Body{Raw: "<p>x</p>"})
			return err
		}
	}
	apply := func(f func(w *storage.Writer) error) func() error {
		return func() error { return db.Apply(ctx, f) }
	}
	var opSeq uint64
	tests := []struct {
		name  string
		write func() error
		moves bool
	}{
		{"a user", apply(func(w *storage.Writer) error { return w.PutUser(storage.User{ID: "u1", DisplayName: "A"}) }), true},
		{"a chat", apply(func(w *storage.Writer) error { return w.PutChat(storage.Chat{ID: "c1"}) }), true},
		{"members", apply(func(w *storage.Writer) error { return w.SetMembers("c1", []storage.Member{{UserID: "u1"}}) }), true},
		{"a record", apply(func(w *storage.Writer) error {
			return w.PutRecord(storage.Record{Set: "incidents", ID: "i1", Modified: now, Fields: map[string]any{"title": "x"}})
		}), true},
		{"the first message of a conversation", apply(msg("ch", "1", "")), true},
		{"another message", apply(msg("ch", "2", "")), false},
		{"a cursor", apply(func(w *storage.Writer) error { return w.SetCursor(storage.Cursor{Source: "chat:c1"}) }), false},
		{"a thread linked in Rapport", func() error {
			_, err := db.SetLink(ctx, storage.ThreadTarget("ch", "1"), "incidents", "i1", true, "u1", "x", now)
			return err
		}, true},
		{"a reply in the linked thread", apply(msg("ch", "3", "1")), true},
		{"a reply in another thread", apply(msg("ch", "4", "2")), false},
		{"a chat link", func() error {
			op, err := db.SetLink(ctx, "c1", "incidents", "i1", true, "u1", "x", now)
			opSeq = op.Seq
			return err
		}, true},
		{"its operation's state", func() error {
			_, err := db.UpdateOp(ctx, opSeq, func(o *storage.Op) error { o.State = storage.OpConflict; return nil })
			return err
		}, true},
	}
	for _, tt := range tests {
		before := db.NamesGeneration()
		if err := tt.write(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if moved := db.NamesGeneration() != before; moved != tt.moves {
			t.Errorf("%s: generation moved %v, want %v", tt.name, moved, tt.moves)
		}
	}
}
