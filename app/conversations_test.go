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
