package graph

import (
	"context"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/rapport-app/rapport/storage"
)

// Msg is a message as fetched: the storage form plus its raw body and the
// content of its cards (storage.IsCard), JSON as Graph sent it.
type Msg struct {
	storage.Message
	Raw    string
	IsText bool
	// MoreReplies marks a channel thread root whose inline replies
	// ($expand=replies inlines at most 1,000) are not all of them. The rest
	// are listed by Replies from RepliesLink (replies@odata.nextLink), or
	// from the start when Graph gave no link but its replies@odata.count
	// says more exist than were inlined.
	MoreReplies bool
	RepliesLink string
	Cards       []storage.Card
}

// ChatInfo is a chat with its members.
type ChatInfo struct {
	Chat    storage.Chat
	Members []storage.Member
}

// pageSize is Graph's maximum for messages and chats.
const pageSize = int32(50)

func preferHeaders() *abs.RequestHeaders {
	h := abs.NewRequestHeaders()
	h.Add("Prefer", "include-unknown-enum-members")
	return h
}

func (c *Client) me() *users.UserItemRequestBuilder {
	p := c.params()
	p["user%2Did"] = "me-token-to-replace" // rewritten to /me by the SDK
	return users.NewUserItemRequestBuilderInternal(p, c.adapter)
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (storage.User, error) {
	u, err := c.me().Get(ctx, nil)
	if err != nil {
		return storage.User{}, wrap("GET /me", err)
	}
	return toUser(u), nil
}

func toUser(u models.Userable) storage.User {
	out := storage.User{ID: str(u.GetId()), DisplayName: str(u.GetDisplayName()), Mail: str(u.GetMail()),
		UPN: str(u.GetUserPrincipalName()), UserType: str(u.GetUserType()), ExternalUserState: str(u.GetExternalUserState()),
		Created: optTime(u.GetCreatedDateTime()), StateChanged: optTime(u.GetExternalUserStateChangeDateTime())}
	if e := u.GetAccountEnabled(); e != nil && !*e {
		out.Disabled = true
	}
	if sa := u.GetSignInActivity(); sa != nil {
		// lastSuccessfulSignInDateTime counts interactive and
		// non-interactive sign-ins; lastSignInDateTime only interactive
		// ones (a guest using Teams daily can look inactive by it).
		out.LastSignIn = optTime(sa.GetLastSuccessfulSignInDateTime())
		if out.LastSignIn == nil {
			out.LastSignIn = latest(optTime(sa.GetLastSignInDateTime()), optTime(sa.GetLastNonInteractiveSignInDateTime()))
		}
	}
	return out
}

// Guests lists the tenant's guest users with their invitation state and,
// when the caller may read it (AuditLog.Read.All), their last sign-in.
func (c *Client) Guests(ctx context.Context) ([]storage.User, error) {
	sel := []string{"id", "displayName", "mail", "userPrincipalName", "userType", "externalUserState",
		"externalUserStateChangeDateTime", "accountEnabled", "createdDateTime", "signInActivity"}
	var out []storage.User
	withSignIn := true
	for attempt := 0; attempt < 2; attempt++ {
		res, err := users.NewUsersRequestBuilderInternal(c.params(), c.adapter).Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Filter: ptr("userType eq 'Guest'"), Select: sel, Top: ptr(int32(100))}})
		err = wrap("GET /users (guests)", err)
		if attempt == 0 && isForbidden(err) {
			sel = sel[:len(sel)-1] // no AuditLog.Read.All: do without sign-in activity
			withSignIn = false
			continue
		}
		if err != nil {
			return nil, err
		}
		for {
			for _, u := range res.GetValue() {
				gu := toUser(u)
				gu.SignInRead = withSignIn
				out = append(out, gu)
			}
			next := res.GetOdataNextLink()
			if next == nil {
				return out, nil
			}
			res, err = users.NewUsersRequestBuilder(*next, c.adapter).Get(ctx, nil)
			if err != nil {
				return nil, wrap("GET /users (next page)", err)
			}
		}
	}
	return out, nil
}

