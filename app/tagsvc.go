package app

import (
	"context"

	"github.com/rapport-app/rapport/storage/tags"
)

// Tags is the tags service the UI calls: an adapter over storage/tags,
// which holds the rules. It is safe for concurrent use.
type Tags struct{ c *Core }

// svc is the tags service over the open store and, when open, the index
// (bulk tagging and hashtags need it).
func (s *Tags) svc() (*tags.Service, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	if ix, err := s.c.searchIndex(); err == nil {
		return tags.New(db, ix), nil
	}
	return tags.New(db, nil), nil
}

// tagsCall runs f on the tags service with the app's context.
func tagsCall[T any](s *Tags, f func(ctx context.Context, svc *tags.Service) (T, error)) (T, error) {
	svc, err := s.svc()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s.c.ctx, svc)
}

// List returns the user's tags with counts, colours and aliases, the
// hashtags apart, and the change Undo would undo.
func (s *Tags) List() (tags.List, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.List, error) { return t.List(ctx) })
}

// ForConversation returns the tags of a conversation, its threads and
// its messages, by target.
func (s *Tags) ForConversation(convID string) (map[string][]string, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (map[string][]string, error) {
		return t.ForConversation(ctx, convID)
	})
}

// Set adds and removes tags on a conversation, thread or message and
// returns its tags.
func (s *Tags) Set(target string, add, remove []string) ([]string, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) ([]string, error) { return t.Set(ctx, target, add, remove) })
}

// Bulk adds and removes tags on every message a search finds.
func (s *Tags) Bulk(q string, add, remove []string, dryRun bool) (tags.Change, error) {
	if _, err := s.c.searchIndex(); err != nil {
		return tags.Change{}, err
	}
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) {
		return t.Bulk(ctx, q, add, remove, dryRun)
	})
}

// Rename renames a tag on every item.
func (s *Tags) Rename(old, new string, dryRun bool) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) {
		return t.Rename(ctx, old, new, dryRun)
	})
}

// Merge moves a tag's items to another tag and makes it an alias.
func (s *Tags) Merge(from, into string, dryRun bool) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) {
		return t.Merge(ctx, from, into, dryRun)
	})
}

// Delete takes a tag off every item.
func (s *Tags) Delete(tag string, dryRun bool) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) { return t.Delete(ctx, tag, dryRun) })
}

// Alias makes alias another label of tag's topic.
func (s *Tags) Alias(tag, alias string) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) { return t.Alias(ctx, tag, alias) })
}

// Unalias takes a label out of its topic.
func (s *Tags) Unalias(alias string) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) { return t.Unalias(ctx, alias) })
}

// Color sets a tag's colour ("" for none).
func (s *Tags) Color(tag, color string) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) { return t.Color(ctx, tag, color) })
}

// Undo reverses the last bulk change (dry: counts what it would touch).
func (s *Tags) Undo(dryRun bool) (tags.Change, error) {
	return tagsCall(s, func(ctx context.Context, t *tags.Service) (tags.Change, error) { return t.Undo(ctx, dryRun) })
}
