package storage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestOverlay: each rule of the one overlay that the links views and
// search share, as a table.
func TestOverlay(t *testing.T) {
	row := func(chat, logical, rec string) Record {
		return Record{Set: "chats", ID: chat + rec, Fields: map[string]any{"teamschatid": chat, "_regardingobjectid_value": rec, "regardingobjecttypecode": logical}}
	}
	gone := row("c1", "account", "a1")
	gone.Deleted = &time.Time{}
	ops := map[string]Op{
		"pending":   {ID: "pending", State: OpPending},
		"conflict":  {ID: "conflict", State: OpConflict},
		"done":      {ID: "done", State: OpDone},
		"discarded": {ID: "discarded", State: OpDiscarded},
	}
	tests := []struct {
		name    string
		rows    []Record
		entries []Link
		want    string // target set/record linked sync, …
	}{
		{"a synced row", []Record{row("c1", "account", "a1")}, nil, "c1 accounts/a1 true synced"},
		{"a deleted row links nothing", []Record{gone}, nil, ""},
		{"a row of a type chats cannot link", []Record{row("c1", "systemuser", "u1")}, nil, ""},
		{"a queued unlink of a synced link", []Record{row("c1", "account", "a1")}, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Op: "pending"}}, "c1 accounts/a1 false pending"},
		{"a relink, queued", []Record{row("c1", "account", "a1")}, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Linked: true, Op: "pending"}}, "c1 accounts/a1 true pending"},
		{"a settled unlink: the row speaks", []Record{row("c1", "account", "a1")}, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1"}}, "c1 accounts/a1 true synced"},
		{"a settled link not yet read back", nil, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Linked: true}}, "c1 accounts/a1 true synced"},
		{"a settled unlink, no row", nil, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1"}}, ""},
		{"a conflict", nil, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Linked: true, Op: "conflict"}}, "c1 accounts/a1 true conflict"},
		{"a done operation is settled", nil, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Linked: true, Op: "done"}}, "c1 accounts/a1 true synced"},
		{"another type with the same id", []Record{row("c1", "incident", "x1")}, []Link{{ChatID: "c1", Set: "accounts", RecordID: "x1", Op: "pending"}},
			"c1 incidents/x1 true synced, c1 accounts/x1 false pending"},
		{"a thread is local", nil, []Link{{ChatID: "thread/ch/r1", Set: "incidents", RecordID: "i1", Linked: true}}, "thread/ch/r1 incidents/i1 true local"},
		{"a thread unlinked", nil, []Link{{ChatID: "thread/ch/r1", Set: "incidents", RecordID: "i1"}}, ""},
		{"record ids compare without case", []Record{row("c1", "account", "A1")}, []Link{{ChatID: "c1", Set: "accounts", RecordID: "a1", Op: "pending"}}, "c1 accounts/a1 false pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Overlay(nil, tt.rows, tt.entries, ops) {
				got = append(got, fmt.Sprintf("%s %s/%s %v %s", s.Target, s.Set, s.RecordID, s.Linked, s.Sync))
			}
			if g := strings.Join(got, ", "); g != tt.want {
				t.Errorf("got  %q\nwant %q", g, tt.want)
			}
		})
	}
	if got := Overlay(func(string) bool { return false }, []Record{row("c1", "account", "a1")}, nil, ops); len(got) != 0 {
		t.Errorf("no target wanted: %+v", got)
	}
}
