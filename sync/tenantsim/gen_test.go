package tenantsim

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var testEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	a := Generate(42, Small, testEnd)
	b := Generate(42, Small, testEnd)
	c := Generate(43, Small, testEnd)
	if a.Messages != b.Messages || len(a.Users) != len(b.Users) || len(a.Chats) != len(b.Chats) {
		t.Fatal("same seed, different world sizes")
	}
	for i := range a.Users {
		if a.Users[i].ID != b.Users[i].ID || a.Users[i].DisplayName != b.Users[i].DisplayName {
			t.Fatalf("user %d differs", i)
		}
	}
	for i, ch := range a.Chats {
		for _, k := range []int{0, 1, ch.Count / 2, ch.Count - 1} {
			ma, mb := ch.conv.generated(k, -1), b.Chats[i].conv.generated(k, -1)
			if !reflect.DeepEqual(ma, mb) {
				t.Fatalf("chat %d message %d differs between runs", i, k)
			}
		}
	}
	if a.Users[len(a.Users)-1].ID == c.Users[len(c.Users)-1].ID {
		t.Fatal("different seeds gave the same users")
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		size     Size
		min, max int
	}{
		{Small, 1_200, 1_900},
		{Medium, 10_000, 14_500},
		{Size{"5000", 3, 5_000}, 4_000, 6_000},
	}
	for _, tt := range tests {
		t.Run(tt.size.Name, func(t *testing.T) {
			w := Generate(1, tt.size, testEnd)
			if w.Messages < tt.min || w.Messages > tt.max {
				t.Fatalf("%d messages, want [%d, %d]", w.Messages, tt.min, tt.max)
			}
		})
	}
}

func TestLargeWorldIsCheap(t *testing.T) {
	start := time.Now()
	w := Generate(1, Large, testEnd)
	if w.Messages < 1_000_000 {
		t.Fatalf("large world has %d messages, want ≥ 1,000,000", w.Messages)
	}
	t.Logf("large: %d messages, %d conversations, generated in %v", w.Messages, len(w.convs()), time.Since(start))
}

// TestTimelineInvariants checks what the lazy message store relies on:
// strictly increasing creation times, every later fate of a message before
// the next one is created, unique ids, and get(id) finding each message.
func TestTimelineInvariants(t *testing.T) {
	w := Generate(9, Small, testEnd)
	for _, c := range w.convs() {
		seen := map[string]bool{}
		var prev *Message
		c.roots(0, func(i int, m *Message) bool {
			msgs := append([]*Message{m}, c.replies(m)...)
			for _, x := range msgs {
				if seen[x.ID] {
					t.Fatalf("%s: duplicate id %s", c.id, x.ID)
				}
				seen[x.ID] = true
				if got := c.get(x.ID); got == nil || got.ID != x.ID || got.Created != x.Created {
					t.Fatalf("%s: get(%s) = %v", c.id, x.ID, got)
				}
				if !x.LastModified.Before(w.End) || x.Created.Before(w.Start) {
					t.Fatalf("%s: message %s outside history", c.id, x.ID)
				}
			}
			if prev != nil {
				if !m.Created.After(prev.Created) {
					t.Fatalf("%s: root %d not after its predecessor", c.id, i)
				}
				for _, x := range append([]*Message{prev}, c.replies(prev)...) {
					if !x.LastModified.Before(m.Created) {
						t.Fatalf("%s: %s modified after the next root was created", c.id, x.ID)
					}
				}
			}
			prev = m
			return true
		})
		if len(seen) != c.count() {
			t.Fatalf("%s: saw %d messages, count() says %d", c.id, len(seen), c.count())
		}
	}
}

func TestNewestFirstAfterChanges(t *testing.T) {
	tn := newTenant(Generate(4, Small, testEnd), func() time.Time { return testEnd.Add(time.Hour) })
	chat := tn.w.Chats[0]
	old := chat.conv.generated(3, -1)
	if _, err := tn.Edit(chat.ID, old.ID, "<p>改过了</p>"); err != nil {
		t.Fatal(err)
	}
	posted, err := tn.Post(chat.ID, "", tn.w.Me.ID, "<p>new</p>")
	if err != nil {
		t.Fatal(err)
	}
	var order []*Message
	chat.conv.newestFirst(false, 0, func(_ int, m *Message) bool { order = append(order, m); return true })
	if len(order) != chat.Count+1 {
		t.Fatalf("listed %d, want %d", len(order), chat.Count+1)
	}
	if order[0].ID != posted.ID && order[1].ID != posted.ID {
		t.Fatalf("new message not at the top")
	}
	for i := 1; i < len(order); i++ {
		if order[i].LastModified.After(order[i-1].LastModified) {
			t.Fatalf("not newest first at %d", i)
		}
	}
	edited := 0
	for _, m := range order {
		if m.ID == old.ID {
			edited++
			if !strings.Contains(m.HTML, "改过了") || m.LastEdited == nil {
				t.Fatal("edit not applied")
			}
		}
	}
	if edited != 1 {
		t.Fatalf("edited message listed %d times", edited)
	}
	// By creation time the edited message keeps its place.
	var byCreated []*Message
	chat.conv.newestFirst(true, 0, func(_ int, m *Message) bool { byCreated = append(byCreated, m); return true })
	for i := 1; i < len(byCreated); i++ {
		if byCreated[i].Created.After(byCreated[i-1].Created) {
			t.Fatalf("createdDateTime order broken at %d", i)
		}
	}
}

func TestWorldHasTheDomain(t *testing.T) {
	w := Generate(1, Medium, testEnd)
	tiers, stages, langs := map[Tier]int{}, map[Stage]int{}, map[Lang]int{}
	for _, c := range w.Customers {
		tiers[c.Tier]++
		stages[c.Stage]++
		langs[c.Lang]++
		if len(c.Contacts) == 0 || len(c.Cases) == 0 {
			t.Fatalf("customer %s without contacts or cases", c.Short)
		}
	}
	if len(tiers) != 3 || len(stages) != 3 || len(langs) != 3 {
		t.Fatalf("tiers %v stages %v languages %v", tiers, stages, langs)
	}
	var hostile, system, deleted, edited, files, images, urgent int
	for _, c := range w.convs() {
		c.roots(0, func(_ int, m *Message) bool {
			for _, x := range append([]*Message{m}, c.replies(m)...) {
				switch {
				case x.Hostile:
					hostile++
				case x.Type == "systemEventMessage":
					system++
				}
				if x.Deleted != nil {
					deleted++
				}
				if x.LastEdited != nil {
					edited++
				}
				if slices.ContainsFunc(x.Attachments, func(a Attachment) bool { return a.IsFile() }) {
					files++
				}
				if len(x.Hosted) > 0 {
					images++
				}
				if x.Importance != "normal" && x.Type == "message" {
					urgent++
				}
			}
			return true
		})
	}
	for name, n := range map[string]int{"hostile": hostile, "system": system, "deleted": deleted, "edited": edited, "files": files, "images": images, "urgent": urgent} {
		if n == 0 {
			t.Errorf("medium world has no %s messages", name)
		}
	}
	if float64(hostile) > 0.01*float64(w.Messages) {
		t.Errorf("%d hostile messages of %d: more than 1%%", hostile, w.Messages)
	}
	t.Logf("medium: %d messages; hostile %d, system %d, deleted %d, edited %d, files %d, images %d, urgent/high %d",
		w.Messages, hostile, system, deleted, edited, files, images, urgent)
}