// latest is the later of two optional times.
func latest(a, b *time.Time) *time.Time {
	if a == nil || b != nil && b.After(*a) {
		return b
	}
	return a
}

func isForbidden(err error) bool {
	var e *Error
	return err != nil && asError(err, &e) && e.Status == 403
}

// JoinedTeams lists the teams the user belongs to.
func (c *Client) JoinedTeams(ctx context.Context) ([]storage.Team, error) {
	res, err := c.me().JoinedTeams().Get(ctx, nil)
	if err != nil {
		return nil, wrap("GET /me/joinedTeams", err)
	}
	var out []storage.Team
	for _, t := range res.GetValue() {
		archived := false
		if a := t.GetIsArchived(); a != nil {
			archived = *a
		}
		out = append(out, storage.Team{ID: str(t.GetId()), Name: str(t.GetDisplayName()), Description: str(t.GetDescription()), Archived: archived})
	}
	return out, nil
}

// Channels lists a team's channels visible to the user.
func (c *Client) Channels(ctx context.Context, teamID string) ([]storage.Channel, error) {
	res, err := teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().Get(ctx, nil)
	if err != nil {
		return nil, wrap("GET /teams/"+teamID+"/channels", err)
	}
	var out []storage.Channel
	for _, ch := range res.GetValue() {
		mt := storage.ChannelStandard
		if m := ch.GetMembershipType(); m != nil {
			mt = m.String()
		}
		out = append(out, storage.Channel{ID: str(ch.GetId()), TeamID: teamID, Name: str(ch.GetDisplayName()),
			Description: str(ch.GetDescription()), MembershipType: mt, Created: optTime(ch.GetCreatedDateTime())})
	}
	return out, nil
}

func toMembers(container string, ms []models.ConversationMemberable) []storage.Member {
	var out []storage.Member
	for _, m := range ms {
		sm := storage.Member{ContainerID: container, DisplayName: str(m.GetDisplayName()), Roles: m.GetRoles()}
		if a, ok := m.(models.AadUserConversationMemberable); ok {
			sm.UserID, sm.Email = str(a.GetUserId()), str(a.GetEmail())
		}
		if sm.Roles == nil {
			sm.Roles = []string{}
		}
		out = append(out, sm)
	}
	return out
}

// Members lists a team's members, or a channel's when channelID is set.
func (c *Client) Members(ctx context.Context, teamID, channelID string) ([]storage.Member, error) {
	t := teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID)
	if channelID == "" {
		res, err := t.Members().Get(ctx, nil)
		if err != nil {
			return nil, wrap("GET /teams/"+teamID+"/members", err)
		}
		return toMembers(teamID, res.GetValue()), nil
	}
	res, err := t.Channels().ByChannelId(channelID).Members().Get(ctx, nil)
	if err != nil {
		return nil, wrap("GET channel members", err)
	}
	return toMembers(channelID, res.GetValue()), nil
}

// Chats lists the user's chats with members and last message preview,
// page by page.
func (c *Client) Chats(ctx context.Context, page func([]ChatInfo) error) error {
	res, err := c.me().Chats().Get(ctx, &users.ItemChatsRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemChatsRequestBuilderGetQueryParameters{Expand: []string{"members", "lastMessagePreview"}, Top: ptr(pageSize)}})
	for {
		if err != nil {
			return wrap("GET /me/chats", err)
		}
		var infos []ChatInfo
		for _, ch := range res.GetValue() {
			ci := ChatInfo{Chat: storage.Chat{ID: str(ch.GetId()), Topic: str(ch.GetTopic()), Created: tm(ch.GetCreatedDateTime()),
				LastUpdated: tm(ch.GetLastUpdatedDateTime())}}
			if t := ch.GetChatType(); t != nil {
				ci.Chat.ChatType = t.String()
			}
			if p := ch.GetLastMessagePreview(); p != nil {
				ci.Chat.LastActivity = tm(p.GetCreatedDateTime())
				if b := p.GetBody(); b != nil {
					ci.Chat.Preview = str(b.GetContent())
				}
				if f := p.GetFrom(); f != nil && f.GetUser() != nil {
					ci.Chat.PreviewFrom = str(f.GetUser().GetDisplayName())
				}
			}
			if ci.Chat.LastActivity.IsZero() {
				ci.Chat.LastActivity = ci.Chat.LastUpdated
			}
			ci.Members = toMembers(ci.Chat.ID, ch.GetMembers())
			infos = append(infos, ci)
		}
		if err := page(infos); err != nil {
			return err
		}
		next := res.GetOdataNextLink()
		if next == nil {
			return nil
		}
		res, err = users.NewItemChatsRequestBuilder(*next, c.adapter).Get(ctx, nil)
	}
}

