package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/rapport-app/rapport/storage"
)

// Card renders the content of a card attachment (contentType one of
// storage.IsCard's; content the JSON document Graph sends as a string) to
// safe HTML and the plain text a reader sees, which is what search
// indexes.
//
// What shows: text (Adaptive Card TextBlock and RichTextBlock, hero and
// thumbnail title, subtitle and text, connector card title, summary,
// section titles, activity title, subtitle and text), facts as a table of
// title and value, and action and button titles. Containers, column sets
// and tables are read in order. Markdown is honoured where Teams honours
// it (Adaptive Card text and facts, connector cards), HTML where Teams
// allows it (hero, thumbnail and connector text); everything else is
// escaped, and the whole card then passes the message policy's
// allow-list (with the card's classes, https links only, no images).
//
// What never shows: images (remote, so dropped), hidden elements, inputs'
// values, the cards behind Action.ShowCard, and URLs as words: a bare URL
// in text becomes a "[link]", a link's address is never its label. An
// action opens nothing unless it is an https link (Action.OpenUrl,
// openUrl buttons, OpenUri), which then follows the message link policy
// (a new window, no referrer); every other action is a plain label.
//
// A card that does not parse renders as "[card]" with an error saying why.
func Card(contentType, content string) (safe, text string, err error) {
	var doc map[string]any
	if len(content) > maxCardBytes {
		err = fmt.Errorf("card of %d bytes exceeds %d", len(content), maxCardBytes)
	} else if e := json.Unmarshal([]byte(content), &doc); e != nil {
		err = fmt.Errorf("read %s card: %w", cardKind(contentType), e)
	} else if doc == nil {
		err = fmt.Errorf("read %s card: %w", cardKind(contentType), errNotObject)
	}
	if err != nil {
		return unreadableCard, "[card]", err
	}
	var w cardWriter
	switch contentType {
	case storage.CardAdaptive:
		w.adaptive(doc, 0)
	case storage.CardHero, storage.CardThumbnail:
		w.hero(doc)
	case storage.CardConnector:
		w.connector(doc)
	default:
		return unreadableCard, "[card]", fmt.Errorf("card type %q: %w", contentType, errUnsupported)
	}
	if w.b.Len() == 0 {
		return "", "", nil
	}
	safe = strings.TrimSpace(cardPolicy.Sanitize(`<div class="teams-card">` + w.b.String() + `</div>`))
	text = Text(safe)
	if text == "" {
		return "", "", nil // only images, or nothing visible
	}
	return safe, text, nil
}

var (
	errNotObject   = errors.New("not a JSON object")
	errUnsupported = errors.New("not a card Rapport shows")
)

// unreadableCard stands for a card whose content does not parse.
const unreadableCard = `<div class="teams-card"><p>[card]</p></div>`

// maxCardBytes bounds the card content read; Teams caps a message at
// about 28 KB.
const maxCardBytes = 1 << 20

// maxCardDepth bounds how deeply containers nest.
const maxCardDepth = 16

func cardKind(contentType string) string {
	if i := strings.LastIndex(contentType, "."); i >= 0 {
		return contentType[i+1:]
	}
	return contentType
}

// cardPolicy is the message policy with the card's classes and without
// images: a card's images are remote.
var cardPolicy = func() *bluemonday.Policy {
	p := basePolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(mention|teams-card|teams-card-facts|teams-card-actions)$`)).OnElements("span", "div", "table", "p")
	p.AllowAttrs("href").Matching(regexp.MustCompile(`^(?i)https://`)).OnElements("a")
	p.AllowURLSchemeWithCustomPolicy("https", webLinkAllowed)
	return p
}()

// cardWriter accumulates a card's HTML. Every string from the card is
// escaped or sanitized before it is written.
type cardWriter struct {
	b       strings.Builder
	actions []string // rendered actions, written at the end of their set
}

// textStyle says how a card's string is formatted.
type textStyle int

