package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// TestGuestsCommands runs rapport guests and rapport review on a synced
// store as a user would: the roster as JSON, a change planned and
// listed with its preview, a guest never made owner, a discard, a CSV
// preview with row errors, a review decided and exported (CSV escaped,
// HTML under a deny-all CSP), and bad input exiting non-zero.
func TestGuestsCommands(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := Main(append([]string{args[0], "--data-dir", dir}, args[1:]...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := run("guests", "--json")
	var ro guests.Roster
	if code != 0 || json.Unmarshal([]byte(out), &ro) != nil || len(ro.Guests) == 0 || len(ro.Containers) == 0 {
		t.Fatalf("guests --json: %d %s %s", code, out[:min(len(out), 300)], errs)
	}
	var team guests.Container
	var guest, member guests.Person
	for _, c := range ro.Containers {
		for _, p := range c.People {
			if !c.Private && p.Guest && guest.UserID == "" && member.UserID == "" {
				team = c
			}
		}
		if team.ID == c.ID {
			for _, p := range c.People {
				if p.Guest && guest.UserID == "" {
					guest = p
				}
				if p.Role == guests.RoleMember && member.UserID == "" {
					member = p
				}
			}
		}
	}
	if guest.UserID == "" {
		t.Fatal("no team with a guest")
	}
	if code, _, errs := run("guests", "plan", "owner", team.Team, guest.Email); code == 0 || !strings.Contains(errs, "guest cannot be an owner") {
		t.Errorf("guest → owner: %d %s", code, errs)
	}
	if code, out, errs := run("guests", "--json", "plan", "remove", team.Team, guest.Email); code != 0 || !strings.Contains(out, `"before":"guest"`) {
		t.Fatalf("plan remove: %d %s %s", code, out, errs)
	}
	code, out, _ = run("guests", "changes")
	if code != 0 || !strings.Contains(out, "remove "+guest.Name) || !strings.Contains(out, "guest → —") {
		t.Errorf("changes list: %d %q", code, out)
	}
	if code, _, _ := run("guests", "changes", "discard", "1"); code != 0 {
		t.Error("discard failed")
	}
	if code, out, _ := run("guests", "--json", "changes"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("after discard: %q", out)
	}
	csvFile := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(csvFile, []byte("\ufeffemail;name;team\n"+guest.Email+";X;"+team.Team+"\nnot-an-address;Y;"+team.Team+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run("guests", "--json", "invite", "--csv", csvFile, "--dry-run")
	var inv struct {
		Rows  []guests.InviteRow `json:"rows"`
		Valid int                `json:"valid"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil || len(inv.Rows) != 2 || inv.Valid != 0 ||
		!strings.Contains(strings.Join(inv.Rows[0].Errors, ","), guests.RowMember) || inv.Rows[1].Errors[0] != guests.RowSyntax {
		t.Errorf("invite preview: %d %s %s", code, out, errs)
	}
	if code, _, _ := run("review", "start"); code != 0 {
		t.Fatal("review start failed")
	}
	if code, _, errs := run("review", "decide", guest.Email, "approve"); code == 0 || !strings.Contains(errs, "justification") {
		t.Errorf("decide without --why: %d %s", code, errs)
	}
	if code, _, errs := run("review", "decide", guest.Email, "deny", "--why", "=project over"); code != 0 {
		t.Fatalf("decide: %s", errs)
	}
	for _, name := range []string{"r.csv", "r.html"} {
		p := filepath.Join(t.TempDir(), name)
		if code, _, errs := run("review", "export", "--out", p); code != 0 {
			t.Fatalf("export %s: %s", name, errs)
		}
		b, _ := os.ReadFile(p)
		if name == "r.csv" && !strings.Contains(string(b), "'=project over") {
			t.Errorf("CSV justification not escaped: %s", b)
		}
		if name == "r.html" && (!strings.Contains(string(b), "Content-Security-Policy") || strings.Contains(string(b), "<script")) {
			t.Errorf("HTML report: %s", b)
		}
	}
	if code, out, _ := run("guests", "changes"); code != 0 || !strings.Contains(out, "remove "+guest.Name) {
		t.Errorf("the deny planned no removal: %q", out)
	}
	if code, _, _ := run("guests", "plan", "fly", team.Team, guest.Email); code == 0 {
		t.Error("unknown change accepted")
	}
	if code, _, _ := run("review", "bogus"); code == 0 {
		t.Error("unknown review verb accepted")
	}
}

// TestGuestsApplyAsksConsent: `rapport sync` signs in asking for the
// sync permissions only; the first `rapport guests changes apply` asks
// for the write permissions (device code, on stderr), and the next sync
// applies the change in the tenant, once.
func TestGuestsApplyAsksConsent(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	run := cliAgainst(t, srv)
	if code, _, stderr := run("sync"); code != 0 {
		t.Fatalf("rapport sync: exit %d\n%s", code, stderr)
	}
	writes := []string{"TeamMember.ReadWrite.All", "ChannelMember.ReadWrite.All", "User.Invite.All", "TeamSettings.ReadWrite.All"}
	granted := srv.Tenant().Consented("")
	for _, p := range writes {
		if slices.Contains(granted, p) {
			t.Fatalf("the sign-in asked for %s: %v", p, granted)
		}
	}
	w := srv.Tenant().World()
	isGuest := map[string]bool{}
	for _, u := range w.Users {
		isGuest[u.ID] = u.IsGuest()
	}
	var team, colleague string
	for _, tm := range w.Teams {
		ms, err := srv.Tenant().Members(tm.ID)
		if err != nil {
			t.Fatal(err)
		}
		mine := false
		for _, m := range ms {
			mine = mine || m.UserID == w.Me.ID && slices.Contains(m.Roles, "owner")
		}
		for _, m := range ms {
			if mine && colleague == "" && len(m.Roles) == 0 && !isGuest[m.UserID] {
				team, colleague = tm.ID, m.UserID
			}
		}
	}
	if colleague == "" {
		t.Fatal("no team of mine with a colleague")
	}
	if code, out, stderr := run("guests", "plan", "owner", team, colleague); code != 0 {
		t.Fatalf("guests plan: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr := run("guests", "changes", "apply")
	if code != 0 || !strings.Contains(stderr, "Grant permission: To sign in") {
		t.Fatalf("guests changes apply: exit %d\n%s%s", code, out, stderr)
	}
	granted = srv.Tenant().Consented("")
	for _, p := range writes {
		if !slices.Contains(granted, p) {
			t.Fatalf("apply did not ask for %s: %v", p, granted)
		}
	}
	if code, _, stderr := run("sync"); code != 0 {
		t.Fatalf("sync after apply: exit %d\n%s", code, stderr)
	}
	ms, err := srv.Tenant().Members(team)
	if err != nil {
		t.Fatal(err)
	}
	owners := 0
	for _, m := range ms {
		if m.UserID == colleague && slices.Contains(m.Roles, "owner") {
			owners++
		}
	}
	if owners != 1 {
		t.Fatalf("the colleague is an owner %d times: %+v", owners, ms)
	}
	code, out, _ = run("guests", "audit", "--json")
	var audit []guests.AuditEntry
	if code != 0 || json.Unmarshal([]byte(out), &audit) != nil || len(audit) != 1 || audit[0].Result != "done" {
		t.Fatalf("audit: %d %s", code, out)
	}
	// A second apply asks nothing.
	if code, _, stderr := run("guests", "plan", "member", team, colleague); code != 0 {
		t.Fatalf("plan member: %d %s", code, stderr)
	}
	if code, _, stderr = run("guests", "changes", "apply"); code != 0 || strings.Contains(stderr, "Grant permission") {
		t.Fatalf("second apply: exit %d\n%s", code, stderr)
	}
	// The team's guest settings (created with channel changes forbidden to
	// guests), planned and applied the same way.
	if code, out, stderr := run("guests", "plan", "settings", team, "guestSettings.allowCreateUpdateChannels=on,guestSettings.allowDeleteChannels=off"); code != 0 {
		t.Fatalf("plan settings: %d %s%s", code, out, stderr)
	}
	if code, out, stderr := run("guests", "plan", "settings", team, "funSettings.allowGiphy=off"); code == 0 {
		t.Fatalf("an unknown setting was planned: %s%s", out, stderr)
	}
	if code, _, stderr = run("guests", "changes", "apply"); code != 0 {
		t.Fatalf("apply settings: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run("sync"); code != 0 {
		t.Fatalf("sync after settings: exit %d\n%s", code, stderr)
	}
	for _, tm := range srv.Tenant().World().Teams {
		if tm.ID == team && (!tm.Settings.GuestAllowCreateUpdateChannels || tm.Settings.GuestAllowDeleteChannels) {
			t.Errorf("guest settings after sync: %+v", tm.Settings)
		}
	}
	code, out, _ = run("guests", "audit", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &audit) != nil || len(audit) != 3 || audit[0].Result != "done" {
		t.Fatalf("audit after settings: %d %s", code, out)
	}
}

// TestGuestsService drives the service the UI binds: the roster with the
// changes each person may get (never owner for a guest), a guest made
// owner refused with its code, a change planned and discarded, the cap
// asking for a second confirmation, an invitation file's row errors, and
// a review decided and exported.
func TestGuestsService(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	core := newCore(Config{DataDir: dir, Cloud: "global"}, ModeBrowser, "test", slog.New(slog.DiscardHandler))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	g := core.Guests
	r, err := g.Roster("", "", 0)
	if err != nil || len(r.Containers) == 0 || len(r.Guests) == 0 {
		t.Fatalf("roster: %d containers, %d guests, %v", len(r.Containers), len(r.Guests), err)
	}
	var team guests.Container
	var guest, member guests.Person
	for _, c := range r.Containers {
		for _, p := range c.People {
			if p.Guest && slices.Contains(p.Actions, guests.ActOwner) {
				t.Errorf("%s (guest) offered owner in %s", p.Name, c.Team)
			}
			if !c.Private && p.Guest && guest.UserID == "" {
				team, guest = c, p
			}
		}
	}
	for _, p := range team.People {
		if p.Role == guests.RoleMember && member.UserID == "" {
			member = p
		}
	}
	if guest.UserID == "" || member.UserID == "" {
		t.Fatalf("no team with a guest and a member")
	}
	if !slices.Contains(member.Actions, guests.ActOwner) || !slices.Contains(guest.Actions, guests.ActRemove) {
		t.Errorf("actions: member %v, guest %v", member.Actions, guest.Actions)
	}
	if _, err := g.Plan(guests.ActOwner, team.TeamID, "", guest.UserID, ""); toError(err).Code != "guest_owner" {
		t.Errorf("guest made owner: %v (%s)", err, toError(err).Code)
	}
	c, err := g.Plan(guests.ActRemove, team.TeamID, "", guest.Email, "left the project")
	if err != nil || c.Before != guests.RoleGuest || c.After != "" {
		t.Fatalf("plan: %+v %v", c, err)
	}
	if cs, err := g.Changes(); err != nil || len(cs) != 1 {
		t.Fatalf("changes: %+v %v", cs, err)
	}
	if _, err := g.Discard(1); err != nil {
		t.Fatal(err)
	}
	if cs, _ := g.Changes(); len(cs) != 0 {
		t.Errorf("after discard: %+v", cs)
	}
	var csv strings.Builder
	csv.WriteString("email,name,team\n")
	for i := 0; i < 21; i++ {
		fmt.Fprintf(&csv, "new%d@%s,New %d,%s\n", i, guest.Email[strings.IndexByte(guest.Email, '@')+1:], i, team.Team)
	}
	csv.WriteString("not-an-address,Bad,x\n")
	im, err := g.Import(csv.String(), true)
	if err != nil || im.Valid != 21 || len(im.Rows) != 22 || len(im.Rows[0].Errors) != 0 || len(im.Rows[21].Errors) == 0 || len(im.Planned) != 0 {
		t.Fatalf("dry run: %d valid of %d, planned %d, %v %+v", im.Valid, len(im.Rows), len(im.Planned), err, im.Rows[0])
	}
	if im, err = g.Import(csv.String(), false); err != nil || len(im.Planned) != 21 {
		t.Fatalf("import: %d planned, %v", len(im.Planned), err)
	}
	if _, err := g.Apply(false); toError(err).Code != "confirm_required" {
		t.Errorf("apply over the cap: %v", err)
	}
	if a, err := g.Apply(true); err != nil || a.Queued != 21 || a.NeedsConsent {
		t.Errorf("apply confirmed: %+v %v", a, err)
	}
	if _, err := g.ExportReview("csv"); toError(err).Code != "not_found" {
		t.Errorf("export before a review: %v", err)
	}
	rv, err := g.StartReview("")
	if err != nil || len(rv.Items) == 0 {
		t.Fatalf("start review: %+v %v", rv, err)
	}
	d, err := g.Decide(rv.Items[0].UserID, guests.Deny, "=project ended")
	if err != nil || d.Item.Decision != guests.Deny || len(d.Planned) == 0 {
		t.Fatalf("decide: %+v %v", d, err)
	}
	st, err := g.ReviewStatus()
	if err != nil || st.Decided != 1 || st.Total != len(rv.Items) {
		t.Errorf("status: %+v %v", st, err)
	}
	out, err := g.ExportReview("csv")
	if err != nil || !strings.Contains(out, "'=project ended") {
		t.Errorf("csv export: %v\n%s", err, out)
	}
	if out, err = g.ExportReview("html"); err != nil || !strings.Contains(out, "<table") {
		t.Errorf("html export: %v", err)
	}
}