// ChatMessages lists a chat's messages modified after since (all when
// zero), newest first, one page at a time; link resumes a listing from a
// saved @odata.nextLink. page receives the messages and the next link
// ("" on the last page).
func (c *Client) ChatMessages(ctx context.Context, chatID, link string, since time.Time, page func(msgs []Msg, next string) error) error {
	cfg := &chats.ItemMessagesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()}
	var res models.ChatMessageCollectionResponseable
	var err error
	if link != "" {
		res, err = chats.NewItemMessagesRequestBuilder(link, c.adapter).Get(ctx, cfg)
	} else {
		q := &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(pageSize), Orderby: []string{"lastModifiedDateTime desc"}}
		if !since.IsZero() {
			q.Filter = ptr("lastModifiedDateTime gt " + since.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		cfg.QueryParameters = q
		res, err = chats.NewChatsRequestBuilderInternal(c.params(), c.adapter).ByChatId(chatID).Messages().Get(ctx, cfg)
	}
	for {
		if err != nil {
			return wrap("GET chat messages", err)
		}
		var msgs []Msg
		for _, m := range res.GetValue() {
			msgs = append(msgs, toMsg(chatID, "", m)...)
		}
		next := str(res.GetOdataNextLink())
		if err := page(msgs, next); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		res, err = chats.NewItemMessagesRequestBuilder(next, c.adapter).Get(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()})
	}
}

// ChannelDelta runs channel-message delta from link (a saved next or delta
// link; "" starts a round, limited to threads changed after since when it
// is set), whole threads at a time. page receives the messages (roots and
// replies) with the next link or, on the round's last page, the delta link
// to save for the next round.
func (c *Client) ChannelDelta(ctx context.Context, teamID, channelID, link string, since time.Time, page func(msgs []Msg, next, delta string) error) error {
	cfg := &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetRequestConfiguration{Headers: preferHeaders()}
	var b *teams.ItemChannelsItemMessagesDeltaRequestBuilder
	if link != "" {
		b = teams.NewItemChannelsItemMessagesDeltaRequestBuilder(link, c.adapter)
	} else {
		b = teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).Messages().Delta()
		cfg.QueryParameters = &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetQueryParameters{Top: ptr(pageSize), Expand: []string{"replies"}}
		if !since.IsZero() {
			cfg.QueryParameters.Filter = ptr("lastModifiedDateTime gt " + since.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
	}
	for {
		res, err := b.GetAsDeltaGetResponse(ctx, cfg)
		if err != nil {
			return wrap("GET channel delta", err)
		}
		var msgs []Msg
		for _, m := range res.GetValue() {
			msgs = append(msgs, toMsg(channelID, teamID, m)...)
		}
		next, delta := str(res.GetOdataNextLink()), str(res.GetOdataDeltaLink())
		if err := page(msgs, next, delta); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		b = teams.NewItemChannelsItemMessagesDeltaRequestBuilder(next, c.adapter)
		cfg = &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetRequestConfiguration{Headers: preferHeaders()}
	}
}

// ChannelHistory lists a channel's threads newest first (with replies),
// reaching further back than delta's eight months.
func (c *Client) ChannelHistory(ctx context.Context, teamID, channelID, link string, page func(msgs []Msg, next string) error) error {
	cfg := &teams.ItemChannelsItemMessagesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()}
	var res models.ChatMessageCollectionResponseable
	var err error
	if link != "" {
		res, err = teams.NewItemChannelsItemMessagesRequestBuilder(link, c.adapter).Get(ctx, cfg)
	} else {
		cfg.QueryParameters = &teams.ItemChannelsItemMessagesRequestBuilderGetQueryParameters{Top: ptr(pageSize), Expand: []string{"replies"}}
		res, err = teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).Messages().Get(ctx, cfg)
	}
	for {
		if err != nil {
			return wrap("GET channel messages", err)
		}
		var msgs []Msg
		for _, m := range res.GetValue() {
			msgs = append(msgs, toMsg(channelID, teamID, m)...)
		}
		next := str(res.GetOdataNextLink())
		if err := page(msgs, next); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		res, err = teams.NewItemChannelsItemMessagesRequestBuilder(next, c.adapter).Get(ctx, &teams.ItemChannelsItemMessagesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()})
	}
}

