package guests_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/storagetest"
)

func TestPlanPreview(t *testing.T) {
	tests := []struct {
		action, team, channel, user string
		before, after               string
		err                         error
	}{
		{guests.ActOwner, "Contoso Support", "", "li@rapport.test", "member", "owner", nil},
		{guests.ActOwner, "contoso support", "", "ann@contoso.com", "", "", guests.ErrGuestOwner},
		{guests.ActRemove, teamA, "", "Bob", "guest", "", nil},
		{guests.ActRemoveChannel, "Fabrikam Projet", "Contrat", "ann@contoso.com", "guest", "", nil},
		{guests.ActAddChannel, "Fabrikam Projet", "Contrat", "fay@fabrikam.fr", "", "guest", nil},
		{guests.ActAddChannel, "Fabrikam Projet", "General", "fay@fabrikam.fr", "", "", guests.ErrNotFound}, // not private
		{guests.ActRemove, "Nope", "", "ann@contoso.com", "", "", guests.ErrNotFound},
		{guests.ActRemove, teamA, "", "eve@fabrikam.fr", "", "", guests.ErrNotFound}, // not in that team
		{guests.ActMember, teamA, "", "me", "", "", guests.ErrLastOwner},
	}
	db := storagetest.Open(t)
	seed(t, db, true)
	n := 0
	for _, tc := range tests {
		c, err := guests.Plan(ctx, db, now, tc.action, tc.team, tc.channel, tc.user, "")
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s %s in %s: %v, want %v", tc.action, tc.user, tc.team, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s in %s: %v", tc.action, tc.user, tc.team, err)
			continue
		}
		n++
		if c.Before != tc.before || c.After != tc.after {
			t.Errorf("%s %s: preview %q → %q, want %q → %q", tc.action, tc.user, c.Before, c.After, tc.before, tc.after)
		}
	}
	if _, err := guests.Plan(ctx, db, now, guests.ActRemove, teamA, "", "bob@contoso.com", ""); !errors.Is(err, guests.ErrPlanned) {
		t.Errorf("planning bob twice: %v", err)
	}
	cs, err := guests.Changes(ctx, db)
	if err != nil || len(cs) != n {
		t.Fatalf("%d changes planned (%v), want %d", len(cs), err, n)
	}
	d, err := guests.Discard(ctx, db, 2)
	if err != nil || d.UserID != "bob" {
		t.Fatalf("discard 2: %+v %v", d, err)
	}
	if _, err := guests.Discard(ctx, db, 9); !errors.Is(err, guests.ErrNotFound) {
		t.Errorf("discard 9: %v", err)
	}
	ops, err := guests.Apply(ctx, db, "me", false, now)
	if err != nil || len(ops) != n-1 {
		t.Fatalf("apply: %d ops, %v", len(ops), err)
	}
	if ops[0].Kind != storage.OpMember || ops[0].Change != guests.ActOwner || ops[0].Team != teamA || ops[0].UserID != "li" || ops[0].ID != cs[0].ID {
		t.Errorf("first op %+v", ops[0])
	}
	if cs, _ := guests.Changes(ctx, db); len(cs) != 0 {
		t.Errorf("change set not emptied: %v", cs)
	}
	if _, err := guests.Apply(ctx, db, "me", false, now); !errors.Is(err, guests.ErrNoChanges) {
		t.Errorf("second apply: %v", err)
	}
	audit, err := guests.Audit(ctx, db)
	if err != nil || len(audit) != n-1 || audit[len(audit)-1].What != "make Li an owner of Contoso Support" || audit[0].Who != "me" || audit[0].Result != storage.OpPending {
		t.Errorf("audit %+v %v", audit, err)
	}
	// A repeated apply (the change set kept after a crash) queues nothing twice.
	again, err := db.QueueMemberOps(ctx, ops, "me", now)
	if err != nil || len(again) != 0 {
		t.Errorf("queued again: %d %v", len(again), err)
	}
}

func TestApplyCap(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	if err := guests.SaveSettings(ctx, db, guests.Settings{Cap: 2}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ann", "bob", "cat"} {
		if _, err := guests.Plan(ctx, db, now, guests.ActRemove, teamA, "", u, fmt.Sprint("test ", u)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := guests.Apply(ctx, db, "me", false, now); !errors.Is(err, guests.ErrCap) {
		t.Fatalf("3 changes over a cap of 2: %v", err)
	}
	if ops, _ := db.Outbox(ctx); len(ops) != 0 {
		t.Fatalf("queued %d before the second confirmation", len(ops))
	}
	ops, err := guests.Apply(ctx, db, "me", true, now)
	if err != nil || len(ops) != 3 {
		t.Fatalf("confirmed apply: %d %v", len(ops), err)
	}
}

// TestPlanSettings: a team's guest or member settings are planned with
// Graph's names only, once per team, and queued with the settings an
// outbox operation carries.
func TestPlanSettings(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	tests := []struct {
		name string
		team string
		set  storage.TeamSettings
		err  error
	}{
		{"restrict guests", "Contoso Support", guests.RestrictedGuests(), nil},
		{"same team again", "contoso support", storage.TeamSettings{"memberSettings.allowDeleteChannels": false}, guests.ErrPlanned},
		{"member settings", "Fabrikam Projet", storage.TeamSettings{"memberSettings.allowCreatePrivateChannels": false}, nil},
		{"unknown property", teamA, storage.TeamSettings{"guestSettings.allowCreatePrivateChannels": true}, guests.ErrBadAction},
		{"unknown group", teamA, storage.TeamSettings{"funSettings.allowGiphy": false}, guests.ErrBadAction},
		{"nothing", teamA, storage.TeamSettings{}, guests.ErrBadAction},
		{"no such team", "Nope", guests.RestrictedGuests(), guests.ErrNotFound},
	}
	for _, tc := range tests {
		c, err := guests.PlanSettings(ctx, db, now, tc.team, tc.set, "new customer")
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || c.Action != guests.ActSettings || c.After != guests.DescribeSettings(tc.set) {
			t.Errorf("%s: %+v %v", tc.name, c, err)
		}
	}
	if got := guests.DescribeSettings(guests.RestrictedGuests()); got != "guests may create and update channels: no, guests may delete channels: no" {
		t.Errorf("text: %s", got)
	}
	ops, err := guests.Apply(ctx, db, "me", false, now)
	if err != nil || len(ops) != 2 {
		t.Fatalf("apply: %d %v", len(ops), err)
	}
	if ops[0].Change != guests.ActSettings || ops[0].Team == "" || ops[0].Row["guestSettings.allowDeleteChannels"] != false || len(ops[0].Row) != 2 {
		t.Errorf("queued: %+v", ops[0])
	}
}
