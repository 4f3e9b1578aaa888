package guests

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// ChangesSetting is the store setting that holds the change set being
// planned (not applied yet).
const ChangesSetting = "guests.changes"

// Sentinels of planning and applying.
var (
	ErrNotFound  = errors.New("no such team, channel or person")
	ErrAmbiguous = errors.New("more than one match")
	ErrPlanned   = errors.New("already planned")
	ErrCap       = errors.New("more changes than the cap: confirm again")
	ErrNoChanges = errors.New("no change planned")
)

// Change is one planned membership change with its preview.
type Change struct {
	ID        string    `json:"id"` // becomes the outbox operation's id
	Action    string    `json:"action"`
	TeamID    string    `json:"teamId"`
	Team      string    `json:"team"`
	ChannelID string    `json:"channelId,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	UserID    string    `json:"userId"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Before    string    `json:"before"` // role before ("" not a member)
	After     string    `json:"after"`  // role after ("" removed)
	Reason    string    `json:"reason,omitempty"`
	Planned   time.Time `json:"planned"`
	// An invitation's message, redirect and whether Microsoft sends the
	// e-mail (ActInvite).
	Message     string `json:"message,omitempty"`
	RedirectURL string `json:"redirectUrl,omitempty"`
	SendEmail   bool   `json:"sendEmail,omitempty"`
	// Settings are the team settings an ActSettings change sets.
	Settings map[string]map[string]bool `json:"settings,omitempty"`
}

// ActInvite invites a guest (and adds them to a team, and a private
// channel, when named).
const ActInvite = "invite"

// Describe says what a change does, in words (the audit log's "what").
func (c Change) Describe() string {
	where := c.Team
	if c.Channel != "" {
		where += " / " + c.Channel
	}
	switch c.Action {
	case ActOwner:
		return fmt.Sprintf("make %s an owner of %s", c.Name, where)
	case ActMember:
		return fmt.Sprintf("make %s a member (not owner) of %s", c.Name, where)
	case ActRemove, ActRemoveChannel:
		return fmt.Sprintf("remove %s from %s", c.Name, where)
	case ActAddChannel:
		return fmt.Sprintf("add %s to %s", c.Name, where)
	case ActSettings:
		return fmt.Sprintf("set %s of %s", SettingsText(c.Settings), c.Team)
	case ActInvite:
		if where == "" {
			return fmt.Sprintf("invite %s <%s>", c.Name, c.Email)
		}
		return fmt.Sprintf("invite %s <%s> to %s", c.Name, c.Email, where)
	}
	return c.Action + " " + c.Name + " " + where
}

// ChangeStore is what planning and applying need of the store.
type ChangeStore interface {
	Store
	QueueMemberOps(ctx context.Context, ops []storage.Op, by string, now time.Time) ([]storage.Op, error)
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
}

// Changes lists the planned changes, in plan order.
func Changes(ctx context.Context, db SettingsStore) ([]Change, error) {
	var cs []Change
	if err := db.Setting(ctx, ChangesSetting, &cs); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("read planned changes: %w", err)
	}
	if cs == nil {
		cs = []Change{}
	}
	return cs, nil
}

// Plan adds a change to the change set: action on user (an e-mail, a
// user id or a display name) in team (a name or id) or, for channel
// changes, its private channel (a name or id). The roster as stored
// decides whether it may be made (Check) and its preview.
func Plan(ctx context.Context, db Store, now time.Time, action, team, channel, user, reason string) (Change, error) {
	r, err := Read(ctx, db, now, Query{})
	if err != nil {
		return Change{}, err
	}
	return plan(ctx, db, r, now, action, team, channel, user, reason)
}