// Replies lists the replies of a channel thread, newest first, from link
// (a replies@odata.nextLink, or a saved next link; "" starts the listing),
// one page at a time; page receives the replies and the next link ("" on
// the last page).
func (c *Client) Replies(ctx context.Context, teamID, channelID, rootID, link string, page func(msgs []Msg, next string) error) error {
	cfg := &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()}
	var res models.ChatMessageCollectionResponseable
	var err error
	if link != "" {
		res, err = teams.NewItemChannelsItemMessagesItemRepliesRequestBuilder(link, c.adapter).Get(ctx, cfg)
	} else {
		cfg.QueryParameters = &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetQueryParameters{Top: ptr(pageSize)}
		res, err = teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).
			Messages().ByChatMessageId(rootID).Replies().Get(ctx, cfg)
	}
	for {
		if err != nil {
			return wrap("GET replies of "+rootID, err)
		}
		var msgs []Msg
		for _, m := range res.GetValue() {
			msgs = append(msgs, convert(channelID, teamID, m))
		}
		next := str(res.GetOdataNextLink())
		if err := page(msgs, next); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		res, err = teams.NewItemChannelsItemMessagesItemRepliesRequestBuilder(next, c.adapter).Get(ctx,
			&teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetRequestConfiguration{Headers: preferHeaders()})
	}
}

// toMsg converts a message and its inline replies, marking a root whose
// replies Graph did not all inline (see Msg.MoreReplies).
func toMsg(convID, teamID string, m models.ChatMessageable) []Msg {
	root := convert(convID, teamID, m)
	inline := m.GetReplies()
	// The SDK model has no field for these annotations: the JSON parse
	// node leaves them in AdditionalData (strings as *string, numbers as
	// *float64 from kiota-serialization-json-go's decoder).
	ad := m.GetAdditionalData()
	if p, ok := ad["replies@odata.nextLink"].(*string); ok {
		root.RepliesLink = str(p)
	}
	root.MoreReplies = root.RepliesLink != "" || annotatedCount(ad, "replies@odata.count") > len(inline)
	out := []Msg{root}
	for _, r := range inline {
		out = append(out, convert(convID, teamID, r))
	}
	return out
}

// annotatedCount reads a count annotation from a model's AdditionalData
// (0 when absent).
func annotatedCount(ad map[string]any, name string) int {
	switch v := ad[name].(type) {
	case *float64:
		if v != nil {
			return int(*v)
		}
	case *int64:
		if v != nil {
			return int(*v)
		}
	case *int32:
		if v != nil {
			return int(*v)
		}
	}
	return 0
}

