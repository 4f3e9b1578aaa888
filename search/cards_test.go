package search_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// A bot's and a connector's posts whose words are in their cards only.
const (
	searchableAdaptive = `{"type":"AdaptiveCard","version":"1.4","body":[
		{"type":"Image","url":"https://glimmerpix.example/icon.png"},
		{"type":"TextBlock","text":"Quizzlewort case escalated","weight":"Bolder"},
		{"type":"FactSet","facts":[{"title":"Priority","value":"Frabjous"}]}],
		"actions":[{"type":"Action.OpenUrl","title":"Vorpalize the record","url":"https://zorbexhost.example/main.aspx?etn=incident"}]}`
	searchableConnector = `{"@type":"MessageCard","title":"Gateway alert","summary":"Gateway alert",
		"sections":[{"activityTitle":"Monitoring","facts":[{"name":"Device","value":"Snarkhunt-7"}]}],
		"potentialAction":[{"@type":"OpenUri","name":"View","targets":[{"os":"default","uri":"https://bandersnatchhost.example/a/1"}]}]}`
)

// TestCardsAreSearchable syncs card posts from the simulated tenant and
// searches them: words found only on a card find its message (with the
// app as its sender and the word in the snippet), URLs on a card are not
// words, a bot's post waits for no answer, and every generated card's
// text as search reads it is the text the tenant put on it.
func TestCardsAreSearchable(t *testing.T) {
	ctx := context.Background()
	r := enginetest.New(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small}, engine.Options{})
	tn := r.Srv.Tenant()
	general := tn.World().Teams[0].Channels[0]
	bot, err := tn.PostCard(general.ID, tenantsim.AppDynamics, tenantsim.CardAdaptive, searchableAdaptive)
	must(t, err)
	alert, err := tn.PostCard(general.ID, tenantsim.AppMonitor, tenantsim.CardConnector, searchableConnector)
	must(t, err)
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatalf("sync: %v", err)
	}
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	must(t, err)
	defer ix.Close()
	must(t, ix.WaitIndexed(ctx))

	find := func(q string) []search.Hit {
		t.Helper()
		res, err := ix.Search(ctx, search.Request{Q: q + " ", Size: 50, Loc: time.UTC})
		must(t, err)
		if res.QueryError != nil {
			t.Fatalf("%q: %s", q, res.QueryError.Message)
		}
		return res.Hits
	}
	for _, tt := range []struct {
		q, word, msg, from string
	}{
		{"quizzlewort", "Quizzlewort", bot.ID, "Dynamics 365"},        // a TextBlock
		{"frabjous", "Frabjous", bot.ID, "Dynamics 365"},              // a fact's value
		{"vorpalize", "Vorpalize", bot.ID, "Dynamics 365"},            // an action's title
		{`"snarkhunt 7"`, "Snarkhunt", alert.ID, "Lumen IoT Monitor"}, // a connector card's fact
	} {
		hits := find(tt.q)
		if len(hits) != 1 || hits[0].Message == nil || hits[0].Message.ID != tt.msg {
			t.Errorf("%s: %d hits %+v, want the card post %s", tt.q, len(hits), hits, tt.msg)
			continue
		}
		if hits[0].Message.From != tt.from {
			t.Errorf("%s: from %q, want %q", tt.q, hits[0].Message.From, tt.from)
		}
		var snippet strings.Builder
		for _, f := range hits[0].Snippet {
			snippet.WriteString(f.T)
		}
		if !strings.Contains(snippet.String(), tt.word) {
			t.Errorf("%s: snippet %q lacks the card's word", tt.q, snippet.String())
		}
	}
	for _, q := range []string{"glimmerpix", "zorbexhost", "bandersnatchhost", "aspx", "etn"} {
		if hits := find(q); len(hits) != 0 {
			t.Errorf("%s: a card's URL is searchable: %+v", q, hits)
		}
	}
	if hits := find("is:unanswered quizzlewort"); len(hits) != 0 {
		t.Errorf("a bot's post waits for an answer: %+v", hits)
	}

	// The generated card posts: search reads on each card the text the
	// tenant put there.
	cards := 0
	for _, conv := range tn.Conversations() {
		truth, _ := tn.Messages(conv)
		stored, err := r.DB.Messages(ctx, conv, time.Time{}, 0)
		must(t, err)
		byID := map[string]int{}
		for i, s := range stored {
			byID[s.ID] = i
		}
		for _, m := range truth {
			if m.App == nil || m.Deleted != nil || m.Text == "" {
				continue
			}
			cards++
			s := stored[byID[m.ID]]
			if got, want := strings.Join(strings.Fields(content.Of(&s).Text), " "), strings.Join(strings.Fields(m.Text), " "); got != want {
				t.Errorf("%s/%s: search reads %q, the card says %q", conv, m.ID, got, want)
			}
		}
	}
	if cards == 0 {
		t.Error("the tenant made no card posts")
	}
}
