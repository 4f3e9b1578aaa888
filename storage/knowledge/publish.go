package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// Outbox is what publishing needs of the store: the signed-in user and
// the outbox's uploads and creates (*storage.DB). Both queue calls return
// the operation already queued or done for the same key, so asking again
// publishes nothing twice.
type Outbox interface {
	Me(ctx context.Context) (string, error)
	QueueUpload(ctx context.Context, op storage.Op, data []byte, now time.Time) (storage.Op, error)
	QueueArticle(ctx context.Context, key, title, html string, keywords []string, by string, now time.Time) (storage.Op, error)
}

// ArchiveKey names a month's archive in a channel: publishing it there
// again is the same publication.
func ArchiveKey(month, team, channel string) string {
	return "archive/" + month + "/" + team + "/" + channel
}

// FAQKey names a FAQ entry's knowledge article.
func FAQKey(id string) string { return "faq/" + id }

// QueueFiles queues files for the Files of channel team/channel under one
// publication key: the outbox uploads each once.
func QueueFiles(ctx context.Context, out Outbox, team, channel, key string, files []File, now time.Time) ([]storage.Op, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: nothing to upload", ErrInvalid)
	}
	me, err := out.Me(ctx)
	if err != nil {
		return nil, err
	}
	var ops []storage.Op
	for _, f := range files {
		op, err := out.QueueUpload(ctx, storage.Op{Team: team, Channel: channel, File: f.Name, By: me, Key: key}, f.Data, now)
		if err != nil {
			return ops, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// QueueArticle queues a Dynamics 365 knowledge article (a Draft) under a
// publication key: title, sanitized HTML and keywords.
func QueueArticle(ctx context.Context, out Outbox, key, title, html string, keywords []string, now time.Time) (storage.Op, error) {
	me, err := out.Me(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	return out.QueueArticle(ctx, key, title, html, keywords, me, now)
}

// PublishArchive builds a month's archive and queues its files for a
// channel's Files.
func (s *Service) PublishArchive(ctx context.Context, out Outbox, r ArchiveRequest, team, channel string) ([]storage.Op, error) {
	a, err := s.Archive(ctx, r)
	if err != nil {
		return nil, err
	}
	return QueueFiles(ctx, out, team, channel, ArchiveKey(r.Month, team, channel), a.Files, s.now().UTC())
}

// PublishFAQ queues a FAQ entry, as it leaves the laptop (redacted), as a
// Draft knowledge article: once per entry.
func (s *Service) PublishFAQ(ctx context.Context, out Outbox, id string) (storage.Op, error) {
	e, err := s.Entry(ctx, id)
	if err != nil {
		return storage.Op{}, err
	}
	return QueueArticle(ctx, out, FAQKey(e.ID), e.Question, e.AnswerHTML, e.Tags, s.now().UTC())
}
