package guests

import (
	"errors"
	"fmt"
)

// Roles, as Graph's conversationMember roles name them ("member" is no
// role at all).
const (
	RoleOwner  = "owner"
	RoleMember = "member"
	RoleGuest  = "guest"
)

// Changes a change set plans on one person.
const (
	ActOwner         = "owner"          // make a member an owner
	ActMember        = "member"         // make an owner a member
	ActRemove        = "remove"         // remove from a team
	ActAddChannel    = "add-channel"    // add a team member to a private channel
	ActRemoveChannel = "remove-channel" // remove from a private channel
)

// Sentinels of Check.
var (
	ErrGuestOwner    = errors.New("a guest cannot be an owner")
	ErrLastOwner     = errors.New("the last owner cannot be removed or made a member")
	ErrNotTeamMember = errors.New("not a member of the team")
	ErrAlreadyMember = errors.New("already a member")
	ErrNotMember     = errors.New("not a member")
	ErrAlreadyRole   = errors.New("already has that role")
	ErrNotPrivate    = errors.New("not a private channel")
	ErrBadAction     = errors.New("unknown change")
)

// Place is where a change applies: a team, or a private channel of it.
type Place struct {
	Team    Container  // the team, with its people
	Channel *Container // the private channel, nil for the team itself
}

// Check says whether action may be planned for the user in place: nil,
// or one of the sentinels above, wrapped. guest says whether the user
// is a guest of the tenant (whatever their role in place).
func Check(action, userID string, guest bool, p Place) error {
	inTeam, teamRole := p.Team.role(userID)
	owners := p.Team.count(RoleOwner)
	switch action {
	case ActOwner, ActMember, ActRemove:
		if p.Channel != nil {
			if action == ActRemove {
				return fmt.Errorf("%w: use %s for a channel", ErrBadAction, ActRemoveChannel)
			}
			// roles in a private channel follow the same rules
			inCh, chRole := p.Channel.role(userID)
			return roleChange(action, inCh, chRole, guest || chRole == RoleGuest, p.Channel.count(RoleOwner))
		}
		if action == ActRemove {
			if !inTeam {
				return fmt.Errorf("%s: %w", p.Team.Team, ErrNotMember)
			}
			if teamRole == RoleOwner && owners <= 1 {
				return fmt.Errorf("%s: %w", p.Team.Team, ErrLastOwner)
			}
			return nil
		}
		return roleChange(action, inTeam, teamRole, guest || teamRole == RoleGuest, owners)
	case ActAddChannel, ActRemoveChannel:
		if p.Channel == nil || !p.Channel.Private {
			return fmt.Errorf("%w", ErrNotPrivate)
		}
		inCh, chRole := p.Channel.role(userID)
		if action == ActRemoveChannel {
			if !inCh {
				return fmt.Errorf("%s: %w", p.Channel.Channel, ErrNotMember)
			}
			if chRole == RoleOwner && p.Channel.count(RoleOwner) <= 1 {
				return fmt.Errorf("%s: %w", p.Channel.Channel, ErrLastOwner)
			}
			return nil
		}
		if !inTeam {
			return fmt.Errorf("%s: %w", p.Team.Team, ErrNotTeamMember)
		}
		if inCh {
			return fmt.Errorf("%s: %w", p.Channel.Channel, ErrAlreadyMember)
		}
		return nil
	}
	return fmt.Errorf("%w: %q", ErrBadAction, action)
}

func roleChange(action string, in bool, role string, guest bool, owners int) error {
	if !in {
		return ErrNotMember
	}
	switch action {
	case ActOwner:
		if guest {
			return ErrGuestOwner
		}
		if role == RoleOwner {
			return ErrAlreadyRole
		}
	case ActMember:
		if role != RoleOwner {
			return ErrAlreadyRole
		}
		if owners <= 1 {
			return ErrLastOwner
		}
	}
	return nil
}

// Actions lists the changes that may be planned for a person of c (a
// team, or a private channel of team): never owner for a guest.
func Actions(p Person, team Container, c *Container) []string {
	var out []string
	for _, a := range []string{ActOwner, ActMember, ActRemove, ActRemoveChannel} {
		if Check(a, p.UserID, p.Guest, Place{Team: team, Channel: c}) == nil {
			out = append(out, a)
		}
	}
	return out
}

func (c Container) role(userID string) (bool, string) {
	for _, p := range c.People {
		if p.UserID == userID {
			return true, p.Role
		}
	}
	return false, ""
}

func (c Container) count(role string) int {
	n := 0
	for _, p := range c.People {
		if p.Role == role {
			n++
		}
	}
	return n
}
