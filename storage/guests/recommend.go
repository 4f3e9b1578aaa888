package guests

import (
	"fmt"
	"sort"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
)

// Recommendation kinds.
const (
	RecInactive      = "inactive"       // no sign-in nor message for InactiveDays
	RecPending       = "pending"        // invitation pending for PendingDays
	RecCrossCustomer = "cross-customer" // a guest in another customer's private channel
	RecDisabled      = "disabled"       // a disabled account still a member
	RecNewCustomer   = "new-customer"   // a new customer's team keeps restricted guest settings
)

// Recommendation is one thing to change, why, and the evidence behind it.
type Recommendation struct {
	Kind        string `json:"kind"`
	UserID      string `json:"userId,omitempty"`
	Name        string `json:"name,omitempty"`
	Account     string `json:"account,omitempty"`
	TeamID      string `json:"teamId,omitempty"`
	Team        string `json:"team,omitempty"`
	ContainerID string `json:"containerId,omitempty"` // the private channel, for RecCrossCustomer
	Channel     string `json:"channel,omitempty"`
	Action      string `json:"action"` // ActRemove, ActRemoveChannel, or "restrict"
	Days        int    `json:"days,omitempty"`
	Until       string `json:"until,omitempty"` // RecNewCustomer: YYYY-MM-DD
	// Settings are the team settings ActRestrict plans (PlanSettings).
	Settings storage.TeamSettings `json:"settings,omitempty"`
	Reason   string               `json:"reason"`
	Evidence []string             `json:"evidence"`
}

const day = "2006-01-02"

// recommend derives the recommendations of a roster.
func recommend(r Roster, dir *accounts.Map) []Recommendation {
	s := r.Settings
	out := []Recommendation{}
	for _, g := range r.Guests {
		ev := evidence(g)
		add := func(rec Recommendation) {
			rec.UserID, rec.Name, rec.Account = g.UserID, g.Name, g.Account
			rec.Evidence = append(append([]string{}, ev...), rec.Evidence...)
			out = append(out, rec)
		}
		switch g.State {
		case StateDisabled:
			for _, m := range g.Memberships {
				if !m.Private {
					add(Recommendation{Kind: RecDisabled, TeamID: m.TeamID, Team: m.Team, Action: ActRemove,
						Reason: fmt.Sprintf("%s's account is disabled but still a member of %s", g.Name, m.Team)})
				}
			}
		case StatePending:
			if g.PendingDays >= s.PendingDays {
				for _, m := range teamsOf(g) {
					add(Recommendation{Kind: RecPending, TeamID: m.TeamID, Team: m.Team, Action: ActRemove, Days: g.PendingDays,
						Reason: fmt.Sprintf("invitation pending for %d days (limit %d)", g.PendingDays, s.PendingDays)})
				}
			}
		case StateAccepted:
			if idle, ok := inactiveDays(g, r.Now); ok && idle >= s.InactiveDays {
				for _, m := range teamsOf(g) {
					add(Recommendation{Kind: RecInactive, TeamID: m.TeamID, Team: m.Team, Action: ActRemove, Days: idle,
						Reason: fmt.Sprintf("no sign-in or message for %d days (limit %d)", idle, s.InactiveDays)})
				}
			}
		}
		for _, m := range g.Memberships {
			if m.Private && g.Account != "" && m.Account != "" && m.Account != g.Account {
				add(Recommendation{Kind: RecCrossCustomer, TeamID: m.TeamID, Team: m.Team, ContainerID: m.ContainerID, Channel: m.Channel,
					Action:   ActRemoveChannel,
					Reason:   fmt.Sprintf("a guest of %s in a private channel of %s", orName(dir.Name(g.Account), g.Account), orName(dir.Name(m.Account), m.Account)),
					Evidence: []string{"account by e-mail domain: " + g.Domain}})
			}
		}
	}
	for _, c := range r.Containers {
		created := dir.Created(c.Account)
		ok := !created.IsZero()
		if c.Private || c.Account == "" || !ok {
			continue
		}
		until := created.AddDate(0, s.RestrictMonths, 0)
		if r.Now.Before(until) && !restricted(c.Settings) {
			ev := []string{"account created " + created.Format(day)}
			if c.Settings != nil {
				ev = append(ev, "today: "+DescribeSettings(c.Settings))
			} else {
				ev = append(ev, "the team's settings are not synced yet")
			}
			out = append(out, Recommendation{Kind: RecNewCustomer, Account: c.Account, TeamID: c.TeamID, Team: c.Team, Action: ActRestrict,
				Until: until.Format(day), Settings: RestrictedGuests(),
				Reason:   fmt.Sprintf("%s is a customer of less than %d months: keep guests from creating, updating or deleting channels until %s", orName(dir.Name(c.Account), c.Account), s.RestrictMonths, until.Format(day)),
				Evidence: ev})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Team+a.Channel < b.Team+b.Channel
	})
	return out
}

var kindOrder = map[string]int{RecCrossCustomer: 0, RecDisabled: 1, RecPending: 2, RecInactive: 3, RecNewCustomer: 4}

func orName(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// teamsOf lists the teams (not channels) a guest is in.
func teamsOf(g Guest) []Membership {
	var out []Membership
	for _, m := range g.Memberships {
		if !m.Private {
			out = append(out, m)
		}
	}
	return out
}

// inactiveDays is how long a guest has shown no sign of life: since the
// later of the last sign-in (when known) and the last message, else since
// the invitation. ok is false when nothing dates it.
func inactiveDays(g Guest, now time.Time) (int, bool) {
	var last *time.Time
	for _, t := range []*time.Time{g.LastSignIn, g.LastMessage} {
		if t != nil && (last == nil || t.After(*last)) {
			last = t
		}
	}
	if last == nil {
		last = g.Invited
	}
	if last == nil {
		return 0, false
	}
	return days(now.Sub(*last)), true
}

// evidence lists what is known of a guest, in words.
func evidence(g Guest) []string {
	var ev []string
	switch g.SignIn {
	case SignInKnown:
		ev = append(ev, "last sign-in "+g.LastSignIn.Format(day))
	case SignInNever:
		ev = append(ev, "never signed in")
	default:
		ev = append(ev, "last sign-in not available (the tenant does not give sign-in activity)")
	}
	if g.LastMessage != nil {
		where := g.LastMessageIn
		if where == "" && g.LastMessageChat {
			where = "a chat"
		}
		ev = append(ev, fmt.Sprintf("last message %s in %s", g.LastMessage.Format(day), where))
	} else {
		ev = append(ev, "no message in the conversations Rapport holds")
	}
	if g.Invited != nil {
		ev = append(ev, "invited "+g.Invited.Format(day))
	}
	n := 0
	for _, m := range g.Memberships {
		if !m.Private {
			n++
		}
	}
	ev = append(ev, fmt.Sprintf("member of %d teams and %d private channels", n, len(g.Memberships)-n))
	return ev
}
