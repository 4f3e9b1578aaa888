package storage

import (
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// linkRow is a Dataverse chats row linking chat to a record.
func linkRow(id, chat, logical, rec string) Record {
	return Record{Set: "chats", ID: id, Modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Fields: map[string]any{
		"teamschatid": chat, "regardingobjecttypecode": logical, "_regardingobjectid_value": rec,
		"_linkedby_value": "su-" + id, "linkedon": "2026-01-02T03:04:05Z"}}
}

// rowIDs returns a function that lists rows' ids, failing t on err.
func rowIDs(t *testing.T) func(rows []Record, err error) []string {
	return func(rows []Record, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids
	}
}

// TestLinkRowIndexMigration: a schema-4 store with link rows (live,
// deleted, naming no chat) and other records gets both link-row indexes
// filled by the migration, and reads by chat and by record find exactly
// the live rows.
func TestLinkRowIndexMigration(t *testing.T) {
	dir := t.TempDir()
	old := slices.IndexFunc(migrations, func(m migration) bool { return m.name == "link rows by chat and by record" })
	if old < 0 {
		t.Fatal("no link-row migration")
	}
	db, err := open(ctx, dir, Options{}, migrations[:old])
	if err != nil {
		t.Fatal(err)
	}
	deleted := linkRow("r3", "c1", "incident", "i1")
	at := time.Now().UTC()
	deleted.Deleted = &at
	rows := []Record{
		linkRow("r2", "c1", "account", "a1"),
		linkRow("r1", "c1", "incident", "i1"),
		deleted,
		linkRow("r4", "c2", "incident", "i1"),
		linkRow("r5", "", "incident", "i1"),
		linkRow("r6", "c3", "opportunity", "0F0A-B"),
		{Set: "incidents", ID: "i1", Fields: map[string]any{"title": "x", "teamschatid": "c1"}},
	}
	// Written as schema 4 wrote them: the records bucket only.
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, r := range rows {
			if err := put(tx, bucketRecords, key(nil).str(r.Set).str(r.ID), r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)

	db, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	if got := versionOf(t, db); got != SchemaVersion() {
		t.Fatalf("schema %d, want %d", got, SchemaVersion())
	}
	ids := rowIDs(t)
	for _, tt := range []struct {
		name string
		got  []string
		want []string
	}{
		{"by chat c1", ids(db.LinkRows(ctx, "c1")), []string{"r1", "r2"}},
		{"by chat c2", ids(db.LinkRows(ctx, "c2")), []string{"r4"}},
		{"by record incidents(i1)", ids(db.LinkRowsOf(ctx, "incidents", "i1")), []string{"r1", "r4"}},
		{"by record accounts(a1)", ids(db.LinkRowsOf(ctx, "accounts", "a1")), []string{"r2"}},
		{"by record of another type, same id", ids(db.LinkRowsOf(ctx, "accounts", "i1")), nil},
		{"by record, the id in another case", ids(db.LinkRowsOf(ctx, "opportunities", "0f0a-b")), []string{"r6"}},
		{"by record of a set never linked", ids(db.LinkRowsOf(ctx, "systemusers", "i1")), nil},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestLinkRowIndexFollowsWrites: the indexes move with the row in the
// transaction that writes it: a new row, a row moved to another chat and
// record, a deletion, and a row restored.
func TestLinkRowIndexFollowsWrites(t *testing.T) {
	db, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	apply := func(f func(w *Writer) error) {
		t.Helper()
		if err := db.Apply(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	ids := rowIDs(t)
	state := func() string {
		t.Helper()
		return fmt.Sprint(ids(db.LinkRows(ctx, "c1")), ids(db.LinkRows(ctx, "c2")),
			ids(db.LinkRowsOf(ctx, "incidents", "i1")), ids(db.LinkRowsOf(ctx, "accounts", "a1")))
	}
	apply(func(w *Writer) error { return w.PutRecord(linkRow("r1", "c1", "incident", "i1")) })
	if got := state(); got != "[r1] [] [r1] []" {
		t.Fatalf("after a new row: %s", got)
	}
	apply(func(w *Writer) error { return w.PutRecord(linkRow("r1", "c2", "account", "a1")) })
	if got := state(); got != "[] [r1] [] [r1]" {
		t.Fatalf("after moving the row: %s", got)
	}
	apply(func(w *Writer) error { return w.DeleteRecord("chats", "r1", time.Now()) })
	if got := state(); got != "[] [] [] []" {
		t.Fatalf("after deleting the row: %s", got)
	}
	apply(func(w *Writer) error { return w.PutRecord(linkRow("r1", "c1", "incident", "i1")) })
	if got := state(); got != "[r1] [] [r1] []" {
		t.Fatalf("after restoring the row: %s", got)
	}
	if r, err := db.Record(ctx, "chats", "r1"); err != nil || r.Fields["teamschatid"] != "c1" {
		t.Fatalf("Record: %+v %v", r, err)
	}
	if _, err := db.Record(ctx, "chats", "nope"); err == nil {
		t.Fatal("Record of an unknown id")
	}
}
