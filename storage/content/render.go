package content

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options tune rendering.
type Options struct {
	// Hosted maps a Graph hosted-content id to the local URL that serves
	// it; "" drops the image.
	Hosted func(id string) string
	// CaseLink, when set, makes each Dynamics case number in the text
	// (outside links and code) a link to the address it returns.
	CaseLink func(number string) string
}

// hostedRE finds the hosted-content id in a Graph inline image URL.
var hostedRE = regexp.MustCompile(`/hostedContents/([^/]+)/\$value$`)

// HostedID extracts the hosted-content id from an inline image URL.
func HostedID(src string) (string, bool) {
	m := hostedRE.FindStringSubmatch(src)
	if m == nil {
		return "", false
	}
	return m[1], true
}

var hostedSrcRE = regexp.MustCompile(`(?i)<img[^>]+src="([^"]*/hostedContents/[^"/]+/\$value)"`)

// HostedIDs lists the hosted-content ids of a message's inline images,
// without rendering it.
func HostedIDs(raw string) []string {
	var out []string
	for _, m := range hostedSrcRE.FindAllStringSubmatch(raw, -1) {
		if id, ok := HostedID(m[1]); ok {
			out = append(out, id)
		}
	}
	return out
}

// localImageRE is the only image source the policy lets through.
var localImageRE = regexp.MustCompile(`^/hosted/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$`) // image, then its MAC

// basePolicy allows the markup a message may keep, without links and
// images: each policy below adds its own.
func basePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "strong", "b", "em", "i", "u", "s", "strike", "del", "sub", "sup",
		"ul", "ol", "li", "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
		"table", "thead", "tbody", "tr", "td", "th", "span")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	return p
}

var policy = func() *bluemonday.Policy {
	p := basePolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^mention$`)).OnElements("span")
	// Links: absolute http, https and mailto only. Relative URLs are
	// allowed by the policy solely for the local image route below.
	// Links to this machine or the local network are dropped, and mailto:
	// keeps only the address, subject and body (links.go).
	p.AllowAttrs("href").Matching(regexp.MustCompile(`^(?i)(https?://|mailto:)`)).OnElements("a")
	p.AllowURLSchemeWithCustomPolicy("http", webLinkAllowed)
	p.AllowURLSchemeWithCustomPolicy("https", webLinkAllowed)
	p.AllowURLSchemeWithCustomPolicy("mailto", mailtoAllowed)
	p.AllowRelativeURLs(true)
	p.AllowAttrs("src").Matching(localImageRE).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img")
	return p
}()

// Message renders raw Teams HTML (or text, when isText) to safe HTML and
// plain text.
func Message(raw string, isText bool, opts Options) (safe, text string) {
	if raw == "" {
		return "", ""
	}
	if isText {
		esc := html.EscapeString(raw)
		safe = "<p>" + strings.ReplaceAll(esc, "\n", "<br>") + "</p>"
		if opts.CaseLink != nil && caseRE.MatchString(raw) {
			safe = linkCases(safe, opts.CaseLink)
		}
		return safe, strings.TrimSpace(raw)
	}
	nodes, err := html.ParseFragment(strings.NewReader(raw), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		esc := html.EscapeString(raw)
		return "<p>" + esc + "</p>", raw
	}
	var b strings.Builder
	for _, n := range nodes {
		rewrite(n, opts)
		html.Render(&b, n)
	}
	safe = strings.TrimSpace(policy.Sanitize(b.String()))
	text = Text(safe)
	if opts.CaseLink != nil && caseRE.MatchString(text) {
		safe = linkCases(safe, opts.CaseLink)
	}
	return safe, text
}

// linkCases wraps the case numbers in sanitized HTML's text (outside
// links, code and preformatted text) in links made by link. The links are
// added after sanitizing: their text is the number and their address is
// link's, whose input is only the number's letters, digits and dashes.
func linkCases(safe string, link func(string) string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(safe), ctx)
	if err != nil {
		return safe
	}
	for _, n := range nodes {
		ctx.AppendChild(n)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == html.ElementNode && (c.DataAtom == atom.A || c.DataAtom == atom.Code || c.DataAtom == atom.Pre):
			case c.Type == html.ElementNode:
				walk(c)
			case c.Type == html.TextNode:
				splitCases(c, link)
			}
			c = next
		}
	}
	walk(ctx)
	var b strings.Builder
	for c := ctx.FirstChild; c != nil; c = c.NextSibling {
		html.Render(&b, c)
	}
	return b.String()
}

