package outbox_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// writeClient signs in for the guest console's write scopes (the
// incremental consent asked at the first apply) and returns a Graph
// client holding them.
func writeClient(t *testing.T, r *enginetest.Rig) *graph.Client {
	t.Helper()
	u := r.Srv.URLs()
	// The sync scopes and the write ones, as the app asks at the first
	// apply (the reads before each write need the former).
	scopes := append(auth.GraphScopes(u.GraphResource), auth.GuestWriteScopes(u.GraphResource)...)
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	must(t, r.Sess.SignInDeviceCode(c, scopes, func(auth.DeviceCode) {}))
	g, err := graph.New(u.Graph, &tls.Config{RootCAs: r.Srv.CertPool()}, r.Sess.For(scopes), graph.Options{MaxRetries: 3})
	must(t, err)
	return g
}

func roleOf(ms []tenantsim.Member, user string) (string, bool) {
	for _, m := range ms {
		if m.UserID == user {
			switch {
			case slices.Contains(m.Roles, "owner"):
				return "owner", true
			case slices.Contains(m.Roles, "guest"):
				return "guest", true
			}
			return "member", true
		}
	}
	return "", false
}

// TestPushMembers: a change set of role changes, removals and private
// channel changes, queued offline, is pushed under write faults
// (applied-then-503, 429, 5xx, dropped connections) and pushes cut off
// part-way, and ends in exactly the intended server state; a guest made
// owner fails with Teams' own refusal; without the write scopes the
// change waits as a failure saying the permission is missing.
func TestPushMembers(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { pushMembers(t, seed) })
	}
}

func pushMembers(t *testing.T, seed uint64) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small, ImmediateRetry: true}, engine.Options{})
	w := r.Srv.Tenant().World()
	var team *tenantsim.Team
	var priv *tenantsim.Channel
	for _, tm := range w.Teams {
		for _, ch := range tm.Channels {
			if ch.MembershipType == "private" && priv == nil {
				team, priv = tm, ch
			}
		}
	}
	if priv == nil {
		t.Fatal("no private channel in the tenant")
	}
	isGuest := map[string]bool{}
	for _, u := range w.Users {
		isGuest[u.ID] = u.IsGuest()
	}
	teamMs, err := r.Srv.Tenant().Members(team.ID)
	must(t, err)
	chMs, err := r.Srv.Tenant().Members(priv.ID)
	must(t, err)
	var colleague, guestA, guestB, outsider string
	for _, m := range teamMs {
		role, _ := roleOf(teamMs, m.UserID)
		_, inCh := roleOf(chMs, m.UserID)
		switch {
		case role == "member" && !isGuest[m.UserID] && colleague == "":
			colleague = m.UserID
		case role == "guest" && guestA == "" && !inCh:
			guestA = m.UserID
		case role == "guest" && guestB == "" && !inCh:
			guestB = m.UserID
		case !inCh && outsider == "" && m.UserID != guestA && role != "guest":
			outsider = m.UserID
		}
	}
	var chGuest string
	for _, m := range chMs {
		if r, _ := roleOf(chMs, m.UserID); r != "owner" && chGuest == "" {
			chGuest = m.UserID // a non-owner of the channel
		}
	}
	if colleague == "" || guestA == "" || guestB == "" || chGuest == "" {
		t.Fatalf("team %s lacks people: colleague %q guests %q %q channel guest %q", team.DisplayName, colleague, guestA, guestB, chGuest)
	}
	plan := []storage.Op{
		{Team: team.ID, UserID: colleague, Change: "owner"},
		{Team: team.ID, UserID: guestA, Change: "remove"},
		{Team: team.ID, UserID: guestB, Change: "owner"}, // Teams refuses: a guest is never an owner
		{Team: team.ID, Channel: priv.ID, UserID: chGuest, Change: "remove-channel"},
		{Team: team.ID, Channel: priv.ID, UserID: guestB, Change: "add-channel"},
	}
	c := &clock{t: time.Now()}
	// Without the write scopes (consent not given yet): refused, nothing changes.
	ops, err := r.DB.QueueMemberOps(ctx, plan[:1], w.Me.ID, c.now())
	must(t, err)
	_, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	got, err := r.DB.Outbox(ctx, storage.OpConflict, storage.OpFailed)
	must(t, err)
	if len(got) != 1 || got[0].Seq != ops[0].Seq || !strings.Contains(got[0].Error, "permission") {
		t.Fatalf("a change without the write scopes: %+v", got)
	}
	if _, err := r.DB.DiscardOp(ctx, ops[0].Seq, c.now()); err != nil {
		t.Fatal(err)
	}
	g := writeClient(t, r)
	ops, err = r.DB.QueueMemberOps(ctx, plan, w.Me.ID, c.now())
	must(t, err)
	must(t, r.Srv.SetFaults(fmt.Sprintf("503after=0.25,429=0.15,500=0.05,503=0.05,reset=0.05,seed=%d", seed)))
	for round := 0; round < 10; round++ {
		pctx, cancel := context.WithCancel(ctx)
		if round%3 == 1 {
			go func() { time.Sleep(time.Duration(round%2) * time.Millisecond); cancel() }()
		}
		_, _ = outbox.Push(pctx, r.DB, r.DV, g, c.now)
		cancel()
		c.t = c.t.Add(time.Hour)
	}
	must(t, r.Srv.SetFaults(""))
	for i := 0; i < 3; i++ {
		_, err := outbox.Push(ctx, r.DB, r.DV, g, c.now)
		must(t, err)
		c.t = c.t.Add(time.Hour)
	}
	all, err := r.DB.Outbox(ctx)
	must(t, err)
	for _, op := range all {
		if op.Batch != ops[0].Batch {
			continue
		}
		want := storage.OpDone
		if op.UserID == guestB && op.Change == "owner" {
			want = storage.OpFailed
			if !strings.Contains(op.Error, "refused") || !strings.Contains(op.Error, "guest") {
				t.Errorf("guest → owner failed without Teams' reason: %q", op.Error)
			}
		}
		if op.State != want {
			t.Errorf("%s %s: %s (%s), want %s", op.Change, op.UserID, op.State, op.Error, want)
		}
		if op.By != w.Me.ID || op.Updated.IsZero() {
			t.Errorf("audit fields missing: %+v", op)
		}
	}
	teamMs, err = r.Srv.Tenant().Members(team.ID)
	must(t, err)
	chMs, err = r.Srv.Tenant().Members(priv.ID)
	must(t, err)
	for _, tc := range []struct {
		ms   []tenantsim.Member
		user string
		role string // "" absent
	}{
		{teamMs, colleague, "owner"}, {teamMs, guestA, ""}, {teamMs, guestB, "guest"},
		{chMs, chGuest, ""}, {chMs, guestB, "guest"}, {chMs, w.Me.ID, "owner"},
	} {
		role, _ := roleOf(tc.ms, tc.user)
		if role != tc.role {
			t.Errorf("%s: role %q, want %q", tc.user, role, tc.role)
		}
	}
	for _, ms := range [][]tenantsim.Member{teamMs, chMs} {
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.UserID] {
				t.Errorf("%s is a member twice", m.UserID)
			}
			seen[m.UserID] = true
		}
	}
	t.Logf("seed %d: faults fired %v", seed, r.Srv.FaultHits())
	must(t, r.DB.Check())
}

