package tenantsim_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

func TestChatMessageFilterRules(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 6})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	chat := tn.World().Chats[0]
	truth, _ := tn.Messages(chat.ID)
	mid := truth[len(truth)/2].LastModified
	get := func(orderby, filter string) ([]models.ChatMessageable, error) {
		q := &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(50)), Orderby: []string{orderby}}
		if filter != "" {
			q.Filter = ptr(filter)
		}
		res, err := g.chats().ByChatId(chat.ID).Messages().Get(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{QueryParameters: q})
		if err != nil {
			return nil, err
		}
		return res.GetValue(), nil
	}
	since := mid.UTC().Format("2006-01-02T15:04:05.000Z")
	got, err := get("lastModifiedDateTime desc", "lastModifiedDateTime gt "+since)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range truth {
		if m.LastModified.After(mid) {
			want++
		}
	}
	if len(got) != min(want, 50) {
		t.Fatalf("lastModifiedDateTime gt: %d messages, want %d", len(got), min(want, 50))
	}
	for _, m := range got {
		if !m.GetLastModifiedDateTime().After(mid) {
			t.Fatal("filter let an older message through")
		}
	}
	// A filter on another property than $orderby is silently ignored.
	got, err = get("createdDateTime desc", "lastModifiedDateTime gt "+since)
	if err != nil || len(got) != min(len(truth), 50) {
		t.Fatalf("ignored filter: %d messages, %v", len(got), err)
	}
	// Ascending order is refused.
	if _, err := get("createdDateTime asc", ""); statusOf(err) != 400 {
		t.Fatalf("ascending: %v, want 400", err)
	}
}

func TestSystemMessagesNeedPreferForTheirType(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 6})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	chat := srv.Tenant().World().Chats[0]
	truth, _ := srv.Tenant().Messages(chat.ID)
	first := truth[0] // every conversation opens with "members added"
	m, err := g.chats().ByChatId(chat.ID).Messages().ByChatMessageId(first.ID).Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *m.GetMessageType() != models.UNKNOWNFUTUREVALUE_CHATMESSAGETYPE {
		t.Fatalf("without Prefer: messageType %v, want unknownFutureValue", m.GetMessageType().String())
	}
	if _, ok := m.GetEventDetail().(models.MembersAddedEventMessageDetailable); !ok {
		t.Fatalf("eventDetail %T, want membersAddedEventMessageDetail", m.GetEventDetail())
	}
	cfg := &chats.ItemMessagesChatMessageItemRequestBuilderGetRequestConfiguration{Headers: nil}
	cfg.Headers = newHeaders("Prefer", "include-unknown-enum-members")
	m, err = g.chats().ByChatId(chat.ID).Messages().ByChatMessageId(first.ID).Get(ctx, cfg)
	if err != nil || *m.GetMessageType() != models.SYSTEMEVENTMESSAGE_CHATMESSAGETYPE {
		t.Fatalf("with Prefer: %v %v", err, m.GetMessageType())
	}
}

func TestHostedContentAndReplies(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1, Size: tenantsim.Medium})
	tok := signIn(t, srv).AccessToken
	g := newGraph(t, srv, tok)
	tn := srv.Tenant()
	// Find a chat message with an inline image and fetch it as the UI will.
	for _, c := range tn.World().Chats {
		msgs, _ := tn.Messages(c.ID)
		for _, m := range msgs {
			if len(m.Hosted) == 0 {
				continue
			}
			b, err := g.chats().ByChatId(c.ID).Messages().ByChatMessageId(m.ID).HostedContents().ByChatMessageHostedContentId(m.Hosted[0]).Content().Get(ctx, nil)
			if err != nil || len(b) < 8 || string(b[1:4]) != "PNG" {
				t.Fatalf("hosted content: %v (%d bytes)", err, len(b))
			}
			body, _ := g.chats().ByChatId(c.ID).Messages().ByChatMessageId(m.ID).Get(ctx, nil)
			if !strings.Contains(*body.GetBody().GetContent(), g.base+"/chats/") {
				t.Fatalf("inline image URL does not point at Graph: %s", *body.GetBody().GetContent())
			}
			goto replies
		}
	}
	t.Fatal("no chat message with an inline image in the medium world")
replies:
	team := tn.World().Teams[0]
	for _, ch := range team.Channels {
		msgs, _ := tn.Messages(ch.ID)
		for _, m := range msgs {
			if m.ReplyToID == "" {
				continue
			}
			rs, err := g.teams().ByTeamId(team.ID).Channels().ByChannelId(ch.ID).Messages().ByChatMessageId(m.ReplyToID).Replies().Get(ctx, nil)
			if err != nil || !slices.ContainsFunc(rs.GetValue(), func(x models.ChatMessageable) bool { return *x.GetId() == m.ID }) {
				t.Fatalf("replies of %s: %v", m.ReplyToID, err)
			}
			return
		}
	}
	t.Fatal("no reply in the first team")
}

func TestTeamSettingsAndPrivateChannelMembers(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	team := tn.World().Teams[0]
	patch := models.NewTeam()
	gs := models.NewTeamGuestSettings()
	gs.SetAllowCreateUpdateChannels(ptr(true))
	patch.SetGuestSettings(gs)
	if _, err := g.teams().ByTeamId(team.ID).Patch(ctx, patch, nil); err != nil {
		t.Fatalf("PATCH team: %v", err)
	}
	got, err := g.teams().ByTeamId(team.ID).Get(ctx, nil)
	if err != nil || !*got.GetGuestSettings().GetAllowCreateUpdateChannels() {
		t.Fatalf("guest setting not applied: %v", err)
	}
	var private *tenantsim.Channel
	for _, ch := range team.Channels {
		if ch.MembershipType == "private" {
			private = ch
		}
	}
	var guest string
	for _, m := range team.Members {
		if slices.Contains(m.Roles, "guest") {
			guest = m.UserID
		}
	}
	m := models.NewAadUserConversationMember()
	m.SetAdditionalData(map[string]any{"user@odata.bind": g.base + "/users('" + guest + "')"})
	added, err := g.teams().ByTeamId(team.ID).Channels().ByChannelId(private.ID).Members().Post(ctx, m, nil)
	if err != nil || !slices.Equal(added.GetRoles(), []string{"guest"}) {
		t.Fatalf("add guest to private channel: %v", err)
	}
	// Another owner removes the guest from the team in Teams.
	if err := tn.RemoveMember(team.ID, guest); err != nil {
		t.Fatal(err)
	}
	list, _ := g.teams().ByTeamId(team.ID).Members().Get(ctx, nil)
	for _, x := range list.GetValue() {
		if *x.(models.AadUserConversationMemberable).GetUserId() == guest {
			t.Fatal("removed member still listed")
		}
	}
	_ = time.Now
}
