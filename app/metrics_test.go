package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// oracleWaits computes every conversation's waits on the wall clock
// straight from the synced messages, with who is a customer taken from
// the simulated tenant's own world (its customers' people; colleagues
// and the user are ours; bots have no user): seconds of answered waits,
// the ids of open ones.
func oracleWaits(t *testing.T, db *storage.DB, w *tenantsim.World) (answered map[string][]int64, waits map[string]int, open map[string]bool) {
	t.Helper()
	ctx := context.Background()
	customer := map[string]bool{}
	ours := map[string]bool{}
	for _, u := range w.Users {
		if u.Customer >= 0 {
			customer[u.ID] = true
		} else {
			ours[u.ID] = true
		}
	}
	convs := map[string]bool{} // id → channel
	chats, _ := db.Chats(ctx)
	for _, c := range chats {
		convs[c.ID] = false
	}
	chs, _ := db.Channels(ctx, "")
	for _, c := range chs {
		convs[c.ID] = true
	}
	answered, waits, open = map[string][]int64{}, map[string]int{}, map[string]bool{}
	for id, channel := range convs {
		ms, err := db.Messages(ctx, id, storage.Message{}.Created, 0)
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(ms) // oldest first
		slices.SortStableFunc(ms, func(a, b storage.MessageWithBody) int {
			if c := a.Created.Compare(b.Created); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		started := map[string]*storage.MessageWithBody{}
		for i := range ms {
			m := &ms[i]
			if m.Type != "message" || m.FromID == "" {
				continue
			}
			thread := ""
			if channel {
				thread = m.ReplyTo
				if thread == "" {
					thread = m.ID
				}
			}
			switch {
			case ours[m.FromID] && started[thread] != nil:
				answered[id] = append(answered[id], int64(m.Created.Sub(started[thread].Created).Seconds()))
				started[thread] = nil
			case !ours[m.FromID] && started[thread] == nil:
				started[thread] = m
				waits[id]++
			}
		}
		for _, m := range started {
			if m != nil {
				open[id+"/"+m.ID] = true
			}
		}
	}
	return answered, waits, open
}

func nearest(sorted []int64, p int) int64 { return sorted[max((p*len(sorted)+99)/100, 1)-1] }

// TestMetricsCommand runs `rapport metrics --json` on a store synced from
// the simulated tenant and checks it against the oracle: per conversation
// (a chat, or a channel with its threads, by id) the waits, answered,
// nearest-rank median and p90 on the wall clock, the unanswered list
// (every open wait, oldest first); working-hour figures never above wall
// ones; the account filter; the text form; a bad clock refused as JSON.
func TestMetricsCommand(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	answered, waits, open := oracleWaits(t, rig.DB, rig.Srv.Tenant().World())
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(append([]string{"metrics"}, args...), "--data-dir", dir), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	report := func(args ...string) metrics.Report {
		t.Helper()
		code, out, errs := run(append([]string{"--json"}, args...)...)
		if code != 0 {
			t.Fatalf("rapport metrics %v: exit %d: %s", args, code, errs)
		}
		var r metrics.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("rapport metrics %v: %v\n%s", args, err, out)
		}
		// The field names.
		for _, f := range []string{`"waits"`, `"answered"`, `"medianSeconds"`, `"p90Seconds"`, `"withinTarget"`, `"unanswered"`, `"id"`} {
			if !strings.Contains(out, f) {
				t.Fatalf("rapport metrics --json has no %s", f)
			}
		}
		return r
	}
	wall := report("--hours", "24x7")
	total := 0
	for _, n := range waits {
		total += n
	}
	if total == 0 || len(open) == 0 || wall.Total.Waits != total || wall.Total.Unanswered != len(open) {
		t.Fatalf("total: %d waits, %d unanswered; the oracle: %d, %d", wall.Total.Waits, wall.Total.Unanswered, total, len(open))
	}
	t.Logf("%d waits (%d unanswered) in %d conversations, %d accounts", total, len(open), len(waits), len(wall.Accounts))
	seen := 0
	for _, g := range wall.Conversations {
		if g.Waits == 0 {
			continue
		}
		seen++
		secs := slices.Clone(answered[g.ID])
		slices.Sort(secs)
		if g.Waits != waits[g.ID] || g.Answered != len(secs) {
			t.Errorf("%s %s: %d waits, %d answered; the oracle: %d, %d", g.Kind, g.ID, g.Waits, g.Answered, waits[g.ID], len(secs))
			continue
		}
		if len(secs) > 0 && (g.MedianSeconds == nil || *g.MedianSeconds != nearest(secs, 50) || *g.P90Seconds != nearest(secs, 90)) {
			t.Errorf("%s: median %v p90 %v; the oracle: %d, %d", g.ID, deref(g.MedianSeconds), deref(g.P90Seconds), nearest(secs, 50), nearest(secs, 90))
		}
	}
	if seen != len(waits) {
		t.Errorf("%d conversations with waits; the oracle: %d", seen, len(waits))
	}
	for i, u := range wall.Unanswered {
		if !open[u.Conversation+"/"+u.Message] || i > 0 && u.Start.Before(wall.Unanswered[i-1].Start) {
			t.Fatalf("unanswered #%d %s/%s: not an open wait of the oracle, or not oldest first", i, u.Conversation, u.Message)
		}
	}
	// Working hours never count more than the wall clock.
	work := report()
	for i, g := range work.Conversations {
		wg := wall.Conversations[slices.IndexFunc(wall.Conversations, func(x metrics.Group) bool { return x.ID == g.ID })]
		if g.Waits != wg.Waits || g.MedianSeconds != nil && *g.MedianSeconds > *wg.MedianSeconds || g.P90Seconds != nil && *g.P90Seconds > *wg.P90Seconds {
			t.Errorf("conversation %d %s: working hours %+v above the wall clock's %+v", i, g.ID, g.Figures, wg.Figures)
		}
	}
	// One account: its figures as in the full report, and only its waits.
	var acc metrics.Group
	for _, g := range wall.Accounts {
		if g.ID != "" && g.Waits > acc.Waits {
			acc = g
		}
	}
	if acc.ID == "" {
		t.Fatal("no wait is an account's")
	}
	one := report("--hours", "24x7", "--account", strings.ToUpper(acc.Name))
	if one.Total.Waits != acc.Waits || len(one.Accounts) != 1 || one.Accounts[0].ID != acc.ID || one.Query.Account != acc.ID {
		t.Errorf("--account %q: %+v, want %+v", acc.Name, one.Total, acc.Figures)
	}
	for _, u := range one.Unanswered {
		if u.Account != acc.ID {
			t.Errorf("--account %s lists %+v", acc.ID, u)
		}
	}
	if code, out, _ := run(); code != 0 || !strings.Contains(out, "total") || !strings.Contains(out, "unanswered: ") {
		t.Errorf("text form: exit %d\n%s", code, out)
	}
	code, out, _ := run("--json", "--hours", "9to5")
	if code != 1 || !strings.Contains(out, `"invalid_argument"`) {
		t.Errorf("--hours 9to5: exit %d, %s", code, out)
	}
	code, out, _ = run("--json", "--account", "no such account anywhere")
	if code != 1 || !strings.Contains(out, `"not_found"`) {
		t.Errorf("--account unknown: exit %d, %s", code, out)
	}

	// rapport metrics settings: printed as --json takes them back with
	// --set; refused settings change nothing.
	code, out, errs := run("settings", "--json")
	var set metrics.Settings
	if code != 0 || json.Unmarshal([]byte(out), &set) != nil || set.TargetMinutes != 30 || set.ResolvedTag != "resolved" {
		t.Fatalf("metrics settings --json: exit %d %s\n%s", code, errs, out)
	}
	set.TargetMinutes, set.Hours[0].Zone, set.Hours[0].Holidays = 45, "Europe/Paris", []string{"2026-07-14"}
	file := filepath.Join(t.TempDir(), "settings.json")
	b, _ := json.Marshal(set)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs = run("settings", "--set", file); code != 0 || !strings.Contains(out, "target: 45 minutes") || !strings.Contains(out, "zone Europe/Paris, holidays 2026-07-14") {
		t.Fatalf("metrics settings --set: exit %d %s\n%s", code, errs, out)
	}
	if r := report(); r.TargetSeconds != 45*60 || r.Zone != "Europe/Paris" {
		t.Errorf("after --set: target %d s, zone %s; want 2700 s, Europe/Paris", r.TargetSeconds, r.Zone)
	}
	set.Hours[0].End = "08:00"
	b, _ = json.Marshal(set)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = run("settings", "--json", "--set", file); code != 1 || !strings.Contains(out, `"invalid_argument"`) {
		t.Errorf("metrics settings --set with an end before the start: exit %d, %s", code, out)
	}
	if code, out, _ = run("settings"); code != 0 || !strings.Contains(out, "target: 45 minutes") {
		t.Errorf("a refused --set changed the settings: exit %d\n%s", code, out)
	}
	if code, _, errs = run("weekly"); code == 0 || !strings.Contains(errs, "rapport metrics [settings") {
		t.Errorf("rapport metrics weekly: exit %d, %s", code, errs)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
