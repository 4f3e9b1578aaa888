package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/graph"
)

// Members changes team and private channel memberships (*graph.Client,
// signed in with auth.GuestWriteScopes). Push uses it when the Chats it
// is given also implements it.
type Members interface {
	Memberships(ctx context.Context, teamID, channelID string) ([]graph.Membership, error)
	AddMember(ctx context.Context, teamID, channelID, userID string, roles []string) error
	SetMemberRoles(ctx context.Context, teamID, channelID, membershipID string, roles []string) error
	RemoveMember(ctx context.Context, teamID, channelID, membershipID string) error
}

// TeamSettings reads and changes a team's member and guest settings
// (*graph.Client with TeamSettings.ReadWrite.All).
type TeamSettings interface {
	GetTeamSettings(ctx context.Context, teamID string) (graph.TeamSettings, error)
	SetTeamSettings(ctx context.Context, teamID string, s graph.TeamSettings) error
}

// Inviter invites guests (*graph.Client with User.Invite.All).
type Inviter interface {
	Invite(ctx context.Context, email, name, redirect, message string, send bool) (string, error)
	GuestByMail(ctx context.Context, email string) (string, error)
}

// DefaultRedirect is where an invited guest lands after redeeming when
// the invitation names no place: Teams.
const DefaultRedirect = "https://teams.microsoft.com"

// Member changes (storage.Op.Change), as storage/guests plans them.
const (
	changeInvite        = "invite"
	changeOwner         = "owner"
	changeMember        = "member"
	changeRemove        = "remove"
	changeAddChannel    = "add-channel"
	changeRemoveChannel = "remove-channel"
	changeSettings      = "settings"
)

// memberSerial orders the changes of one person in one team or channel.
func memberSerial(op storage.Op) string {
	if op.Change == changeInvite {
		return "invite\x00" + strings.ToLower(op.Email)
	}
	if op.Change == changeSettings {
		return "settings\x00" + op.Team
	}
	return "member\x00" + op.Team + "\x00" + op.Channel + "\x00" + op.UserID
}

