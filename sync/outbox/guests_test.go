package outbox_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

func tenantRoles(t *testing.T, srv *tenantsim.Server, id string) map[string]string {
	t.Helper()
	ms, err := srv.Tenant().Members(id)
	must(t, err)
	out := map[string]string{}
	for _, m := range ms {
		out[m.UserID], _ = roleOf(ms, m.UserID)
	}
	return out
}

// TestGuestsAgainstTenant: after a sync the guest console's roster is
// the tenant's ground truth (every team and private channel, every role,
// every guest's state); a review's denies and role changes planned
// offline, applied through the outbox under write faults and throttling,
// end in exactly the intended server state, and the audit log holds each
// change as done.
func TestGuestsAgainstTenant(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 7, Size: tenantsim.Small, ImmediateRetry: true}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	w := r.Srv.Tenant().World()
	now := time.Now()
	ro, err := guests.Read(ctx, r.DB, now, guests.Query{})
	must(t, err)
	// The roster is the tenant's.
	wantContainers := map[string]bool{}
	for _, tm := range w.Teams {
		wantContainers[tm.ID] = true
		for _, ch := range tm.Channels {
			if ch.MembershipType == "private" {
				wantContainers[ch.ID] = true
			}
		}
	}
	if len(ro.Containers) != len(wantContainers) {
		t.Errorf("%d teams and private channels, the tenant has %d", len(ro.Containers), len(wantContainers))
	}
	for _, c := range ro.Containers {
		if !wantContainers[c.ID] {
			t.Errorf("%s %s is not a team or private channel of the tenant", c.Team, c.Channel)
			continue
		}
		want := tenantRoles(t, r.Srv, c.ID)
		got := map[string]string{}
		for _, p := range c.People {
			got[p.UserID] = p.Role
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s / %s: roles %v, tenant %v", c.Team, c.Channel, got, want)
		}
	}
	// Each team's settings are the tenant's.
	var loose, strict guests.Container // a team whose guests may change channels, and one whose guests may not
	for _, c := range ro.Containers {
		if c.Private {
			if c.Settings != nil {
				t.Errorf("private channel %s / %s has team settings", c.Team, c.Channel)
			}
			continue
		}
		ts, err := r.Srv.Tenant().TeamSettings(c.TeamID)
		must(t, err)
		want := storage.TeamSettings{
			"memberSettings.allowCreateUpdateChannels": ts.MemberAllowCreateUpdateChannels, "memberSettings.allowCreatePrivateChannels": ts.MemberAllowCreatePrivateChannels,
			"memberSettings.allowDeleteChannels": ts.MemberAllowDeleteChannels, "guestSettings.allowCreateUpdateChannels": ts.GuestAllowCreateUpdateChannels,
			"guestSettings.allowDeleteChannels": ts.GuestAllowDeleteChannels,
		}
		if fmt.Sprint(c.Settings) != fmt.Sprint(want) {
			t.Errorf("%s: settings %v, tenant %v", c.Team, c.Settings, want)
		}
		switch {
		case ts.GuestAllowCreateUpdateChannels && loose.TeamID == "":
			loose = c
		case !ts.GuestAllowCreateUpdateChannels && !ts.GuestAllowDeleteChannels && strict.TeamID == "":
			strict = c
		}
	}
	// Teams' membersAdded events date when people joined: every team
	// and private channel of the tenant opens with one.
	for _, c := range ro.Containers {
		dated := 0
		for _, p := range c.People {
			if p.Since != nil {
				dated++
				if p.Since.After(now) {
					t.Errorf("%s / %s: %s joined in the future (%v)", c.Team, c.Channel, p.Name, p.Since)
				}
			}
		}
		if dated == 0 {
			t.Errorf("%s / %s: nobody's joining date among %d people", c.Team, c.Channel, len(c.People))
		}
	}
	if loose.TeamID == "" || strict.TeamID == "" {
		t.Fatalf("no team with loose (%q) or strict (%q) guest settings", loose.Team, strict.Team)
	}
	if _, err := guests.Plan(ctx, r.DB, now, guests.ActRestrict, strict.TeamID, "", "", ""); !errors.Is(err, guests.ErrAlreadyRole) {
		t.Errorf("restricting a team already restricted: %v", err)
	}
	states := map[string]string{}
	for _, g := range ro.Guests {
		states[g.UserID] = g.State
	}
	nGuests := 0
	for _, u := range w.Users {
		if !u.IsGuest() {
			continue
		}
		nGuests++
		want := guests.StateAccepted
		if u.ExternalUserState == "PendingAcceptance" {
			want = guests.StatePending
		}
		if states[u.ID] != want {
			t.Errorf("guest %s: state %q, tenant %q", u.DisplayName, states[u.ID], u.ExternalUserState)
		}
	}
	// Rapport signs in without AuditLog.Read.All: the tenant answers 403
	// to signInActivity, and the console says "not available".
	if len(ro.Guests) != nGuests || ro.SignInAvailable {
		t.Errorf("%d guests (tenant %d), sign-in available %v", len(ro.Guests), nGuests, ro.SignInAvailable)
	}
	for _, g := range ro.Guests {
		if g.SignIn != guests.SignInUnavailable || g.LastSignIn != nil {
			t.Errorf("guest %s: sign-in %s %v without AuditLog.Read.All", g.Name, g.SignIn, g.LastSignIn)
		}
	}
	// A review of the first customer: deny two guests, approve the rest.
	acc := ro.Accounts[0]
	rv, err := guests.StartReview(ctx, r.DB, now, acc.ID, w.Me.ID)
	must(t, err)
	denied := map[string]bool{}
	for i, it := range rv.Items {
		decision := guests.Approve
		if i < 2 && len(it.Teams) > 0 {
			decision = guests.Deny
			denied[it.UserID] = true
		}
		if _, _, err := guests.Decide(ctx, r.DB, now, it.UserID, decision, "quarterly review", w.Me.ID); err != nil {
			t.Fatal(err)
		}
	}
	// And a colleague made owner of a team.
	var promoted string
	for _, c := range ro.Containers {
		for _, p := range c.People {
			if !c.Private && p.Role == guests.RoleMember && promoted == "" {
				promoted = p.UserID
				if _, err := guests.Plan(ctx, r.DB, now, guests.ActOwner, c.TeamID, "", p.UserID, "lead"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// A loosened team restricted again, and members allowed to create
	// private channels in another.
	if _, err := guests.Plan(ctx, r.DB, now, guests.ActRestrict, loose.TeamID, "", "", "new customer"); err != nil {
		t.Fatal(err)
	}
	if _, err := guests.PlanSettings(ctx, r.DB, now, strict.TeamID, storage.TeamSettings{"memberSettings.allowCreatePrivateChannels": true, "guestSettings.allowDeleteChannels": false}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := guests.PlanSettings(ctx, r.DB, now, strict.TeamID, storage.TeamSettings{"memberSettings.allowDeleteChannels": true}, ""); !errors.Is(err, guests.ErrPlanned) {
		t.Errorf("a second settings change of one team: %v", err)
	}
	cs, err := guests.Changes(ctx, r.DB)
	must(t, err)
	if len(denied) == 0 || promoted == "" || len(cs) < len(denied)+1 {
		t.Fatalf("denied %d, promoted %q, %d changes", len(denied), promoted, len(cs))
	}
	ops, err := guests.Apply(ctx, r.DB, w.Me.ID, true, now)
	must(t, err)
	g := writeClient(t, r)
	must(t, r.Srv.SetFaults("503after=0.5,429=0.3,500=0.1,reset=0.1,seed=11"))
	c := &clock{t: now}
	for i := 0; i < 12; i++ {
		_, _ = outbox.Push(ctx, r.DB, r.DV, g, c.now)
		c.t = c.t.Add(time.Hour)
	}
	must(t, r.Srv.SetFaults(""))
	for i := 0; i < 3; i++ {
		_, err := outbox.Push(ctx, r.DB, r.DV, g, c.now)
		must(t, err)
		c.t = c.t.Add(time.Hour)
	}
	for _, ch := range cs {
		if ch.Action == guests.ActSettings {
			ts, err := r.Srv.Tenant().TeamSettings(ch.TeamID)
			must(t, err)
			got := map[string]bool{
				"memberSettings.allowCreatePrivateChannels": ts.MemberAllowCreatePrivateChannels,
				"guestSettings.allowCreateUpdateChannels":   ts.GuestAllowCreateUpdateChannels, "guestSettings.allowDeleteChannels": ts.GuestAllowDeleteChannels,
			}
			for k, v := range ch.Settings {
				if got[k] != v {
					t.Errorf("%s: tenant's %s is %v", ch.Describe(), k, got[k])
				}
			}
			continue
		}
		roles := tenantRoles(t, r.Srv, ch.TeamID)
		want := ch.After
		if roles[ch.UserID] != want {
			t.Errorf("%s: tenant role %q, want %q", ch.Describe(), roles[ch.UserID], want)
		}
	}
	audit, err := guests.Audit(ctx, r.DB)
	must(t, err)
	if len(audit) != len(ops) {
		t.Errorf("audit holds %d entries, %d changes applied", len(audit), len(ops))
	}
	for _, e := range audit {
		if e.Result != storage.OpDone || e.Who != w.Me.ID || e.What == "" {
			t.Errorf("audit entry %+v", e)
		}
	}
	// The next sync reads the settings back: no team is left to restrict.
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := guests.Plan(ctx, r.DB, now, guests.ActRestrict, loose.TeamID, "", "", ""); !errors.Is(err, guests.ErrAlreadyRole) {
		t.Errorf("after the sync, restricting %s again: %v", loose.Team, err)
	}
	t.Logf("%d guests, %d containers, %d changes; faults fired %v", len(ro.Guests), len(ro.Containers), len(ops), r.Srv.FaultHits())
}

// TestInviteCSV: a 500-row invitation file with 20 bad rows is checked
// row by row, its 480 valid rows planned, confirmed over the cap and
// pushed under write faults and throttling: each address is invited
// once and added to its team once, and the audit log holds each.
func TestInviteCSV(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 7, Size: tenantsim.Small, ImmediateRetry: true}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	w := r.Srv.Tenant().World()
	now := time.Now()
	ro, err := guests.Read(ctx, r.DB, now, guests.Query{})
	must(t, err)
	var team guests.Container
	var member guests.Person
	for _, c := range ro.Containers {
		for _, p := range c.People {
			if !c.Private && c.Account != "" && p.Guest && team.ID == "" {
				team, member = c, p
			}
		}
	}
	var domain string
	for _, a := range ro.Accounts {
		if a.ID == team.Account && len(a.Domains) > 0 {
			domain = a.Domains[0]
		}
	}
	if team.ID == "" || domain == "" {
		t.Fatal("no customer team with a mapped domain")
	}
	var b strings.Builder
	b.WriteString("\ufeffemail;name;team;message\n")
	bad := 0
	for i := 0; i < 500; i++ {
		switch {
		case i%25 == 3 && bad < 5*1:
			fmt.Fprintf(&b, "broken-%d-at-nowhere;X;%s;\n", i, team.Team) // syntax
		case i%25 == 8 && bad < 5*2:
			fmt.Fprintf(&b, "new%d@%s;Dup;%s;\n", i-1, domain, team.Team) // duplicate of the row before
		case i%25 == 13 && bad < 5*3:
			fmt.Fprintf(&b, "x%d@unmapped-%d.example;X;%s;\n", i, i, team.Team) // unmapped
		case i%25 == 18 && bad < 5*4:
			fmt.Fprintf(&b, "%s;X;%s;\n", member.Email, team.Team) // already a member (and a duplicate after the first)
		default:
			fmt.Fprintf(&b, "new%d@%s;\"Guest, %d\";%s;\"Bienvenue; welcome\"\n", i, domain, i, team.Team)
			continue
		}
		bad++
	}
	f, err := guests.ParseInvites(strings.NewReader(b.String()))
	must(t, err)
	valid, err := guests.CheckInvites(ctx, r.DB, now, &f)
	must(t, err)
	if len(f.Rows) != 500 || bad != 20 || valid != 480 {
		t.Fatalf("%d rows, %d bad written, %d valid", len(f.Rows), bad, valid)
	}
	planned, err := guests.PlanInvites(ctx, r.DB, now, f)
	must(t, err)
	if len(planned) != 480 {
		t.Fatalf("%d invitations planned", len(planned))
	}
	if _, err := guests.Apply(ctx, r.DB, w.Me.ID, false, now); !errors.Is(err, guests.ErrCap) {
		t.Fatalf("480 changes without the second confirmation: %v", err)
	}
	ops, err := guests.Apply(ctx, r.DB, w.Me.ID, true, now)
	must(t, err)
	g := writeClient(t, r)
	must(t, r.Srv.SetFaults("503after=0.05,429=0.05,500=0.02,reset=0.02,seed=5"))
	c := &clock{t: now}
	for i := 0; i < 6; i++ {
		_, _ = outbox.Push(ctx, r.DB, r.DV, g, c.now)
		c.t = c.t.Add(time.Hour)
	}
	must(t, r.Srv.SetFaults(""))
	for i := 0; i < 3; i++ {
		_, err := outbox.Push(ctx, r.DB, r.DV, g, c.now)
		must(t, err)
		c.t = c.t.Add(time.Hour)
	}
	invited := map[string]int{}
	for _, inv := range r.Srv.Tenant().Invitations() {
		invited[strings.ToLower(inv.Email)]++
	}
	ms, err := r.Srv.Tenant().Members(team.ID)
	must(t, err)
	inTeam := map[string]int{}
	for _, m := range ms {
		inTeam[m.UserID]++
	}
	all, err := r.DB.Outbox(ctx)
	must(t, err)
	for _, op := range all {
		if op.Change != guests.ActInvite {
			continue
		}
		if op.State != storage.OpDone {
			t.Errorf("%s: %s %s", op.Email, op.State, op.Error)
			continue
		}
		if invited[op.Email] != 1 {
			t.Errorf("%s invited %d times", op.Email, invited[op.Email])
		}
		if inTeam[op.UserID] != 1 {
			t.Errorf("%s in the team %d times", op.Email, inTeam[op.UserID])
		}
	}
	audit, err := guests.Audit(ctx, r.DB)
	must(t, err)
	if len(audit) != len(ops) || len(invited) != 480 {
		t.Errorf("audit %d entries, %d ops, %d addresses invited", len(audit), len(ops), len(invited))
	}
	t.Logf("faults fired %v", r.Srv.FaultHits())
}
