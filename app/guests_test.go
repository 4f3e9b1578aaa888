package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
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