// splitCases replaces a text node by its text and links around each case
// number in it.
func splitCases(t *html.Node, link func(string) string) {
	text := t.Data
	locs := caseRE.FindAllStringIndex(text, -1)
	if len(locs) == 0 {
		return
	}
	parent, at := t.Parent, 0
	for _, l := range locs {
		if l[0] > at {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text[at:l[0]]}, t)
		}
		num := text[l[0]:l[1]]
		a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A,
			Attr: []html.Attribute{{Key: "class", Val: "record-ref"}, {Key: "href", Val: link(strings.ToUpper(num))}}}
		a.AppendChild(&html.Node{Type: html.TextNode, Data: num})
		parent.InsertBefore(a, t)
		at = l[1]
	}
	if at < len(text) {
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text[at:]}, t)
	}
	parent.RemoveChild(t)
}

// rewrite turns Teams-specific markup into plain HTML, in place.
func rewrite(n *html.Node, opts Options) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		rewrite(c, opts)
		c = next
	}
	if n.Type != html.ElementNode {
		return
	}
	switch strings.ToLower(n.Data) {
	case "at":
		n.Data, n.DataAtom = "span", atom.Span
		n.Attr = []html.Attribute{{Key: "class", Val: "mention"}}
		if n.FirstChild != nil && n.FirstChild.Type == html.TextNode && !strings.HasPrefix(n.FirstChild.Data, "@") {
			n.FirstChild.Data = "@" + n.FirstChild.Data
		}
	case "emoji":
		alt := attr(n, "alt")
		n.Type, n.Data, n.Attr = html.TextNode, alt, nil
		for c := n.FirstChild; c != nil; c = n.FirstChild {
			n.RemoveChild(c)
		}
	case "attachment", "systemeventmessage":
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	case "a":
		for i, a := range n.Attr {
			if strings.EqualFold(a.Key, "href") {
				if clean, ok := cleanMailto(a.Val); ok {
					n.Attr[i].Val = clean
				}
			}
		}
	case "img":
		id, ok := HostedID(attr(n, "src"))
		local := ""
		if ok && opts.Hosted != nil {
			local = opts.Hosted(id)
		}
		if local == "" {
			// A remote or unknown image: say so instead of loading it.
			n.Type, n.Data, n.Attr = html.TextNode, "[image]", nil
			return
		}
		keep := []html.Attribute{{Key: "src", Val: local}, {Key: "alt", Val: attrOr(n, "alt", "image")}}
		for _, a := range []string{"width", "height"} {
			if v := attr(n, a); v != "" {
				keep = append(keep, html.Attribute{Key: a, Val: v})
			}
		}
		n.Attr = keep
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, name) {
			return a.Val
		}
	}
	return ""
}

func attrOr(n *html.Node, name, def string) string {
	if v := attr(n, name); v != "" {
		return v
	}
	return def
}

var blocks = map[string]bool{"p": true, "div": true, "br": true, "li": true, "tr": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "hr": true, "table": true}

// cells are separated by a space in text, so that words in adjacent cells
// (a fact's name and value) stay apart.
var cells = map[string]bool{"td": true, "th": true}

// Text extracts the text a reader sees in safe HTML, one line per block.
func Text(safe string) string {
	nodes, err := html.ParseFragment(strings.NewReader(safe), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.Data == "img" {
				b.WriteString("[image]")
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			if blocks[n.Data] {
				b.WriteString("\n")
			} else if cells[n.Data] {
				b.WriteString(" ")
			}
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	lines := strings.Split(b.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