const (
	plain    textStyle = iota // no formatting: titles, subtitles, labels
	markdown                  // Adaptive Card TextBlock and facts
	htmlText                  // hero and thumbnail text: an HTML subset
	htmlMD                    // connector card text: markdown and an HTML subset
)

func (w *cardWriter) adaptive(card map[string]any, depth int) {
	w.elements(list(card["body"]), depth)
	w.actionSet(list(card["actions"]))
}

func (w *cardWriter) elements(items []any, depth int) {
	if depth > maxCardDepth {
		return
	}
	for _, it := range items {
		e, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if v, ok := e["isVisible"].(bool); ok && !v {
			continue // hidden until an action shows it
		}
		switch str(e["type"]) {
		case "TextBlock":
			w.para(str(e["text"]), markdown, isHeading(e))
		case "RichTextBlock":
			w.richText(list(e["inlines"]))
		case "FactSet":
			w.facts(list(e["facts"]), "title", "value", markdown)
		case "Container":
			w.elements(list(e["items"]), depth+1)
		case "ColumnSet":
			for _, c := range list(e["columns"]) {
				if col, ok := c.(map[string]any); ok {
					w.elements(list(col["items"]), depth+1)
				}
			}
		case "Column":
			w.elements(list(e["items"]), depth+1)
		case "Table":
			w.table(e, depth)
		case "ActionSet":
			w.actionSet(list(e["actions"]))
		case "Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.ChoiceSet":
			w.para(str(e["label"]), plain, false)
		case "Input.Toggle":
			w.para(str(e["label"]), plain, false)
			w.para(str(e["title"]), plain, false)
		case "Image", "ImageSet", "Media":
			// Remote: never loaded.
		default:
			// An element this renderer does not know: its fallback, as
			// a host that does not know it would.
			if fb, ok := e["fallback"].(map[string]any); ok {
				w.elements([]any{fb}, depth+1)
			}
		}
	}
}

func isHeading(e map[string]any) bool {
	switch strings.ToLower(str(e["size"])) {
	case "large", "extralarge":
		return true
	}
	return strings.EqualFold(str(e["weight"]), "bolder") || strings.EqualFold(str(e["style"]), "heading")
}

// richText writes a RichTextBlock's runs as one paragraph. Runs are plain
// text (Adaptive Cards do not read markdown in them).
func (w *cardWriter) richText(inlines []any) {
	var b strings.Builder
	for _, in := range inlines {
		switch r := in.(type) {
		case string:
			b.WriteString(inline(html.EscapeString(r), plain, false))
		case map[string]any:
			if str(r["type"]) != "" && str(r["type"]) != "TextRun" {
				continue
			}
			s := inline(html.EscapeString(str(r["text"])), plain, false)
			if href, ok := linkTarget(r["selectAction"]); ok && s != "" {
				s = `<a href="` + html.EscapeString(href) + `">` + inline(html.EscapeString(str(r["text"])), plain, true) + `</a>`
			}
			for _, f := range []struct{ key, tag string }{{"italic", "em"}, {"strikethrough", "s"}, {"underline", "u"}} {
				if v, _ := r[f.key].(bool); v {
					s = "<" + f.tag + ">" + s + "</" + f.tag + ">"
				}
			}
			if strings.EqualFold(str(r["weight"]), "bolder") {
				s = "<strong>" + s + "</strong>"
			}
			b.WriteString(s)
		}
	}
	if strings.TrimSpace(b.String()) != "" {
		w.b.WriteString("<p>" + lineBreaks(b.String()) + "</p>")
	}
}

