package app

import (
	"context"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/links"
)

// Links is the links service the UI calls: an adapter over storage/links,
// which holds the rules. It is safe for concurrent use.
type Links struct{ c *Core }

// svc is the links service over the open store.
func (s *Links) svc() (*links.Service, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	svc := links.New(db, convNames{s.c})
	svc.Dataverse = func() string {
		if ep, err := s.c.endpoints(); err == nil {
			return ep.Dataverse
		}
		return ""
	}
	return svc, nil
}

// convNames names conversations as Conversations shows them.
type convNames struct{ c *Core }

func (n convNames) Chats(context.Context) ([]links.Named, error) {
	chats, err := n.c.Conversations.Chats()
	out := make([]links.Named, len(chats))
	for i, c := range chats {
		out[i] = links.Named{ID: c.ID, Name: c.Name}
	}
	return out, err
}

func (n convNames) Channels(context.Context) ([]links.Named, error) {
	teams, err := n.c.Conversations.Teams()
	var out []links.Named
	for _, t := range teams {
		for _, ch := range t.Channels {
			out = append(out, links.Named{ID: ch.ID, Name: t.Name + " / " + ch.Name})
		}
	}
	return out, err
}

// call runs f on the links service with the app's context.
func linksCall[T any](s *Links, f func(ctx context.Context, svc *links.Service) (T, error)) (T, error) {
	svc, err := s.svc()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s.c.ctx, svc)
}

// ForChat lists a chat's links, synced and queued.
func (s *Links) ForChat(chatID string) ([]links.LinkView, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.LinkView, error) { return l.ForChat(ctx, chatID) })
}

// Record reads a record's page: every field, the records above and under
// it, and the number its mentions are searched by.
func (s *Links) Record(set, id string) (links.RecordPage, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (links.RecordPage, error) { return l.Record(ctx, set, id) })
}

// ForConversation lists the links of a conversation's threads and messages.
func (s *Links) ForConversation(convID string) ([]links.LinkView, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.LinkView, error) {
		return l.ForConversation(ctx, convID)
	})
}

// Suggest lists records worth linking to a chat, thread or message.
func (s *Links) Suggest(chatID string) ([]links.Suggestion, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.Suggestion, error) { return l.Suggest(ctx, chatID) })
}

// Find searches records by name, number or e-mail.
func (s *Links) Find(q string) ([]links.RecordCard, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.RecordCard, error) { return l.Find(ctx, q) })
}

// Link queues a link of a chat (thread, message) to a record.
func (s *Links) Link(chatID, set, recordID string) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) {
		return l.Link(ctx, chatID, set, recordID)
	})
}

// Unlink queues an unlink, if the record type's rules allow the user.
func (s *Links) Unlink(chatID, set, recordID string) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) {
		return l.Unlink(ctx, chatID, set, recordID)
	})
}

// Join queues a request to be added to a chat linked to a record.
func (s *Links) Join(chatID, set, recordID string) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) {
		return l.Join(ctx, chatID, set, recordID)
	})
}

// DismissNotices hides a link's key-field notices up to upTo.
func (s *Links) DismissNotices(chatID, set, recordID string, upTo time.Time) error {
	_, err := linksCall(s, func(ctx context.Context, l *links.Service) (struct{}, error) {
		return struct{}{}, l.DismissNotices(ctx, chatID, set, recordID, upTo)
	})
	return err
}

// PostNotices queues a message telling the chat about key-field changes.
func (s *Links) PostNotices(chatID, set, recordID string, upTo time.Time) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) {
		return l.PostNotices(ctx, chatID, set, recordID, upTo)
	})
}

// Outbox lists every operation, newest first.
func (s *Links) Outbox() ([]links.OpView, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.OpView, error) { return l.Outbox(ctx) })
}

// Retry sends a failed or conflicting operation again on the next sync.
func (s *Links) Retry(seq uint64) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) { return l.Retry(ctx, seq) })
}

// Discard gives up on an operation; its link returns to what it was.
func (s *Links) Discard(seq uint64) (storage.Op, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (storage.Op, error) { return l.Discard(ctx, seq) })
}

// Timeline lists the chats, threads and messages linked to a record, rolled up.
func (s *Links) Timeline(set, recordID string) ([]links.TimelineItem, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) ([]links.TimelineItem, error) {
		return l.Timeline(ctx, set, recordID)
	})
}

// Settings returns the card fields, key fields and rules per record type.
func (s *Links) Settings() (links.LinkSettings, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (links.LinkSettings, error) { return l.Settings(ctx) })
}

// SetSettings stores card fields, key fields and rules.
func (s *Links) SetSettings(ls links.LinkSettings) (links.LinkSettings, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (links.LinkSettings, error) { return l.SetSettings(ctx, ls) })
}

// resolve finds the record a command-line reference names.
func (s *Links) resolve(target, set, ref string, among links.Among) (links.RecordRef, error) {
	return linksCall(s, func(ctx context.Context, l *links.Service) (links.RecordRef, error) {
		return l.Resolve(ctx, target, set, ref, among)
	})
}
