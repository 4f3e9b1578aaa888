package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestLinksService runs the Links service on a synced store: synced links
// and suggestions, an offline link, the unlink rules, the timeline's
// roll-up, and a push that leaves Dynamics as the user left it.
func TestLinksService(t *testing.T) {
	ctx := context.Background()
	rig, db, s := syncedLinks(t)

	// A chat Dynamics links to its customer's account.
	var chat, account string
	for _, row := range rig.Srv.Tenant().Rows("chats") {
		if row["regardingobjecttypecode"] == "account" {
			chat, _ = row["teamschatid"].(string)
			account, _ = row["_regardingobjectid_value"].(string)
			break
		}
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
	i := slices.IndexFunc(views, func(v links.LinkView) bool { return v.RecordID == incident })
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
	oldPriority := crm.Value(upd.Set, "prioritycode", upd.Fields)
	upd.Fields["prioritycode"] = float64(1 + int(upd.Fields["prioritycode"].(float64))%3)
	upd.Fields["description"] = "not a key field"
	upd.Modified = time.Now().Add(time.Minute).UTC()
	if err := db.Apply(ctx, func(w *storage.Writer) error { return w.PutRecord(upd) }); err != nil {
		t.Fatal(err)
	}
	views, _ = s.ForChat(chat)
	i = slices.IndexFunc(views, func(v links.LinkView) bool { return v.RecordID == incident })
	if n := views[i].Notices; len(n) != 1 || n[0].Label != "Priority" || n[0].Old != oldPriority || n[0].New != crm.Value(upd.Set, "prioritycode", upd.Fields) || n[0].Old == n[0].New {
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
	if _, err := s.SetSettings(links.LinkSettings{Rules: map[string]links.TypeRule{"accounts": {}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unlink(chat, "accounts", account); !errors.Is(err, links.ErrNotAllowed) || toError(err).Code != "permission_denied" {
		t.Fatalf("unlink without the right: %v", err)
	}
	if _, err := s.SetSettings(links.LinkSettings{Rules: map[string]links.TypeRule{"accounts": {}}, Privileged: true}); err != nil {
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

// TestJoinAndNotices: a colleague's chat linked to a case, which the user
// is not in, shows on the case's timeline with Join; the join is refused
// where Settings or the facts say no, queued once, pushed, and the next
// sync brings the chat in. Key-field notices follow the chosen fields,
// can be dismissed, and posted to the chat exactly once.
func TestJoinAndNotices(t *testing.T) {
	ctx := context.Background()
	rig, db, s := syncedLinks(t)
	w := rig.Srv.Tenant().World()
	h := w.Handovers[0]
	caseID := w.CaseID(h.Case)
	item := func() links.TimelineItem {
		t.Helper()
		tl, err := s.Timeline("incidents", caseID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(tl, func(it links.TimelineItem) bool { return it.ChatID == h.ID })
		if i < 0 {
			t.Fatalf("the handover chat is not on its case's timeline: %+v", tl)
		}
		return tl[i]
	}
	if it := item(); it.Member || !it.CanJoin || it.Join != nil || it.ChatName != h.Topic || it.LinkedBy == "" || it.LastMessage != nil {
		t.Fatalf("before joining: %+v", it)
	}
	// Refusals, each with its code.
	ls, _ := s.Settings()
	ls.Rules["incidents"] = links.TypeRule{OwnerMay: true, LinkerMay: true, Join: false}
	if _, err := s.SetSettings(ls); err != nil {
		t.Fatal(err)
	}
	if it := item(); it.CanJoin || !it.JoinOff {
		t.Fatalf("join turned off: %+v", it)
	}
	var member, memberCase string
	for _, row := range rig.Srv.Tenant().Rows("chats") {
		if row["regardingobjecttypecode"] == "account" {
			member, memberCase = row["teamschatid"].(string), row["_regardingobjectid_value"].(string)
		}
	}
	for _, tt := range []struct {
		name, chat, set, rec, code string
	}{
		{"turned off", h.ID, "incidents", caseID, "permission_denied"},
		{"not linked to that record", h.ID, "incidents", w.CaseID(w.Handovers[1].Case), "not_found"},
		{"unknown type", h.ID, "leads", caseID, "invalid_argument"},
		{"already in", member, "accounts", memberCase, "failed_precondition"},
	} {
		if _, err := s.Join(tt.chat, tt.set, tt.rec); toError(err).Code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	ls.Rules["incidents"] = links.TypeRule{OwnerMay: true, LinkerMay: true, Join: true}
	if _, err := s.SetSettings(ls); err != nil {
		t.Fatal(err)
	}
	op, err := s.Join(h.ID, "incidents", caseID)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Join(h.ID, "incidents", caseID); again.Seq != op.Seq {
		t.Fatalf("a second join queued #%d besides #%d", again.Seq, op.Seq)
	}
	if it := item(); it.Join == nil || it.Join.State != storage.OpPending {
		t.Fatalf("after asking to join: %+v", it)
	}
	if res, err := outbox.Push(ctx, db, rig.DV, rig.G, time.Now); err != nil || res.Done != 1 {
		t.Fatalf("push: %+v %v", res, err)
	}
	if it := item(); it.Join == nil || it.Join.State != storage.OpDone || it.Member {
		t.Fatalf("joined, not synced yet: %+v", it)
	}
	sync2 := enginetest.Connect(t, rig.Srv, db, engine.Options{})
	if _, err := sync2.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	if it := item(); !it.Member || it.LastMessage == nil || it.Join != nil {
		t.Fatalf("after the sync that brings the chat in: %+v", it)
	}

	// Notices: a status change of the case is one; the chosen key fields
	// decide (none for cases: nothing).
	recs, _ := db.Records(ctx, "incidents")
	upd := recs[slices.IndexFunc(recs, func(r storage.Record) bool { return r.ID == caseID })]
	upd.Fields["statuscode"] = float64(1 + int(upd.Fields["statuscode"].(float64))%4)
	upd.Modified = time.Now().Add(time.Minute).UTC()
	if err := db.Apply(ctx, func(wr *storage.Writer) error { return wr.PutRecord(upd) }); err != nil {
		t.Fatal(err)
	}
	notices := func() []links.Notice {
		t.Helper()
		views, err := s.ForChat(h.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(views, func(v links.LinkView) bool { return v.RecordID == caseID })
		if i < 0 {
			t.Fatalf("the joined chat's links: %+v", views)
		}
		return views[i].Notices
	}
	ns := notices()
	if len(ns) != 1 || ns[0].Label != "Status reason" {
		t.Fatalf("notices: %+v", ns)
	}
	ls.KeyFields = map[string][]string{"incidents": {"prioritycode"}}
	if _, err := s.SetSettings(ls); err != nil {
		t.Fatal(err)
	}
	if got := notices(); len(got) != 0 {
		t.Fatalf("with only priority as a key field: %+v", got)
	}
	ls.KeyFields = map[string][]string{"incidents": {"statuscode", "title <script>"}}
	if _, err := s.SetSettings(ls); toError(err).Code != "invalid_argument" {
		t.Fatalf("a bad column name: %v", err)
	}
	ls.KeyFields = map[string][]string{"incidents": {"statuscode", "prioritycode"}}
	if _, err := s.SetSettings(ls); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissNotices(h.ID, "incidents", caseID, ns[0].At.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := notices(); len(got) != 1 {
		t.Fatalf("dismissed before the notice: %+v", got)
	}
	post, err := s.PostNotices(h.ID, "incidents", caseID, ns[0].At)
	if err != nil {
		t.Fatal(err)
	}
	if got := notices(); len(got) != 0 || !strings.Contains(post.Body, "Status reason") || strings.Contains(post.Body, "<script") {
		t.Fatalf("after posting: notices %+v, body %q", got, post.Body)
	}
	if _, err := s.PostNotices(h.ID, "incidents", caseID, ns[0].At); toError(err).Code != "failed_precondition" {
		t.Fatalf("posting nothing: %v", err)
	}
	if res, err := outbox.Push(ctx, db, rig.DV, rig.G, time.Now); err != nil || res.Done != 1 {
		t.Fatalf("push the notice: %+v %v", res, err)
	}
	msgs, _ := rig.Srv.Tenant().Messages(h.ID)
	if last := msgs[len(msgs)-1]; last.AuthorID != w.Me.ID || last.HTML != post.Body {
		t.Fatalf("the chat's newest message: %+v", last)
	}
}

// TestLocalLinks: a channel thread and a single message are linked to a
// case in Rapport only: nothing is queued for Dynamics, the conversation
// lists them, the case's timeline shows them with their text, and only
// real thread roots and stored messages can be linked.
func TestLocalLinks(t *testing.T) {
	ctx := context.Background()
	_, db, s := syncedLinks(t)
	teams, _ := db.Teams(ctx)
	chans, _ := db.Channels(ctx, teams[0].ID)
	var reply storage.MessageWithBody
	for _, ch := range chans {
		ms, _ := db.Messages(ctx, ch.ID, time.Time{}, 200)
		if i := slices.IndexFunc(ms, func(m storage.MessageWithBody) bool { return m.ReplyTo != "" && m.Deleted == nil }); i >= 0 {
			reply = ms[i]
			break
		}
	}
	if reply.ID == "" {
		t.Fatal("no channel reply")
	}
	chats, _ := db.Chats(ctx)
	msgs, _ := db.Messages(ctx, chats[0].ID, time.Time{}, 1)
	cases, _ := db.Records(ctx, "incidents")
	caseID := cases[0].ID
	thread := storage.ThreadTarget(reply.ConvID, reply.ReplyTo)
	message := storage.MessageTarget(msgs[0].ConvID, msgs[0].ID)
	for _, tt := range []struct {
		name, target, code string
	}{
		{"a reply is not a thread", storage.ThreadTarget(reply.ConvID, reply.ID), "invalid_argument"},
		{"a chat has no threads", storage.ThreadTarget(msgs[0].ConvID, msgs[0].ID), "invalid_argument"},
		{"no such message", storage.MessageTarget(msgs[0].ConvID, "404"), "not_found"},
		{"thread", thread, ""},
		{"message", message, ""},
	} {
		op, err := s.Link(tt.target, "incidents", caseID)
		if got := ""; err != nil {
			got = toError(err).Code
			if got != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		} else if tt.code != "" || op.State != storage.OpLocal {
			t.Errorf("%s: %+v, want %q", tt.name, op, tt.code)
		}
	}
	if ops, _ := s.Outbox(); len(ops) != 0 {
		t.Fatalf("local links queued operations: %+v", ops)
	}
	views, err := s.ForConversation(reply.ConvID)
	if err != nil || len(views) != 1 || views[0].ChatID != thread || views[0].Sync != "local" || !views[0].CanUnlink || views[0].Record.Title == "" {
		t.Fatalf("the channel's links: %+v %v", views, err)
	}
	sugg, err := s.Suggest(thread)
	if err != nil || slices.ContainsFunc(sugg, func(sg links.Suggestion) bool { return sg.Card.ID == caseID }) {
		t.Fatalf("suggestions for the thread: %+v %v", sugg, err)
	}
	tl, err := s.Timeline("incidents", caseID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]links.TimelineItem{}
	for _, it := range tl {
		kinds[it.Kind] = it
	}
	if it := kinds["thread"]; !it.Local || it.ConvID != reply.ConvID || it.MessageID != reply.ReplyTo || it.LastMessage == nil || !strings.Contains(it.ChatName, " / ") {
		t.Fatalf("the thread on the timeline: %+v", it)
	}
	if it := kinds["message"]; !it.Local || it.MessageID != msgs[0].ID || it.LastMessage == nil || it.LastMessage.At != msgs[0].Created {
		t.Fatalf("the message on the timeline: %+v", it)
	}
	if _, err := s.PostNotices(thread, "incidents", caseID, time.Now()); toError(err).Code != "invalid_argument" {
		t.Fatalf("posting notices to a thread: %v", err)
	}
	if _, err := s.Unlink(message, "incidents", caseID); err != nil {
		t.Fatal(err)
	}
	if views, _ := s.ForConversation(msgs[0].ConvID); len(views) != 0 {
		t.Fatalf("after unlinking the message: %+v", views)
	}
}

// syncedLinks syncs a small tenant and opens a Core on a copy of the
// store: the tenant, the store and the Links service.
func syncedLinks(t *testing.T) (*enginetest.Rig, *storage.DB, *Links) {
	t.Helper()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	core := newCore(Config{DataDir: dir, Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	db, _ := core.store()
	return rig, db, core.Links
}

// TestLinkCommandFindsRecords runs `rapport link`, `unlink` and `join` on
// a synced store with the record named as users know it: the old SET
// RECORD-ID, SET:ID, a bare id, a case number, an account name (in words,
// unquoted), a contact's e-mail, an opportunity's name; exact matches win
// over records of another type containing the text, the same text on
// records of two types is ambiguous unless the type is given, several
// matches are listed (and as JSON) with nothing done, none says what was
// searched; unlink looks among the chat's links and join among Dynamics'
// links of the chat.
func TestLinkCommandFindsRecords(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	tn := rig.Srv.Tenant()
	w := tn.World()
	// Two chats no Dynamics row links: a and b.
	linkedInDV := map[string]bool{}
	for _, row := range tn.Rows("chats") {
		linkedInDV[row["teamschatid"].(string)] = true
	}
	var chats []string
	for _, c := range w.Chats {
		if !linkedInDV[c.ID] && slices.ContainsFunc(c.Members, func(m tenantsim.Member) bool { return m.UserID == w.Me.ID }) {
			chats = append(chats, c.ID)
		}
	}
	if len(chats) < 2 {
		t.Fatalf("chats not linked in Dynamics: %v", chats)
	}
	chatA, chatB := chats[0], chats[1]
	var cases []string // incident ids, in ticket order
	tickets := map[string]string{}
	for _, c := range w.Customers {
		for _, tk := range c.Cases {
			cases = append(cases, w.CaseID(tk))
			tickets[w.CaseID(tk)] = tk
		}
	}
	byShort := func(c *tenantsim.Customer) string { // an opportunity of the customer
		for _, r := range tn.Rows("opportunities") {
			if r["_parentaccountid_value"] == c.AccountID {
				return r["opportunityid"].(string)
			}
		}
		t.Fatalf("customer %s has no opportunity", c.Name)
		return ""
	}
	oppName := func(id string) string {
		for _, r := range tn.Rows("opportunities") {
			if r["opportunityid"] == id {
				return r["name"].(string)
			}
		}
		return ""
	}
	c0, c1, c2, c3 := w.Customers[0], w.Customers[1], w.Customers[2], w.Customers[3]
	var en *tenantsim.Customer
	for _, c := range w.Customers {
		if strings.Contains(c.Name, " ") {
			en = c
			break
		}
	}
	if en == nil || len(c0.Contacts) == 0 || len(w.Handovers) < 2 {
		t.Fatal("the tenant lacks an English customer, a contact or two handover chats")
	}
	// Records of another type with an account's text: an opportunity
	// whose name contains c1's name, and one named exactly like c2.
	contains, same := storage.NewID(), storage.NewID()
	now := time.Now().UTC()
	if err := rig.DB.Apply(ctx, func(wr *storage.Writer) error {
		if err := wr.PutRecord(storage.Record{Set: "opportunities", ID: contains, Modified: now,
			Fields: map[string]any{"name": c1.Name + " renewal 2027", "_parentaccountid_value": c1.AccountID}}); err != nil {
			return err
		}
		return wr.PutRecord(storage.Record{Set: "opportunities", ID: same, Modified: now,
			Fields: map[string]any{"name": c2.Name, "_parentaccountid_value": c2.AccountID}})
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, "--data-dir", dir), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	h := w.Handovers[0]
	opp3 := byShort(c3)
	queued := 0
	for _, tt := range []struct {
		name     string
		args     []string
		set, id  string   // the record acted on (success)
		stderr   []string // what the failure says
		listsAll []string // set:id of candidates the failure lists
	}{
		{"old form: SET RECORD-ID", []string{"link", chatA, "incidents", cases[0]}, "incidents", cases[0], nil, nil},
		{"SET:ID", []string{"link", chatA, "incidents:" + cases[1]}, "incidents", cases[1], nil, nil},
		{"a bare id, any case", []string{"link", chatA, strings.ToUpper(cases[2])}, "incidents", cases[2], nil, nil},
		{"case number", []string{"link", chatA, tickets[cases[3]]}, "incidents", cases[3], nil, nil},
		{"case: and a lower-case number", []string{"link", chatA, "case:" + strings.ToLower(tickets[cases[4]])}, "incidents", cases[4], nil, nil},
		{"account name, exact over an opportunity containing it", []string{"link", chatA, c1.Name}, "accounts", c1.AccountID, nil, nil},
		{"account name in words, unquoted", append([]string{"link", chatA}, strings.Fields(en.Name)...), "accounts", en.AccountID, nil, nil},
		{"contact e-mail", []string{"link", chatA, strings.ToUpper(c0.Contacts[0].Mail)}, "contacts", tenantsimContactID(tn, c0.Contacts[0].Mail), nil, nil},
		{"opportunity name", []string{"link", chatA, oppName(opp3)}, "opportunities", opp3, nil, nil},
		{"the same name on an account and an opportunity", []string{"link", chatA, c2.Name}, "", "",
			[]string{`2 records are exactly "` + c2.Name + `"`, "SET:ID"}, []string{"accounts:" + c2.AccountID, "opportunities:" + same}},
		{"the same name, type given", []string{"link", chatA, "accounts", c2.Name}, "accounts", c2.AccountID, nil, nil},
		{"part of names: several", []string{"link", chatA, c0.Short}, "", "",
			[]string{"records match " + strconv.Quote(c0.Short)}, []string{"accounts:" + c0.AccountID}},
		{"none", []string{"link", chatA, "no such record 4711"}, "", "",
			[]string{`no record matches "no such record 4711"`, "e-mails, names and ids were searched", "not found"}, nil},
		{"an unknown chat", []string{"link", "19:nope@thread.v2", tickets[cases[5]]}, "", "", []string{"chat 19:nope@thread.v2: not found"}, nil},
		{"an unknown type with an id", []string{"link", chatA, "leads", cases[5]}, "", "", []string{`record type "leads"`}, nil},
		{"link to b", []string{"link", chatB, tickets[cases[5]]}, "incidents", cases[5], nil, nil},
		{"unlink: among the chat's links, part of a number is enough", []string{"unlink", chatB, "CAS-"}, "incidents", cases[5], nil, nil},
		{"unlink: not among the chat's links", []string{"unlink", chatB, tickets[cases[6]]}, "", "",
			[]string{"among the records " + chatB + " is linked to"}, nil},
		{"join: among Dynamics' links of the chat", []string{"join", h.ID, h.Case}, "incidents", w.CaseID(h.Case), nil, nil},
		{"join: a case the chat is not linked to", []string{"join", h.ID, w.Handovers[1].Case}, "", "",
			[]string{"among the records Dynamics 365 links " + h.ID + " to"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(append(tt.args, "--json")...)
			if tt.set != "" {
				var op storage.Op
				if code != 0 || json.Unmarshal([]byte(out), &op) != nil || op.Set != tt.set || op.RecordID != tt.id || op.Seq == 0 {
					t.Fatalf("exit %d, %s, want %s(%s) queued\n%s", code, out, tt.set, tt.id, stderr)
				}
				queued++
				return
			}
			if code == 0 {
				t.Fatalf("exit 0: %s", out)
			}
			for _, want := range append(tt.stderr, tt.listsAll...) {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			var body struct {
				Error struct {
					Code       string            `json:"code"`
					Message    string            `json:"message"`
					Candidates []links.RecordRef `json:"candidates"`
					Total      int               `json:"total"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
				t.Fatalf("--json error %q: %v", out, err)
			}
			for _, want := range tt.listsAll {
				if !slices.ContainsFunc(body.Error.Candidates, func(c links.RecordRef) bool { return c.Set+":"+c.ID == want && c.Title != "" }) {
					t.Errorf("JSON candidates lack %s: %+v", want, body.Error.Candidates)
				}
			}
			if len(tt.listsAll) > 0 && (body.Error.Code != "ambiguous" || body.Error.Total < len(tt.listsAll)) {
				t.Errorf("JSON error %+v", body.Error)
			}
		})
	}
	// Without --json the candidates go to stderr, one a line, and stdout
	// stays empty.
	code, out, stderr := run("link", chatA, c2.Name)
	if code == 0 || out != "" || strings.Count(stderr, "\n  ") != 2 {
		t.Errorf("ambiguous without --json: exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
	// Failures queued nothing.
	code, out, _ = run("outbox", "--json")
	var ops []storage.Op
	if code != 0 || json.Unmarshal([]byte(out), &ops) != nil || len(ops) != queued {
		t.Fatalf("outbox: %d operations, want %d\n%s", len(ops), queued, out)
	}
}

// tenantsimContactID is the contactid of the contact with an e-mail.
func tenantsimContactID(tn *tenantsim.Tenant, mail string) string {
	for _, r := range tn.Rows("contacts") {
		if r["emailaddress1"] == mail {
			return r["contactid"].(string)
		}
	}
	return ""
}

// TestLinksAgreeWithRecordSearch: the Linked records panel and a record:
// search say the same about which chats are linked to a record, through
// storage.Overlay, for a queued unlink of a synced link, a relink, a link
// to a record of another type with the same id, and a conflict.
func TestLinksAgreeWithRecordSearch(t *testing.T) {
	ctx := context.Background()
	_, db, s := syncedLinks(t)
	core := s.c
	chats, err := db.Chats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var withMessages []string
	for _, c := range chats {
		if ms, _ := db.Messages(ctx, c.ID, time.Time{}, 1); len(ms) == 1 {
			withMessages = append(withMessages, c.ID)
		}
	}
	if len(withMessages) < 4 {
		t.Fatal("too few chats with messages")
	}
	now := time.Now().UTC()
	sharedID := storage.NewID()
	type rec struct{ set, id, title string }
	recs := []rec{
		{"accounts", storage.NewID(), "Quokka Unlinked Holdings"},
		{"accounts", storage.NewID(), "Quokka Relinked Trading"},
		{"accounts", sharedID, "Quokka Same Id Account"},
		{"incidents", sharedID, "Quokka same id case"},
		{"accounts", storage.NewID(), "Quokka Conflict Partners"},
	}
	row := func(chat, logical, id string) storage.Record {
		return storage.Record{Set: "chats", ID: storage.NewID(), Modified: now, Fields: map[string]any{
			"teamschatid": chat, "_regardingobjectid_value": id, "regardingobjecttypecode": logical, "subject": "agreement", "linkedon": now.Format(time.RFC3339)}}
	}
	err = db.Apply(ctx, func(w *storage.Writer) error {
		for _, r := range recs {
			if err := w.PutRecord(storage.Record{Set: r.set, ID: r.id, Modified: now, Fields: map[string]any{"name": r.title, "title": r.title}}); err != nil {
				return err
			}
		}
		for _, r := range []storage.Record{row(withMessages[0], "account", recs[0].id), row(withMessages[1], "account", recs[1].id), row(withMessages[2], "incident", sharedID)} {
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The user may unlink what others linked (a privileged role).
	ls, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	ls.Privileged = true
	if _, err := s.SetSettings(ls); err != nil {
		t.Fatal(err)
	}
	// 1: unlink the synced link (queued). 2: unlink and link again (queued).
	// 3: Dynamics links chat 3 to the case, not the account with its id.
	// 4: a link Dynamics answered with a conflict.
	must := func(_ storage.Op, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Unlink(withMessages[0], "accounts", recs[0].id))
	must(s.Unlink(withMessages[1], "accounts", recs[1].id))
	must(s.Link(withMessages[1], "accounts", recs[1].id))
	op, err := s.Link(withMessages[3], "accounts", recs[4].id)
	must(op, err)
	must(db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error {
		o.State, o.Error = storage.OpConflict, "the record no longer exists in Dynamics 365"
		return nil
	}))
	if err := core.openIndex(); err != nil {
		t.Fatal(err)
	}
	ix, err := core.searchIndex()
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		chat string
		rec  rec
		want bool
	}{
		{"queued unlink of a synced link", withMessages[0], recs[0], false},
		{"relink", withMessages[1], recs[1], true},
		{"another type's record with the same id", withMessages[2], recs[2], false},
		{"the record Dynamics links", withMessages[2], recs[3], true},
		{"conflict", withMessages[3], recs[4], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			views, err := s.ForChat(tt.chat)
			if err != nil {
				t.Fatal(err)
			}
			panel := slices.ContainsFunc(views, func(v links.LinkView) bool {
				return v.Set == tt.rec.set && v.RecordID == tt.rec.id && v.Linked
			})
			res, err := core.Search.Query(search.Request{Q: `record:"` + tt.rec.title + `"`, Size: 200})
			if err != nil || res.QueryError != nil {
				t.Fatalf("search: %v %+v", err, res.QueryError)
			}
			found := slices.ContainsFunc(res.Hits, func(h search.Hit) bool { return h.Conv != nil && h.Conv.ID == tt.chat })
			if panel != tt.want || found != tt.want {
				t.Fatalf("linked: panel %v, record: search %v, want %v (views %+v)", panel, found, tt.want, views)
			}
		})
	}
}
