package digest

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
)

//go:embed digest.css
var css string

// File is a file a digest is written as: its name and bytes.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"-"`
}

// Files renders a digest as Markdown and as self-contained HTML.
func Files(d Digest) []File {
	stem := "digest-" + d.Week + "-" + slug(d)
	return []File{{Name: stem + ".md", Data: []byte(Markdown(d))}, {Name: stem + ".html", Data: []byte(HTML(d))}}
}

// slug names a digest's account in a file name: "overview", or the
// account's name with what file systems refuse replaced.
func slug(d Digest) string {
	if d.Overview {
		return "overview"
	}
	name := d.Accounts[0].Name
	if d.Accounts[0].ID == "" {
		name = "no-account"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if r := []rune(s); len(r) > 60 {
		s = strings.Trim(string(r[:60]), "-")
	}
	if s == "" || storage.CheckFileName("digest-"+s+".md") != nil {
		s = "account"
	}
	return s
}

func (d Digest) title() string {
	if d.Overview {
		return say(d.Lang, "overview", d.Week)
	}
	return say(d.Lang, "title", d.Week, d.accountName(d.Accounts[0]))
}

func (d Digest) accountName(a Account) string {
	if a.ID == "" {
		return say(d.Lang, "noaccount")
	}
	return a.Name
}

func (d Digest) when(t time.Time) string { return t.In(zone(d.Zone)).Format("2006-01-02 15:04") }

var zones sync.Map // zone name → *time.Location

// zone loads a time zone once (UTC for a name it cannot load).
func zone(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// figureRows are the response figures as label/value pairs.
func (d Digest) figureRows(g Account) [][2]string {
	l := d.Lang
	target := d.TargetSeconds
	return [][2]string{
		{say(l, "waits"), fmt.Sprint(g.Waits)},
		{say(l, "answered"), fmt.Sprint(g.Answered)},
		{say(l, "open"), fmt.Sprint(g.Unanswered)},
		{say(l, "median"), duration(l, g.MedianSeconds)},
		{say(l, "p90"), duration(l, g.P90Seconds)},
		{say(l, "within", duration(l, &target)), percent(l, g.WithinTarget)},
		{say(l, "messages"), fmt.Sprint(g.Messages)},
		{say(l, "customers"), fmt.Sprint(g.ActiveCustomers)},
	}
}

func (d Digest) answer(q Question) string {
	if !q.Answered {
		return say(d.Lang, "waiting", d.when(q.At))
	}
	s := q.Seconds
	return duration(d.Lang, &s)
}

func (d Digest) caseChange(c Case) string { return say(d.Lang, c.Change) }

func (d Digest) caseState(c Case) string {
	return say(d.Lang, map[int]string{0: "active", 1: "closed", 2: "cancelled"}[c.State])
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string { return mdEscape.Replace(s) }

var mdEscape = strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "\n", " ")

// Markdown renders the digest as Markdown.
func Markdown(d Digest) string {
	l := d.Lang
	var b strings.Builder
	line := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	line("# %s", mdCell(d.title()))
	line("")
	line("%s", say(l, "period", d.From, d.To, d.Zone))
	line("")
	if d.Overview {
		line("## %s", say(l, "figures"))
		line("")
		line("| %s | %s | %s | %s | %s | %s | %s |", say(l, "account"), say(l, "waits"), say(l, "answered"), say(l, "open"), say(l, "median"),
			say(l, "within", duration(l, &d.TargetSeconds)), say(l, "cases"))
		line("|---|---:|---:|---:|---:|---:|---:|")
		for _, a := range d.Accounts {
			line("| %s | %d | %d | %d | %s | %s | %d/%d |", mdCell(d.accountName(a)), a.Waits, a.Answered, a.Unanswered,
				duration(l, a.MedianSeconds), percent(l, a.WithinTarget), a.CasesOpened, a.CasesResolved)
		}
		t := Account{Group: d.Total}
		line("| **Σ** | %d | %d | %d | %s | %s | %d/%d |", t.Waits, t.Answered, t.Unanswered, duration(l, t.MedianSeconds), percent(l, t.WithinTarget), t.CasesOpened, t.CasesResolved)
		line("")
	} else {
		a := d.Accounts[0]
		line("## %s", say(l, "figures"))
		line("")
		line("| | |")
		line("|---|---:|")
		for _, r := range d.figureRows(a) {
			line("| %s | %s |", mdCell(r[0]), mdCell(r[1]))
		}
		line("")
		line("## %s", say(l, "asked"))
		line("")
		if len(a.Questions) == 0 {
			line("_%s_", say(l, "none"))
		} else {
			line("| %s | %s | %s | %s | %s |", say(l, "when"), say(l, "who"), say(l, "where"), say(l, "question"), say(l, "answer"))
			line("|---|---|---|---|---|")
			for _, q := range a.Questions {
				line("| %s | %s | %s | %s | %s |", d.when(q.At), mdCell(q.Customer), mdCell(q.Conversation), mdCell(q.Text), mdCell(d.answer(q)))
			}
		}
		line("")
		line("## %s", say(l, "stillopen"))
		line("")
		if len(a.Open) == 0 {
			line("_%s_", say(l, "noneopen"))
		} else {
			for _, q := range a.Open {
				line("- %s · %s · %s: %s", d.when(q.At), mdCell(q.Customer), mdCell(q.Conversation), mdCell(q.Text))
			}
		}
		line("")
		line("## %s", say(l, "cases"))
		line("")
		if len(a.Cases) == 0 {
			line("_%s_", say(l, "none"))
		} else {
			line("| %s | %s | %s | %s |", say(l, "number"), say(l, "case"), say(l, "change"), say(l, "state"))
			line("|---|---|---|---|")
			for _, c := range a.Cases {
				line("| %s | %s | %s %s | %s |", mdCell(c.Number), mdCell(c.Title), d.caseChange(c), d.when(c.At), d.caseState(c))
			}
		}
		line("")
	}
	line("## %s", say(l, "quiet"))
	line("")
	if len(d.Quiet) == 0 {
		line("_%s_", say(l, "quietnone"))
	}
	for _, g := range d.Quiet {
		line("- %s: %s", mdCell(g.Name), say(l, "quietsince", lastSeen(d, g), d.QuietDays))
	}
	line("")
	line("---")
	line("")
	line("%s", say(l, "generated"))
	return b.String()
}

// lastSeen is the day of an account's last customer message.
func lastSeen(d Digest, g metrics.Group) string {
	if g.LastCustomerMessage == nil {
		return say(d.Lang, "dash")
	}
	return d.when(*g.LastCustomerMessage)[:10]
}

// HTML renders the digest as one self-contained HTML file: its style
// inline and allowed by hash, nothing else loaded, nothing run.
func HTML(d Digest) string {
	l := d.Lang
	e := html.EscapeString
	var b strings.Builder
	w := func(s string) { b.WriteString(s) }
	sum := sha256.Sum256([]byte(css))
	w("<!DOCTYPE html>\n<html lang=\"" + e(l) + "\">\n<head>\n<meta charset=\"utf-8\">\n")
	w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src data:; base-uri 'none'; form-action 'none'\">\n")
	w("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	w("<meta name=\"referrer\" content=\"no-referrer\">\n")
	w("<title>" + e(d.title()) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n")
	w("<h1>" + e(d.title()) + "</h1>\n")
	w("<p class=\"meta\">" + e(say(l, "period", d.From, d.To, d.Zone)) + "</p>\n")
	w("<h2>" + e(say(l, "figures")) + "</h2>\n")
	if d.Overview {
		w("<table>\n<thead><tr>")
		for _, h := range []string{say(l, "account"), say(l, "waits"), say(l, "answered"), say(l, "open"), say(l, "median"), say(l, "within", duration(l, &d.TargetSeconds)), say(l, "cases")} {
			w("<th>" + e(h) + "</th>")
		}
		w("</tr></thead>\n<tbody>\n")
		row := func(name string, g Account) {
			w("<tr><td>" + e(name) + "</td>")
			for _, v := range []string{fmt.Sprint(g.Waits), fmt.Sprint(g.Answered), fmt.Sprint(g.Unanswered), duration(l, g.MedianSeconds), percent(l, g.WithinTarget), fmt.Sprintf("%d/%d", g.CasesOpened, g.CasesResolved)} {
				w("<td class=\"num\">" + e(v) + "</td>")
			}
			w("</tr>\n")
		}
		for _, a := range d.Accounts {
			row(d.accountName(a), a)
		}
		row("Σ", Account{Group: d.Total})
		w("</tbody>\n</table>\n")
	} else {
		a := d.Accounts[0]
		w("<table>\n<tbody>\n")
		for _, r := range d.figureRows(a) {
			w("<tr><th>" + e(r[0]) + "</th><td class=\"num\">" + e(r[1]) + "</td></tr>\n")
		}
		w("</tbody>\n</table>\n")
		w("<h2>" + e(say(l, "asked")) + "</h2>\n")
		if len(a.Questions) == 0 {
			w("<p class=\"none\">" + e(say(l, "none")) + "</p>\n")
		} else {
			w("<table>\n<thead><tr>")
			for _, h := range []string{say(l, "when"), say(l, "who"), say(l, "where"), say(l, "question"), say(l, "answer")} {
				w("<th>" + e(h) + "</th>")
			}
			w("</tr></thead>\n<tbody>\n")
			for _, q := range a.Questions {
				cls := ""
				if !q.Answered || !q.WithinTarget {
					cls = " class=\"late\""
				}
				w("<tr><td>" + e(d.when(q.At)) + "</td><td>" + e(q.Customer) + "</td><td>" + e(q.Conversation) + "</td><td>" + e(q.Text) + "</td><td" + cls + ">" + e(d.answer(q)) + "</td></tr>\n")
			}
			w("</tbody>\n</table>\n")
		}
		w("<h2>" + e(say(l, "stillopen")) + "</h2>\n")
		if len(a.Open) == 0 {
			w("<p class=\"none\">" + e(say(l, "noneopen")) + "</p>\n")
		} else {
			w("<ul>\n")
			for _, q := range a.Open {
				w("<li>" + e(d.when(q.At)+" · "+q.Customer+" · "+q.Conversation+": "+q.Text) + "</li>\n")
			}
			w("</ul>\n")
		}
		w("<h2>" + e(say(l, "cases")) + "</h2>\n")
		if len(a.Cases) == 0 {
			w("<p class=\"none\">" + e(say(l, "none")) + "</p>\n")
		} else {
			w("<table>\n<thead><tr>")
			for _, h := range []string{say(l, "number"), say(l, "case"), say(l, "change"), say(l, "state")} {
				w("<th>" + e(h) + "</th>")
			}
			w("</tr></thead>\n<tbody>\n")
			for _, c := range a.Cases {
				w("<tr><td>" + e(c.Number) + "</td><td>" + e(c.Title) + "</td><td>" + e(d.caseChange(c)+" "+d.when(c.At)) + "</td><td>" + e(d.caseState(c)) + "</td></tr>\n")
			}
			w("</tbody>\n</table>\n")
		}
	}
	w("<h2>" + e(say(l, "quiet")) + "</h2>\n")
	if len(d.Quiet) == 0 {
		w("<p class=\"none\">" + e(say(l, "quietnone")) + "</p>\n")
	} else {
		w("<ul>\n")
		for _, g := range d.Quiet {
			w("<li>" + e(g.Name+": "+say(l, "quietsince", lastSeen(d, g), d.QuietDays)) + "</li>\n")
		}
		w("</ul>\n")
	}
	w("<p class=\"meta\">" + e(say(l, "generated")) + "</p>\n</body>\n</html>\n")
	return b.String()
}

// Post is the Monday summary posted to a channel (Teams message HTML):
// the overview's figures per account and what is still open.
func Post(d Digest) string {
	l := d.Lang
	e := html.EscapeString
	var b strings.Builder
	b.WriteString("<p><b>" + e(say(l, "summary", d.Week)) + "</b> (" + e(say(l, "period", d.From, d.To, d.Zone)) + ")</p>\n<ul>\n")
	for _, a := range d.Accounts {
		b.WriteString("<li>" + e(say(l, "summaryline", d.accountName(a), a.Waits, a.Answered, duration(l, a.MedianSeconds), percent(l, a.WithinTarget), a.Unanswered)) + "</li>\n")
	}
	b.WriteString("</ul>\n")
	if len(d.Quiet) > 0 {
		var names []string
		for _, g := range d.Quiet {
			names = append(names, g.Name)
		}
		b.WriteString("<p>" + e(say(l, "quiet")+": "+strings.Join(names, ", ")) + "</p>\n")
	}
	return b.String()
}
