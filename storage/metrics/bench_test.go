package metrics_test

// BenchmarkMetrics times the metrics on the large preset: the first
// computation (every message read from the store), the dashboard after it
// (the Metrics section's default query and all history), and one new
// message reflected (its commit, then the model brought up to date; and
// the dashboard after it), and prints them with the corpus size.
//
//	go test -run '^$' -bench Metrics -benchtime 1x -timeout 30m -v ./storage/metrics/
//
// Environment:
//
//	RAPPORT_BENCH_STORE=dir   keep the synced store there and reuse it
//	                          (synced only when it has not been yet; the
//	                          search and links benchmarks' store can be
//	                          shared; this benchmark adds messages to it)
//	RAPPORT_BENCH_SIZE=medium another tenantsim size (small, medium, large, N)

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
)

const benchCalls = 20

func BenchmarkMetrics(b *testing.B) {
	ctx := context.Background()
	dir, size := enginetest.BenchStore(b)
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := metrics.New(db)
		s.Watch()
		start := time.Now()
		all, err := s.Report(ctx, metrics.Query{})
		if err != nil {
			b.Fatal(err)
		}
		first := time.Since(start)
		b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
		b.Logf("corpus: %s preset, %d messages, %d chats, %d channels; %d waits (%d unanswered), %d accounts, %d conversations with activity",
			size.Name, st.Messages, st.Chats, st.Channels, all.Total.Waits, all.Total.Unanswered, len(all.Accounts), len(all.Conversations))
		b.Logf("first computation %8.1f ms", float64(first.Microseconds())/1000)

		// The section's default: the last 4 weeks of the history, every account.
		last := all.Now
		if n := len(all.Weeks); n > 0 {
			last = time.Unix(int64(weekStartDay(all.Weeks[n-1].ID))*86400, 0)
		}
		recent := metrics.Query{From: last.AddDate(0, 0, -21).Format("2006-01-02")}
		enginetest.Timed(b, "dashboard-4w", benchCalls, func(int) error { _, err := s.Report(ctx, recent); return err })
		enginetest.Timed(b, "dashboard-all", benchCalls, func(int) error { _, err := s.Report(ctx, metrics.Query{}); return err })

		// New messages in the busiest conversation: a customer's, then an answer.
		conv, customer, member := busiest(b, ctx, db, all)
		at := time.Now().UTC()
		post := func(i int) error {
			from := customer
			if i%2 == 1 {
				from = member
			}
			m := storage.Message{ConvID: conv, ID: fmt.Sprintf("bench-%d-%d", at.UnixNano(), i), Type: "message", FromID: from,
				Created: at.Add(time.Duration(i) * time.Second), Modified: at.Add(time.Duration(i) * time.Second)}
			return db.Apply(ctx, func(w *storage.Writer) error {
				_, err := w.PutMessage(m, storage.Body{Raw: "<p>bench</p>"})
				return err
			})
		}
		n := 0
		enginetest.Timed(b, "new-message", benchCalls, func(int) error {
			n++
			if err := post(n); err != nil {
				return err
			}
			_, err := s.Accounts(ctx) // brings the model up to date
			return err
		})
		enginetest.Timed(b, "new-message+dashboard", benchCalls, func(int) error {
			n++
			if err := post(n); err != nil {
				return err
			}
			_, err := s.Report(ctx, recent)
			return err
		})
		after, err := s.Report(ctx, metrics.Query{})
		if err != nil {
			b.Fatal(err)
		}
		if after.Total.Waits <= all.Total.Waits {
			b.Fatalf("new customer messages made no new wait: %d then %d", all.Total.Waits, after.Total.Waits)
		}
		s.Close()
	}
}

// weekStartDay is the Monday of an ISO week YYYY-Www, in days since the epoch.
func weekStartDay(id string) int {
	var y, w int
	if _, err := fmt.Sscanf(id, "%d-W%d", &y, &w); err != nil {
		return 0
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	return int(monday.Unix() / 86400)
}

// busiest picks the conversation with the most waits, a customer who
// started one there and the user (an organisation member).
func busiest(b *testing.B, ctx context.Context, db *storage.DB, r metrics.Report) (conv, customer, member string) {
	if len(r.Conversations) == 0 {
		b.Fatal("no conversation")
	}
	conv = r.Conversations[0].ID
	ws, err := metrics.New(db).Waits(ctx, metrics.Query{}, metrics.ByConversation, conv)
	if err != nil || len(ws) == 0 {
		b.Fatalf("waits of %s: %v", conv, err)
	}
	me, err := db.Me(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return conv, ws[0].CustomerID, me
}
