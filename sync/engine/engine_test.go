package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

var ctx = context.Background()

type rig = enginetest.Rig

func newRig(t *testing.T, opts tenantsim.Options, eopts engine.Options) *rig {
	return enginetest.New(t, opts, eopts)
}

// converged compares the store with the tenant's ground truth, field by
// field, and reports every difference.
func converged(t *testing.T, r *rig) {
	t.Helper()
	tn := r.Srv.Tenant()
	w := tn.World()
	graphBase := r.Srv.URLs().Graph + "/v1.0"
	var problems []string
	bad := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }

	teams, _ := r.DB.Teams(ctx)
	if len(teams) != len(w.Teams) {
		bad("teams: %d stored, tenant has %d", len(teams), len(w.Teams))
	}
	for _, tm := range w.Teams {
		chs, _ := r.DB.Channels(ctx, tm.ID)
		if len(chs) != len(tm.Channels) {
			bad("team %s: %d channels stored, %d in tenant", tm.DisplayName, len(chs), len(tm.Channels))
		}
		sameMembers(bad, r.DB, tm.ID, tm.Members)
		for _, ch := range tm.Channels {
			if ch.MembershipType == "private" {
				sameMembers(bad, r.DB, ch.ID, ch.Members)
			}
		}
	}
	chats, _ := r.DB.Chats(ctx)
	if len(chats) != len(w.Chats) {
		bad("chats: %d stored, tenant has %d", len(chats), len(w.Chats))
	}
	for _, c := range w.Chats {
		sameMembers(bad, r.DB, c.ID, c.Members)
	}
	for _, conv := range tn.Conversations() {
		truth, _ := tn.Messages(conv)
		stored, err := r.DB.Messages(ctx, conv, time.Time{}, 0)
		if err != nil {
			bad("messages of %s: %v", conv, err)
			continue
		}
		byID := map[string]storage.MessageWithBody{}
		for _, m := range stored {
			if _, dup := byID[m.ID]; dup {
				bad("%s: message %s stored twice", conv, m.ID)
			}
			byID[m.ID] = m
		}
		if len(stored) != len(truth) {
			bad("%s: %d messages stored, tenant has %d", conv, len(stored), len(truth))
		}
		for _, m := range truth {
			s, ok := byID[m.ID]
			switch {
			case !ok:
				bad("%s: message %s missing", conv, m.ID)
			case !s.Modified.Equal(m.LastModified) || !s.Created.Equal(m.Created):
				bad("%s/%s: times %v/%v, tenant %v/%v", conv, m.ID, s.Created, s.Modified, m.Created, m.LastModified)
			case (s.Deleted == nil) != (m.Deleted == nil):
				bad("%s/%s: deleted %v, tenant %v", conv, m.ID, s.Deleted != nil, m.Deleted != nil)
			case s.ReplyTo != m.ReplyToID || s.FromID != m.AuthorID || s.Importance != m.Importance:
				bad("%s/%s: reply/author/importance differ", conv, m.ID)
			case m.Deleted == nil && m.Type == "message" && s.Body.Raw != strings.ReplaceAll(m.HTML, "{{graph}}", graphBase):
				bad("%s/%s: body differs", conv, m.ID)
			case len(s.Reactions) != len(m.Reactions) || len(s.Attachments) != len(m.Attachments) || len(s.Mentions) != len(m.Mentions):
				bad("%s/%s: reactions/attachments/mentions differ", conv, m.ID)
			case m.App != nil && s.FromName != m.App.DisplayName:
				bad("%s/%s: from %q, tenant's app %q", conv, m.ID, s.FromName, m.App.DisplayName)
			case !sameCards(s.Body.Cards, m.Attachments):
				bad("%s/%s: cards %+v, tenant %+v", conv, m.ID, s.Body.Cards, m.Attachments)
			}
		}
	}
	for _, set := range []string{"accounts", "contacts", "incidents", "opportunities", "knowledgearticles", "systemusers", "chats"} {
		rows := tn.Rows(set)
		recs, _ := r.DB.Records(ctx, set)
		live := map[string]storage.Record{}
		for _, rc := range recs {
			if rc.Deleted == nil {
				live[rc.ID] = rc
			}
		}
		if len(live) != len(rows) {
			bad("records %s: %d stored, tenant has %d", set, len(live), len(rows))
		}
		for _, row := range rows {
			id := fmt.Sprint(row[keyOf(set)])
			if rc, ok := live[id]; !ok || rc.ETag != row["@odata.etag"] {
				bad("records %s/%s: missing or stale", set, id)
			}
		}
	}
	if len(problems) > 0 {
		if len(problems) > 15 {
			problems = append(problems[:15], fmt.Sprintf("… and %d more", len(problems)-15))
		}
		t.Fatalf("store differs from the tenant:\n%s", strings.Join(problems, "\n"))
	}
}