func plan(ctx context.Context, db SettingsStore, r Roster, now time.Time, action, team, channel, user, reason string) (Change, error) {
	tc, err := findContainer(r.Containers, team, "", false)
	if err != nil {
		return Change{}, err
	}
	p := Place{Team: tc}
	target := tc
	if channel != "" {
		cc, err := findContainer(r.Containers, channel, tc.TeamID, true)
		if err != nil {
			return Change{}, err
		}
		p.Channel, target = &cc, cc
	}
	who, err := findPerson(r, append(append([]Person{}, target.People...), tc.People...), user)
	if err != nil {
		return Change{}, err
	}
	if err := Check(action, who.UserID, who.Guest, p); err != nil {
		return Change{}, fmt.Errorf("%s: %w", who.Name, err)
	}
	_, before := target.role(who.UserID)
	after := before
	switch action {
	case ActOwner:
		after = RoleOwner
	case ActMember:
		after = RoleMember
	case ActRemove, ActRemoveChannel:
		after = ""
	case ActAddChannel:
		after = RoleMember
		if who.Guest {
			after = RoleGuest
		}
	}
	c := Change{ID: storage.NewID(), Action: action, TeamID: tc.TeamID, Team: tc.Team, UserID: who.UserID, Name: who.Name, Email: who.Email,
		Before: before, After: after, Reason: reason, Planned: now}
	if p.Channel != nil {
		c.ChannelID, c.Channel = p.Channel.ChannelID, p.Channel.Channel
	}
	cs, err := Changes(ctx, db)
	if err != nil {
		return Change{}, err
	}
	for _, o := range cs {
		if o.TeamID == c.TeamID && o.ChannelID == c.ChannelID && o.UserID == c.UserID && strings.EqualFold(o.Email, c.Email) {
			return Change{}, fmt.Errorf("%w: %s", ErrPlanned, o.Describe())
		}
	}
	if err := db.PutSetting(ctx, ChangesSetting, append(cs, c)); err != nil {
		return Change{}, fmt.Errorf("store planned changes: %w", err)
	}
	return c, nil
}

func findContainer(cs []Container, ref, teamID string, channel bool) (Container, error) {
	var found []Container
	for _, c := range cs {
		if channel != (c.ChannelID != "") || channel && c.TeamID != teamID {
			continue
		}
		id, name := c.TeamID, c.Team
		if channel {
			id, name = c.ChannelID, c.Channel
		}
		if id == ref || strings.EqualFold(name, ref) {
			found = append(found, c)
		}
	}
	what := "team"
	if channel {
		what = "private channel"
	}
	switch len(found) {
	case 0:
		return Container{}, fmt.Errorf("%w: %s %q", ErrNotFound, what, ref)
	case 1:
		return found[0], nil
	}
	return Container{}, fmt.Errorf("%w: %d %ss named %q (use the id)", ErrAmbiguous, len(found), what, ref)
}

func findPerson(r Roster, people []Person, ref string) (Person, error) {
	seen := map[string]bool{}
	var found []Person
	for _, p := range people {
		if !seen[p.UserID] && (p.UserID == ref || p.Email != "" && strings.EqualFold(p.Email, ref) || strings.EqualFold(p.Name, ref)) {
			seen[p.UserID] = true
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return Person{}, fmt.Errorf("%w: person %q in this team", ErrNotFound, ref)
	case 1:
		return found[0], nil
	}
	return Person{}, fmt.Errorf("%w: %d people match %q (use the e-mail)", ErrAmbiguous, len(found), ref)
}

// PlanInvites adds the valid rows of a checked invitation file (see
// CheckInvites) to the change set, and returns them. Rows with errors
// are left out; nothing is sent.
func PlanInvites(ctx context.Context, db Store, now time.Time, f InviteFile) ([]Change, error) {
	r, err := Read(ctx, db, now, Query{})
	if err != nil {
		return nil, err
	}
	cs, err := Changes(ctx, db)
	if err != nil {
		return nil, err
	}
	var added []Change
	for _, row := range f.Rows {
		if len(row.Errors) > 0 {
			continue
		}
		c := Change{ID: storage.NewID(), Action: ActInvite, Name: row.Name, Email: strings.ToLower(row.Email), After: RoleGuest,
			Message: row.Message, RedirectURL: row.RedirectURL, SendEmail: row.SendEmail, Planned: now,
			Reason: fmt.Sprintf("invitation file line %d", row.Line)}
		if c.Name == "" {
			c.Name = c.Email
		}
		if row.Team != "" {
			tc, err := findContainer(r.Containers, row.Team, "", false)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", row.Line, err)
			}
			c.TeamID, c.Team = tc.TeamID, tc.Team
			if row.Channel != "" {
				cc, err := findContainer(r.Containers, row.Channel, tc.TeamID, true)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", row.Line, err)
				}
				c.ChannelID, c.Channel = cc.ChannelID, cc.Channel
			}
		}
		added = append(added, c)
	}
	if err := db.PutSetting(ctx, ChangesSetting, append(cs, added...)); err != nil {
		return nil, fmt.Errorf("store planned changes: %w", err)
	}
	return added, nil
}