// pushMember applies one membership change. Every attempt first reads
// the team's (or channel's) members: a change already in place (an
// earlier attempt that landed although its answer was lost, or someone
// else's) is done without sending anything, so each lands once. The
// membership id a PATCH or DELETE takes comes from that same read.
func pushMember(ctx context.Context, db Store, chats Chats, op storage.Op, now func() time.Time) (string, error) {
	m, ok := chats.(Members)
	if !ok || m == nil {
		return finish(ctx, db, op, storage.OpFailed, "membership changes need a Microsoft Graph connection", nil, now)
	}
	if op.Change == changeInvite {
		return pushInvite(ctx, db, chats, m, op, now)
	}
	if op.Change == changeSettings {
		return pushSettings(ctx, db, chats, op, now)
	}
	switch op.Change {
	case changeOwner, changeMember, changeRemove, changeAddChannel, changeRemoveChannel:
	default:
		return finish(ctx, db, op, storage.OpFailed, "unknown membership change "+op.Change, nil, now)
	}
	channel := ""
	if op.Change == changeAddChannel || op.Change == changeRemoveChannel || op.Channel != "" {
		channel = op.Channel
	}
	ms, err := m.Memberships(ctx, op.Team, channel)
	if err != nil {
		if transient(err) {
			return later(ctx, db, op, err, op.State, now) // unknown stays unknown
		}
		return settle(ctx, db, op, err, map[int]string{
			404: "the team or channel no longer exists in Teams",
			403: "Teams refused to list its members: you are no longer a member, or the permission was not granted",
		}, now)
	}
	var cur *graph.Membership
	for i := range ms {
		if ms[i].UserID == op.UserID {
			cur = &ms[i]
		}
	}
	owner := cur != nil && contains(cur.Roles, "owner")
	switch {
	case op.Change == changeOwner && owner,
		op.Change == changeMember && cur != nil && !owner,
		(op.Change == changeRemove || op.Change == changeRemoveChannel) && cur == nil,
		op.Change == changeAddChannel && cur != nil:
		return finish(ctx, db, op, storage.OpDone, "", nil, now)
	case (op.Change == changeOwner || op.Change == changeMember) && cur == nil:
		return finish(ctx, db, op, storage.OpConflict, "no longer a member in Teams: the role cannot change", nil, now)
	}
	op, err = begin(ctx, db, op, now)
	if err != nil {
		return "", err
	}
	switch op.Change {
	case changeOwner:
		err = m.SetMemberRoles(ctx, op.Team, channel, cur.ID, []string{"owner"})
	case changeMember:
		err = m.SetMemberRoles(ctx, op.Team, channel, cur.ID, []string{})
	case changeRemove, changeRemoveChannel:
		err = m.RemoveMember(ctx, op.Team, channel, cur.ID)
	case changeAddChannel:
		err = m.AddMember(ctx, op.Team, channel, op.UserID, []string{})
	}
	switch {
	case op.Change == changeAddChannel && isStatus(err, 409):
		return finish(ctx, db, op, storage.OpDone, "", nil, now) // already a member: an earlier attempt
	case (op.Change == changeRemove || op.Change == changeRemoveChannel) && isStatus(err, 404):
		return finish(ctx, db, op, storage.OpDone, "", nil, now) // already gone
	case isStatus(err, 400):
		// Graph's own refusal (a guest made owner, the last owner
		// demoted), shown as Teams said it.
		return finish(ctx, db, op, storage.OpFailed, "Microsoft Teams refused: "+err.Error(), nil, now)
	}
	return settle(ctx, db, op, err, map[int]string{
		404: "the team, channel or membership no longer exists in Teams",
		403: "Teams refused the change: the permission was not granted, or you are not an owner",
	}, now)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// pushInvite invites a guest (unless the tenant has one with the
// address: an earlier attempt, or an earlier invitation) and then adds
// them to the team and, if named, its private channel. Each step reads
// the tenant first, so a retried invitation neither sends a second
// e-mail nor adds anyone twice.
func pushInvite(ctx context.Context, db Store, chats Chats, m Members, op storage.Op, now func() time.Time) (string, error) {
	inv, ok := chats.(Inviter)
	if !ok {
		return finish(ctx, db, op, storage.OpFailed, "invitations need a Microsoft Graph connection", nil, now)
	}
	refused := map[int]string{403: "Microsoft 365 refused the invitation: the permission (User.Invite.All) was not granted, or guests cannot be invited"}
	if op.UserID == "" {
		id, err := inv.GuestByMail(ctx, op.Email)
		if err != nil {
			if transient(err) {
				return later(ctx, db, op, err, op.State, now)
			}
			return settle(ctx, db, op, err, refused, now)
		}
		if id == "" {
			if op, err = begin(ctx, db, op, now); err != nil {
				return "", err
			}
			redirect, _ := op.Row["inviteRedirectUrl"].(string)
			if redirect == "" {
				redirect = DefaultRedirect
			}
			send, isSet := op.Row["sendInvitationMessage"].(bool)
			id, err = inv.Invite(ctx, op.Email, op.Name, redirect, op.Body, send || !isSet)
			if isStatus(err, 400) {
				return finish(ctx, db, op, storage.OpFailed, "Microsoft 365 refused the invitation: "+err.Error(), nil, now)
			}
			if err != nil {
				return settle(ctx, db, op, err, refused, now)
			}
		}
		if op, err = db.UpdateOp(ctx, op.Seq, func(o *storage.Op) error { o.UserID = id; return nil }); err != nil {
			return "", err
		}
	}
	var places []string // the team (""), then its private channel
	if op.Team != "" {
		places = append(places, "")
		if op.Channel != "" {
			places = append(places, op.Channel)
		}
	}
	for _, ch := range places {
		ms, err := m.Memberships(ctx, op.Team, ch)
		if err != nil {
			if transient(err) {
				return later(ctx, db, op, err, op.State, now)
			}
			return settle(ctx, db, op, err, map[int]string{404: "the team or channel no longer exists in Teams"}, now)
		}
		in := false
		for _, x := range ms {
			in = in || x.UserID == op.UserID
		}
		if !in {
			if op, err = begin(ctx, db, op, now); err != nil {
				return "", err
			}
			err = m.AddMember(ctx, op.Team, ch, op.UserID, []string{})
			switch {
			case err == nil, isStatus(err, 409):
			case isStatus(err, 400):
				return finish(ctx, db, op, storage.OpFailed, "Microsoft Teams refused: "+err.Error(), nil, now)
			default:
				return settle(ctx, db, op, err, map[int]string{
					404: "the team or channel no longer exists in Teams",
					403: "Teams refused the change: the permission was not granted, or you are not an owner",
				}, now)
			}
		}
	}
	return finish(ctx, db, op, storage.OpDone, "", nil, now)
}

// opSettings are the settings an op sets (its Row's "settings", as
// storage/guests queues them).
func opSettings(op storage.Op) (graph.TeamSettings, error) {
	b, err := json.Marshal(op.Row["settings"])
	if err != nil {
		return nil, err
	}
	var s graph.TeamSettings
	if err := json.Unmarshal(b, &s); err != nil || len(s) == 0 {
		return nil, fmt.Errorf("team settings %s: %w", b, err)
	}
	return s, nil
}

// pushSettings changes a team's member or guest settings. It reads them
// first: settings already as wanted (an earlier attempt that landed, or
// someone else's change) are done without a request; PATCH sets values,
// so sending it again after an unknown outcome is harmless.
func pushSettings(ctx context.Context, db Store, chats Chats, op storage.Op, now func() time.Time) (string, error) {
	ts, ok := chats.(TeamSettings)
	if !ok {
		return finish(ctx, db, op, storage.OpFailed, "team settings need a Microsoft Graph connection", nil, now)
	}
	want, err := opSettings(op)
	if err != nil {
		return finish(ctx, db, op, storage.OpFailed, err.Error(), nil, now)
	}
	refused := map[int]string{
		404: "the team no longer exists in Teams",
		403: "Teams refused the change: only the team's owners change its settings, or the permission was not granted",
	}
	cur, err := ts.GetTeamSettings(ctx, op.Team)
	if err != nil {
		if transient(err) {
			return later(ctx, db, op, err, op.State, now)
		}
		return settle(ctx, db, op, err, refused, now)
	}
	same := true
	for group, props := range want {
		for p, v := range props {
			if got, ok := cur[group][p]; !ok || got != v {
				same = false
			}
		}
	}
	if same {
		return finish(ctx, db, op, storage.OpDone, "", nil, now)
	}
	if op, err = begin(ctx, db, op, now); err != nil {
		return "", err
	}
	err = ts.SetTeamSettings(ctx, op.Team, want)
	if isStatus(err, 400) {
		return finish(ctx, db, op, storage.OpFailed, "Microsoft Teams refused: "+err.Error(), nil, now)
	}
	return settle(ctx, db, op, err, refused, now)
}