// facts writes name/value pairs as a table.
func (w *cardWriter) facts(facts []any, nameKey, valueKey string, style textStyle) {
	var rows strings.Builder
	for _, f := range facts {
		fact, ok := f.(map[string]any)
		if !ok {
			continue
		}
		name, value := format(str(fact[nameKey]), style), format(str(fact[valueKey]), style)
		if name == "" && value == "" {
			continue
		}
		rows.WriteString("<tr><th>" + name + "</th><td>" + value + "</td></tr>")
	}
	if rows.Len() > 0 {
		w.b.WriteString(`<table class="teams-card-facts"><tbody>` + rows.String() + "</tbody></table>")
	}
}

// table writes an Adaptive Card Table: each cell's elements in a cell.
func (w *cardWriter) table(e map[string]any, depth int) {
	var rows strings.Builder
	header := false
	if v, ok := e["firstRowAsHeader"].(bool); !ok || v {
		header = true // the schema's default
	}
	for i, r := range list(e["rows"]) {
		row, ok := r.(map[string]any)
		if !ok {
			continue
		}
		tag := "td"
		if i == 0 && header {
			tag = "th"
		}
		rows.WriteString("<tr>")
		for _, c := range list(row["cells"]) {
			cell, ok := c.(map[string]any)
			if !ok {
				continue
			}
			var cw cardWriter
			cw.elements(list(cell["items"]), depth+1)
			cw.flushActions()
			rows.WriteString("<" + tag + ">" + cw.b.String() + "</" + tag + ">")
		}
		rows.WriteString("</tr>")
	}
	if rows.Len() > 0 {
		w.b.WriteString("<table><tbody>" + rows.String() + "</tbody></table>")
	}
}

// hero writes a hero or thumbnail card.
func (w *cardWriter) hero(card map[string]any) {
	w.para(str(card["title"]), plain, true)
	w.para(str(card["subtitle"]), plain, false)
	w.para(str(card["text"]), htmlText, false)
	w.actionSet(list(card["buttons"]))
}

// connector writes an Office 365 connector card.
func (w *cardWriter) connector(card map[string]any) {
	title := str(card["title"])
	w.para(title, htmlMD, true)
	if s := str(card["summary"]); strings.TrimSpace(s) != strings.TrimSpace(title) {
		w.para(s, plain, false)
	}
	w.para(str(card["text"]), htmlMD, false)
	for _, s := range list(card["sections"]) {
		sec, ok := s.(map[string]any)
		if !ok {
			continue
		}
		w.para(str(sec["title"]), htmlMD, true)
		w.para(str(sec["activityTitle"]), htmlMD, true)
		w.para(str(sec["activitySubtitle"]), htmlMD, false)
		w.para(str(sec["activityText"]), htmlMD, false)
		w.para(str(sec["text"]), htmlMD, false)
		w.facts(list(sec["facts"]), "name", "value", htmlMD)
		w.actionSet(list(sec["potentialAction"]))
	}
	w.actionSet(list(card["potentialAction"]))
}

// para writes text as paragraphs and lists.
func (w *cardWriter) para(s string, style textStyle, heading bool) {
	out := paragraphs(s, style)
	if out == "" {
		return
	}
	if heading {
		out = strings.ReplaceAll(strings.ReplaceAll(out, "<p>", "<p><strong>"), "</p>", "</strong></p>")
	}
	w.b.WriteString(out)
}

// actionSet writes actions (Adaptive Card actions, hero buttons,
// connector potentialAction) as one line of labels and links.
func (w *cardWriter) actionSet(actions []any) {
	for _, a := range actions {
		act, ok := a.(map[string]any)
		if !ok {
			continue
		}
		title := str(act["title"])
		if title == "" {
			title = str(act["name"]) // connector cards
		}
		label := inline(html.EscapeString(title), plain, true)
		if strings.TrimSpace(label) == "" {
			continue
		}
		if href, ok := linkTarget(act); ok {
			w.actions = append(w.actions, `<a href="`+html.EscapeString(href)+`">`+label+`</a>`)
		} else {
			w.actions = append(w.actions, "<span>"+label+"</span>")
		}
	}
	w.flushActions()
}