func convert(convID, teamID string, m models.ChatMessageable) Msg {
	sm := storage.Message{ConvID: convID, TeamID: teamID, ID: str(m.GetId()), ReplyTo: str(m.GetReplyToId()),
		Created: tm(m.GetCreatedDateTime()), Modified: tm(m.GetLastModifiedDateTime()),
		Edited: optTime(m.GetLastEditedDateTime()), Deleted: optTime(m.GetDeletedDateTime()),
		Subject: str(m.GetSubject()), Locale: str(m.GetLocale()), ETag: str(m.GetEtag()), WebURL: str(m.GetWebUrl())}
	if t := m.GetMessageType(); t != nil {
		sm.Type = t.String()
	}
	if i := m.GetImportance(); i != nil {
		sm.Importance = i.String()
	}
	if f := m.GetFrom(); f != nil {
		switch {
		case f.GetUser() != nil:
			sm.FromID, sm.FromName = str(f.GetUser().GetId()), str(f.GetUser().GetDisplayName())
		case f.GetApplication() != nil:
			// A bot or connector: named, but no user (FromID stays "").
			sm.FromName = str(f.GetApplication().GetDisplayName())
		}
	}
	var cards []storage.Card
	for _, a := range m.GetAttachments() {
		att := storage.Attachment{ID: str(a.GetId()), ContentType: str(a.GetContentType()), Name: str(a.GetName()), URL: str(a.GetContentUrl())}
		sm.Attachments = append(sm.Attachments, att)
		if storage.IsCard(att.ContentType) && a.GetContent() != nil {
			cards = append(cards, storage.Card{ID: att.ID, ContentType: att.ContentType, Content: *a.GetContent()})
		}
	}
	for _, mn := range m.GetMentions() {
		x := storage.Mention{Text: str(mn.GetMentionText())}
		if id := mn.GetId(); id != nil {
			x.ID = int(*id)
		}
		if who := mn.GetMentioned(); who != nil && who.GetUser() != nil {
			x.UserID = str(who.GetUser().GetId())
		}
		sm.Mentions = append(sm.Mentions, x)
	}
	for _, r := range m.GetReactions() {
		x := storage.Reaction{Type: str(r.GetReactionType()), At: tm(r.GetCreatedDateTime())}
		if u := r.GetUser(); u != nil && u.GetUser() != nil {
			x.UserID = str(u.GetUser().GetId())
		}
		sm.Reactions = append(sm.Reactions, x)
	}
	if ed := m.GetEventDetail(); ed != nil {
		t := strings.TrimPrefix(str(ed.GetOdataType()), "#microsoft.graph.")
		sm.Event = strings.TrimSuffix(t, "EventMessageDetail")
		var added []models.TeamworkUserIdentityable
		switch d := ed.(type) {
		case models.MembersAddedEventMessageDetailable:
			added = d.GetMembers()
		case models.MembersJoinedEventMessageDetailable:
			added = d.GetMembers()
		}
		for _, u := range added {
			if id := str(u.GetId()); id != "" {
				sm.EventMembers = append(sm.EventMembers, id)
			}
		}
		if sm.Type == "unknownFutureValue" {
			sm.Type = "systemEventMessage"
		}
	}
	out := Msg{Message: sm, Cards: cards}
	if b := m.GetBody(); b != nil {
		out.Raw = str(b.GetContent())
		if ct := b.GetContentType(); ct != nil && ct.String() == "text" {
			out.IsText = true
		}
	}
	return out
}

// HostedContent fetches the bytes of a message's inline image (chat
// message when teamID is "", else a channel message or, with replyTo, a
// reply).
func (c *Client) HostedContent(ctx context.Context, convID, teamID, msgID, replyTo, hostedID string) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case teamID == "":
		b, err = chats.NewChatsRequestBuilderInternal(c.params(), c.adapter).ByChatId(convID).Messages().ByChatMessageId(msgID).
			HostedContents().ByChatMessageHostedContentId(hostedID).Content().Get(ctx, nil)
	case replyTo != "":
		b, err = teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(convID).Messages().
			ByChatMessageId(replyTo).Replies().ByChatMessageId1(msgID).HostedContents().ByChatMessageHostedContentId(hostedID).Content().Get(ctx, nil)
	default:
		b, err = teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(convID).Messages().
			ByChatMessageId(msgID).HostedContents().ByChatMessageHostedContentId(hostedID).Content().Get(ctx, nil)
	}
	if err != nil {
		return nil, wrap("GET hosted content", err)
	}
	return b, nil
}