// TestPushMembersAsksConsent: signing in asks for the sync permissions
// only; a membership change pushed with the console's client (real MSAL,
// real SDK) waits, pending, for the write permissions while the other
// edits go on; once the user grants them (a sign-in asking for them: the
// first apply), the change lands.
func TestPushMembersAsksConsent(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	u := r.Srv.URLs()
	write := auth.GuestWriteScopes(u.GraphResource)
	for _, s := range write {
		if !strings.HasPrefix(s, "https://graph.microsoft.com/") {
			t.Fatalf("scope %q does not name Graph's resource", s)
		}
	}
	granted := func() []string { return r.Srv.Tenant().Consented("") }
	if got := granted(); slices.Contains(got, "TeamMember.ReadWrite.All") || slices.Contains(got, "User.Invite.All") || !slices.Contains(got, "TeamMember.Read.All") {
		t.Fatalf("consented at sign-in: %v", got)
	}
	w := r.Srv.Tenant().World()
	var team, colleague string
	for _, tm := range w.Teams {
		ms, err := r.Srv.Tenant().Members(tm.ID)
		must(t, err)
		if role, _ := roleOf(ms, w.Me.ID); role != "owner" {
			continue
		}
		for _, m := range ms {
			if role, _ := roleOf(ms, m.UserID); role == "member" && colleague == "" {
				team, colleague = tm.ID, m.UserID
			}
		}
	}
	if colleague == "" {
		t.Fatal("no team of mine with a member")
	}
	g, err := graph.New(u.Graph, &tls.Config{RootCAs: r.Srv.CertPool()}, r.Sess.For(auth.GuestChangeScopes(u.GraphResource)), graph.Options{MaxRetries: 3})
	must(t, err)
	c := &clock{t: time.Now()}
	ops, err := r.DB.QueueMemberOps(ctx, []storage.Op{{Team: team, UserID: colleague, Change: "owner"}}, w.Me.ID, c.now())
	must(t, err)
	chat := w.Chats[0].ID
	inc := r.Srv.Tenant().Rows("incidents")[0]["incidentid"].(string)
	if _, err := r.DB.SetLink(ctx, chat, "incidents", inc, true, "me", "", c.now()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		res, err := outbox.Push(ctx, r.DB, r.DV, g, c.now)
		must(t, err)
		if !res.NeedsConsent || res.Failed != 0 || res.Waiting != 1 {
			t.Fatalf("push %d without consent: %+v", i, res)
		}
		got, err := r.DB.Outbox(ctx)
		must(t, err)
		for _, op := range got {
			switch {
			case op.Seq == ops[0].Seq && (op.State != storage.OpPending || op.Error != outbox.WaitingConsent || op.Attempts != 0):
				t.Fatalf("the change without consent: %+v", op)
			case op.Kind == storage.OpLink && op.State != storage.OpDone:
				t.Fatalf("the link waited for the consent: %+v", op)
			}
		}
		ms, err := r.Srv.Tenant().Members(team)
		must(t, err)
		if role, _ := roleOf(ms, colleague); role != "member" {
			t.Fatalf("changed without consent: %s", role)
		}
	}
	cx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	must(t, r.Sess.SignInDeviceCode(cx, auth.GuestChangeScopes(u.GraphResource), func(auth.DeviceCode) {}))
	if got := granted(); !slices.Contains(got, "TeamMember.ReadWrite.All") || !slices.Contains(got, "ChannelMember.ReadWrite.All") ||
		!slices.Contains(got, "User.Invite.All") || !slices.Contains(got, "TeamSettings.ReadWrite.All") {
		t.Fatalf("consented after asking: %v", got)
	}
	res, err := outbox.Push(ctx, r.DB, r.DV, g, c.now)
	must(t, err)
	if res.Done != 1 || res.NeedsConsent {
		t.Fatalf("push after consent: %+v", res)
	}
	ms, err := r.Srv.Tenant().Members(team)
	must(t, err)
	if role, _ := roleOf(ms, colleague); role != "owner" {
		t.Fatalf("after consent: %s", role)
	}
}

