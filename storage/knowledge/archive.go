package knowledge

import (
	"cmp"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
)

// File is one file of an archive.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"-"`
}

//go:embed archive.css
var archiveCSS string

// csp is the archive HTML's Content-Security-Policy: nothing loads but
// its own style element (by hash) and data: images.
var csp = func() string {
	h := sha256.Sum256([]byte(archiveCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'; img-src data:; base-uri 'none'; form-action 'none'"
}()

// ArchiveRequest asks for a month's archive: all conversations, or one
// account's (by name or id) or one team's (by name or id).
type ArchiveRequest struct {
	Month   string `json:"month"` // YYYY-MM
	Account string `json:"account,omitempty"`
	Team    string `json:"team,omitempty"`
	Lang    string `json:"lang,omitempty"` // zh-CN, en or fr (default en)
}

// Archive is a month's archive: its files and what they hold.
type Archive struct {
	Month string `json:"month"`
	Scope string `json:"scope,omitempty"` // the account's or team's name
	// ScopeKind is "account" or "team" when Scope is set.
	ScopeKind string       `json:"scopeKind,omitempty"`
	Lang      string       `json:"lang"`
	Best      int          `json:"best"`
	FAQ       int          `json:"faq"`
	Topics    []IndexTopic `json:"topics"`
	Files     []File       `json:"files"`
	// Review is what redaction replaced, per item, side by side.
	Review []ItemReview `json:"review"`
}

// IndexTopic is one topic of the index: its labels and entries.
type IndexTopic struct {
	Topic   string       `json:"topic"`  // "" for entries without a topic
	Labels  []string     `json:"labels"` // the topic's labels (aliases), topic first
	Best    int          `json:"best"`
	FAQ     int          `json:"faq"`
	Entries []IndexEntry `json:"entries"`
}

// IndexEntry is one archived item.
type IndexEntry struct {
	Kind   string `json:"kind"` // best or faq
	ID     string `json:"id"`   // the best target, or the FAQ entry's id
	Anchor string `json:"anchor"`
	Title  string `json:"title"` // redacted
	Conv   string `json:"conv"`
	Link   string `json:"link"` // the conversation's first message in Teams
}

// ItemReview is one item's redactions.
type ItemReview struct {
	Kind     string     `json:"kind"`
	ID       string     `json:"id"`
	Redacted []Redacted `json:"redacted"`
}

// item is an archived best conversation or FAQ entry, redacted.
type item struct {
	IndexEntry
	topic    string
	first    time.Time
	reason   string // best
	convName string
	question string // faq
	answer   string
	msgs     []shownMessage
}

type shownMessage struct {
	from, text, html string
	at               time.Time
}

// Archive builds a month's archive: an index by topic (Markdown), and the
// best conversations and FAQ entries grouped by topic as Markdown and as
// one self-contained HTML file. The same data gives the same bytes.
func (s *Service) Archive(ctx context.Context, r ArchiveRequest) (Archive, error) {
	month, err := ParseMonth(r.Month)
	if err != nil {
		return Archive{}, err
	}
	if r.Account != "" && r.Team != "" {
		return Archive{}, fmt.Errorf("%w: an archive is for an account or a team, not both", ErrInvalid)
	}
	w := wordsFor(r.Lang)
	a := Archive{Month: r.Month, Lang: w.lang, Topics: []IndexTopic{}, Review: []ItemReview{}}
	names, err := s.convNames(ctx)
	if err != nil {
		return Archive{}, err
	}
	in := func(string) (bool, error) { return true, nil }
	switch {
	case r.Team != "":
		if a.Scope, in, err = s.teamScope(ctx, r.Team); err != nil {
			return Archive{}, err
		}
		a.ScopeKind = ScopeTeam
	case r.Account != "":
		if a.Scope, in, err = s.accountScope(ctx, r.Account); err != nil {
			return Archive{}, err
		}
		a.ScopeKind = ScopeAccount
	}
	topicOf, err := s.topics(ctx)
	if err != nil {
		return Archive{}, err
	}
	metas, err := s.db.TagMetas(ctx)
	if err != nil {
		return Archive{}, err
	}
	rd, err := s.Redactor(ctx)
	if err != nil {
		return Archive{}, err
	}
	bests, err := s.ListBest(ctx, BestFilter{Month: r.Month})
	if err != nil {
		return Archive{}, err
	}
	faqs, err := s.ListFAQ(ctx, BestFilter{Month: r.Month})
	if err != nil {
		return Archive{}, err
	}
	var items []*item
	for _, b := range bests {
		if ok, err := in(b.Conv); err != nil {
			return Archive{}, err
		} else if !ok {
			continue
		}
		p, rev := rd.Pass(), ItemReview{Kind: kindBest, ID: b.Target, Redacted: []Redacted{}}
		it := &item{topic: topicOf(b.Topic), first: b.First}
		it.Kind, it.ID, it.Conv = kindBest, b.Target, b.Conv
		it.Title = review(p, &rev, b.Title)
		it.reason = review(p, &rev, b.Reason)
		it.convName = review(p, &rev, names[b.Conv])
		if it.msgs, err = s.shown(ctx, p, &rev, b.Conv, b.Messages); err != nil {
			return Archive{}, err
		}
		it.Link = teamsLink(b.Conv, b.Messages[0])
		items = append(items, it)
		a.Best++
		if len(rev.Redacted) > 0 {
			a.Review = append(a.Review, rev)
		}
	}
	for _, f := range faqs {
		if ok, err := in(f.Conv); err != nil {
			return Archive{}, err
		} else if !ok {
			continue
		}
		p, rev := rd.Pass(), ItemReview{Kind: kindFAQ, ID: f.ID, Redacted: []Redacted{}}
		it := &item{first: f.First}
		if len(f.Tags) > 0 {
			it.topic = topicOf(f.Tags[0])
		}
		it.Kind, it.ID, it.Conv = kindFAQ, f.ID, f.Conv
		it.question = review(p, &rev, f.Question)
		it.Title = it.question
		it.answer = review(p, &rev, f.Answer)
		it.convName = review(p, &rev, names[f.Conv])
		if len(f.Sources) > 0 {
			_, _, msg := storage.ParseTarget(f.Sources[0])
			it.Link = teamsLink(f.Conv, msg)
		}
		items = append(items, it)
		a.FAQ++
		if len(rev.Redacted) > 0 {
			a.Review = append(a.Review, rev)
		}
	}
	// Topics by name (no topic last); in a topic best conversations then
	// FAQ entries, oldest first.
	slices.SortStableFunc(items, func(x, y *item) int {
		return cmp.Or(cmp.Compare(b2i(x.topic == ""), b2i(y.topic == "")), strings.Compare(x.topic, y.topic),
			cmp.Compare(b2i(x.Kind == kindFAQ), b2i(y.Kind == kindFAQ)), x.first.Compare(y.first), cmp.Compare(len(x.ID), len(y.ID)), strings.Compare(x.ID, y.ID))
	})
	groups := map[string][]string{}
	for n, m := range metas {
		if m.Topic != "" {
			groups[m.Topic] = append(groups[m.Topic], n)
		}
	}
	nb, nf := 0, 0
	for _, it := range items {
		if n := len(a.Topics); n == 0 || a.Topics[n-1].Topic != it.topic {
			labels := []string{}
			if it.topic != "" {
				g := slices.Clone(groups[it.topic])
				slices.Sort(g)
				labels = append([]string{it.topic}, g...)
			}
			a.Topics = append(a.Topics, IndexTopic{Topic: it.topic, Labels: labels, Entries: []IndexEntry{}})
		}
		t := &a.Topics[len(a.Topics)-1]
		if it.Kind == kindBest {
			nb++
			it.Anchor = fmt.Sprintf("best-%d", nb)
			t.Best++
		} else {
			nf++
			it.Anchor = fmt.Sprintf("faq-%d", nf)
			t.FAQ++
		}
		t.Entries = append(t.Entries, it.IndexEntry)
	}
	base := "knowledge-" + r.Month
	if a.Scope != "" {
		base += "-" + a.Scope
	}
	md := SafeName(base, ".md")
	a.Files = []File{
		{Name: SafeName(base, "-index.md"), Data: []byte(indexMarkdown(a, w, month, md))},
		{Name: md, Data: []byte(archiveMarkdown(a, w, month, items))},
		{Name: SafeName(base, ".html"), Data: []byte(archiveHTML(a, w, month, items))},
	}
	return a, nil
}

func review(p *Pass, rev *ItemReview, text string) string {
	r := p.Redact(text)
	if len(r.Spans) > 0 {
		rev.Redacted = append(rev.Redacted, r)
	}
	return r.Text
}

// shown reads the messages marked (by id: a thread's replies posted
// since are not part of the mark) as the archive shows them, redacted:
// text for Markdown, HTML sanitized as on screen with inline images as
// data: URIs. A message gone from the store since is left out.
func (s *Service) shown(ctx context.Context, p *Pass, rev *ItemReview, conv string, ids []string) ([]shownMessage, error) {
	msgs := make([]storage.MessageWithBody, 0, len(ids))
	for _, id := range ids {
		ms, err := s.db.MessagesAround(ctx, conv, id, 0, "") // the message alone
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, ms...)
	}
	var out []shownMessage
	for i := range msgs {
		m := &msgs[i]
		if m.Deleted != nil || m.Type != "" && m.Type != "message" {
			continue
		}
		sm := shownMessage{from: review(p, rev, cmp.Or(m.FromName, "?")), at: m.Created.UTC()}
		sm.text = review(p, rev, strings.TrimSpace(content.Of(m).Text))
		images := map[string]string{}
		safe, _ := content.Message(m.Body.Raw, m.TextBody, content.Options{Hosted: func(id string) string {
			data, err := s.db.Hosted(ctx, conv, m.ID, id)
			if err != nil {
				return ""
			}
			ct := http.DetectContentType(data)
			switch ct {
			case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
			default:
				return "" // not an image: dropped, as the screen refuses it
			}
			k := fmt.Sprintf("/hosted/i%d/x", len(images))
			images[k] = "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data)
			return k
		}})
		for _, cd := range m.Body.Cards {
			if c, _, _ := content.Card(cd.ContentType, cd.Content); c != "" {
				safe += c
			}
		}
		sm.html = redactHTML(p, rev, safe, images)
		out = append(out, sm)
	}
	return out, nil
}

// redactHTML redacts the text of safe HTML (and the addresses of its
// links and the alt text of its images), and points its local images at
// their data: URIs. The HTML is the sanitizer's: attributes are only
// rewritten or dropped, never added.
func redactHTML(p *Pass, rev *ItemReview, safe string, images map[string]string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(safe), ctx)
	if err != nil {
		return "<p>" + html.EscapeString(review(p, rev, content.Text(safe))) + "</p>"
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			n.Data = review(p, rev, n.Data)
		case html.ElementNode:
			attrs := n.Attr[:0]
			for _, at := range n.Attr {
				switch {
				case n.DataAtom == atom.A && at.Key == "href":
					if r := p.Redact(at.Val); len(r.Spans) > 0 {
						continue // an address holding personal data: the link goes, its text stays
					}
				case n.DataAtom == atom.Img && at.Key == "src":
					d, ok := images[at.Val]
					if !ok {
						continue
					}
					at.Val = d
				case at.Key == "alt" || at.Key == "title":
					at.Val = review(p, rev, at.Val)
				}
				attrs = append(attrs, at)
			}
			n.Attr = attrs
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var b strings.Builder
	for _, n := range nodes {
		walk(n)
		if n.Type == html.ElementNode && n.DataAtom == atom.Img && !slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "src" }) {
			continue
		}
		html.Render(&b, n)
	}
	return b.String()
}

