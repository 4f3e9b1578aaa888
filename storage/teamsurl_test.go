package storage_test

import (
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
)

func TestTeamsURL(t *testing.T) {
	at := time.UnixMilli(1700000000123).UTC()
	graph := "https://teams.microsoft.com/l/message/19%3Ac%40thread.tacv2/1700000000123?groupId=g&tenantId=t&createdTime=1700000000123&parentMessageId=1700000000123"
	cases := []struct {
		name       string
		m          storage.Message
		conv, team string
		want       string
	}{
		{"a channel message keeps Graph's webUrl", storage.Message{ID: "1700000000123", WebURL: graph}, "19:c@thread.tacv2", "g", graph},
		{"a chat message is deep-linked in its chat", storage.Message{ID: "1700000000123", Created: at}, "19:a_b@unq.gbl.spaces", "",
			"https://teams.microsoft.com/l/message/19:a_b@unq.gbl.spaces/1700000000123?context=%7B%22contextType%22%3A%22chat%22%7D"},
		{"a channel root without webUrl is deep-linked in its thread", storage.Message{ID: "5", Created: at}, "19:c@thread.tacv2", "g",
			"https://teams.microsoft.com/l/message/19:c@thread.tacv2/5?createdTime=1700000000123&groupId=g&parentMessageId=5"},
		{"a reply names its root", storage.Message{ID: "6", ReplyTo: "5"}, "19:c@thread.tacv2", "g",
			"https://teams.microsoft.com/l/message/19:c@thread.tacv2/6?groupId=g&parentMessageId=5"},
		{"a webUrl that is not Teams' is not followed", storage.Message{ID: "7", WebURL: "javascript:alert(1)"}, "c", "",
			"https://teams.microsoft.com/l/message/c/7?context=%7B%22contextType%22%3A%22chat%22%7D"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.TeamsURL(c.conv, c.team); got != c.want {
				t.Errorf("TeamsURL = %q, want %q", got, c.want)
			}
		})
	}
}