// sameCards reports whether the stored cards are the tenant's card
// attachments, content and all.
func sameCards(stored []storage.Card, atts []tenantsim.Attachment) bool {
	var want []storage.Card
	for _, a := range atts {
		if !a.IsFile() {
			want = append(want, storage.Card{ID: a.ID, ContentType: a.Card, Content: a.Content})
		}
	}
	return fmt.Sprint(stored) == fmt.Sprint(want)
}

func keyOf(set string) string {
	return map[string]string{"accounts": "accountid", "contacts": "contactid", "incidents": "incidentid", "opportunities": "opportunityid",
		"knowledgearticles": "knowledgearticleid", "systemusers": "systemuserid", "chats": "activityid"}[set]
}

func sameMembers(bad func(string, ...any), db *storage.DB, container string, want []tenantsim.Member) {
	got, _ := db.Members(ctx, container)
	g := map[string]string{}
	for _, m := range got {
		g[m.UserID] = strings.Join(m.Roles, ",")
	}
	w := map[string]string{}
	for _, m := range want {
		w[m.UserID] = strings.Join(m.Roles, ",")
	}
	if fmt.Sprint(sortedKV(g)) != fmt.Sprint(sortedKV(w)) {
		bad("members of %s: %v, tenant %v", container, sortedKV(g), sortedKV(w))
	}
}

func sortedKV(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func TestFullSyncThenIncrementalRoundsConverge(t *testing.T) {
	r := newRig(t, tenantsim.Options{Seed: 21, Size: tenantsim.Medium}, engine.Options{})
	p, err := r.Eng.Run(ctx, engine.RoundOptions{})
	if err != nil {
		t.Fatalf("full sync: %v", err)
	}
	t.Logf("full sync: %d messages, %d records, %d requests in %v", p.Messages, p.Records, p.Requests, time.Since(p.Started).Round(time.Millisecond))
	converged(t, r)
	// Inline images were fetched and kept for offline display.
	images, missing := 0, 0
	for _, conv := range r.Srv.Tenant().Conversations() {
		ms, _ := r.DB.Messages(ctx, conv, time.Time{}, 0)
		for _, m := range ms {
			for _, id := range m.Hosted {
				images++
				if b, err := r.DB.Hosted(ctx, conv, m.ID, id); err != nil || len(b) < 8 || string(b[1:4]) != "PNG" {
					missing++
				}
			}
		}
	}
	if images == 0 || missing != 0 {
		t.Fatalf("inline images: %d referenced, %d not stored", images, missing)
	}

	// An idle round writes nothing and fetches no chat messages.
	p, err = r.Eng.Run(ctx, engine.RoundOptions{})
	if err != nil || p.Messages != 0 || p.Records != 0 {
		t.Fatalf("idle round: %+v, %v", p, err)
	}

	// The tenant moves on: new messages, a reply, edits, deletions, a
	// reaction, CRM changes.
	tn := r.Srv.Tenant()
	w := tn.World()
	chat, team := w.Chats[0], w.Teams[0]
	channel := team.Channels[2]
	guest := w.Customers[0].Contacts[0].ID
	chatMsgs, _ := tn.Messages(chat.ID)
	chanMsgs, _ := tn.Messages(channel.ID)
	must := func(_ *tenantsim.Message, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tn.Post(chat.ID, "", guest, "<p>【紧急】第二期付款发票什么时候开？</p>"))
	must(tn.Edit(chat.ID, chatMsgs[len(chatMsgs)/2].ID, "<p>改：下周三交付</p>"))
	must(tn.Delete(chat.ID, chatMsgs[len(chatMsgs)/3].ID))
	must(tn.React(chat.ID, chatMsgs[len(chatMsgs)-1].ID, guest, "heart"))
	must(tn.Post(channel.ID, "", guest, "<p>设备报警 E-1042 又出现了</p>"))
	var root string
	for _, m := range chanMsgs {
		if m.ReplyToID == "" && m.Type == "message" {
			root = m.ID
		}
	}
	must(tn.Post(channel.ID, root, w.Me.ID, "<p>收到，我跟进一下。</p>"))
	must(tn.Delete(channel.ID, chanMsgs[len(chanMsgs)-1].ID))
	inc := tn.Rows("incidents")
	if err := tn.UpdateRow("incidents", inc[0]["incidentid"].(string), tenantsim.Row{"statecode": 1, "statuscode": 5}); err != nil {
		t.Fatal(err)
	}
	if err := tn.DeleteRow("opportunities", tn.Rows("opportunities")[0]["opportunityid"].(string)); err != nil {
		t.Fatal(err)
	}
	// Edits to old chat messages do not move the chat's activity: a full
	// round catches them.
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{Full: true}); err != nil {
		t.Fatalf("incremental round: %v", err)
	}
	converged(t, r)
	recs, _ := r.DB.Records(ctx, "opportunities")
	tombstones := 0
	for _, rc := range recs {
		if rc.Deleted != nil {
			tombstones++
		}
	}
	if tombstones != 1 {
		t.Fatalf("deleted opportunity kept as %d tombstones, want 1", tombstones)
	}
	// The deleted chat message is a tombstone that still holds its text.
	ms, _ := r.DB.Messages(ctx, chat.ID, time.Time{}, 0)
	for _, m := range ms {
		if m.ID == chatMsgs[len(chatMsgs)/3].ID && (m.Deleted == nil || (m.Body.Retained == "" && chatMsgs[len(chatMsgs)/3].HTML != "")) {
			t.Fatalf("deleted message: %+v", m)
		}
	}
}

