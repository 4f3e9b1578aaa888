package knowledge_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/tags"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

var update = flag.Bool("update", false, "rewrite the golden archives in testdata/golden")

// goldenEnd ends the simulated tenant's history, so the data (and the
// archive) do not depend on the day the test runs.
var goldenEnd = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

const goldenMonth = "2026-03"

// markMonth marks, deterministically, the month's best conversations and
// FAQ entries in a synced store: the first threads with replies of each
// channel (teams and channels by id) are best, topics in turn; the first
// three messages of the first chats are a FAQ entry each, and one of them
// also best; 付款, payment and paiement are one topic.
func markMonth(t testing.TB, db *storage.DB, s *knowledge.Service, month string, perChannel, chatsN int) (marked, drafted int) {
	t.Helper()
	from, _ := knowledge.ParseMonth(month)
	to := from.AddDate(0, 1, 0)
	topics := []string{"付款", "technique", "paiement", "payment", "contrat"}
	teams, err := db.Teams(ctx)
	must(t, err)
	slices.SortFunc(teams, func(a, b storage.Team) int { return strings.Compare(a.ID, b.ID) })
	for _, tm := range teams {
		chs, err := db.Channels(ctx, tm.ID)
		must(t, err)
		slices.SortFunc(chs, func(a, b storage.Channel) int { return strings.Compare(a.ID, b.ID) })
		for _, ch := range chs {
			ms, err := db.Messages(ctx, ch.ID, to, 2000)
			must(t, err)
			replies := map[string]int{}
			for _, m := range ms {
				if m.ReplyTo != "" {
					replies[m.ReplyTo]++
				}
			}
			n := 0
			for i := len(ms) - 1; i >= 0 && n < perChannel; i-- { // oldest first
				m := ms[i]
				if m.ReplyTo != "" || m.Created.Before(from) || replies[m.ID] == 0 || m.Deleted != nil {
					continue
				}
				_, err := s.MarkBest(ctx, knowledge.BestRequest{Target: storage.ThreadTarget(ch.ID, m.ID), Topic: topics[marked%len(topics)], Reason: "résolu · resolved · 已解决"})
				must(t, err)
				marked, n = marked+1, n+1
			}
		}
	}
	chats, err := db.Chats(ctx)
	must(t, err)
	slices.SortFunc(chats, func(a, b storage.Chat) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range chats {
		if drafted == chatsN {
			break
		}
		ms, err := db.Messages(ctx, c.ID, to, 500)
		must(t, err)
		var in []storage.MessageWithBody
		for i := len(ms) - 1; i >= 0; i-- {
			if !ms[i].Created.Before(from) && ms[i].Type == "message" && ms[i].Deleted == nil {
				in = append(in, ms[i])
			}
		}
		if len(in) < 3 {
			continue
		}
		rng := "range/" + c.ID + "/" + in[0].ID + "/" + in[2].ID
		_, err = s.DraftFAQ(ctx, knowledge.FAQRequest{From: rng, Tags: []string{topics[drafted%len(topics)], "faq"}})
		must(t, err)
		if drafted == 0 {
			_, err = s.MarkBest(ctx, knowledge.BestRequest{Target: rng, Topic: "payment", Reason: "template for invoices"})
			must(t, err)
		}
		drafted++
	}
	tg := tags.New(db, nil)
	_, err = tg.Alias(ctx, "付款", "payment")
	must(t, err)
	_, err = tg.Alias(ctx, "付款", "paiement")
	must(t, err)
	return marked, drafted
}

// TestArchiveGolden builds March 2026 of the medium preset (seed 13),
// synced from the simulated tenant, and compares its files byte for byte
// with testdata/golden (go test -run Golden -update rewrites them).
func TestArchiveGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the medium preset")
	}
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 13, Size: tenantsim.Medium, End: goldenEnd})
	s := knowledge.New(rig.DB)
	if marked, drafted := markMonth(t, rig.DB, s, goldenMonth, 2, 4); marked < 4 || drafted < 4 {
		t.Fatalf("marked %d threads and drafted %d FAQ entries: the preset changed?", marked, drafted)
	}
	for _, lang := range knowledge.Languages {
		a, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: goldenMonth, Lang: lang})
		must(t, err)
		if a.Best < 4 || a.FAQ < 4 || len(a.Topics) < 3 {
			t.Fatalf("%s: %d best, %d FAQ, %d topics", lang, a.Best, a.FAQ, len(a.Topics))
		}
		checkInert(t, lang, a.Files[2].Data)
		for _, f := range a.Files {
			path := filepath.Join("testdata", "golden", lang, f.Name)
			if *update {
				must(t, os.MkdirAll(filepath.Dir(path), 0o755))
				must(t, os.WriteFile(path, f.Data, 0o644))
				continue
			}
			want, err := os.ReadFile(path)
			must(t, err)
			if !bytes.Equal(f.Data, want) {
				i := 0
				for i < len(want) && i < len(f.Data) && want[i] == f.Data[i] {
					i++
				}
				t.Errorf("%s differs from the golden file at byte %d: %q", path, i, f.Data[i:min(len(f.Data), i+80)])
			}
		}
	}
}
