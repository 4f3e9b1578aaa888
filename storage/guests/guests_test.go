package guests_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/storagetest"
)

var ctx = context.Background()

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func ago(d int) *time.Time { t := now.AddDate(0, 0, -d); return &t }

const (
	teamA  = "team-a" // serves Contoso (acc-a)
	teamB  = "team-b" // serves Fabrikam (acc-b)
	chanA1 = "19:a1@thread.tacv2"
	chanB1 = "19:b1@thread.tacv2" // Fabrikam's private channel
	chanB2 = "19:b2@thread.tacv2" // standard
	chat1  = "19:chat1@thread.v2"
)

// seed writes two customers' teams: Contoso's (team A: owner me, member
// Li, guests ann (active), bob (stale), cat (pending 40 days), dan
// (disabled)) and Fabrikam's (team B: owner me, guests eve, fay; private
// channel B1 with eve and, from Contoso, ann), CRM accounts and contacts,
// and messages.
func seed(t testing.TB, db *storage.DB, signIn bool) {
	t.Helper()
	guest := func(id, name, mail, state string, invited, last *time.Time, disabled bool) storage.User {
		u := storage.User{ID: id, DisplayName: name, Mail: mail, UserType: "Guest", ExternalUserState: state, StateChanged: invited, Disabled: disabled, SignInRead: signIn}
		if signIn {
			u.LastSignIn = last
		}
		return u
	}
	m := func(id, name, mail string, roles ...string) storage.Member {
		if roles == nil {
			roles = []string{}
		}
		return storage.Member{UserID: id, DisplayName: name, Email: mail, Roles: roles}
	}
	err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, u := range []storage.User{
			{ID: "me", DisplayName: "Me", Mail: "me@rapport.test", UserType: "Member"},
			guest("ann", "Ann", "ann@contoso.com", "Accepted", ago(200), ago(2), false),
			guest("bob", "Bob", "Bob@Contoso.com", "Accepted", ago(300), ago(150), false),
			guest("cat", "Cat", "cat@contoso.com", "PendingAcceptance", ago(40), nil, false),
			guest("dan", "Dan", "dan@contoso.com", "Accepted", ago(100), ago(10), true),
			guest("eve", "Eve", "eve@fabrikam.fr", "Accepted", ago(50), ago(1), false),
			guest("fay", "Fay", "fay@fabrikam.fr", "PendingAcceptance", ago(5), nil, false),
			guest("gus", "Gus", "gus@unknown.example", "Accepted", ago(20), ago(3), false),
		} {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		if err := w.SetMe("me"); err != nil {
			return err
		}
		for _, tm := range []storage.Team{{ID: teamA, Name: "Contoso Support"}, {ID: teamB, Name: "Fabrikam Projet"}} {
			if err := w.PutTeam(tm); err != nil {
				return err
			}
		}
		for _, ch := range []storage.Channel{
			{ID: chanA1, TeamID: teamA, Name: "General", MembershipType: storage.ChannelStandard},
			{ID: chanB1, TeamID: teamB, Name: "Contrat", MembershipType: storage.ChannelPrivate},
			{ID: chanB2, TeamID: teamB, Name: "General", MembershipType: storage.ChannelStandard},
		} {
			if err := w.PutChannel(ch); err != nil {
				return err
			}
		}
		sets := map[string][]storage.Member{
			teamA: {m("me", "Me", "me@rapport.test", "owner"), m("li", "Li", "li@rapport.test"),
				m("ann", "Ann", "ann@contoso.com", "guest"), m("bob", "Bob", "bob@contoso.com", "guest"),
				m("cat", "Cat", "cat@contoso.com", "guest"), m("dan", "Dan", "dan@contoso.com", "guest")},
			teamB: {m("me", "Me", "me@rapport.test", "owner"), m("eve", "Eve", "eve@fabrikam.fr", "guest"),
				m("fay", "Fay", "fay@fabrikam.fr", "guest"), m("ann", "Ann", "ann@contoso.com", "guest"), m("gus", "Gus", "gus@unknown.example", "guest")},
			chanB1: {m("me", "Me", "me@rapport.test", "owner"), m("eve", "Eve", "eve@fabrikam.fr", "guest"), m("ann", "Ann", "ann@contoso.com", "guest")},
		}
		for id, ms := range sets {
			if err := w.SetMembers(id, ms); err != nil {
				return err
			}
		}
		for _, r := range []storage.Record{
			{Set: "accounts", ID: "acc-a", Fields: map[string]any{"name": "Contoso", "websiteurl": "https://www.contoso.com/", "createdon": "2024-01-10T00:00:00Z"}},
			{Set: "accounts", ID: "acc-b", Fields: map[string]any{"name": "Fabrikam", "createdon": now.AddDate(0, -1, 0).Format(time.RFC3339)}},
			{Set: "contacts", ID: "c1", Fields: map[string]any{"emailaddress1": "eve@fabrikam.fr", "_parentcustomerid_value": "acc-b"}},
		} {
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		for i, msg := range []storage.Message{
			{ConvID: chanA1, TeamID: teamA, ID: "m1", Type: "message", Created: *ago(120), FromID: "bob"},
			{ConvID: chanA1, TeamID: teamA, ID: "m2", Type: "message", Created: *ago(95), FromID: "bob"},
			{ConvID: chat1, ID: "m3", Type: "message", Created: *ago(4), FromID: "eve"},
		} {
			_ = i
			if _, err := w.PutMessage(msg, storage.Body{Raw: "hello"}); err != nil {
				return err
			}
		}
		return w.PutChat(storage.Chat{ID: chat1, Topic: "Fabrikam chat", ChatType: "group", Created: *ago(60)})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, db *storage.DB, q guests.Query) guests.Roster {
	t.Helper()
	r, err := guests.Read(ctx, db, now, q)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func guestByID(r guests.Roster, id string) (guests.Guest, bool) {
	for _, g := range r.Guests {
		if g.UserID == id {
			return g, true
		}
	}
	return guests.Guest{}, false
}

func TestRoster(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	r := read(t, db, guests.Query{})
	if !r.SignInAvailable {
		t.Error("sign-in activity was read: SignInAvailable false")
	}
	// containers: two teams and the one private channel (standard channels are not containers)
	var ids []string
	for _, c := range r.Containers {
		ids = append(ids, c.ID)
	}
	if want := []string{teamA, teamB, chanB1}; !slices.Equal(ids, want) {
		t.Fatalf("containers %v, want %v", ids, want)
	}
	roles := map[string]string{}
	for _, p := range r.Containers[0].People {
		roles[p.UserID] = p.Role
	}
	if roles["me"] != "owner" || roles["li"] != "member" || roles["ann"] != "guest" {
		t.Errorf("team A roles %v", roles)
	}
	if r.Containers[0].Account != "acc-a" || r.Containers[1].Account != "acc-b" || r.Containers[2].Account != "acc-b" {
		t.Errorf("container accounts %q %q %q, want acc-a acc-b acc-b", r.Containers[0].Account, r.Containers[1].Account, r.Containers[2].Account)
	}
	tests := []struct {
		id, state, account, signIn string
		pending                    int
		lastMsg                    bool
		memberships                int
	}{
		{"ann", guests.StateAccepted, "acc-a", guests.SignInKnown, 0, false, 3},
		{"bob", guests.StateAccepted, "acc-a", guests.SignInKnown, 0, true, 1},
		{"cat", guests.StatePending, "acc-a", guests.SignInNever, 40, false, 1},
		{"dan", guests.StateDisabled, "acc-a", guests.SignInKnown, 0, false, 1},
		{"eve", guests.StateAccepted, "acc-b", guests.SignInKnown, 0, true, 2},
		{"fay", guests.StatePending, "acc-b", guests.SignInNever, 5, false, 1},
		{"gus", guests.StateAccepted, "", guests.SignInKnown, 0, false, 1},
	}
	for _, tc := range tests {
		g, ok := guestByID(r, tc.id)
		if !ok {
			t.Errorf("%s missing", tc.id)
			continue
		}
		if g.State != tc.state || g.Account != tc.account || g.SignIn != tc.signIn || g.PendingDays != tc.pending ||
			(g.LastMessage != nil) != tc.lastMsg || len(g.Memberships) != tc.memberships {
			t.Errorf("%s: state %s account %q signIn %s pending %d lastMessage %v memberships %d; want %+v",
				tc.id, g.State, g.Account, g.SignIn, g.PendingDays, g.LastMessage, len(g.Memberships), tc)
		}
	}
	if len(r.Guests) != len(tests) {
		t.Errorf("%d guests, want %d", len(r.Guests), len(tests))
	}
	if !slices.Equal(r.Unmapped, []string{"unknown.example"}) {
		t.Errorf("unmapped %v", r.Unmapped)
	}
	if len(r.Accounts) != 2 || r.Accounts[0].Name != "Contoso" || len(r.Accounts[0].Guests) != 4 || !slices.Equal(r.Accounts[0].Domains, []string{"contoso.com"}) {
		t.Errorf("accounts %+v", r.Accounts)
	}
}

func recKeys(r guests.Roster) []string {
	var out []string
	for _, rec := range r.Recommendations {
		k := rec.Kind + ":" + rec.UserID + "@" + rec.Team
		if rec.Channel != "" {
			k += "/" + rec.Channel
		}
		out = append(out, k)
	}
	return out
}

func TestRecommendations(t *testing.T) {
	tests := []struct {
		name     string
		signIn   bool
		settings guests.Settings
		q        guests.Query
		want     []string
	}{
		{"defaults", true, guests.Settings{}, guests.Query{}, []string{
			"cross-customer:ann@Fabrikam Projet/Contrat",
			"disabled:dan@Contoso Support",
			"pending:cat@Contoso Support",
			"inactive:bob@Contoso Support", // sign-in 150 days, last message 95 days ago
			"new-customer:@Fabrikam Projet",
		}},
		{"inactive 100 days: bob's message 95 days ago keeps him", true, guests.Settings{}, guests.Query{InactiveDays: 100}, []string{
			"cross-customer:ann@Fabrikam Projet/Contrat",
			"disabled:dan@Contoso Support",
			"pending:cat@Contoso Support",
			"new-customer:@Fabrikam Projet",
		}},
		{"pending limit 3 days; a 1-month restriction ends today", true, guests.Settings{PendingDays: 3, RestrictMonths: 1}, guests.Query{}, []string{
			"cross-customer:ann@Fabrikam Projet/Contrat",
			"disabled:dan@Contoso Support",
			"pending:cat@Contoso Support",
			"pending:fay@Fabrikam Projet",
			"inactive:bob@Contoso Support",
		}},
		{"no sign-in activity: the last message or the invitation dates a guest", false, guests.Settings{InactiveDays: 30}, guests.Query{}, []string{
			"cross-customer:ann@Fabrikam Projet/Contrat",
			"disabled:dan@Contoso Support",
			"pending:cat@Contoso Support",
			"inactive:ann@Contoso Support", // invited 200 days ago, no message held
			"inactive:ann@Fabrikam Projet",
			"inactive:bob@Contoso Support",
			"new-customer:@Fabrikam Projet",
		}},
		{"one account", true, guests.Settings{}, guests.Query{Account: "fabrikam"}, []string{
			"new-customer:@Fabrikam Projet",
		}},
		{"one team", true, guests.Settings{}, guests.Query{Team: "Fabrikam Projet"}, []string{
			"cross-customer:ann@Fabrikam Projet/Contrat",
			"new-customer:@Fabrikam Projet",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := storagetest.Open(t)
			seed(t, db, tc.signIn)
			if err := guests.SaveSettings(ctx, db, tc.settings); err != nil {
				t.Fatal(err)
			}
			r := read(t, db, tc.q)
			if got := recKeys(r); !slices.Equal(got, tc.want) {
				t.Errorf("recommendations\n got %q\nwant %q", got, tc.want)
			}
			for _, rec := range r.Recommendations {
				if rec.Reason == "" || len(rec.Evidence) == 0 || rec.Action == "" {
					t.Errorf("%s without reason, evidence or action: %+v", rec.Kind, rec)
				}
				if rec.Kind == guests.RecInactive && !tc.signIn && !strings.Contains(strings.Join(rec.Evidence, "; "), "not available") {
					t.Errorf("inactive without sign-in data does not say so: %v", rec.Evidence)
				}
			}
		})
	}
}

func TestDomainMapping(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	if err := accounts.MapDomain(ctx, db, "@Unknown.Example", "acc-b"); err != nil {
		t.Fatal(err)
	}
	// and the mapping beats the CRM: contoso.com is no customer now
	if err := accounts.MapDomain(ctx, db, "contoso.com", ""); err != nil {
		t.Fatal(err)
	}
	r := read(t, db, guests.Query{})
	if g, _ := guestByID(r, "gus"); g.Account != "acc-b" {
		t.Errorf("gus mapped to %q, want acc-b", g.Account)
	}
	if g, _ := guestByID(r, "ann"); g.Account != "" {
		t.Errorf("ann mapped to %q, want none", g.Account)
	}
	if !slices.Equal(r.Unmapped, []string{"contoso.com"}) {
		t.Errorf("unmapped %v", r.Unmapped)
	}
	s, err := guests.LoadSettings(ctx, db)
	if err != nil || s.InactiveDays != 90 || s.PendingDays != 30 || s.RestrictMonths != 3 || s.Cap != 20 {
		t.Errorf("defaults %+v %v", s, err)
	}
	if err := guests.SaveSettings(ctx, db, guests.Settings{InactiveDays: -1}); !errors.Is(err, guests.ErrBadSetting) {
		t.Errorf("negative setting: %v, want ErrBadSetting", err)
	}
}

func TestCheck(t *testing.T) {
	team := guests.Container{ID: "t", TeamID: "t", Team: "T", People: []guests.Person{
		{UserID: "o1", Role: "owner"}, {UserID: "m1", Role: "member"}, {UserID: "g1", Role: "guest", Guest: true},
	}}
	team2 := team
	team2.People = append(slices.Clone(team.People), guests.Person{UserID: "o2", Role: "owner"})
	ch := &guests.Container{ID: "c", TeamID: "t", Team: "T", Channel: "C", Private: true, People: []guests.Person{
		{UserID: "o1", Role: "owner"}, {UserID: "g1", Role: "guest", Guest: true},
	}}
	std := &guests.Container{ID: "s", TeamID: "t", Channel: "S"}
	tests := []struct {
		action, user string
		guest        bool
		p            guests.Place
		want         error
	}{
		{guests.ActOwner, "m1", false, guests.Place{Team: team}, nil},
		{guests.ActOwner, "g1", true, guests.Place{Team: team}, guests.ErrGuestOwner},
		{guests.ActOwner, "o1", false, guests.Place{Team: team}, guests.ErrAlreadyRole},
		{guests.ActOwner, "x", false, guests.Place{Team: team}, guests.ErrNotMember},
		{guests.ActMember, "o1", false, guests.Place{Team: team}, guests.ErrLastOwner},
		{guests.ActMember, "o1", false, guests.Place{Team: team2}, nil},
		{guests.ActMember, "m1", false, guests.Place{Team: team}, guests.ErrAlreadyRole},
		{guests.ActRemove, "g1", true, guests.Place{Team: team}, nil},
		{guests.ActRemove, "o1", false, guests.Place{Team: team}, guests.ErrLastOwner},
		{guests.ActRemove, "o1", false, guests.Place{Team: team2}, nil},
		{guests.ActRemove, "x", false, guests.Place{Team: team}, guests.ErrNotMember},
		{guests.ActRemove, "g1", true, guests.Place{Team: team, Channel: ch}, guests.ErrBadAction},
		{guests.ActAddChannel, "m1", false, guests.Place{Team: team, Channel: ch}, nil},
		{guests.ActAddChannel, "g1", true, guests.Place{Team: team, Channel: ch}, guests.ErrAlreadyMember},
		{guests.ActAddChannel, "x", true, guests.Place{Team: team, Channel: ch}, guests.ErrNotTeamMember},
		{guests.ActAddChannel, "m1", false, guests.Place{Team: team, Channel: std}, guests.ErrNotPrivate},
		{guests.ActRemoveChannel, "g1", true, guests.Place{Team: team, Channel: ch}, nil},
		{guests.ActRemoveChannel, "o1", false, guests.Place{Team: team, Channel: ch}, guests.ErrLastOwner},
		{guests.ActRemoveChannel, "m1", false, guests.Place{Team: team, Channel: ch}, guests.ErrNotMember},
		{guests.ActOwner, "g1", true, guests.Place{Team: team, Channel: ch}, guests.ErrGuestOwner},
		// a guest of the tenant holding a member role (stale data) is still never an owner
		{guests.ActOwner, "m1", true, guests.Place{Team: team}, guests.ErrGuestOwner},
		{"promote", "m1", false, guests.Place{Team: team}, guests.ErrBadAction},
	}
	for _, tc := range tests {
		err := guests.Check(tc.action, tc.user, tc.guest, tc.p)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("Check(%s, %s, guest %v): %v, want %v", tc.action, tc.user, tc.guest, err, tc.want)
		}
	}
	// Actions never offers owner to a guest
	for _, p := range team.People {
		acts := guests.Actions(p, team, nil)
		if p.Guest && slices.Contains(acts, guests.ActOwner) {
			t.Errorf("owner offered to guest %s", p.UserID)
		}
	}
	if got := guests.Actions(team.People[1], team, nil); !slices.Equal(got, []string{guests.ActOwner, guests.ActRemove}) {
		t.Errorf("member actions %v", got)
	}
}

// TestTeamSettings: a new customer's team is recommended for restriction
// until its guest settings are restricted (its evidence says what they
// are); planning the restriction previews before → after, leaves out what
// is already so, and applies as one settings change of the team.
func TestTeamSettings(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	setB := func(s storage.TeamSettings) {
		t.Helper()
		must(t, db.Apply(ctx, func(w *storage.Writer) error {
			return w.PutTeam(storage.Team{ID: teamB, Name: "Fabrikam Projet", Settings: s})
		}))
	}
	newCustomer := func() *guests.Recommendation {
		for _, rec := range read(t, db, guests.Query{}).Recommendations {
			if rec.Kind == guests.RecNewCustomer {
				return &rec
			}
		}
		return nil
	}
	for _, c := range []struct {
		name     string
		settings storage.TeamSettings
		evidence string // "" no recommendation
	}{
		{"settings not synced", nil, "not synced yet"},
		{"guests may create channels", storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": true, "guestSettings.allowDeleteChannels": false},
			"guests may create and update channels: yes, guests may delete channels: no"},
		{"guests may delete channels", storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": false, "guestSettings.allowDeleteChannels": true}, "guests may delete channels: yes"},
		{"restricted", storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": false, "guestSettings.allowDeleteChannels": false, "memberSettings.allowDeleteChannels": true}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			setB(c.settings)
			rec := newCustomer()
			switch {
			case c.evidence == "" && rec != nil:
				t.Fatalf("recommended for a restricted team: %+v", rec)
			case c.evidence != "" && (rec == nil || !strings.Contains(strings.Join(rec.Evidence, "; "), c.evidence) || rec.Action != guests.ActRestrict):
				t.Fatalf("recommendation %+v, want evidence %q", rec, c.evidence)
			}
		})
	}

	setB(storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": true, "guestSettings.allowDeleteChannels": false})
	c, err := guests.Plan(ctx, db, now, guests.ActRestrict, "Fabrikam Projet", "", "", "new customer")
	must(t, err)
	if c.Action != guests.ActSettings || fmt.Sprint(c.Settings) != fmt.Sprint(storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": false}) ||
		c.Before != "guests may create and update channels: yes" || c.After != "guests may create and update channels: no" {
		t.Fatalf("restrict planned %+v", c)
	}
	if _, err := guests.PlanSettings(ctx, db, now, teamB, storage.TeamSettings{"memberSettings.allowDeleteChannels": true}, ""); !errors.Is(err, guests.ErrPlanned) {
		t.Fatalf("a second settings change of the team: %v", err)
	}
	// Team A's settings were never synced: the preview says so.
	c, err = guests.PlanSettings(ctx, db, now, "Contoso Support", storage.TeamSettings{"memberSettings.allowCreatePrivateChannels": true}, "")
	must(t, err)
	if !strings.Contains(c.Before, "not synced yet") || c.After != "members may create private channels: yes" {
		t.Fatalf("preview of unknown settings: %q → %q", c.Before, c.After)
	}
	if _, err := guests.PlanSettings(ctx, db, now, teamA, storage.TeamSettings{"memberSettings.allowEverything": true}, ""); !errors.Is(err, guests.ErrBadAction) {
		t.Fatalf("an unknown setting: %v", err)
	}
	ops, err := guests.Apply(ctx, db, "me", false, now)
	must(t, err)
	if len(ops) != 2 || ops[0].Change != guests.ActSettings || ops[0].Team != teamB || ops[0].Row["guestSettings.allowCreateUpdateChannels"] != false ||
		!strings.Contains(ops[0].Subject, "Fabrikam Projet") {
		t.Fatalf("applied %+v", ops)
	}
}

func TestParseSettings(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  string // fmt of the settings; "" an error
	}{
		{[]string{"guestSettings.allowDeleteChannels=off"}, "map[guestSettings.allowDeleteChannels:false]"},
		{[]string{"GUESTSETTINGS.allowCreateUpdateChannels=Yes", "memberSettings.allowCreatePrivateChannels=false"},
			"map[guestSettings.allowCreateUpdateChannels:true memberSettings.allowCreatePrivateChannels:false]"},
		{[]string{"guestSettings.allowDeleteChannels"}, ""},
		{[]string{"guestSettings.allowDeleteChannels=maybe"}, ""},
		{[]string{"funSettings.allowGiphy=on"}, ""},
		{nil, ""},
	} {
		got, err := guests.ParseSettings(c.words)
		switch {
		case c.want == "" && !errors.Is(err, guests.ErrBadAction):
			t.Errorf("%q: %v, %v; want an error", c.words, got, err)
		case c.want != "" && (err != nil || fmt.Sprint(got) != c.want):
			t.Errorf("%q: %v, %v; want %s", c.words, got, err, c.want)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemberSince: a person joined a team or private channel at the
// earliest membersAdded (or membersJoined) event naming them in its
// channels; a team's standard channels count for the team, a private
// channel only for itself; no event held, no date.
func TestMemberSince(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	event := func(conv, id, kind string, days int, who ...string) storage.Message {
		return storage.Message{ConvID: conv, TeamID: teamB, ID: id, Type: "systemEventMessage", Event: kind, EventMembers: who, Created: *ago(days)}
	}
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		for _, m := range []storage.Message{
			event(chanB2, "e1", "membersAdded", 60, "me", "eve"),
			event(chanB2, "e2", "membersAdded", 5, "fay", "eve"), // eve again: the earliest wins
			event(chanB1, "e3", "membersJoined", 30, "ann"),
			event(chanB2, "e4", "membersDeleted", 2, "fay"), // not a join
		} {
			if _, err := w.PutMessage(m, storage.Body{}); err != nil {
				return err
			}
		}
		return nil
	}))
	r := read(t, db, guests.Query{})
	want := map[string]int{ // container/user → days ago; absent: no date
		teamB + "/me": 60, teamB + "/eve": 60, teamB + "/fay": 5, chanB1 + "/ann": 30,
	}
	n := 0
	for _, c := range r.Containers {
		for _, p := range c.People {
			k := c.ID + "/" + p.UserID
			days, ok := want[k]
			switch {
			case !ok && p.Since != nil:
				t.Errorf("%s: since %v, want none", k, p.Since)
			case ok && (p.Since == nil || !p.Since.Equal(*ago(days))):
				t.Errorf("%s: since %v, want %d days ago", k, p.Since, days)
			case ok:
				n++
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d of %d dates found", n, len(want))
	}
}
