package links

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
func targetScope(ctx context.Context, db Store, target string, users []storage.User) ([]storage.Member, []storage.MessageWithBody, error) {
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
		if i := slices.IndexFunc(users, func(u storage.User) bool { return u.ID == m.FromID }); i >= 0 {
			mb.Email = users[i].Mail
		}
		members = append(members, mb)
	}
	return members, ms, nil
}

// ForConversation lists the links of a conversation's threads and
// messages (chatId holds the thread or message target).
func (s *Service) ForConversation(ctx context.Context, convID string) ([]LinkView, error) {
	db, w, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	ls, err := db.LinksIn(ctx, convID)
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, l := range ls {
		if !slices.Contains(targets, l.ChatID) {
			targets = append(targets, l.ChatID)
		}
	}
	out, err := s.views(ctx, db, w, targets)
	if out == nil {
		out = []LinkView{}
	}
	return out, err
}

// localItems are the timeline's threads and messages linked to related
// records: named by their conversation, with the thread's newest post or
// the message itself.
func (s *Service) localItems(ctx context.Context, db Store, w *linkWorld, related map[string]bool, names map[string]string) ([]TimelineItem, error) {
	var targets []string
	for rel := range related {
		set, id, _ := strings.Cut(rel, "/")
		ts, err := db.LinkTargets(ctx, set, id)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if kind, _, _ := storage.ParseTarget(t); kind != storage.TargetChat && !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
	}
	views, err := s.views(ctx, db, w, targets)
	if err != nil {
		return nil, err
	}
	var out []TimelineItem
	for _, v := range views {
		if !v.Linked || !related[v.Set+"/"+v.RecordID] {
			continue
		}
		kind, conv, msg := storage.ParseTarget(v.ChatID)
		it := TimelineItem{ChatID: v.ChatID, ChatName: names[conv], Via: v.Record, LinkedBy: v.By, LinkedAt: v.At, Member: true,
			Kind: kind, ConvID: conv, MessageID: msg, Local: true}
		thread, around := "", 0
		if kind == storage.TargetThread {
			thread, around = msg, 500
		}
		if ms, err := db.MessagesAround(ctx, conv, msg, around, thread); err == nil && len(ms) > 0 {
			it.LastMessage = lastMessage(ms[0])
		}
		out = append(out, it)
	}
	return out, nil
}

func lastMessage(m storage.MessageWithBody) *LastMessage {
	text := content.Of(&m).Text
	if len(text) > 300 {
		text = text[:runeStartApp(text, 300)] + "…"
	}
	return &LastMessage{From: m.FromName, At: m.Created, Text: text}
}