func (w *cardWriter) flushActions() {
	if len(w.actions) > 0 {
		w.b.WriteString(`<p class="teams-card-actions">` + strings.Join(w.actions, " ") + "</p>")
		w.actions = w.actions[:0]
	}
}

// linkTarget returns the https URL an action opens, if it only opens one.
func linkTarget(v any) (string, bool) {
	act, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	var target string
	switch t := str(act["type"]); {
	case strings.EqualFold(t, "Action.OpenUrl"):
		target = str(act["url"])
	case strings.EqualFold(t, "openUrl"): // hero and thumbnail buttons
		target = str(act["value"])
	default:
		switch str(act["@type"]) { // connector cards
		case "OpenUri":
			for _, tg := range list(act["targets"]) {
				if m, ok := tg.(map[string]any); ok && (str(m["os"]) == "default" || target == "") {
					target = str(m["uri"])
				}
			}
		case "ViewAction":
			if ts := list(act["target"]); len(ts) > 0 {
				target = str(ts[0])
			}
		}
	}
	return httpsURL(target)
}

// httpsURL reports whether s is an absolute https URL, and returns it.
func httpsURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	return s, true
}

var (
	listItemRE = regexp.MustCompile(`^\s*(?:[-*+]|(\d+)\.)\s+(.*)$`)
	dateFnRE   = regexp.MustCompile(`\{\{(DATE|TIME)\(\s*([0-9T:.+\-Z]+)\s*(?:,\s*(?:SHORT|LONG|COMPACT)\s*)?\)\}\}`)
)

// format renders a single-line field (a fact's name or value).
func format(s string, style textStyle) string {
	return lineBreaks(inlineStyled(s, style))
}

// inlineStyled escapes s unless its style is HTML, then formats it.
func inlineStyled(s string, style textStyle) string {
	switch style {
	case htmlText, htmlMD:
		return inline(s, style, false)
	case markdown:
		return inline(html.EscapeString(dateFunctions(s)), markdown, false)
	}
	return inline(html.EscapeString(s), plain, false)
}

// paragraphs renders multi-line text: paragraphs (lines joined by <br>,
// separated by blank lines) and, in markdown, lists.
func paragraphs(s string, style textStyle) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	md := style == markdown || style == htmlMD
	var b strings.Builder
	var para []string
	listTag := ""
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + strings.Join(para, "<br>") + "</p>")
			para = para[:0]
		}
	}
	closeList := func() {
		if listTag != "" {
			b.WriteString("</" + listTag + ">")
			listTag = ""
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			flushPara()
			closeList()
			continue
		}
		if md {
			if m := listItemRE.FindStringSubmatch(line); m != nil {
				flushPara()
				tag := "ul"
				if m[1] != "" {
					tag = "ol"
				}
				if tag != listTag {
					closeList()
					b.WriteString("<" + tag + ">")
					listTag = tag
				}
				b.WriteString("<li>" + inlineStyled(m[2], style) + "</li>")
				continue
			}
		}
		closeList()
		para = append(para, inlineStyled(line, style))
	}
	flushPara()
	closeList()
	return b.String()
}

func lineBreaks(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n", "<br>")
}

// dateFunctions replaces Adaptive Card {{DATE(…)}} and {{TIME(…)}} with
// the date (2006-01-02) or the time (15:04, UTC).
func dateFunctions(s string) string {
	return dateFnRE.ReplaceAllStringFunc(s, func(m string) string {
		g := dateFnRE.FindStringSubmatch(m)
		t, err := time.Parse(time.RFC3339, g[2])
		if err != nil {
			return g[2]
		}
		if g[1] == "DATE" {
			return t.UTC().Format("2006-01-02")
		}
		return t.UTC().Format("15:04")
	})
}

