package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
)

var ctx = context.Background()

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func msg(conv, id string, created, modified time.Time) storage.Message {
	return storage.Message{ConvID: conv, ID: id, Type: "message", Created: created, Modified: modified}
}

func TestPutMessageVersions(t *testing.T) {
	db := storagetest.Open(t)
	conv := "19:a@thread.v2"
	apply := func(m storage.Message, b storage.Body) bool {
		t.Helper()
		var wrote bool
		if err := db.Apply(ctx, func(w *storage.Writer) error {
			var err error
			wrote, err = w.PutMessage(m, b)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return wrote
	}
	m := msg(conv, "1", t0, t0)
	if !apply(m, storage.Body{Raw: "<p>v1</p>"}) {
		t.Fatal("first write ignored")
	}
	edited := m
	edited.Modified = t0.Add(time.Minute)
	card := []storage.Card{{ID: "c1", ContentType: storage.CardAdaptive, Content: `{"type":"AdaptiveCard"}`}}
	if !apply(edited, storage.Body{Raw: "<p>v2</p>", Cards: card}) {
		t.Fatal("newer version ignored")
	}
	if apply(m, storage.Body{Raw: "<p>v1 replayed</p>"}) {
		t.Fatal("older version overwrote a newer one")
	}
	gone := edited
	gone.Modified = t0.Add(2 * time.Minute)
	del := gone.Modified
	gone.Deleted = &del
	apply(gone, storage.Body{})
	ms, err := db.Messages(ctx, conv, time.Time{}, 0)
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages %v %v", ms, err)
	}
	if ms[0].Deleted == nil || ms[0].Body.Raw != "" || ms[0].Body.Retained != "<p>v2</p>" || len(ms[0].Body.Cards) != 0 ||
		len(ms[0].Body.RetainedCards) != 1 || ms[0].Body.RetainedCards[0] != card[0] {
		t.Fatalf("tombstone %+v body %+v: want deleted, empty body, v2 and its card retained", ms[0].Message, ms[0].Body)
	}
	if raw, cards := ms[0].Shown(); raw != "<p>v2</p>" || len(cards) != 1 {
		t.Errorf("a tombstone shows %q %v, want what was retained", raw, cards)
	}
	// A later version of the tombstone keeps what was retained.
	later := gone
	later.Modified = t0.Add(3 * time.Minute)
	apply(later, storage.Body{})
	ms, _ = db.Messages(ctx, conv, time.Time{}, 0)
	if ms[0].Body.Retained != "<p>v2</p>" || len(ms[0].Body.RetainedCards) != 1 {
		t.Errorf("second tombstone body %+v: retained content lost", ms[0].Body)
	}
}

func TestMessagesNewestFirstWithPaging(t *testing.T) {
	db := storagetest.Open(t)
	convs := []string{"19:a@thread.v2", "19:b@thread.v2"}
	if err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, c := range convs {
			for i := 0; i < 25; i++ {
				at := t0.Add(time.Duration(i) * time.Hour)
				if _, err := w.PutMessage(msg(c, fmt.Sprint(at.UnixMilli()), at, at), storage.Body{Raw: fmt.Sprint(i)}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before time.Time
		limit  int
		first  string
		n      int
	}{
		{"newest page", time.Time{}, 10, "24", 10},
		{"all", time.Time{}, 0, "24", 25},
		{"before the 10th hour", t0.Add(10 * time.Hour), 5, "9", 5},
		{"before everything", t0, 5, "", 0},
		{"after everything", t0.Add(100 * time.Hour), 3, "24", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := db.Messages(ctx, convs[0], tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != tt.n {
				t.Fatalf("%d messages, want %d", len(ms), tt.n)
			}
			if tt.n > 0 && ms[0].Body.Raw != tt.first {
				t.Fatalf("first %q, want %q", ms[0].Body.Raw, tt.first)
			}
			for i := 1; i < len(ms); i++ {
				if !ms[i].Created.Before(ms[i-1].Created) || ms[i].ConvID != convs[0] {
					t.Fatalf("order or conversation wrong at %d", i)
				}
			}
		})
	}
}

func TestMembersRecordsAndStatus(t *testing.T) {
	db := storagetest.Open(t)
	err := db.Apply(ctx, func(w *storage.Writer) error {
		w.PutTeam(storage.Team{ID: "t1", Name: "【VIP】华东精密"})
		w.PutChannel(storage.Channel{ID: "c1", TeamID: "t1", Name: "General", MembershipType: "standard"})
		w.PutUser(storage.User{ID: "u1", DisplayName: "王芳", UserType: "Member"})
		w.PutUser(storage.User{ID: "u2", DisplayName: "Lucie", UserType: "Guest"})
		w.SetMembers("t1", []storage.Member{{UserID: "u1", Roles: []string{"owner"}}, {UserID: "u2", Roles: []string{"guest"}}, {UserID: "u3", Roles: []string{}}})
		w.PutRecord(storage.Record{Set: "incidents", ID: "i1", Fields: map[string]any{"title": "报警"}})
		w.PutRecord(storage.Record{Set: "incidents", ID: "i2"})
		return w.SetCursor(storage.Cursor{Source: "dv:incidents", Link: "https://x/delta"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// Membership is replaced, not merged.
	if err := db.Apply(ctx, func(w *storage.Writer) error {
		if err := w.SetMembers("t1", []storage.Member{{UserID: "u1", Roles: []string{"owner"}}, {UserID: "u2", Roles: []string{"guest"}}}); err != nil {
			return err
		}
		return w.DeleteRecord("incidents", "i2", t0)
	}); err != nil {
		t.Fatal(err)
	}
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Teams != 1 || st.Channels != 1 || st.Users != 2 || st.Guests != 1 ||
		st.MembersByRole["owner"] != 1 || st.MembersByRole["guest"] != 1 || st.MembersByRole["member"] != 0 ||
		st.Records["incidents"] != 1 || len(st.Cursors) != 1 {
		t.Fatalf("status %+v", st)
	}
	recs, _ := db.Records(ctx, "incidents")
	if len(recs) != 2 || recs[1].Deleted == nil {
		t.Fatalf("records %+v: want the deleted one kept as a tombstone", recs)
	}

	// The count is kept until the next commit: a caller changing its copy
	// changes nothing, and any commit (a setting too) counts again.
	st.Records["incidents"] = 99
	st.MembersByRole["owner"] = 99
	again, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Records["incidents"] != 1 || again.MembersByRole["owner"] != 1 {
		t.Fatalf("second status %+v: a caller's change leaked into the kept count", again)
	}
	if err := db.Apply(ctx, func(w *storage.Writer) error {
		return w.PutRecord(storage.Record{Set: "incidents", ID: "i3"})
	}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Status(ctx); st.Records["incidents"] != 2 {
		t.Fatalf("after a commit: %d incidents, want 2", st.Records["incidents"])
	}
	if err := db.PutSetting(ctx, "x", 1); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Status(ctx); st.Records["incidents"] != 2 || st.Teams != 1 {
		t.Fatalf("after a setting: %+v", st)
	}
}

// TestMemberSince: Graph gives no join date, so sync records when it
// first found each member: nobody at a container's first sync (there
// before Rapport looked), a member who appears later from then on, kept
// through later syncs.
func TestMemberSince(t *testing.T) {
	db := storagetest.Open(t)
	set := func(ids ...string) map[string]*time.Time {
		t.Helper()
		var ms []storage.Member
		for _, id := range ids {
			ms = append(ms, storage.Member{UserID: id, Roles: []string{}})
		}
		if err := db.Apply(ctx, func(w *storage.Writer) error { return w.SetMembers("t1", ms) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.Members(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*time.Time{}
		for _, m := range got {
			out[m.UserID] = m.Since
		}
		return out
	}
	first := set("u1", "u2")
	if first["u1"] != nil || first["u2"] != nil {
		t.Fatalf("first sync: %v", first)
	}
	before := time.Now().UTC()
	second := set("u1", "u3")
	if second["u1"] != nil || second["u3"] == nil || second["u3"].Before(before.Add(-time.Second)) {
		t.Fatalf("second sync: %v", second)
	}
	third := set("u1", "u3")
	if third["u3"] == nil || !third["u3"].Equal(*second["u3"]) {
		t.Fatalf("third sync moved the date: %v → %v", second["u3"], third["u3"])
	}
}
