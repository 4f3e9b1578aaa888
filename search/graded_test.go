package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
)

// graded is testdata/graded.json: a hand-built corpus in zh, en and fr
// (questions, answers, acknowledgements with hashtags, one-word messages,
// digests naming every topic, subjects, old news, CRM cases) and graded
// judgments for its queries, made by reading the messages, not by the
// ranking's signals.
type graded struct {
	Now   time.Time `json:"now"`
	Convs []struct {
		ID, Kind, Name, Team, TeamName string
	} `json:"convs"`
	Messages []struct {
		ID, Conv, Subject, Text string
		Age                     float64
	} `json:"messages"`
	Records []struct {
		ID, Ticket, Title, Description string
		Age                            float64
	} `json:"records"`
	Queries []struct {
		Q      string         `json:"q"`
		Grades map[string]int `json:"grades"`
	} `json:"queries"`
}

// gradedMinNDCG is the mean NDCG@10 the ranking reaches on the graded set
// (measured 0.952; plain tf-idf 0.663; the additive boosts this replaced, 0.833).
const gradedMinNDCG = 0.93

// TestGradedRanking measures the first page against graded judgments:
// NDCG@10 (gain 2^grade−1) with and without the substance factors
// (rank.go), per query and on average. The factors must lift the mean to
// gradedMinNDCG, and no acknowledgement may lead a first page.
func TestGradedRanking(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("testdata/graded.json")
	must(t, err)
	var g graded
	must(t, json.Unmarshal(b, &g))
	if len(g.Queries) < 20 {
		t.Fatalf("only %d graded queries", len(g.Queries))
	}
	db := storagetest.Open(t)
	teamOf := map[string]string{}
	at := func(age float64, i int) time.Time {
		return g.Now.Add(-time.Duration(age*24*float64(time.Hour)) + time.Duration(i)*time.Second)
	}
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		for _, c := range g.Convs {
			var err error
			if c.Kind == "chat" {
				err = w.PutChat(storage.Chat{ID: c.ID, Topic: c.Name, ChatType: "group", Created: g.Now.AddDate(-1, 0, 0)})
			} else {
				teamOf[c.ID] = c.Team
				if err = w.PutTeam(storage.Team{ID: c.Team, Name: c.TeamName}); err == nil {
					err = w.PutChannel(storage.Channel{ID: c.ID, TeamID: c.Team, Name: c.Name})
				}
			}
			if err != nil {
				return err
			}
		}
		for i, m := range g.Messages {
			msg := storage.Message{ConvID: m.Conv, TeamID: teamOf[m.Conv], ID: m.ID, Type: "message", Subject: m.Subject, Created: at(m.Age, i)}
			msg.Modified = msg.Created
			if _, err := w.PutMessage(msg, storage.Body{Raw: "<p>" + html.EscapeString(m.Text) + "</p>"}); err != nil {
				return err
			}
		}
		for i, r := range g.Records {
			fields := map[string]any{"title": r.Title, "ticketnumber": r.Ticket, "description": r.Description}
			if err := w.PutRecord(storage.Record{Set: "incidents", ID: r.ID, Fields: fields, Modified: at(r.Age, i)}); err != nil {
				return err
			}
		}
		return nil
	}))
	ix, err := search.Open(ctx, t.TempDir(), db, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))

	acks := map[string]bool{}
	for _, m := range g.Messages {
		if slices.Contains(search.Substance(m.Text), "q:ack") {
			acks[m.ID] = true
		}
	}
	run := func(on bool) (float64, []float64, [][]string) {
		search.SetRankQuality(on)
		defer search.SetRankQuality(true)
		sum := 0.0
		var each []float64
		var tops [][]string
		for _, q := range g.Queries {
			res, err := ix.Search(ctx, search.Request{Q: q.Q, Size: 10, Now: g.Now, Loc: time.UTC})
			must(t, err)
			var ids []string
			for _, h := range res.Hits {
				if h.Message != nil {
					ids = append(ids, h.Message.ID)
				} else if h.Record != nil {
					ids = append(ids, h.Record.ID)
				}
			}
			v := ndcg(ids, q.Grades, 10)
			sum += v
			each = append(each, v)
			tops = append(tops, ids)
		}
		return sum / float64(len(g.Queries)), each, tops
	}
	before, eachBefore, topsBefore := run(false)
	after, eachAfter, topsAfter := run(true)
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-28s %7s %7s  %s\n", "query", "before", "after", "first hits after (before)")
	for i, q := range g.Queries {
		fmt.Fprintf(&sb, "%-28s %7.3f %7.3f  %s (%s)\n", labClip(q.Q, 28), eachBefore[i], eachAfter[i],
			strings.Join(topsAfter[i][:min(5, len(topsAfter[i]))], " "), strings.Join(topsBefore[i][:min(5, len(topsBefore[i]))], " "))
	}
	t.Log(sb.String())
	t.Logf("NDCG@10 over %d graded queries (%d messages, %d cases): %.3f without the substance factors, %.3f with", len(g.Queries), len(g.Messages), len(g.Records), before, after)
	if after < gradedMinNDCG {
		t.Errorf("NDCG@10 %.3f < %.2f", after, gradedMinNDCG)
	}
	if after <= before {
		t.Errorf("the substance factors do not help: %.3f, was %.3f", after, before)
	}
	for i, q := range g.Queries {
		if top := topsAfter[i]; len(top) > 0 && acks[top[0]] {
			t.Errorf("%s: an acknowledgement (%s) leads the first page", q.Q, top[0])
		}
		if len(topsAfter[i]) == 0 {
			t.Errorf("%s: no hits", q.Q)
		}
	}
}

// ndcg is the normalised discounted cumulative gain of the first k ids
// (gain 2^grade−1; unjudged ids grade 0); the ideal orders every judged id.
func ndcg(ids []string, grades map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ids[:min(k, len(ids))] {
		dcg += (math.Pow(2, float64(grades[id])) - 1) / math.Log2(float64(i+2))
	}
	var best []int
	for _, v := range grades {
		best = append(best, v)
	}
	slices.Sort(best)
	slices.Reverse(best)
	ideal := 0.0
	for i, v := range best[:min(k, len(best))] {
		ideal += (math.Pow(2, float64(v)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}
