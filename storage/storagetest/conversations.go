package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// The conversations WriteConversations writes.
const (
	Chat    = "19:chat-a@thread.v2"    // a group chat, "Contoso payments"
	Channel = "19:chan-b@thread.tacv2" // "Escalations" in team Team ("Support")
	Team    = "team-1"
)

// Conversations is what WriteConversations writes: the chat's messages
// "1", "2", … (ChatBodies, At then every ChatStep, by From), and the
// channel's thread r1 (replies r1a, r1b) and lone post r2 (At then every
// hour, "<p>thread post ID" + ThreadSuffix + "</p>").
type Conversations struct {
	At           time.Time
	ChatBodies   []string
	ChatStep     time.Duration
	From         string
	ThreadSuffix string
}

// WriteConversations writes a chat and a channel with messages, for the
// feature rooms' tests.
func WriteConversations(tb testing.TB, db *storage.DB, c Conversations) {
	tb.Helper()
	err := db.Apply(context.Background(), func(w *storage.Writer) error {
		if err := w.PutChat(storage.Chat{ID: Chat, Topic: "Contoso payments", ChatType: "group", Created: c.At}); err != nil {
			return err
		}
		if err := w.PutTeam(storage.Team{ID: Team, Name: "Support"}); err != nil {
			return err
		}
		if err := w.PutChannel(storage.Channel{ID: Channel, TeamID: Team, Name: "Escalations"}); err != nil {
			return err
		}
		for i, b := range c.ChatBodies {
			m := storage.Message{ConvID: Chat, ID: fmt.Sprint(i + 1), Type: "message", FromName: c.From, Created: c.At.Add(time.Duration(i) * c.ChatStep)}
			m.Modified = m.Created
			if _, err := w.PutMessage(m, storage.Body{Raw: b}); err != nil {
				return err
			}
		}
		for i, id := range []string{"r1", "r1a", "r1b", "r2"} {
			m := storage.Message{ConvID: Channel, TeamID: Team, ID: id, Type: "message", Created: c.At.Add(time.Duration(i) * time.Hour)}
			if id == "r1a" || id == "r1b" {
				m.ReplyTo = "r1"
			}
			m.Modified = m.Created
			if _, err := w.PutMessage(m, storage.Body{Raw: "<p>thread post " + id + c.ThreadSuffix + "</p>"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("write conversations: %v", err)
	}
}
