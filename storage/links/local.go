package links

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
)

// Threads and single messages are linked to records in Rapport only:
// Dynamics links chats, so these links are never pushed; they show on the
// message, in the record's timeline and in record: searches.

// targetExists checks that a link target is in the store: a chat, a
// channel thread's root, or a message.
func targetExists(ctx context.Context, db Store, target string) error {
	kind, conv, msg := storage.ParseTarget(target)
	if kind == storage.TargetChat {
		if _, err := db.Chat(ctx, conv); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("chat %s: %w", conv, err)
		} else if err != nil {
			return err // it names the chat
		}
		return nil
	}
	ms, err := db.MessagesAround(ctx, conv, msg, 0, "")
	if err != nil || len(ms) != 1 {
		return fmt.Errorf("message %s in %s: %w", msg, conv, storage.ErrNotFound)
	}
	if kind == storage.TargetThread {
		_, err := db.Chat(ctx, conv)
		if ms[0].ReplyTo != "" || err == nil {
			return fmt.Errorf("%w: %s is not the first post of a channel thread", ErrInvalid, msg)
		}
	}
	return nil
}

// targetScope is who takes part in a target and what it says: a chat's
// members and recent messages; a thread's posts and their authors; a
// message and its author.
func targetScope(ctx context.Context, w *linkWorld, target string) ([]storage.Member, []storage.MessageWithBody, error) {
	db := w.db
	kind, conv, msg := storage.ParseTarget(target)
	if kind == storage.TargetChat {
		members, err := db.Members(ctx, conv)
		if err != nil {
			return nil, nil, err
		}
		ms, err := db.Messages(ctx, conv, time.Time{}, 300)
		return members, ms, err
	}
	thread := ""
	around := 0
	if kind == storage.TargetThread {
		thread, around = msg, 300
	}
	ms, err := db.MessagesAround(ctx, conv, msg, around, thread)
	if err != nil {
		return nil, nil, err
	}
	var members []storage.Member
	for _, m := range ms {
		if m.FromID == "" || slices.ContainsFunc(members, func(x storage.Member) bool { return x.UserID == m.FromID }) {
			continue
		}
		mb := storage.Member{UserID: m.FromID, DisplayName: m.FromName}
		u, _, err := w.user(ctx, m.FromID)
		if err != nil {
			return nil, nil, err
		}
		mb.Email = u.Mail
		members = append(members, mb)
	}
	return members, ms, nil
}

// ForConversation lists the links of a conversation's threads and
// messages (chatId holds the thread or message target).
func (s *Service) ForConversation(ctx context.Context, convID string) ([]LinkView, error) {
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	ls, err := s.db.LinksIn(ctx, convID)
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, l := range ls {
		if !slices.Contains(targets, l.ChatID) {
			targets = append(targets, l.ChatID)
		}
	}
	out, err := s.views(ctx, w, targets)
	if out == nil {
		out = []LinkView{}
	}
	return out, err
}

// localItem is a timeline's thread or message linked in Rapport: named
// by its conversation, with the thread's newest post or the message
// itself.
func localItem(ctx context.Context, db Store, v LinkView, names map[string]string) (TimelineItem, error) {
	kind, conv, msg := storage.ParseTarget(v.ChatID)
	it := TimelineItem{ChatID: v.ChatID, ChatName: names[conv], Via: v.Record, LinkedBy: v.By, LinkedAt: v.At, Member: true,
		Kind: kind, ConvID: conv, MessageID: msg, Local: true}
	thread, around := "", 0
	if kind == storage.TargetThread {
		thread, around = msg, 500
	}
	ms, err := db.MessagesAround(ctx, conv, msg, around, thread)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return it, err
	}
	if len(ms) > 0 {
		it.LastMessage = lastMessage(ms[0])
	}
	return it, nil
}

func lastMessage(m storage.MessageWithBody) *LastMessage {
	text := content.Of(&m).Text
	if len(text) > 300 {
		text = text[:runeStartApp(text, 300)] + "…"
	}
	return &LastMessage{From: m.FromName, At: m.Created, Text: text}
}