// teamsLink is a message's address in Teams.
func teamsLink(conv, msg string) string {
	return "https://teams.microsoft.com/l/message/" + url.PathEscape(conv) + "/" + url.PathEscape(msg)
}

// convNames names conversations: a chat by its topic, a channel as
// "Team / Channel".
func (s *Service) convNames(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	chats, err := s.db.Chats(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range chats {
		out[c.ID] = cmp.Or(c.Topic, "Chat")
	}
	teams, err := s.db.Teams(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		chs, err := s.db.Channels(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range chs {
			out[c.ID] = t.Name + " / " + c.Name
		}
	}
	return out, nil
}

func (s *Service) teamScope(ctx context.Context, name string) (string, func(string) (bool, error), error) {
	teams, err := s.db.Teams(ctx)
	if err != nil {
		return "", nil, err
	}
	var found []storage.Team
	for _, t := range teams {
		if t.ID == name || strings.EqualFold(t.Name, strings.TrimSpace(name)) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return "", nil, fmt.Errorf("team %q: %w", name, storage.ErrNotFound)
	case 1:
	default:
		return "", nil, fmt.Errorf("%w: %d teams are named %q: give its id", ErrInvalid, len(found), name)
	}
	chs, err := s.db.Channels(ctx, found[0].ID)
	if err != nil {
		return "", nil, err
	}
	set := map[string]bool{}
	for _, c := range chs {
		set[c.ID] = true
	}
	return found[0].Name, func(conv string) (bool, error) { return set[conv], nil }, nil
}

// accountFields are the columns naming a record's account.
var accountFields = map[string][]string{
	"contacts":      {"_parentcustomerid_value"},
	"incidents":     {"_customerid_value"},
	"opportunities": {"_parentaccountid_value", "_customerid_value"},
}

// accountScope: a conversation is an account's when it (or one of its
// threads or messages) is linked to the account, or to a contact, case
// or opportunity of it.
func (s *Service) accountScope(ctx context.Context, name string) (string, func(string) (bool, error), error) {
	accs, err := s.db.Records(ctx, "accounts")
	if err != nil {
		return "", nil, err
	}
	var found []storage.Record
	for _, r := range accs {
		if r.Deleted == nil && (r.ID == name || strings.EqualFold(str(r.Fields["name"]), strings.TrimSpace(name))) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return "", nil, fmt.Errorf("account %q: %w", name, storage.ErrNotFound)
	case 1:
	default:
		return "", nil, fmt.Errorf("%w: %d accounts are named %q: give its id", ErrInvalid, len(found), name)
	}
	acc := found[0].ID
	cache := map[string]bool{}
	return str(found[0].Fields["name"]), func(conv string) (bool, error) {
		if ok, seen := cache[conv]; seen {
			return ok, nil
		}
		ls, err := s.db.Links(ctx, conv)
		if err != nil {
			return false, err
		}
		more, err := s.db.LinksIn(ctx, conv)
		if err != nil {
			return false, err
		}
		ok := false
		for _, l := range append(ls, more...) {
			if !l.Linked {
				continue
			}
			if l.Set == "accounts" && l.RecordID == acc {
				ok = true
				break
			}
			if fs := accountFields[l.Set]; fs != nil {
				rec, err := s.db.Record(ctx, l.Set, l.RecordID)
				if errors.Is(err, storage.ErrNotFound) {
					continue
				} else if err != nil {
					return false, err
				}
				if slices.ContainsFunc(fs, func(f string) bool { return str(rec.Fields[f]) == acc }) {
					ok = true
					break
				}
			}
		}
		cache[conv] = ok
		return ok, nil
	}, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
