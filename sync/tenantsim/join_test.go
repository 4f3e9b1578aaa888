package tenantsim_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestJoinLinkedChat: a handover chat Me is not in is linked to its case;
// JoinLinkedChat adds Me only for that link, only as themselves, never
// for a guest, and joining twice is harmless. Afterwards the chat and its
// whole history are Me's to read.
func TestJoinLinkedChat(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	w := srv.Tenant().World()
	if len(w.Handovers) == 0 {
		t.Fatal("the small world has no handover chats")
	}
	h := w.Handovers[0]
	other := w.Handovers[len(w.Handovers)-1]
	if slices.ContainsFunc(h.Members, func(m tenantsim.Member) bool { return m.UserID == w.Me.ID }) {
		t.Fatal("Me is already in the handover chat")
	}
	dv := newDV(t, srv)
	_, who := dv.do("GET", "/WhoAmI", nil, nil)
	me, _ := who["UserId"].(string)
	body := func(user, chat, caseNo string) map[string]any {
		return map[string]any{"UserId": user, "TeamsChatId": chat,
			"RegardingEntity": map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.incident", "incidentid": w.CaseID(caseNo)}}
	}
	colleague := w.SystemUserID(w.Customers[h.Customer].Owner.ID)
	for _, tt := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"someone else", body(colleague, h.ID, h.Case), 403},
		{"not linked to that case", body(me, h.ID, other.Case), 404},
		{"no such chat", body(me, "19:nothing@thread.v2", h.Case), 404},
		{"unknown record type", map[string]any{"UserId": me, "TeamsChatId": h.ID, "RegardingEntity": map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.lead"}}, 400},
		{"join", body(me, h.ID, h.Case), 204},
		{"join again", body(me, h.ID, h.Case), 204},
	} {
		if resp, doc := dv.do("POST", "/JoinLinkedChat", tt.body, nil); resp.StatusCode != tt.want {
			t.Errorf("%s: %d %v, want %d", tt.name, resp.StatusCode, doc, tt.want)
		}
	}
	g := newGraph(t, srv, signIn(t, srv, srv.URLs().GraphResource+"/.default").AccessToken)
	members, err := g.chats().ByChatId(h.ID).Members().Get(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range members.GetValue() {
		if u, ok := m.(models.AadUserConversationMemberable); ok && *u.GetUserId() == w.Me.ID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("Me is %d times a member of the joined chat", n)
	}
	msgs, err := g.chats().ByChatId(h.ID).Messages().Get(context.Background(), nil)
	if err != nil || len(msgs.GetValue()) == 0 {
		t.Fatalf("the joined chat's history: %v", err)
	}

	// A guest may not join.
	guest := w.Customers[h.Customer].Contacts[0]
	srv.Tenant().SignInAs(guest.ID)
	gdv := newDV(t, srv)
	_, gwho := gdv.do("GET", "/WhoAmI", nil, nil)
	gid, _ := gwho["UserId"].(string)
	if resp, _ := gdv.do("POST", "/JoinLinkedChat", body(gid, other.ID, other.Case), nil); resp.StatusCode != 403 {
		t.Fatalf("a guest joined: %d", resp.StatusCode)
	}
}

// TestPostChatMessage: a member posts to a chat through the SDK and reads
// it back as the newest message; a non-member is refused.
func TestPostChatMessage(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	w := srv.Tenant().World()
	g := newGraph(t, srv, signIn(t, srv, srv.URLs().GraphResource+"/.default").AccessToken)
	ctx := context.Background()
	post := func(chat, html string) (models.ChatMessageable, error) {
		m := models.NewChatMessage()
		b := models.NewItemBody()
		ct := models.HTML_BODYTYPE
		b.SetContentType(&ct)
		b.SetContent(&html)
		m.SetBody(b)
		return g.chats().ByChatId(chat).Messages().Post(ctx, m, nil)
	}
	chat := w.Chats[0].ID
	sent, err := post(chat, "<p>Case <b>CAS-1</b>: priority High → Low</p>")
	if err != nil || sent.GetFrom().GetUser().GetId() == nil || *sent.GetFrom().GetUser().GetId() != w.Me.ID {
		t.Fatalf("post: %v", err)
	}
	got, err := g.chats().ByChatId(chat).Messages().Get(ctx, nil)
	if err != nil || len(got.GetValue()) == 0 || *got.GetValue()[0].GetId() != *sent.GetId() ||
		!strings.Contains(*got.GetValue()[0].GetBody().GetContent(), "priority High") {
		t.Fatalf("the posted message is not the newest: %v", err)
	}
	_, err = post(w.Handovers[0].ID, "<p>hello</p>")
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) || oe.ResponseStatusCode != 403 {
		t.Fatalf("posting to a chat Me is not in: %v", err)
	}
}
