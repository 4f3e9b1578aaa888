package digest_test

import (
	"context"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/digest"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
)

// BenchmarkDigest times a week's digests on the large preset: the
// overview and every account's (the metrics computed from scratch as of
// the week's end, as `rapport digest` does), and one account's with the
// metrics already computed, rendered as Markdown and HTML.
func BenchmarkDigest(b *testing.B) {
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
	all, err := metrics.New(db).Report(ctx, metrics.Query{})
	if err != nil {
		b.Fatal(err)
	}
	week, busiest := "", ""
	for _, g := range all.Weeks {
		if g.Waits > 0 && g.ID > week {
			week = g.ID
		}
	}
	for b.Loop() {
		var docs []digest.Digest
		enginetest.Timed(b, "week-all-accounts", 3, func(int) error {
			svc, err := digest.NewMetrics(ctx, db, week, time.Now())
			if err != nil {
				return err
			}
			defer svc.Close()
			docs, err = digest.Build(ctx, svc, db, digest.Request{Week: week, Lang: "zh-CN"})
			for _, d := range docs {
				digest.Files(d)
			}
			return err
		})
		n := 0
		for _, d := range docs[1:] {
			if d.Accounts[0].Waits > n {
				n, busiest = d.Accounts[0].Waits, d.Accounts[0].ID
			}
		}
		svc, err := digest.NewMetrics(ctx, db, week, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		defer svc.Close()
		if _, err := svc.Report(ctx, metrics.Query{}); err != nil { // computed once
			b.Fatal(err)
		}
		enginetest.Timed(b, "week-one-account", 10, func(int) error {
			ds, err := digest.Build(ctx, svc, db, digest.Request{Week: week, Account: busiest, Lang: "en"})
			for _, d := range ds {
				digest.Files(d)
			}
			return err
		})
		b.Logf("corpus: %s preset, %d messages; week %s: %d digests (overview and accounts), busiest account %d waits", size.Name, st.Messages, week, len(docs), n)
	}
}
