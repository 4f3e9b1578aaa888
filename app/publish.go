package app

import (
	"context"
	"fmt"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
)

// queueFiles queues the upload of files to a channel's Files under one
// publication key (e.g. "archive/2026-11/TEAM/CHANNEL"): each uploaded
// once by the outbox; the same files asked for again are the same
// operations.
func queueFiles(ctx context.Context, db *storage.DB, ch ChannelChoice, key string, files []knowledge.File) ([]storage.Op, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: nothing to upload", errInvalid)
	}
	me, err := db.Me(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	var ops []storage.Op
	for _, f := range files {
		op, err := db.QueueUpload(ctx, storage.Op{Team: ch.Team, Channel: ch.Channel, File: f.Name, By: me, Key: key}, f.Data, now)
		if err != nil {
			return ops, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// queueArticle queues a Dynamics 365 knowledge article (a Draft) made from
// a FAQ entry: its question as the title, its answer as sanitized HTML,
// its tags as keywords; key (e.g. "faq/ID") makes it happen once.
func queueArticle(ctx context.Context, db *storage.DB, key, title, html string, keywords []string) (storage.Op, error) {
	me, err := db.Me(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	return db.QueueArticle(ctx, key, title, html, keywords, me, time.Now().UTC())
}

// queueFAQArticle queues a FAQ entry as a Dynamics 365 knowledge article:
// the entry as it leaves the laptop (redacted), once per entry.
func queueFAQArticle(ctx context.Context, db *storage.DB, k *Knowledge, id string) (storage.Op, error) {
	e, err := k.Entry(id)
	if err != nil {
		return storage.Op{}, err
	}
	return queueArticle(ctx, db, "faq/"+e.ID, e.Question, e.AnswerHTML, e.Tags)
}
