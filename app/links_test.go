package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestUnlinkRules: one row per combination of owner / linker /
// privileged / the two toggles.
func TestUnlinkRules(t *testing.T) {
	for _, ownerMay := range []bool{false, true} {
		for _, linkerMay := range []bool{false, true} {
			for _, owner := range []bool{false, true} {
				for _, linker := range []bool{false, true} {
					for _, priv := range []bool{false, true} {
						want := priv || ownerMay && owner || linkerMay && linker
						ok, why := unlinkAllowed(UnlinkRule{OwnerMay: ownerMay, LinkerMay: linkerMay}, owner, linker, priv)
						if ok != want || ok != (why == "") {
							t.Errorf("ownerMay=%v linkerMay=%v owner=%v linker=%v privileged=%v: %v %q, want %v",
								ownerMay, linkerMay, owner, linker, priv, ok, why, want)
						}
					}
				}
			}
		}
	}
	_, why := unlinkAllowed(UnlinkRule{OwnerMay: true}, false, true, false)
	if why != "Only the record's owner, a system administrator or customizer can unlink this chat." {
		t.Errorf("reason: %q", why)
	}
}

// TestLinksService runs the Links service on a synced store: synced links
// and suggestions, an offline link, the unlink rules, the timeline's
// roll-up, and a push that leaves Dynamics as the user left it.
func TestLinksService(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	core := newCore(Config{DataDir: dir, Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	db, _ := core.store()
	s := core.Links

	// A chat Dynamics links to its customer's account.
	var chat, account string
	for _, row := range rig.Srv.Tenant().Rows("chats") {
		chat, _ = row["teamschatid"].(string)
		account, _ = row["_regardingobjectid_value"].(string)
		break
	}
	views, err := s.ForChat(chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 || views[0].RecordID != account || views[0].Sync != "synced" || views[0].Record.Title == "" {
		t.Fatalf("synced links of %s: %+v", chat, views)
	}
	// Suggestions leave the linked account out and explain themselves.
	sugg, err := s.Suggest(chat)
	if err != nil {
		t.Fatal(err)
	}
	for _, sg := range sugg {
		if sg.Card.ID == account || !slices.Contains([]string{"contact", "domain", "case-number"}, sg.Why) {
			t.Errorf("suggestion %+v", sg)
		}
	}
	// Link a case of that account offline: pending, on a card with the
	// case's default fields.
	var incident string
	for _, r := range rig.Srv.Tenant().Rows("incidents") {
		if r["_customerid_value"] == account {
			incident = r["incidentid"].(string)
			break
		}
	}
	if incident == "" {
		t.Fatal("the account has no case")
	}
	if _, err := s.Link(chat, "incidents", incident); err != nil {
		t.Fatal(err)
	}
	views, _ = s.ForChat(chat)
	i := slices.IndexFunc(views, func(v LinkView) bool { return v.RecordID == incident })
	if i < 0 || views[i].Sync != "pending" || len(views[i].Record.Fields) < 4 || views[i].Record.Fields[1].Label != "Case number" {
		t.Fatalf("after linking: %+v", views)
	}
	if me, _ := db.Me(ctx); views[i].By == "" || views[i].By == me {
		t.Errorf("linked by %q: want the user's name", views[i].By)
	}
	// Sync brings a change of the case's priority: the chat's card says so.
	recs, _ := db.Records(ctx, "incidents")
	ri := slices.IndexFunc(recs, func(r storage.Record) bool { return r.ID == incident })
	upd := recs[ri]
	oldPriority := fieldText(upd, "prioritycode")
	upd.Fields["prioritycode"] = float64(1 + int(upd.Fields["prioritycode"].(float64))%3)
	upd.Fields["description"] = "not a key field"
	upd.Modified = time.Now().Add(time.Minute).UTC()
	if err := db.Apply(ctx, func(w *storage.Writer) error { return w.PutRecord(upd) }); err != nil {
		t.Fatal(err)
	}
	views, _ = s.ForChat(chat)
	i = slices.IndexFunc(views, func(v LinkView) bool { return v.RecordID == incident })
	if n := views[i].Notices; len(n) != 1 || n[0].Label != "Priority" || n[0].Old != oldPriority || n[0].New != fieldText(upd, "prioritycode") || n[0].Old == n[0].New {
		t.Fatalf("notices after a priority change: %+v", views[i].Notices)
	}
	// The account's timeline shows the chat twice: linked to the account,
	// and through the case.
	tl, err := s.Timeline("accounts", account)
	if err != nil {
		t.Fatal(err)
	}
	via := map[string]bool{}
	for _, it := range tl {
		if it.ChatID == chat {
			via[it.Via.Set] = true
		}
		if it.LastMessage == nil || it.ChatName == "" {
			t.Errorf("timeline item without its chat's last message: %+v", it)
		}
	}
	if !via["accounts"] || !via["incidents"] {
		t.Fatalf("timeline of the account: %+v", tl)
	}
	// Unlink rules: nobody but a privileged role may unlink here.
	if _, err := s.SetSettings(LinkSettings{Rules: map[string]UnlinkRule{"accounts": {}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unlink(chat, "accounts", account); !errors.Is(err, errPermission) || toError(err).Code != "permission_denied" {
		t.Fatalf("unlink without the right: %v", err)
	}
	if _, err := s.SetSettings(LinkSettings{Rules: map[string]UnlinkRule{"accounts": {}}, Privileged: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unlink(chat, "accounts", account); err != nil {
		t.Fatalf("unlink as a privileged role: %v", err)
	}
	// Push: Dynamics ends with the case linked and the account not.
	res, err := outbox.Push(ctx, db, rig.DV, rig.G, time.Now)
	if err != nil || res.Done != 2 {
		t.Fatalf("push: %+v %v", res, err)
	}
	var got []string
	for _, row := range rig.Srv.Tenant().Rows("chats") {
		if row["teamschatid"] == chat {
			got = append(got, row["_regardingobjectid_value"].(string))
		}
	}
	if !slices.Equal(got, []string{incident}) {
		t.Fatalf("Dynamics links of the chat: %v, want only %s", got, incident)
	}
	ops, _ := s.Outbox()
	if len(ops) != 2 || ops[0].Kind != storage.OpUnlink || ops[0].State != storage.OpDone || ops[0].ChatName == "" {
		t.Fatalf("outbox: %+v", ops)
	}
}
