package content

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rapport-app/rapport/storage"
)

var caseRE = regexp.MustCompile(`(?i)\bCAS-\d{5}-[A-Z0-9]{6}\b`)

// CaseNumbers finds Dynamics case numbers (CAS-01234-AB12CD) in text,
// upper-cased, each once.
func CaseNumbers(text string) []string {
	var out []string
	for _, c := range caseRE.FindAllString(text, -1) {
		if c = strings.ToUpper(c); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Summary is what a message says, as text, and what it carries: what
// search indexes, snippets quote, suggestions and previews read.
type Summary struct {
	Text   string // subject, body text, cards' text, attachment names; one line each
	Files  int    // file attachments
	Images int    // inline images (hosted or http(s)) and image attachments
	Links  int    // http(s) links in the body (a card's actions are buttons, not links)
}

// Of extracts a message's searchable content: from its body and
// cards, or for a message deleted upstream from the content retained at
// deletion (storage.MessageWithBody.Shown). A card's text is what
// content.Card shows.
func Of(m *storage.MessageWithBody) Summary {
	raw, cards := m.Shown()
	ex := Extract(raw, m.TextBody)
	parts := make([]string, 0, 2+len(cards)+len(m.Attachments))
	if m.Subject != "" {
		parts = append(parts, m.Subject)
	}
	parts = append(parts, ex.Text)
	for _, cd := range cards {
		if _, text, _ := Card(cd.ContentType, cd.Content); text != "" { // an unreadable card reads "[card]"
			parts = append(parts, text)
		}
	}
	c := Summary{Images: ex.Images + len(m.Hosted), Links: ex.Links}
	for _, a := range m.Attachments {
		switch {
		case strings.HasPrefix(a.ContentType, "image/"):
			c.Images++
		case a.ContentType == "reference" || a.ContentType == "file" || strings.HasPrefix(a.ContentType, "application/") && !strings.Contains(a.ContentType, "card"):
			c.Files++
		}
		if a.Name != "" {
			parts = append(parts, a.Name)
		}
	}
	c.Text = strings.Join(parts, "\n")
	return c
}