// TestPushTeamSettings: a team's guest settings, changed through the
// outbox while every write is applied then answered 503 and calls are
// throttled, end as wanted (read back before each attempt); a team the
// user does not own answers 403, shown as Teams' refusal.
func TestPushTeamSettings(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small, ImmediateRetry: true}, engine.Options{})
	w := r.Srv.Tenant().World()
	var mine, theirs *tenantsim.Team
	for _, tm := range w.Teams {
		ms, err := r.Srv.Tenant().Members(tm.ID)
		must(t, err)
		role, in := roleOf(ms, w.Me.ID)
		switch {
		case role == "owner" && mine == nil:
			mine = tm
		case in && role != "owner" && theirs == nil:
			theirs = tm
		}
	}
	if mine == nil {
		t.Fatal("no team of mine")
	}
	g := writeClient(t, r)
	before, err := g.TeamSettings(ctx, mine.ID)
	must(t, err)
	const createUpdate, del = "guestSettings.allowCreateUpdateChannels", "guestSettings.allowDeleteChannels"
	want := map[string]any{createUpdate: !before[createUpdate], del: false}
	plan := []storage.Op{{Team: mine.ID, Change: "settings", Row: want}}
	if theirs != nil {
		plan = append(plan, storage.Op{Team: theirs.ID, Change: "settings", Row: map[string]any{createUpdate: !before[createUpdate]}})
	}
	c := &clock{t: time.Now()}
	ops, err := r.DB.QueueMemberOps(ctx, plan, w.Me.ID, c.now())
	must(t, err)
	must(t, r.Srv.SetFaults("503after=1,429=0.2,seed=3"))
	for i := 0; i < 4; i++ {
		_, _ = outbox.Push(ctx, r.DB, r.DV, g, c.now)
		c.t = c.t.Add(time.Hour)
	}
	must(t, r.Srv.SetFaults(""))
	_, err = outbox.Push(ctx, r.DB, r.DV, g, c.now)
	must(t, err)
	got, err := g.TeamSettings(ctx, mine.ID)
	must(t, err)
	if got[createUpdate] == before[createUpdate] || got[del] {
		t.Fatalf("settings after: %v (before %v)", got, before)
	}
	if got["memberSettings.allowCreateUpdateChannels"] != before["memberSettings.allowCreateUpdateChannels"] {
		t.Errorf("member settings changed: %v → %v", before, got)
	}
	all, err := r.DB.Outbox(ctx)
	must(t, err)
	for _, op := range all {
		switch {
		case op.Seq == ops[0].Seq && op.State != storage.OpDone:
			t.Errorf("my team's settings: %s %s", op.State, op.Error)
		case len(ops) > 1 && op.Seq == ops[1].Seq && (op.State != storage.OpConflict || !strings.Contains(op.Error, "owners")):
			t.Errorf("another's team: %s %q", op.State, op.Error)
		}
	}
	t.Logf("faults fired %v; a team not mine: %v", r.Srv.FaultHits(), theirs != nil)
}
