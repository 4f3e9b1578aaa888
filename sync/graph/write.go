package graph

import (
	"context"
	"errors"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// PostChatMessage sends an HTML message to a chat as the signed-in user
// and returns its id. It is sent once: a POST is never retried (the
// outbox reads the chat with SentSince before sending again).
func (c *Client) PostChatMessage(ctx context.Context, chatID, html string) (string, error) {
	m := models.NewChatMessage()
	b := models.NewItemBody()
	ct := models.HTML_BODYTYPE
	b.SetContentType(&ct)
	b.SetContent(&html)
	m.SetBody(b)
	sent, err := chats.NewChatsRequestBuilderInternal(c.params(), c.adapter).ByChatId(chatID).Messages().Post(ctx, m, nil)
	if err != nil {
		return "", wrap("POST chat message", err)
	}
	return str(sent.GetId()), nil
}

// SentRecently returns the bodies (raw HTML) of the messages userID sent
// among a chat's newest n, newest first. It filters on nothing the
// client's clock decides, so a skewed clock cannot hide a message.
func (c *Client) SentRecently(ctx context.Context, chatID, userID string, n int) ([]string, error) {
	var out []string
	seen := 0
	err := c.ChatMessages(ctx, chatID, "", time.Time{}, func(msgs []Msg, _ string) error {
		for _, m := range msgs {
			if m.FromID == userID && m.Deleted == nil {
				out = append(out, m.Raw)
			}
		}
		if seen += len(msgs); seen >= n {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, err
}

var errEnough = errors.New("enough messages")
