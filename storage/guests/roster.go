package guests

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
)

// Store is what the room reads of the store.
type Store interface {
	SettingsStore
	Me(ctx context.Context) (string, error)
	Users(ctx context.Context) ([]storage.User, error)
	Teams(ctx context.Context) ([]storage.Team, error)
	Channels(ctx context.Context, teamID string) ([]storage.Channel, error)
	Chats(ctx context.Context) ([]storage.Chat, error)
	Members(ctx context.Context, containerID string) ([]storage.Member, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
	Messages(ctx context.Context, convID string, before time.Time, limit int) ([]storage.MessageWithBody, error)
}

// Guest states.
const (
	StatePending  = "pending"  // invitation not accepted
	StateAccepted = "accepted" // invitation accepted
	StateDisabled = "disabled" // account disabled (accountEnabled false)
)

// Sign-in evidence kinds (Guest.SignIn).
const (
	SignInKnown       = "known"       // LastSignIn holds it
	SignInNever       = "never"       // the tenant says: never signed in
	SignInUnavailable = "unavailable" // the tenant refused signInActivity (403)
)

// Person is one member of a team or private channel.
type Person struct {
	UserID  string `json:"userId"`
	Name    string `json:"name"`
	Email   string `json:"email,omitempty"`
	Role    string `json:"role"`            // RoleOwner, RoleMember or RoleGuest
	Guest   bool   `json:"guest"`           // a guest of the tenant
	State   string `json:"state,omitempty"` // guests: StatePending, StateAccepted, StateDisabled
	Account string `json:"account,omitempty"`
	// Since is when they joined the team or private channel: the
	// earliest membersAdded or membersJoined event naming them among the
	// messages Rapport holds, else when sync first found them there
	// (storage.Member.Since); nil when neither is known (there at the
	// first sync, and no event held).
	Since *time.Time `json:"since,omitempty"`
	// Actions are the changes that may be planned for this person here
	// (Actions): never owner for a guest.
	Actions []string `json:"actions"`
}

// Container is a team or one of its private channels, with its people.
type Container struct {
	ID          string   `json:"id"`
	TeamID      string   `json:"teamId"`
	Team        string   `json:"team"`
	ChannelID   string   `json:"channelId,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	Private     bool     `json:"private,omitempty"`
	Account     string   `json:"account,omitempty"` // the customer the team serves: most of its guests'
	AccountName string   `json:"accountName,omitempty"`
	People      []Person `json:"people"`
	// Settings are a team's member and guest settings as last synced
	// (nil: not read; never for a private channel).
	Settings storage.TeamSettings `json:"settings,omitempty"`
}

// Membership is one team or private channel a guest is in.
type Membership struct {
	ContainerID string `json:"containerId"`
	TeamID      string `json:"teamId"`
	Team        string `json:"team"`
	Channel     string `json:"channel,omitempty"`
	Private     bool   `json:"private,omitempty"`
	Role        string `json:"role"`
	Account     string `json:"account,omitempty"` // the container's customer
}

// Guest is one guest with the evidence about them.
type Guest struct {
	UserID        string     `json:"userId"`
	Name          string     `json:"name"`
	Email         string     `json:"email,omitempty"`
	Domain        string     `json:"domain,omitempty"`
	Account       string     `json:"account,omitempty"` // "" when the domain maps to no account
	AccountName   string     `json:"accountName,omitempty"`
	State         string     `json:"state"`
	Invited       *time.Time `json:"invited,omitempty"` // externalUserStateChangeDateTime, else creation
	PendingDays   int        `json:"pendingDays,omitempty"`
	SignIn        string     `json:"signIn"`
	LastSignIn    *time.Time `json:"lastSignIn,omitempty"`
	LastMessage   *time.Time `json:"lastMessage,omitempty"`
	LastMessageIn string     `json:"lastMessageIn,omitempty"` // the team / channel, or the chat's topic ("" an untitled chat)
	// LastMessageChat says the last message was in a chat.
	LastMessageChat bool         `json:"lastMessageChat,omitempty"`
	Memberships     []Membership `json:"memberships"`
}

// Account is a customer account with its guests.
type Account struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created,omitzero"`
	Domains []string  `json:"domains"`
	Guests  []string  `json:"guests"` // user ids
	Teams   []string  `json:"teams"`  // container ids of teams serving it
}

// Query narrows a roster.
type Query struct {
	Account      string // account name or id ("" all)
	Team         string // team name or id ("" all)
	InactiveDays int    // over Settings.InactiveDays when > 0
}

// Roster is the console: teams and private channels with their people,
// guests with evidence, accounts, and recommendations.
type Roster struct {
	Now             time.Time        `json:"now"`
	Settings        Settings         `json:"settings"`
	SignInAvailable bool             `json:"signInAvailable"`
	Containers      []Container      `json:"containers"`
	Guests          []Guest          `json:"guests"`
	Accounts        []Account        `json:"accounts"`
	Unmapped        []string         `json:"unmapped"` // guests' domains mapped to no account
	Recommendations []Recommendation `json:"recommendations"`
	// SettingKeys are the team settings a change may set (storage.TeamSettingKeys).
	SettingKeys []string `json:"settingKeys"`
}

// Read reads the roster as of now.
func Read(ctx context.Context, db Store, now time.Time, q Query) (Roster, error) {
	s, err := LoadSettings(ctx, db)
	if err != nil {
		return Roster{}, err
	}
	if q.InactiveDays > 0 {
		s.InactiveDays = q.InactiveDays
	}
	r := Roster{Now: now, Settings: s, SettingKeys: storage.TeamSettingKeys, Containers: []Container{}, Guests: []Guest{}, Accounts: []Account{}, Unmapped: []string{}, Recommendations: []Recommendation{}}
	dir, err := accounts.Read(ctx, db, s.Domains)
	if err != nil {
		return Roster{}, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return Roster{}, fmt.Errorf("read users: %w", err)
	}
	byID := map[string]storage.User{}
	for _, u := range users {
		byID[u.ID] = u
		if u.UserType == "Guest" && u.SignInRead {
			r.SignInAvailable = true
		}
	}
	teams, err := db.Teams(ctx)
	if err != nil {
		return Roster{}, fmt.Errorf("read teams: %w", err)
	}
	guests := map[string]*Guest{}
	guestOf := func(id string, m storage.Member) *Guest {
		if g := guests[id]; g != nil {
			return g
		}
		u, known := byID[id]
		if !known && m.Role() != RoleGuest || known && u.UserType != "Guest" && m.Role() != RoleGuest {
			return nil
		}
		g := &Guest{UserID: id, Name: u.DisplayName, Email: strings.ToLower(u.Mail), State: StateAccepted, SignIn: SignInUnavailable, Memberships: []Membership{}}
		if g.Name == "" {
			g.Name = m.DisplayName
		}
		if g.Email == "" {
			g.Email = strings.ToLower(m.Email)
		}
		g.Domain = accounts.DomainOf(g.Email)
		g.Account = dir.Of(g.Email)
		g.AccountName = dir.Name(g.Account)
		switch {
		case u.Disabled:
			g.State = StateDisabled
		case u.ExternalUserState == "PendingAcceptance":
			g.State = StatePending
		}
		g.Invited = u.StateChanged
		if g.Invited == nil {
			g.Invited = u.Created
		}
		if g.State == StatePending && g.Invited != nil {
			g.PendingDays = days(now.Sub(*g.Invited))
		}
		switch {
		case u.LastSignIn != nil:
			g.SignIn, g.LastSignIn = SignInKnown, u.LastSignIn
		case u.SignInRead:
			g.SignIn = SignInNever
		}
		guests[id] = g
		return g
	}
	person := func(m storage.Member) Person {
		p := Person{UserID: m.UserID, Name: m.DisplayName, Email: strings.ToLower(m.Email), Role: m.Role(), Since: m.Since}
		if g := guestOf(m.UserID, m); g != nil {
			p.Guest, p.State, p.Account = true, g.State, g.Account
			if p.Role == RoleMember {
				p.Role = RoleGuest // a guest's role is fixed
			}
		}
		return p
	}
	convNames := map[string]string{}
	convPlace := map[string]string{} // channel → its team, or itself when private
	var containers []Container
	for _, t := range teams {
		ms, err := db.Members(ctx, t.ID)
		if err != nil {
			return Roster{}, fmt.Errorf("read members of %s: %w", t.Name, err)
		}
		tc := Container{ID: t.ID, TeamID: t.ID, Team: t.Name, Settings: t.Settings}
		for _, m := range ms {
			tc.People = append(tc.People, person(m))
		}
		tc.Account = majority(tc.People)
		tc.AccountName = dir.Name(tc.Account)
		containers = append(containers, tc)
		chs, err := db.Channels(ctx, t.ID)
		if err != nil {
			return Roster{}, fmt.Errorf("read channels of %s: %w", t.Name, err)
		}
		for _, ch := range chs {
			convNames[ch.ID] = t.Name + " / " + ch.Name
			convPlace[ch.ID] = t.ID
			if ch.MembershipType == storage.ChannelPrivate {
				convPlace[ch.ID] = ch.ID
			}
			if ch.MembershipType != storage.ChannelPrivate {
				continue
			}
			ms, err := db.Members(ctx, ch.ID)
			if err != nil {
				return Roster{}, fmt.Errorf("read members of %s / %s: %w", t.Name, ch.Name, err)
			}
			cc := Container{ID: ch.ID, TeamID: t.ID, Team: t.Name, ChannelID: ch.ID, Channel: ch.Name, Private: true,
				Account: tc.Account, AccountName: tc.AccountName}
			for _, m := range ms {
				cc.People = append(cc.People, person(m))
			}
			containers = append(containers, cc)
		}
	}
	for _, u := range users {
		if u.UserType == "Guest" {
			guestOf(u.ID, storage.Member{})
		}
	}
	for _, c := range containers {
		for _, p := range c.People {
			if g := guests[p.UserID]; g != nil {
				g.Memberships = append(g.Memberships, Membership{ContainerID: c.ID, TeamID: c.TeamID, Team: c.Team, Channel: c.Channel,
					Private: c.Private, Role: p.Role, Account: c.Account})
			}
		}
	}
	since, err := lastMessages(ctx, db, guests, convNames, convPlace)
	if err != nil {
		return Roster{}, err
	}
	teamOf := map[string]Container{}
	for _, c := range containers {
		if c.ChannelID == "" {
			teamOf[c.TeamID] = c
		}
	}
	for i := range containers {
		c := &containers[i]
		for j := range c.People {
			if at, ok := since[c.ID][c.People[j].UserID]; ok {
				c.People[j].Since = &at
			}
			if c.ChannelID == "" {
				c.People[j].Actions = Actions(c.People[j], *c, nil)
			} else {
				c.People[j].Actions = Actions(c.People[j], teamOf[c.TeamID], c)
			}
			if c.People[j].Actions == nil {
				c.People[j].Actions = []string{}
			}
		}
	}
	r.Containers = containers
	for _, g := range guests {
		r.Guests = append(r.Guests, *g)
	}
	sort.Slice(r.Guests, func(i, j int) bool {
		a, b := r.Guests[i], r.Guests[j]
		if a.AccountName != b.AccountName {
			return a.AccountName < b.AccountName
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.UserID < b.UserID
	})
	r.Recommendations = recommend(r, dir)
	r.filter(q, dir)
	r.Accounts, r.Unmapped = group(r, dir)
	return r, nil
}

// lastMessages fills each guest's last message among the conversations
// the store holds, and returns when each person joined each team or
// private channel (convPlace: a channel → its team, or itself when
// private) by the earliest membersAdded or membersJoined event naming
// them there.
func lastMessages(ctx context.Context, db Store, guests map[string]*Guest, convNames, convPlace map[string]string) (map[string]map[string]time.Time, error) {
	since := map[string]map[string]time.Time{}
	chats, err := db.Chats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chats: %w", err)
	}
	isChat := map[string]bool{}
	for _, c := range chats {
		convNames[c.ID] = c.Topic // "" for an untitled chat
		isChat[c.ID] = true
	}
	ids := make([]string, 0, len(convNames))
	for id := range convNames {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, conv := range ids {
		var before time.Time
		for {
			page, err := db.Messages(ctx, conv, before, 500)
			if err != nil {
				return nil, fmt.Errorf("read messages of %s: %w", convNames[conv], err)
			}
			for _, m := range page {
				if place := convPlace[conv]; place != "" && (m.Event == "membersAdded" || m.Event == "membersJoined") {
					if since[place] == nil {
						since[place] = map[string]time.Time{}
					}
					for _, u := range m.EventMembers {
						if at, ok := since[place][u]; !ok || m.Created.Before(at) {
							since[place][u] = m.Created
						}
					}
				}
				g := guests[m.FromID]
				if g == nil || m.Deleted != nil {
					continue
				}
				if g.LastMessage == nil || m.Created.After(*g.LastMessage) {
					at := m.Created
					g.LastMessage, g.LastMessageIn, g.LastMessageChat = &at, convNames[conv], isChat[conv]
				}
			}
			if len(page) < 500 {
				break
			}
			before = page[len(page)-1].Created
		}
	}
	return since, nil
}

// majority is the account most of people's guests belong to ("" none;
// ties go to the smallest id, so the answer is stable).
func majority(people []Person) string {
	n := map[string]int{}
	for _, p := range people {
		if p.Guest && p.Account != "" {
			n[p.Account]++
		}
	}
	best := ""
	for acc, c := range n {
		if best == "" || c > n[best] || c == n[best] && acc < best {
			best = acc
		}
	}
	return best
}

func days(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}

// filter keeps what q asks for.
func (r *Roster) filter(q Query, dir *accounts.Map) {
	if q.Account == "" && q.Team == "" {
		return
	}
	matchAcc := func(id string) bool {
		return q.Account == "" || id != "" && (id == q.Account || strings.EqualFold(dir.Name(id), q.Account))
	}
	matchTeam := func(id, name string) bool { return q.Team == "" || id == q.Team || strings.EqualFold(name, q.Team) }
	var cs []Container
	for _, c := range r.Containers {
		if matchTeam(c.TeamID, c.Team) && (matchAcc(c.Account) || q.Account != "" && hasAccount(c.People, matchAcc)) {
			cs = append(cs, c)
		}
	}
	r.Containers = append([]Container{}, cs...)
	var gs []Guest
	keep := map[string]bool{}
	for _, g := range r.Guests {
		inTeam := q.Team == ""
		for _, m := range g.Memberships {
			inTeam = inTeam || matchTeam(m.TeamID, m.Team)
		}
		if matchAcc(g.Account) && inTeam {
			gs = append(gs, g)
			keep[g.UserID] = true
		}
	}
	r.Guests = append([]Guest{}, gs...)
	var rs []Recommendation
	for _, rec := range r.Recommendations {
		if rec.UserID != "" && keep[rec.UserID] || rec.UserID == "" && matchAcc(rec.Account) && matchTeam(rec.TeamID, rec.Team) {
			rs = append(rs, rec)
		}
	}
	r.Recommendations = append([]Recommendation{}, rs...)
}

func hasAccount(ps []Person, match func(string) bool) bool {
	for _, p := range ps {
		if p.Guest && match(p.Account) {
			return true
		}
	}
	return false
}

// group lists accounts with their guests and teams, and the domains of
// guests no account claims.
func group(r Roster, dir *accounts.Map) ([]Account, []string) {
	byAcc := map[string]*Account{}
	get := func(id string) *Account {
		if a := byAcc[id]; a != nil {
			return a
		}
		a := &Account{ID: id, Name: dir.Name(id), Created: dir.Created(id), Domains: []string{}, Guests: []string{}, Teams: []string{}}
		byAcc[id] = a
		return a
	}
	unmapped := map[string]bool{}
	for _, g := range r.Guests {
		if g.Account == "" {
			if g.Domain != "" {
				unmapped[g.Domain] = true
			}
			continue
		}
		a := get(g.Account)
		a.Guests = append(a.Guests, g.UserID)
		if g.Domain != "" && !contains(a.Domains, g.Domain) {
			a.Domains = append(a.Domains, g.Domain)
		}
	}
	for _, c := range r.Containers {
		if c.Account != "" && !c.Private {
			a := get(c.Account)
			a.Teams = append(a.Teams, c.ID)
		}
	}
	out := []Account{}
	for _, a := range byAcc {
		sort.Strings(a.Domains)
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	um := []string{}
	for d := range unmapped {
		um = append(um, d)
	}
	sort.Strings(um)
	return out, um
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
