package outbox

import (
	"context"
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

// Member changes (storage.Op.Change), as storage/guests plans them.
const (
	changeOwner         = "owner"
	changeMember        = "member"
	changeRemove        = "remove"
	changeAddChannel    = "add-channel"
	changeRemoveChannel = "remove-channel"
)

// memberSerial orders the changes of one person in one team or channel.
func memberSerial(op storage.Op) string {
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
