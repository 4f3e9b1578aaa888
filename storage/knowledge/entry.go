package knowledge

import (
	"context"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/content"
)

// Entry is a FAQ entry as it leaves the laptop (a Dynamics 365 knowledge
// article): redacted, its answer as sanitized HTML, its source messages
// as text, and the review of what was replaced.
type Entry struct {
	ID         string   `json:"id"`
	Question   string   `json:"question"`
	Answer     string   `json:"answer"`     // redacted plain text
	AnswerHTML string   `json:"answerHtml"` // the redacted answer, escaped, as paragraphs
	Tags       []string `json:"tags"`
	Sources    []Source `json:"sources"`
	// Review is each redacted text before and after (question, answer,
	// then each source's author and text), for side by side review.
	Review []Redacted `json:"review"`
}

// Source is one source message of an entry, redacted.
type Source struct {
	Target  string    `json:"target"`
	From    string    `json:"from"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
	Missing bool      `json:"missing,omitempty"` // no longer in the store
}

// Entry returns a FAQ entry, redacted, as publishing sends it.
func (s *Service) Entry(ctx context.Context, id string) (Entry, error) {
	f, err := s.FAQ(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	rd, err := s.Redactor(ctx)
	if err != nil {
		return Entry{}, err
	}
	p := rd.Pass()
	e := Entry{ID: f.ID, Tags: f.Tags, Sources: []Source{}, Review: []Redacted{}}
	red := func(t string) string {
		r := p.Redact(t)
		if len(r.Spans) > 0 {
			e.Review = append(e.Review, r)
		}
		return r.Text
	}
	e.Question = red(f.Question)
	e.Answer = red(f.Answer)
	e.AnswerHTML = answerHTML(e.Answer)
	for _, t := range f.Sources {
		src := Source{Target: t}
		_, ms, err := capture.Messages(ctx, s.db, t)
		if err != nil || len(ms) == 0 {
			src.Missing = true
			e.Sources = append(e.Sources, src)
			continue
		}
		m := &ms[0]
		src.From, src.Created = red(m.FromName), m.Created.UTC()
		if m.Deleted == nil {
			src.Text = red(strings.TrimSpace(content.Of(m).Text))
		}
		e.Sources = append(e.Sources, src)
	}
	return e, nil
}
