package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// TestMessagesShowCards: a bot's card post reaches the UI as sanitized
// HTML (its text and facts, its https action as a link, nothing of its
// JSON, images or script), and the attachment list names only what is not
// shown inline.
func TestMessagesShowCards(t *testing.T) {
	core := newCore(Config{DataDir: t.TempDir(), Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	db, _ := core.store()
	conv := "19:cards@thread.tacv2"
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	card := `{"type":"AdaptiveCard","body":[
		{"type":"Image","url":"https://tracker.example/pixel.png"},
		{"type":"TextBlock","text":"华东精密 设备报警无法消除<script>alert(1)</script>","weight":"Bolder"},
		{"type":"FactSet","facts":[{"title":"案例编号","value":"CAS-01037-A1B2C3"}]}],
		"actions":[{"type":"Action.OpenUrl","title":"在 Dynamics 365 中打开","url":"https://lumen.crm5.dynamics.com/main.aspx?id=1"},
		{"type":"Action.Submit","title":"解决","data":{"x":1}}]}`
	msgs := []struct {
		m    storage.Message
		body storage.Body
	}{
		{storage.Message{ConvID: conv, ID: "2", Type: "message", Created: at.Add(time.Minute), Modified: at.Add(time.Minute), FromName: "Dynamics 365",
			Attachments: []storage.Attachment{{ID: "c1", ContentType: storage.CardAdaptive}, {ID: "f1", ContentType: "reference", Name: "report.xlsx"}}},
			storage.Body{Raw: `<attachment id="c1"></attachment><attachment id="f1"></attachment>`, Cards: []storage.Card{{ID: "c1", ContentType: storage.CardAdaptive, Content: card}}}},
		{storage.Message{ConvID: conv, ID: "1", Type: "message", Created: at, Modified: at, FromName: "Dynamics 365",
			Attachments: []storage.Attachment{{ID: "c2", ContentType: storage.CardAdaptive}}},
			storage.Body{Raw: `<attachment id="c2"></attachment>`, Cards: []storage.Card{{ID: "c2", ContentType: storage.CardAdaptive, Content: `{"body": [`}}}},
	}
	if err := db.Apply(context.Background(), func(w *storage.Writer) error {
		for _, x := range msgs {
			if _, err := w.PutMessage(x.m, x.body); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	page, err := core.Conversations.Messages(conv, "", 10)
	if err != nil || len(page.Messages) != 2 {
		t.Fatalf("%+v %v", page, err)
	}
	got := page.Messages[0]
	for _, want := range []string{`<div class="teams-card">`, "<strong>华东精密 设备报警无法消除&lt;script&gt;alert(1)&lt;/script&gt;</strong>",
		"<th>案例编号</th><td>CAS-01037-A1B2C3</td>", `<a href="https://lumen.crm5.dynamics.com/main.aspx?id=1"`, "<span>解决</span>"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, got.HTML)
		}
	}
	for _, banned := range []string{"<script", "<img", "tracker", "AdaptiveCard", "FactSet", `"x"`} {
		if strings.Contains(got.HTML, banned) {
			t.Errorf("HTML holds %q:\n%s", banned, got.HTML)
		}
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Name != "report.xlsx" {
		t.Errorf("attachments %+v, want the file only", got.Attachments)
	}
	if broken := page.Messages[1]; broken.HTML != `<div class="teams-card"><p>[card]</p></div>` || len(broken.Attachments) != 0 {
		t.Errorf("an unreadable card shows %q %+v", broken.HTML, broken.Attachments)
	}
}

// TestMessagesSayWhoAndWhere: a message says whether the signed-in user
// wrote it, who reacted (by name, people unknown to Rapport only counted)
// and where it opens in Teams (Graph's webUrl for a channel message, the
// documented deep link for a chat message).
func TestMessagesSayWhoAndWhere(t *testing.T) {
	core := newCore(Config{DataDir: t.TempDir(), Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	db, _ := core.store()
	chat, channel := "19:a_b@unq.gbl.spaces", "19:c@thread.tacv2"
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	web := "https://teams.microsoft.com/l/message/19%3Ac%40thread.tacv2/9?groupId=g&parentMessageId=9"
	if err := db.Apply(context.Background(), func(w *storage.Writer) error {
		for _, u := range []storage.User{{ID: "me", DisplayName: "赵浩然"}, {ID: "u2", DisplayName: "Chloé Perrin"}} {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		if err := w.SetMe("me"); err != nil {
			return err
		}
		if err := w.PutChannel(storage.Channel{ID: channel, TeamID: "g", Name: "General", MembershipType: "standard"}); err != nil {
			return err
		}
		for _, m := range []storage.Message{
			{ConvID: chat, ID: "1", Type: "message", Created: at, Modified: at, FromID: "me", FromName: "赵浩然",
				Reactions: []storage.Reaction{{Type: "like", UserID: "u2"}, {Type: "like", UserID: "stranger"}, {Type: "heart", UserID: "me"}}},
			{ConvID: chat, ID: "2", Type: "message", Created: at.Add(time.Minute), Modified: at.Add(time.Minute), FromID: "u2", FromName: "Chloé Perrin"},
			{ConvID: channel, ID: "9", Type: "message", Created: at, Modified: at, FromID: "u2", WebURL: web},
		} {
			if _, err := w.PutMessage(m, storage.Body{Raw: "<p>x</p>"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	page, err := core.Conversations.Messages(chat, "", 10)
	if err != nil || len(page.Messages) != 2 {
		t.Fatalf("%+v %v", page, err)
	}
	mine, theirs := page.Messages[1], page.Messages[0]
	if !mine.Mine || theirs.Mine {
		t.Errorf("mine %v, theirs %v", mine.Mine, theirs.Mine)
	}
	if got := mine.ReactedBy; len(got["like"]) != 1 || got["like"][0] != "Chloé Perrin" || len(got["heart"]) != 1 || got["heart"][0] != "赵浩然" || mine.Reactions["like"] != 2 {
		t.Errorf("reactions %v by %v", mine.Reactions, got)
	}
	if want := "https://teams.microsoft.com/l/message/19:a_b@unq.gbl.spaces/1?context=%7B%22contextType%22%3A%22chat%22%7D"; mine.TeamsURL != want {
		t.Errorf("chat message opens at %q, want %q", mine.TeamsURL, want)
	}
	page, err = core.Conversations.Messages(channel, "", 10)
	if err != nil || len(page.Messages) != 1 || page.Messages[0].TeamsURL != web {
		t.Errorf("channel message %+v %v, want webUrl %q", page.Messages, err, web)
	}
}
