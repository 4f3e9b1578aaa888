package metrics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
)

func ptr[T any](v T) *T { return &v }

func eq[T comparable](a, b *T) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// TestReportFigures checks the report's groups on a week of waits: counts,
// nearest-rank median and p90 (values that occurred), the share within
// the target over decided waits, weeks, teams, conversations, activity,
// quiet accounts, cases opened and resolved, the unanswered list oldest
// first, the period and account filters and the distribution.
func TestReportFigures(t *testing.T) {
	ctx := context.Background()
	db, s := openWorld(t, shanghai())
	s.Now = func() time.Time { return sh("2026-05-20 10:00") } // Huadong quiet since 27 April (> 14 days)
	// Five Huadong waits in the chat on Monday 27 April: 1, 2, 5, 10, 50
	// minutes. Nearest rank: median the 3rd (5 min), p90 the 5th (50 min).
	var ms []msg
	for i, d := range []int{1, 2, 5, 10, 50} {
		start := sh("2026-04-27 09:00").Add(time.Duration(i) * time.Hour)
		ms = append(ms, msg{id: "c" + string(rune('a'+i)), conv: chat, from: huadong1, at: start},
			msg{id: "r" + string(rune('a'+i)), conv: chat, from: me, at: start.Add(time.Duration(d) * time.Minute)})
	}
	// Boreal in the channel the next week: one answered (20 min), one
	// waiting for 105 working minutes (decided: a miss), one for 10 (undecided).
	ms = append(ms,
		msg{id: "A", conv: chan1, from: boreal, at: sh("2026-05-19 10:00")},
		msg{id: "A1", conv: chan1, replyTo: "A", from: me, at: sh("2026-05-19 10:20")},
		msg{id: "B", conv: chan1, from: boreal, at: sh("2026-05-19 17:15")},
		msg{id: "C", conv: chan1, from: boreal, at: sh("2026-05-20 09:50")},
	)
	put(t, db, ms...)
	if err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, r := range []storage.Record{
			{Set: "incidents", ID: "i1", Fields: map[string]any{"_customerid_value": accHD, "statecode": 1, "createdon": "2026-04-20T02:00:00Z", "modifiedon": "2026-04-28T02:00:00Z"}},
			{Set: "incidents", ID: "i2", Fields: map[string]any{"_customerid_value": accHD, "statecode": 0, "createdon": "2026-04-28T02:00:00Z"}},
			{Set: "incidents", ID: "i3", Fields: map[string]any{"_customerid_value": accBR, "statecode": 0, "createdon": "2026-03-01T02:00:00Z"}},
		} {
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Report(ctx, metrics.Query{})
	if err != nil {
		t.Fatal(err)
	}
	type fig struct {
		waits, answered, unanswered int
		median, p90                 *int64
		within                      *float64
	}
	check := func(name string, g metrics.Group, f fig) {
		t.Helper()
		if g.Waits != f.waits || g.Answered != f.answered || g.Unanswered != f.unanswered || !eq(g.MedianSeconds, f.median) || !eq(g.P90Seconds, f.p90) || !eq(g.WithinTarget, f.within) {
			t.Errorf("%s: %+v (median %v p90 %v within %v), want %+v (median %v p90 %v within %v)", name, g, deref(g.MedianSeconds), deref(g.P90Seconds), deref(g.WithinTarget), f, deref(f.median), deref(f.p90), deref(f.within))
		}
	}
	// Total: 8 waits, 6 answered (60,120,300,600,1200,3000 s): median the
	// 3rd (300), p90 the 6th (3000); decided 7 (the 105-minute wait), within 5.
	check("total", r.Total, fig{8, 6, 2, ptr[int64](300), ptr[int64](3000), ptr(0.7143)})
	if len(r.Accounts) != 2 || r.Accounts[0].ID != accHD || r.Accounts[1].ID != accBR {
		t.Fatalf("accounts: %+v", r.Accounts)
	}
	hd, br := r.Accounts[0], r.Accounts[1]
	check("Huadong", hd, fig{5, 5, 0, ptr[int64](300), ptr[int64](3000), ptr(0.8)})
	check("Boreal", br, fig{3, 1, 2, ptr[int64](1200), ptr[int64](1200), ptr(0.5)})
	if hd.Name != "Huadong Precision" || !hd.Quiet || br.Quiet || hd.Messages != 10 || hd.CustomerMessages != 5 || hd.ActiveCustomers != 1 || hd.Conversations != 1 {
		t.Errorf("Huadong's activity: %+v", hd)
	}
	if hd.CasesOpened != 2 || hd.CasesResolved != 1 || br.CasesOpened != 1 || br.CasesResolved != 0 {
		t.Errorf("cases: Huadong %d/%d, Boreal %d/%d", hd.CasesOpened, hd.CasesResolved, br.CasesOpened, br.CasesResolved)
	}
	if len(r.Weeks) != 2 || r.Weeks[0].ID != "2026-W18" || r.Weeks[1].ID != "2026-W21" || r.Weeks[0].Waits != 5 || r.Weeks[1].Messages != 4 {
		t.Errorf("weeks: %+v", r.Weeks)
	}
	if len(r.Teams) != 1 || r.Teams[0].ID != team1 || r.Teams[0].Name != "Huadong" || r.Teams[0].Waits != 3 {
		t.Errorf("teams: %+v", r.Teams)
	}
	if len(r.Conversations) != 2 || r.Conversations[0].ID != chat || r.Conversations[0].Kind != metrics.KindChat ||
		r.Conversations[1].ID != chan1 || r.Conversations[1].Name != "Huadong / Support" || r.Conversations[1].Team != team1 {
		t.Errorf("conversations: %+v", r.Conversations)
	}
	if len(r.Unanswered) != 2 || r.Unanswered[0].Message != "B" || r.Unanswered[0].Seconds != 105*60 || r.Unanswered[1].Message != "C" ||
		r.Unanswered[1].Seconds != 10*60 || r.Unanswered[0].Thread != "B" || r.Unanswered[0].Customer != "Lucie" {
		t.Errorf("unanswered: %+v", r.Unanswered)
	}
	counts := map[int64]int{}
	for _, b := range r.Distribution {
		if b.UpToSeconds != nil {
			counts[*b.UpToSeconds] = b.Count
		}
	}
	if counts[300] != 3 || counts[900] != 1 || counts[1800] != 1 || counts[3600] != 1 {
		t.Errorf("distribution: %+v", counts)
	}
	// The period and the account filter.
	r, err = s.Report(ctx, metrics.Query{From: "2026-05-18", To: "2026-05-24", Account: accBR, Hours: metrics.HoursWall})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.Waits != 3 || len(r.Accounts) != 1 || r.Accounts[0].ID != accBR || r.Query.Hours != metrics.HoursWall ||
		len(r.Unanswered) != 2 || r.Unanswered[0].Seconds != int64((16*time.Hour+45*time.Minute)/time.Second) {
		t.Errorf("Boreal's week on the wall clock: %+v", r)
	}
	// The evidence behind Huadong's median.
	ws, err := s.Waits(ctx, metrics.Query{}, metrics.ByAccount, accHD)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 5 || ws[2].Seconds != 300 || ws[2].Message != "cc" || ws[2].Answer != "rc" || !ws[2].WithinTarget || ws[4].WithinTarget {
		t.Errorf("Huadong's waits: %+v", ws)
	}
	for _, q := range []metrics.Query{{Hours: "9to5"}, {From: "27/04/2026"}, {From: "2026-05-02", To: "2026-05-01"}} {
		if _, err := s.Report(ctx, q); !errors.Is(err, metrics.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", q, err)
		}
	}
	if _, err := s.Waits(ctx, metrics.Query{}, "customer", ""); !errors.Is(err, metrics.ErrInvalid) {
		t.Errorf("by customer: %v, want ErrInvalid", err)
	}
}

// TestSettingsChecked: schedules that cannot be worked are refused and
// nothing is stored.
func TestSettingsChecked(t *testing.T) {
	ctx := context.Background()
	_, s := openWorld(t, shanghai())
	for _, sc := range []metrics.Schedule{
		{Zone: "Mars/Olympus", Days: []int{1}, Start: "09:00", End: "18:00"},
		{Zone: "UTC", Days: []int{8}, Start: "09:00", End: "18:00"},
		{Zone: "UTC", Days: []int{1}, Start: "18:00", End: "09:00"},
		{Zone: "UTC", Days: []int{1}, Start: "9h", End: "18:00"},
		{Zone: "UTC", Days: []int{1}, Start: "09:00", End: "18:00", Holidays: []string{"1 May"}},
	} {
		if _, err := s.SetSettings(ctx, metrics.Settings{Hours: []metrics.Schedule{sc}}); !errors.Is(err, metrics.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", sc, err)
		}
	}
	got, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hours[0].Zone != "Asia/Shanghai" || got.TargetMinutes != 30 || got.QuietDays != 14 {
		t.Errorf("settings after refusals: %+v", got)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
