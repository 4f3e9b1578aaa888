package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/tags"
)

// FAQ is a question and its answer drafted from a conversation, edited
// by the user.
type FAQ struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answer   string   `json:"answer"` // plain text; paragraphs apart by a blank line
	Tags     []string `json:"tags"`   // tag names (Norm); the first is its topic
	From     string   `json:"from"`   // the target it was drafted from
	Conv     string   `json:"conv"`
	// Sources are the messages it came from (message/CONV/MSG), oldest
	// first.
	Sources  []string  `json:"sources"`
	Month    string    `json:"month"` // the first source's month, YYYY-MM
	First    time.Time `json:"first"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// FAQRequest drafts a FAQ entry from messages. An empty Question is the
// first message's first line; an empty Answer the text of the messages
// after the first (of the only one, when there is one).
type FAQRequest struct {
	From     string   `json:"from"`
	Question string   `json:"question"`
	Answer   string   `json:"answer,omitempty"`
	Tags     []string `json:"tags,omitempty"`
}

// FAQEdit replaces an entry's question, answer and tags.
type FAQEdit struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answer   string   `json:"answer"`
	Tags     []string `json:"tags"`
}

// DraftFAQ drafts a FAQ entry from the messages a target names.
func (s *Service) DraftFAQ(ctx context.Context, r FAQRequest) (FAQ, error) {
	conv, msgs, err := capture.Messages(ctx, s.db, r.From)
	if err != nil {
		return FAQ{}, err
	}
	var texts []string
	for i := range msgs {
		m := &msgs[i]
		if m.Deleted != nil || m.Type != "" && m.Type != "message" {
			continue
		}
		if t := strings.TrimSpace(content.Of(m).Text); t != "" {
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return FAQ{}, fmt.Errorf("%w: %s holds no message text", ErrInvalid, r.From)
	}
	q, a := strings.TrimSpace(r.Question), strings.TrimSpace(r.Answer)
	if q == "" {
		q = clip(firstLine(texts[0]), maxQuestion)
	}
	if a == "" {
		a = strings.Join(texts[min(1, len(texts)-1):], "\n\n")
	}
	tg, err := checkFAQ(q, a, r.Tags)
	if err != nil {
		return FAQ{}, err
	}
	now := s.now()
	f := FAQ{Question: q, Answer: a, Tags: tg, From: r.From, Conv: conv, Created: now, Modified: now,
		First: msgs[0].Created.UTC(), Month: msgs[0].Created.UTC().Format(monthLayout)}
	for i := range msgs {
		f.Sources = append(f.Sources, storage.MessageTarget(conv, msgs[i].ID))
	}
	_, err = s.db.AddKnowledge(ctx, kindFAQ, func(id string) ([]byte, error) {
		f.ID = id
		return jsonOf(f)
	})
	return f, err
}

// EditFAQ replaces an entry's question, answer and tags.
func (s *Service) EditFAQ(ctx context.Context, e FAQEdit) (FAQ, error) {
	tg, err := checkFAQ(strings.TrimSpace(e.Question), strings.TrimSpace(e.Answer), e.Tags)
	if err != nil {
		return FAQ{}, err
	}
	var f FAQ
	if err := s.get(ctx, kindFAQ, e.ID, &f); err != nil {
		return FAQ{}, err
	}
	f.Question, f.Answer, f.Tags, f.Modified = strings.TrimSpace(e.Question), strings.TrimSpace(e.Answer), tg, s.now()
	return f, s.put(ctx, kindFAQ, f.ID, f)
}

// DeleteFAQ removes an entry.
func (s *Service) DeleteFAQ(ctx context.Context, id string) error {
	return s.db.DeleteKnowledge(ctx, kindFAQ, id)
}

// FAQ returns one entry as the user wrote it.
func (s *Service) FAQ(ctx context.Context, id string) (FAQ, error) {
	var f FAQ
	return f, s.get(ctx, kindFAQ, id, &f)
}

// ListFAQ lists the entries, newest conversation first, narrowed by f
// (the topic matches any of an entry's tags, through aliases).
func (s *Service) ListFAQ(ctx context.Context, f BestFilter) ([]FAQ, error) {
	topicOf, want, err := s.topicFilter(ctx, f.Topic)
	if err != nil {
		return nil, err
	}
	out := []FAQ{}
	err = each(ctx, s.db, kindFAQ, func(e FAQ) {
		if f.Month != "" && e.Month != f.Month {
			return
		}
		if want != "" && !slices.ContainsFunc(e.Tags, func(t string) bool { return topicOf(t) == want }) {
			return
		}
		out = append(out, e)
	})
	slices.SortFunc(out, func(a, b FAQ) int {
		return cmp.Or(b.First.Compare(a.First), cmp.Compare(len(a.ID), len(b.ID)), strings.Compare(a.ID, b.ID))
	})
	return out, err
}

func checkFAQ(q, a string, in []string) ([]string, error) {
	switch {
	case q == "":
		return nil, fmt.Errorf("%w: a FAQ entry needs a question", ErrInvalid)
	case utf8.RuneCountInString(q) > maxQuestion:
		return nil, fmt.Errorf("%w: the question is longer than %d characters", ErrInvalid, maxQuestion)
	case a == "":
		return nil, fmt.Errorf("%w: a FAQ entry needs an answer", ErrInvalid)
	case utf8.RuneCountInString(a) > maxAnswer:
		return nil, fmt.Errorf("%w: the answer is longer than %d characters", ErrInvalid, maxAnswer)
	}
	out := []string{}
	for _, t := range in {
		n, err := tags.Norm(t)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Template is a template answer: text the user copies into a reply.
type Template struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Text     string    `json:"text"`
	Tags     []string  `json:"tags"`
	From     string    `json:"from,omitempty"` // faq/ID or message/CONV/MSG
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// TemplateRequest makes a template from a FAQ entry (faq/ID: its answer,
// titled by its question) or a message (its text), or from Text alone.
// Title and Text, when given, replace what the source gives.
type TemplateRequest struct {
	ID    string   `json:"id,omitempty"` // edits this template when set
	From  string   `json:"from,omitempty"`
	Title string   `json:"title,omitempty"`
	Text  string   `json:"text,omitempty"`
	Tags  []string `json:"tags,omitempty"`
}

// SaveTemplate adds a template, or (ID set) edits one.
func (s *Service) SaveTemplate(ctx context.Context, r TemplateRequest) (Template, error) {
	var t Template
	if r.ID != "" {
		if err := s.get(ctx, kindTemplate, r.ID, &t); err != nil {
			return Template{}, err
		}
	} else {
		t.From = r.From
		switch {
		case strings.HasPrefix(r.From, "faq/"):
			f, err := s.FAQ(ctx, strings.TrimPrefix(r.From, "faq/"))
			if err != nil {
				return Template{}, err
			}
			t.Title, t.Text, t.Tags = f.Question, f.Answer, f.Tags
		case r.From != "":
			_, msgs, err := capture.Messages(ctx, s.db, r.From)
			if err != nil {
				return Template{}, err
			}
			var texts []string
			for i := range msgs {
				if msgs[i].Deleted == nil {
					if x := strings.TrimSpace(content.Of(&msgs[i]).Text); x != "" {
						texts = append(texts, x)
					}
				}
			}
			t.Text = strings.Join(texts, "\n\n")
			t.Title = firstLine(t.Text)
		}
	}
	t.Title = strings.TrimSpace(cmp.Or(r.Title, t.Title))
	t.Text = strings.TrimSpace(cmp.Or(r.Text, t.Text))
	if r.Tags != nil {
		t.Tags = r.Tags
	}
	tg, err := checkFAQ(cmp.Or(t.Title, "-"), t.Text, t.Tags)
	if err != nil {
		return Template{}, fmt.Errorf("template: %w", err)
	}
	if utf8.RuneCountInString(t.Title) > maxTitle {
		return Template{}, fmt.Errorf("%w: the title is longer than %d characters", ErrInvalid, maxTitle)
	}
	if t.Title == "" {
		t.Title = firstLine(t.Text)
	}
	t.Tags, t.Modified = tg, s.now()
	if t.ID != "" {
		return t, s.put(ctx, kindTemplate, t.ID, t)
	}
	t.Created = t.Modified
	_, err = s.db.AddKnowledge(ctx, kindTemplate, func(id string) ([]byte, error) {
		t.ID = id
		return jsonOf(t)
	})
	return t, err
}

// DeleteTemplate removes a template.
func (s *Service) DeleteTemplate(ctx context.Context, id string) error {
	return s.db.DeleteKnowledge(ctx, kindTemplate, id)
}

// Templates lists the templates whose title, text or tags hold every
// word of q (case, accents and width folded; all when q is blank), by
// title.
func (s *Service) Templates(ctx context.Context, q string) ([]Template, error) {
	words := strings.Fields(fold(q))
	out := []Template{}
	err := each(ctx, s.db, kindTemplate, func(t Template) {
		hay := fold(t.Title + "\n" + t.Text + "\n" + strings.Join(t.Tags, " "))
		for _, w := range words {
			if !strings.Contains(hay, w) {
				return
			}
		}
		out = append(out, t)
	})
	slices.SortFunc(out, func(a, b Template) int { return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID)) })
	return out, err
}

// fold lower-cases s and strips accents (NFKD without marks), so "Écran"
// finds "ecran" and full-width letters their ASCII forms.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		if r >= 0x300 && r <= 0x36f { // combining diacritical marks
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// answerHTML renders plain text as paragraphs of escaped text.
func answerHTML(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>\n")
		}
	}
	return b.String()
}