// Discard removes planned change n (1-based, as Changes lists them).
func Discard(ctx context.Context, db SettingsStore, n int) (Change, error) {
	cs, err := Changes(ctx, db)
	if err != nil {
		return Change{}, err
	}
	if n < 1 || n > len(cs) {
		return Change{}, fmt.Errorf("%w: change %d (there are %d)", ErrNotFound, n, len(cs))
	}
	c := cs[n-1]
	cs = append(cs[:n-1], cs[n:]...)
	if err := db.PutSetting(ctx, ChangesSetting, cs); err != nil {
		return Change{}, fmt.Errorf("store planned changes: %w", err)
	}
	return c, nil
}

// Apply queues the planned changes in the outbox (the next sync pushes
// them) and empties the change set. More changes than the cap need
// confirmed (a second confirmation): else ErrCap, and nothing is queued.
// Repeating an apply cut off by a crash queues nothing twice.
func Apply(ctx context.Context, db ChangeStore, by string, confirmed bool, now time.Time) ([]storage.Op, error) {
	s, err := LoadSettings(ctx, db)
	if err != nil {
		return nil, err
	}
	cs, err := Changes(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNoChanges
	}
	if len(cs) > s.Cap && !confirmed {
		return nil, fmt.Errorf("%w: %d changes, the cap is %d", ErrCap, len(cs), s.Cap)
	}
	ops := make([]storage.Op, len(cs))
	for i, c := range cs {
		ops[i] = storage.Op{ID: c.ID, Team: c.TeamID, Channel: c.ChannelID, UserID: c.UserID, Change: c.Action, Subject: c.Describe()}
		if c.Action == ActInvite {
			ops[i].Email, ops[i].Name, ops[i].Body = c.Email, c.Name, c.Message
			ops[i].Row = map[string]any{"inviteRedirectUrl": c.RedirectURL, "sendInvitationMessage": c.SendEmail}
		}
		if c.Action == ActSettings {
			settings := map[string]any{}
			for g, props := range c.Settings {
				m := map[string]any{}
				for p, v := range props {
					m[p] = v
				}
				settings[g] = m
			}
			ops[i].Row = map[string]any{"settings": settings}
		}
	}
	queued, err := db.QueueMemberOps(ctx, ops, by, now)
	if err != nil {
		return nil, fmt.Errorf("queue changes: %w", err)
	}
	if err := db.PutSetting(ctx, ChangesSetting, []Change{}); err != nil {
		return nil, fmt.Errorf("clear planned changes: %w", err)
	}
	return queued, nil
}

// AuditEntry is one applied (or attempted) change: who, what, when, and
// the result.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	Who    string    `json:"who"`
	What   string    `json:"what"`
	When   time.Time `json:"when"` // last state change
	Queued time.Time `json:"queued"`
	Result string    `json:"result"` // the outbox state: done, failed, conflict, pending, in-flight, discarded
	Error  string    `json:"error,omitempty"`
	Tries  int       `json:"tries"`
}

// Audit lists the membership changes the outbox holds, newest first.
func Audit(ctx context.Context, db interface {
	Outbox(ctx context.Context, states ...string) ([]storage.Op, error)
}) ([]AuditEntry, error) {
	ops, err := db.Outbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	out := []AuditEntry{}
	for _, op := range ops {
		if op.Kind != storage.OpMember {
			continue
		}
		out = append(out, AuditEntry{Seq: op.Seq, Who: op.By, What: op.Subject, When: op.Updated, Queued: op.Created, Result: op.State, Error: op.Error, Tries: op.Attempts})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq > out[j].Seq })
	return out, nil
}
