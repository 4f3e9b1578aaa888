package app

import (
	"context"
	"strings"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
)

// Knowledge is the knowledge base service the UI calls (best
// conversations, FAQ entries, template answers, monthly archives): an
// adapter over storage/knowledge, which holds the rules. It is safe for
// concurrent use.
type Knowledge struct{ c *Core }

func knowledgeCall[T any](s *Knowledge, f func(ctx context.Context, svc *knowledge.Service) (T, error)) (T, error) {
	db, err := s.c.store()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s.c.ctx, knowledge.New(db))
}

// MarkBest marks a message, a range or a thread best.
func (s *Knowledge) MarkBest(r knowledge.BestRequest) (knowledge.Best, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.Best, error) { return k.MarkBest(ctx, r) })
}

// EditBest changes a mark's topic and reason.
func (s *Knowledge) EditBest(r knowledge.BestRequest) (knowledge.Best, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.Best, error) { return k.EditBest(ctx, r) })
}

// UnmarkBest removes a mark.
func (s *Knowledge) UnmarkBest(target string) error {
	_, err := knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (struct{}, error) {
		return struct{}{}, k.UnmarkBest(ctx, target)
	})
	return err
}

// ListBest lists the marks of a month and a topic ("" for all).
func (s *Knowledge) ListBest(f knowledge.BestFilter) ([]knowledge.Best, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) ([]knowledge.Best, error) { return k.ListBest(ctx, f) })
}

// DraftFAQ drafts a FAQ entry from messages.
func (s *Knowledge) DraftFAQ(r knowledge.FAQRequest) (knowledge.FAQ, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.FAQ, error) { return k.DraftFAQ(ctx, r) })
}

// EditFAQ replaces an entry's question, answer and tags.
func (s *Knowledge) EditFAQ(e knowledge.FAQEdit) (knowledge.FAQ, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.FAQ, error) { return k.EditFAQ(ctx, e) })
}

// DeleteFAQ removes an entry.
func (s *Knowledge) DeleteFAQ(id string) error {
	_, err := knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (struct{}, error) {
		return struct{}{}, k.DeleteFAQ(ctx, id)
	})
	return err
}

// ListFAQ lists the entries of a month and a topic ("" for all).
func (s *Knowledge) ListFAQ(f knowledge.BestFilter) ([]knowledge.FAQ, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) ([]knowledge.FAQ, error) { return k.ListFAQ(ctx, f) })
}

// Entry is a FAQ entry redacted, as it would leave the laptop, with the
// review of what was replaced.
func (s *Knowledge) Entry(id string) (knowledge.Entry, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.Entry, error) { return k.Entry(ctx, id) })
}

// SaveTemplate adds a template answer or edits one.
func (s *Knowledge) SaveTemplate(r knowledge.TemplateRequest) (knowledge.Template, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (knowledge.Template, error) {
		return k.SaveTemplate(ctx, r)
	})
}

// DeleteTemplate removes a template answer.
func (s *Knowledge) DeleteTemplate(id string) error {
	_, err := knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (struct{}, error) {
		return struct{}{}, k.DeleteTemplate(ctx, id)
	})
	return err
}

// Templates lists the template answers matching q ("" for all).
func (s *Knowledge) Templates(q string) ([]knowledge.Template, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) ([]knowledge.Template, error) {
		return k.Templates(ctx, q)
	})
}

// ArchivePreview is an archive built for the UI: what it holds, its
// files' names and sizes, and the body of its HTML file to preview
// (storage/knowledge's markup: sanitized message HTML, escaped text, no
// style attribute, images as data: URIs). Nothing is written.
type ArchivePreview struct {
	Archive knowledge.Archive `json:"archive"`
	Sizes   []int             `json:"sizes"` // of Archive.Files, in bytes
	HTML    string            `json:"html"`
}

// Archive builds a month's archive for a preview.
func (s *Knowledge) Archive(r knowledge.ArchiveRequest) (ArchivePreview, error) {
	return knowledgeCall(s, func(ctx context.Context, k *knowledge.Service) (ArchivePreview, error) {
		a, err := k.Archive(ctx, r)
		if err != nil {
			return ArchivePreview{}, err
		}
		p := ArchivePreview{Archive: a, Sizes: []int{}}
		for _, f := range a.Files {
			p.Sizes = append(p.Sizes, len(f.Data))
			if strings.HasSuffix(f.Name, ".html") {
				_, body, _ := strings.Cut(string(f.Data), "<body>\n")
				p.HTML, _, _ = strings.Cut(body, "</body>")
			}
		}
		return p, nil
	})
}

// ArchivePublication asks for a month's archive in a channel's Files.
type ArchivePublication struct {
	Archive knowledge.ArchiveRequest `json:"archive"`
	Team    string                   `json:"team"`
	Channel string                   `json:"channel"`
}

// PublishArchive queues the month's archive files for a channel's Files
// (each uploaded once by the outbox; asking again returns the same
// operations).
func (s *Knowledge) PublishArchive(p ArchivePublication) ([]storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	ch, err := findChannel(s.c.ctx, db, p.Team+"/"+p.Channel)
	if err != nil {
		return nil, err
	}
	return knowledge.New(db).PublishArchive(s.c.ctx, db, p.Archive, ch.Team, ch.Channel)
}

// PublishFAQ queues a FAQ entry (redacted) as a Draft knowledge article
// in Dynamics 365, created once.
func (s *Knowledge) PublishFAQ(id string) (storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return storage.Op{}, err
	}
	return knowledge.New(db).PublishFAQ(s.c.ctx, db, id)
}

// Channels lists the channels an archive can be published to.
func (s *Knowledge) Channels() ([]ChannelChoice, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	return channelChoices(s.c.ctx, db)
}
