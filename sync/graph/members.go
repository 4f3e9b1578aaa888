package graph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/invitations"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Membership is one conversationMember of a team or channel as Graph
// lists it: ID is the membership's own id, which PATCH and DELETE take.
type Membership struct {
	ID     string   `json:"id"`
	UserID string   `json:"userId"`
	Roles  []string `json:"roles"`
}

func (c *Client) team(teamID string) *teams.TeamItemRequestBuilder {
	return teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID)
}

// Memberships lists a team's memberships, or a private channel's when
// channelID is set, with their ids (for a read-back before a write, and
// to find the id a change needs).
func (c *Client) Memberships(ctx context.Context, teamID, channelID string) ([]Membership, error) {
	var ms []models.ConversationMemberable
	if channelID == "" {
		res, err := c.team(teamID).Members().Get(ctx, nil)
		if err != nil {
			return nil, wrap("GET /teams/"+teamID+"/members", err)
		}
		ms = res.GetValue()
	} else {
		res, err := c.team(teamID).Channels().ByChannelId(channelID).Members().Get(ctx, nil)
		if err != nil {
			return nil, wrap("GET channel members", err)
		}
		ms = res.GetValue()
	}
	out := []Membership{}
	for _, m := range ms {
		mb := Membership{ID: str(m.GetId()), Roles: m.GetRoles()}
		if a, ok := m.(models.AadUserConversationMemberable); ok {
			mb.UserID = str(a.GetUserId())
		}
		if mb.Roles == nil {
			mb.Roles = []string{}
		}
		out = append(out, mb)
	}
	return out, nil
}

// AddMember adds a user to a team, or to a private channel of it, with
// roles [] or ["owner"] (POST …/members). Sent once: the caller reads
// the memberships back when the outcome is unknown.
func (c *Client) AddMember(ctx context.Context, teamID, channelID, userID string, roles []string) error {
	m := models.NewAadUserConversationMember()
	if roles == nil {
		roles = []string{}
	}
	m.SetRoles(roles)
	m.SetAdditionalData(map[string]any{"user@odata.bind": "https://graph.microsoft.com/v1.0/users('" + userID + "')"})
	var err error
	if channelID == "" {
		_, err = c.team(teamID).Members().Post(ctx, m, nil)
	} else {
		_, err = c.team(teamID).Channels().ByChannelId(channelID).Members().Post(ctx, m, nil)
	}
	return wrap("POST members", err)
}

// SetMemberRoles changes a membership's roles (PATCH …/members/{id}):
// ["owner"] or [].
func (c *Client) SetMemberRoles(ctx context.Context, teamID, channelID, membershipID string, roles []string) error {
	m := models.NewAadUserConversationMember()
	if roles == nil {
		roles = []string{}
	}
	m.SetRoles(roles)
	var err error
	if channelID == "" {
		_, err = c.team(teamID).Members().ByConversationMemberId(membershipID).Patch(ctx, m, nil)
	} else {
		_, err = c.team(teamID).Channels().ByChannelId(channelID).Members().ByConversationMemberId(membershipID).Patch(ctx, m, nil)
	}
	return wrap("PATCH member", err)
}

// RemoveMember removes a membership (DELETE …/members/{id}).
func (c *Client) RemoveMember(ctx context.Context, teamID, channelID, membershipID string) error {
	var err error
	if channelID == "" {
		err = c.team(teamID).Members().ByConversationMemberId(membershipID).Delete(ctx, nil)
	} else {
		err = c.team(teamID).Channels().ByChannelId(channelID).Members().ByConversationMemberId(membershipID).Delete(ctx, nil)
	}
	return wrap("DELETE member", err)
}

// Invite invites an external user as a guest (POST /invitations) and
// returns the guest's user id. Sent once: the caller looks the guest up
// (GuestByMail) when the outcome is unknown.
func (c *Client) Invite(ctx context.Context, email, name, redirect, message string, send bool) (string, error) {
	inv := models.NewInvitation()
	inv.SetInvitedUserEmailAddress(&email)
	if name != "" {
		inv.SetInvitedUserDisplayName(&name)
	}
	inv.SetInviteRedirectUrl(&redirect)
	inv.SetSendInvitationMessage(&send)
	if message != "" {
		info := models.NewInvitedUserMessageInfo()
		info.SetCustomizedMessageBody(&message)
		inv.SetInvitedUserMessageInfo(info)
	}
	res, err := invitations.NewInvitationsRequestBuilderInternal(c.params(), c.adapter).Post(ctx, inv, nil)
	if err != nil {
		return "", wrap("POST /invitations", err)
	}
	if u := res.GetInvitedUser(); u != nil {
		return str(u.GetId()), nil
	}
	return "", nil
}

// GuestByMail returns the id of the guest with this e-mail address, or
// "" when the tenant has none.
func (c *Client) GuestByMail(ctx context.Context, email string) (string, error) {
	res, err := users.NewUsersRequestBuilderInternal(c.params(), c.adapter).Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Filter: ptr("userType eq 'Guest'"), Select: []string{"id", "mail"}, Top: ptr(int32(999))}})
	for {
		if err != nil {
			return "", wrap("GET /users (guest by mail)", err)
		}
		for _, u := range res.GetValue() {
			if strings.EqualFold(str(u.GetMail()), email) {
				return str(u.GetId()), nil
			}
		}
		next := res.GetOdataNextLink()
		if next == nil {
			return "", nil
		}
		res, err = users.NewUsersRequestBuilder(*next, c.adapter).Get(ctx, nil)
	}
}
