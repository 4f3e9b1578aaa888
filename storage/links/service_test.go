package links_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/storagetest"
)

type names struct{}

func (names) Chats(context.Context) ([]links.Named, error) {
	return []links.Named{{ID: "c1", Name: "Contoso"}, {ID: "c2", Name: "Fabrikam"}}, nil
}
func (names) Channels(context.Context) ([]links.Named, error) { return nil, nil }

// TestLinksOnAStore: on a store written as sync writes it, a synced link
// shows, an offline link and an unlink queue their operations and show as
// pending, Dynamics' unlink rules hold, and an account's timeline rolls up
// the chats of its cases.
func TestLinksOnAStore(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	const me, other = "aad-me", "aad-other"
	err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, u := range []storage.User{{ID: me, DisplayName: "Me"}, {ID: other, DisplayName: "Other"}} {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		if err := w.SetMe(me); err != nil {
			return err
		}
		for _, c := range []string{"c1", "c2"} {
			if err := w.PutChat(storage.Chat{ID: c, ChatType: "group", LastActivity: now}); err != nil {
				return err
			}
		}
		recs := []storage.Record{
			{Set: "systemusers", ID: "su-other", Fields: map[string]any{"azureactivedirectoryobjectid": other, "fullname": "Other"}},
			{Set: "accounts", ID: "acc", Fields: map[string]any{"name": "Contoso Ltd", "_ownerid_value": "su-other"}},
			{Set: "incidents", ID: "case", Fields: map[string]any{"title": "Printer offline", "ticketnumber": "CAS-01234-ABCDE", "prioritycode": 1.0, "_customerid_value": "acc", "_ownerid_value": "su-other"}},
			{Set: "chats", ID: "row1", Fields: map[string]any{"teamschatid": "c1", "_regardingobjectid_value": "acc", "regardingobjecttypecode": "account",
				"_linkedby_value": "su-other", "linkedon": now.Format(time.RFC3339), "subject": "Contoso"}},
		}
		for _, r := range recs {
			r.Modified = now
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := links.New(db, names{})
	views, err := svc.ForChat(ctx, "c1")
	if err != nil || len(views) != 1 || views[0].Sync != storage.LinkSynced || views[0].Record.Title != "Contoso Ltd" || views[0].By != "Other" {
		t.Fatalf("synced link: %+v %v", views, err)
	}
	// Someone else's link to someone else's account: Dynamics' default
	// rules (owner or linker) refuse the unlink, and nothing is queued.
	if _, err := svc.Unlink(ctx, "c1", "accounts", "acc"); !errors.Is(err, links.ErrNotAllowed) {
		t.Fatalf("unlink of another's link: %v, want ErrNotAllowed", err)
	}
	if ops, _ := db.Outbox(ctx); len(ops) != 0 {
		t.Fatalf("a refused unlink queued %+v", ops)
	}
	// Link chat 2 to the case offline: pending, and on the account's
	// timeline (a case rolls up under its customer).
	op, err := svc.Link(ctx, "c2", "incidents", "case")
	if err != nil || op.State != storage.OpPending {
		t.Fatalf("link: %+v %v", op, err)
	}
	views, err = svc.ForChat(ctx, "c2")
	if err != nil || len(views) != 1 || views[0].Sync != storage.OpPending || !views[0].CanUnlink {
		t.Fatalf("queued link: %+v %v", views, err)
	}
	if f := views[0].Record.Fields; len(f) < 3 || f[2].Label != "Priority" || f[2].Value != "High" {
		t.Fatalf("card fields: %+v", f)
	}
	tl, err := svc.Timeline(ctx, "accounts", "acc")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range tl {
		got[it.ChatID] = it.Via.Set
	}
	if len(got) != 2 || got["c1"] != "accounts" || got["c2"] != "incidents" {
		t.Fatalf("timeline: %v", got)
	}
	// The user linked it, so the user may unlink it again.
	if _, err := svc.Unlink(ctx, "c2", "incidents", "case"); err != nil {
		t.Fatalf("unlink of one's own link: %v", err)
	}
	if views, _ := svc.ForChat(ctx, "c2"); len(views) != 1 || views[0].Linked {
		t.Fatalf("after the unlink: %+v", views)
	}
	// A case number resolves, a part of a name too, an unknown type is invalid.
	if ref, err := svc.Resolve(ctx, "c2", "", "cas-01234-abcde", links.AmongLive); err != nil || ref.ID != "case" {
		t.Fatalf("resolve a case number: %+v %v", ref, err)
	}
	if _, err := svc.Resolve(ctx, "c2", "mars", "x", links.AmongLive); !errors.Is(err, links.ErrInvalid) {
		t.Fatalf("resolve with an unknown type: %v", err)
	}
}