var (
	mdLinkRE   = regexp.MustCompile(`\[([^\]\n]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)`)
	mdBoldRE   = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
	mdItalicRE = regexp.MustCompile(`(^|[\s(])_([^_\n]+)_($|[\s.,;:!?)])`)
	bareURLRE  = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>"']+`)
	mentionRE  = regexp.MustCompile(`&lt;at&gt;(.*?)&lt;/at&gt;`)
)

// inline formats one line of HTML (escaped text, or for the HTML styles
// the card's markup): text tokens get markdown links and emphasis when the
// style reads markdown, Adaptive Card mentions, and every bare URL
// becomes "[link]" (a link when https and not already inside one). Tags
// pass through: the card policy sanitizes the whole card afterwards.
func inline(s string, style textStyle, inLink bool) string {
	if s == "" {
		return ""
	}
	if style == plain || style == markdown {
		return inlineText(s, style == markdown, inLink)
	}
	// HTML: transform text between tags only.
	var b strings.Builder
	depth := 0
	if inLink {
		depth = 1
	}
	for rest := s; rest != ""; {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			b.WriteString(inlineText(rest, style == htmlMD, depth > 0))
			break
		}
		b.WriteString(inlineText(rest[:lt], style == htmlMD, depth > 0))
		gt := strings.IndexByte(rest[lt:], '>')
		if gt < 0 {
			b.WriteString(html.EscapeString(rest[lt:]))
			break
		}
		tag := rest[lt : lt+gt+1]
		switch name := tagName(tag); {
		case name == "a" && !strings.HasPrefix(tag, "</"):
			depth++
		case name == "a":
			depth = max(0, depth-1)
		}
		b.WriteString(tag)
		rest = rest[lt+gt+1:]
	}
	return b.String()
}

func tagName(tag string) string {
	t := strings.TrimLeft(tag, "</")
	end := strings.IndexAny(t, " \t\n/>")
	if end < 0 {
		end = len(t)
	}
	return strings.ToLower(t[:end])
}

// inlineText formats a run of HTML-escaped text.
func inlineText(s string, md, inLink bool) string {
	if md {
		var b strings.Builder
		last := 0
		for _, m := range mdLinkRE.FindAllStringSubmatchIndex(s, -1) {
			b.WriteString(urlsAndMentions(s[last:m[0]], inLink))
			label, target := s[m[2]:m[3]], html.UnescapeString(s[m[4]:m[5]])
			if href, ok := httpsURL(target); ok && !inLink {
				b.WriteString(`<a href="` + html.EscapeString(href) + `">` + urlsAndMentions(label, true) + `</a>`)
			} else {
				b.WriteString(urlsAndMentions(label, true))
			}
			last = m[1]
		}
		b.WriteString(urlsAndMentions(s[last:], inLink))
		s = b.String()
		s = mdBoldRE.ReplaceAllString(s, "<strong>$1</strong>")
		s = mdItalicRE.ReplaceAllString(s, "$1<em>$2</em>$3")
		return s
	}
	return urlsAndMentions(s, inLink)
}

// urlsAndMentions turns Adaptive Card mentions into mention spans and bare
// URLs into "[link]".
func urlsAndMentions(s string, inLink bool) string {
	s = mentionRE.ReplaceAllString(s, `<span class="mention">@$1</span>`)
	return bareURLRE.ReplaceAllStringFunc(s, func(u string) string {
		// Escaped text: the URL ends where an escaped quote or bracket
		// starts, and before trailing punctuation.
		tail := ""
		for _, stop := range []string{"&lt;", "&gt;", "&#34;", "&#39;", "&quot;"} {
			if i := strings.Index(u, stop); i >= 0 {
				u, tail = u[:i], u[i:]+tail
			}
		}
		trimmed := strings.TrimRight(u, ".,;:!?)]")
		tail = u[len(trimmed):] + tail
		if href, ok := httpsURL(html.UnescapeString(trimmed)); ok && !inLink {
			return `<a href="` + html.EscapeString(href) + `">[link]</a>` + tail
		}
		return "[link]" + tail
	})
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