func TestCancelledSyncResumesWithoutLossOrDuplicates(t *testing.T) {
	for _, stopAfter := range []int{3, 15, 40} {
		t.Run(fmt.Sprintf("cancel after %d pages", stopAfter), func(t *testing.T) {
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			r := newRig(t, tenantsim.Options{Seed: 22, Size: tenantsim.Small}, engine.Options{Workers: 2, Report: func(p engine.Progress) {
				// The later cuts also wait for some messages to be in, so
				// they fall mid-history whatever order the listings took.
				if p.Requests >= stopAfter && (stopAfter <= 10 || p.Messages > 0) {
					cancel()
				}
			}})
			if _, err := r.Eng.Run(c, engine.RoundOptions{}); !errors.Is(err, context.Canceled) {
				t.Fatalf("first round: %v, want canceled", err)
			}
			st, _ := r.DB.Status(ctx)
			if st.Messages == 0 && stopAfter > 10 {
				t.Fatalf("nothing stored before the cancel")
			}
			if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
				t.Fatalf("resumed round: %v", err)
			}
			converged(t, r)
		})
	}
}

func TestExpiredDeltaTokensResyncCleanly(t *testing.T) {
	r := newRig(t, tenantsim.Options{Seed: 23, Size: tenantsim.Small}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	tn := r.Srv.Tenant()
	ch := tn.World().Teams[1].Channels[1]
	if _, err := tn.Post(ch.ID, "", tn.World().Me.ID, "<p>after expiry</p>"); err != nil {
		t.Fatal(err)
	}
	tn.ExpireDeltaTokens()
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatalf("round after expiry: %v", err)
	}
	converged(t, r)
	cs, _ := r.DB.Cursors(ctx)
	if slices.ContainsFunc(cs, func(c storage.Cursor) bool { return c.State == "error" }) {
		t.Fatal("a cursor is left in error after the resync")
	}
}

// Staying current is cheap: an idle quick round is one chat listing, and a
// new chat message costs one more request.
func TestQuickRounds(t *testing.T) {
	r := newRig(t, tenantsim.Options{Seed: 24, Size: tenantsim.Small}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := r.Eng.Run(ctx, engine.RoundOptions{Quick: true})
	if err != nil || p.Requests != 1 || p.Messages != 0 {
		t.Fatalf("idle quick round: %d requests, %d messages, %v; want 1 listing and nothing else", p.Requests, p.Messages, err)
	}
	tn := r.Srv.Tenant()
	chat := tn.World().Chats[3]
	posted, err := tn.Post(chat.ID, "", chat.Members[len(chat.Members)-1].UserID, "<p>新的付款问题</p>")
	if err != nil {
		t.Fatal(err)
	}
	p, err = r.Eng.Run(ctx, engine.RoundOptions{Quick: true})
	if err != nil || p.Requests != 2 || p.Messages != 1 {
		t.Fatalf("quick round after a new message: %d requests, %d messages, %v; want 2 and 1", p.Requests, p.Messages, err)
	}
	ms, _ := r.DB.Messages(ctx, chat.ID, time.Time{}, 1)
	if len(ms) != 1 || ms[0].ID != posted.ID || ms[0].Body.Raw != "<p>新的付款问题</p>" {
		t.Fatalf("newest stored message %+v", ms)
	}
}
