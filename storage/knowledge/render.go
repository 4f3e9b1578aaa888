package knowledge

import (
	"fmt"
	"html"
	"strings"
	"time"
)

const stamp = "2006-01-02 15:04 UTC"

// mdEscape keeps text from becoming Markdown or HTML markup.
func mdEscape(s string) string {
	return mdReplacer.Replace(s)
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`)

func topicName(w words, t IndexTopic) string {
	if t.Topic == "" {
		return w.noTopic
	}
	return "#" + t.Topic
}

func heading(a Archive, w words, month time.Time) string {
	h := w.title + " · " + w.month(month)
	if a.Scope != "" {
		sc := w.team
		if a.ScopeKind == ScopeAccount {
			sc = w.account
		}
		h += " · " + sc + ": " + a.Scope
	}
	return h
}

func indexMarkdown(a Archive, w words, month time.Time, archive string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n## %s\n\n", mdEscape(heading(a, w, month)), mdEscape(w.index))
	fmt.Fprintf(&b, "%s\n\n", mdEscape(fmt.Sprintf(w.counts, a.Best, a.FAQ)))
	if len(a.Topics) == 0 {
		fmt.Fprintf(&b, "%s\n", mdEscape(w.empty))
		return b.String()
	}
	for _, t := range a.Topics {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(topicName(w, t)))
		if len(t.Labels) > 1 {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(strings.Join(t.Labels, " = ")))
		}
		fmt.Fprintf(&b, "%s\n\n", mdEscape(fmt.Sprintf(w.topicCounts, t.Best, t.FAQ)))
		for _, e := range t.Entries {
			kind := w.bestOne
			if e.Kind == kindFAQ {
				kind = w.faq
			}
			fmt.Fprintf(&b, "- %s: [%s](%s#%s)", mdEscape(kind), mdEscape(e.Title), archive, e.Anchor)
			if e.Link != "" {
				fmt.Fprintf(&b, " · [%s](<%s>)", mdEscape(w.openTeams), e.Link)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "_%s_\n", mdEscape(w.redacted))
	return b.String()
}

func archiveMarkdown(a Archive, w words, month time.Time, items []*item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(heading(a, w, month)))
	fmt.Fprintf(&b, "%s\n\n_%s_\n\n", mdEscape(fmt.Sprintf(w.counts, a.Best, a.FAQ)), mdEscape(w.redacted))
	if len(items) == 0 {
		fmt.Fprintf(&b, "%s\n", mdEscape(w.empty))
		return b.String()
	}
	topic := "\x00"
	for _, it := range items {
		if it.topic != topic {
			topic = it.topic
			t := IndexTopic{Topic: topic}
			fmt.Fprintf(&b, "## %s\n\n", mdEscape(topicName(w, t)))
		}
		fmt.Fprintf(&b, "<a id=\"%s\"></a>\n\n", it.Anchor)
		if it.Kind == kindBest {
			fmt.Fprintf(&b, "### %s: %s\n\n", mdEscape(w.bestOne), mdEscape(it.Title))
			fmt.Fprintf(&b, "- %s: %s\n", mdEscape(w.conversation), mdEscape(it.convName))
			if it.reason != "" {
				fmt.Fprintf(&b, "- %s: %s\n", mdEscape(w.reason), mdEscape(it.reason))
			}
			fmt.Fprintf(&b, "- [%s](<%s>)\n\n", mdEscape(w.openTeams), it.Link)
			for _, m := range it.msgs {
				fmt.Fprintf(&b, "**%s** · %s\n\n", mdEscape(m.from), m.at.Format(stamp))
				for _, l := range strings.Split(m.text, "\n") {
					fmt.Fprintf(&b, "> %s\n", mdEscape(l))
				}
				b.WriteString("\n")
			}
			continue
		}
		fmt.Fprintf(&b, "### %s: %s\n\n", mdEscape(w.faq), mdEscape(it.question))
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(w.answer))
		for _, p := range strings.Split(it.answer, "\n\n") {
			fmt.Fprintf(&b, "%s\n\n", strings.ReplaceAll(mdEscape(strings.TrimSpace(p)), "\n", "  \n"))
		}
		fmt.Fprintf(&b, "- %s: %s · [%s](<%s>)\n\n", mdEscape(w.sources), mdEscape(it.convName), mdEscape(w.openTeams), it.Link)
	}
	return b.String()
}

func archiveHTML(a Archive, w words, month time.Time, items []*item) string {
	e := html.EscapeString
	var b strings.Builder
	title := heading(a, w, month)
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", e(w.lang))
	fmt.Fprintf(&b, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", e(csp))
	b.WriteString("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", e(title), archiveCSS)
	fmt.Fprintf(&b, "<header>\n<h1>%s</h1>\n<p class=\"meta\">%s</p>\n<p class=\"note\">%s</p>\n</header>\n", e(title), e(fmt.Sprintf(w.counts, a.Best, a.FAQ)), e(w.redacted))
	if len(items) == 0 {
		fmt.Fprintf(&b, "<main>\n<p>%s</p>\n</main>\n</body>\n</html>\n", e(w.empty))
		return b.String()
	}
	fmt.Fprintf(&b, "<nav>\n<h2>%s</h2>\n<ol>\n", e(w.index))
	for i, t := range a.Topics {
		fmt.Fprintf(&b, "<li><a href=\"#topic-%d\">%s</a> <span class=\"count\">%s</span>", i+1, e(topicName(w, t)), e(fmt.Sprintf(w.topicCounts, t.Best, t.FAQ)))
		if len(t.Labels) > 1 {
			fmt.Fprintf(&b, " <span class=\"meta\">%s</span>", e(strings.Join(t.Labels, " = ")))
		}
		b.WriteString("\n<ul>\n")
		for _, en := range t.Entries {
			kind := w.bestOne
			if en.Kind == kindFAQ {
				kind = w.faq
			}
			fmt.Fprintf(&b, "<li>%s: <a href=\"#%s\">%s</a></li>\n", e(kind), en.Anchor, e(en.Title))
		}
		b.WriteString("</ul></li>\n")
	}
	b.WriteString("</ol>\n</nav>\n<main>\n")
	topic, n := "\x00", 0
	for _, it := range items {
		if it.topic != topic {
			if n > 0 {
				b.WriteString("</section>\n")
			}
			topic, n = it.topic, n+1
			fmt.Fprintf(&b, "<section id=\"topic-%d\">\n<h2>%s</h2>\n", n, e(topicName(w, IndexTopic{Topic: topic})))
		}
		link := fmt.Sprintf("<a href=\"%s\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">%s</a>", e(it.Link), e(w.openTeams))
		if it.Kind == kindBest {
			fmt.Fprintf(&b, "<article id=\"%s\">\n<h3>%s</h3>\n<p class=\"meta\">%s: %s · %s</p>\n", it.Anchor, e(it.Title), e(w.conversation), e(it.convName), link)
			if it.reason != "" {
				fmt.Fprintf(&b, "<p><strong>%s:</strong> %s</p>\n", e(w.reason), e(it.reason))
			}
			for _, m := range it.msgs {
				fmt.Fprintf(&b, "<div class=\"msg\">\n<p><span class=\"who\">%s</span><span class=\"when\">%s</span></p>\n%s\n</div>\n", e(m.from), m.at.Format(stamp), m.html)
			}
			b.WriteString("</article>\n")
			continue
		}
		fmt.Fprintf(&b, "<article id=\"%s\">\n<h3>%s: %s</h3>\n<p><strong>%s</strong></p>\n%s<p class=\"meta\">%s: %s · %s</p>\n</article>\n",
			it.Anchor, e(w.faq), e(it.question), e(w.answer), answerHTML(it.answer), e(w.sources), e(it.convName), link)
	}
	b.WriteString("</section>\n</main>\n</body>\n</html>\n")
	return b.String()
}
