package tenantsim

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestCardPosts checks the card posts of a medium world: a small share of
// channel threads, posted by the three apps in the customer's language,
// shaped as Graph delivers them, their Text made of the card's own words
// and never of URLs, the same for the same seed.
func TestCardPosts(t *testing.T) {
	w := Generate(1, Medium, testEnd)
	again := Generate(1, Medium, testEnd)
	apps, types, langs := map[string]int{}, map[string]int{}, map[Lang]int{}
	cards, total := 0, 0
	for ci, c := range w.convs() {
		c.roots(0, func(i int, m *Message) bool {
			total += 1 + len(c.replies(m))
			for _, r := range c.replies(m) {
				if r.App != nil {
					t.Errorf("%s/%s: a reply from %s", c.id, r.ID, r.App.DisplayName)
				}
			}
			if m.App == nil {
				if m.AuthorID == "" && m.Type == "message" {
					t.Errorf("%s/%s: no author and no app", c.id, m.ID)
				}
				return true
			}
			cards++
			if c.channel == nil {
				t.Errorf("%s/%s: a card post in a chat", c.id, m.ID)
			}
			if i < c.n && !reflect.DeepEqual(m, again.convs()[ci].generated(i, -1)) {
				t.Errorf("%s/%s: differs between runs", c.id, m.ID)
			}
			apps[m.App.DisplayName]++
			if m.AuthorID != "" || m.Type != "message" || !slices.Contains([]App{AppDynamics, AppPlanner, AppMonitor}, *m.App) {
				t.Errorf("%s/%s: author %q type %q app %+v", c.id, m.ID, m.AuthorID, m.Type, *m.App)
			}
			cust := w.Customers[c.team.Customer]
			if m.Lang != cust.Lang || len(m.Topics) != 1 {
				t.Errorf("%s/%s: language %s (customer's %s), topics %v", c.id, m.ID, m.Lang, cust.Lang, m.Topics)
			}
			langs[m.Lang]++
			if m.Deleted != nil {
				if len(m.Attachments) != 0 || m.HTML != "" || m.Text != "" {
					t.Errorf("%s/%s: a deleted card post keeps content", c.id, m.ID)
				}
				return true
			}
			if len(m.Attachments) != 1 || m.Attachments[0].IsFile() {
				t.Fatalf("%s/%s: attachments %+v", c.id, m.ID, m.Attachments)
			}
			a := m.Attachments[0]
			types[a.Card]++
			if m.HTML != `<attachment id="`+a.ID+`"></attachment>` {
				t.Errorf("%s/%s: body %q does not reference the card", c.id, m.ID, m.HTML)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(a.Content), &doc); err != nil {
				t.Errorf("%s/%s: content is not JSON: %v", c.id, m.ID, err)
			}
			if (a.Card == CardConnector) != (*m.App == AppMonitor) {
				t.Errorf("%s/%s: %s posts %s", c.id, m.ID, m.App.DisplayName, a.Card)
			}
			if m.Text == "" || strings.Contains(m.Text, "://") || strings.ContainsAny(m.Text, "{}%") {
				t.Errorf("%s/%s: text %q", c.id, m.ID, m.Text)
			}
			for _, word := range strings.Fields(m.Text) {
				if !strings.Contains(a.Content, word) {
					t.Errorf("%s/%s: %q is in the text, not on the card", c.id, m.ID, word)
				}
			}
			if *m.App == AppDynamics && !slices.ContainsFunc(cust.Cases, func(k string) bool { return strings.Contains(m.Text, k) }) {
				t.Errorf("%s/%s: a case card citing none of the customer's cases: %q", c.id, m.ID, m.Text)
			}
			return true
		})
	}
	share := float64(cards) / float64(total)
	t.Logf("%d card posts in %d messages (%.1f%%): %v, %v, %v", cards, total, 100*share, apps, types, langs)
	if share < 0.005 || share > 0.05 {
		t.Errorf("card posts are %.1f%% of messages, want a small share", 100*share)
	}
	if len(apps) != 3 || len(types) != 2 || len(langs) != 3 {
		t.Errorf("apps %v, card types %v, languages %v: want every kind in every language", apps, types, langs)
	}
}

// TestCaseCardFactsAreTheRecord: a case card shows what the incidents row
// holds: its title, number, priority and status.
func TestCaseCardFactsAreTheRecord(t *testing.T) {
	w := Generate(3, Medium, testEnd)
	d := newDataverse(w)
	checked := 0
	for _, c := range w.convs() {
		c.roots(0, func(_ int, m *Message) bool {
			if m.App == nil || *m.App != AppDynamics || m.Deleted != nil {
				return true
			}
			b := cardBooks[m.Lang]
			lines := strings.Split(m.Text, "\n")
			ticket := strings.TrimPrefix(lines[2], b.CaseFacts[0]+" ")
			row := d.sets["incidents"].rows[w.CaseID(ticket)]
			if row == nil {
				t.Fatalf("%s: no incident %s", m.ID, ticket)
			}
			want := []string{row["title"].(string), b.CaseFacts[2] + " " + b.Priorities[row["prioritycode"].(int)-1],
				b.CaseFacts[3] + " " + b.Statuses[row["statuscode"].(int)-1]}
			if got := []string{lines[1], lines[4], lines[5]}; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: card shows %q, the record %q", m.ID, got, want)
			}
			checked++
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no case cards")
	}
}
