package tenantsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// testPeople makes n people of a language; guests get the customer's domain.
func testPeople(l Lang, n int, seed uint64, guestDomain string) []*User {
	var out []*User
	for i := range n {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		given, surname, display, local := personName(r, l)
		u := &User{ID: fmt.Sprintf("u-%d-%d", seed, i), GivenName: given, Surname: surname, DisplayName: display,
			Mail: local + "@lumen.onmicrosoft.com", UserType: "Member"}
		if guestDomain != "" {
			u.Mail, u.UserType = local+"@"+guestDomain, "Guest"
		}
		out = append(out, u)
	}
	return out
}

// testCustomer makes customer i of a language's pool with contacts and cases.
func testCustomer(l Lang, i int) *Customer {
	cn := customerNames(l)[i]
	c := &Customer{Index: i, Name: cn.Name, Short: cn.Short, Domain: cn.Domain, City: cn.City, Industry: cn.Industry,
		Product: cn.Product, Lang: l, Cases: []string{fmt.Sprintf("CAS-%05d-A1B2C3", 1000+i), fmt.Sprintf("CAS-%05d-Z9Y8X7", 2000+i)}}
	c.Contacts = testPeople(l, 3, uint64(100+i), cn.Domain)
	return c
}

// sample is one composed message and what it was composed from.
type sample struct {
	spec contentSpec
	c    content
}

// composeSamples makes n messages in conversations of language l, with a mix of
// channel kinds weighted towards chats as in a real tenant.
func composeSamples(l Lang, n int, seed uint64) []sample {
	kinds := []ChannelKind{KindChat, KindChat, KindChat, KindChat, KindGeneral, KindAnnouncements, KindQuestions, KindIssues, KindSharedData, KindInternal}
	pick := rand.New(rand.NewPCG(seed, 0))
	var custs []*Customer
	for i := range 5 {
		custs = append(custs, testCustomer(l, i))
	}
	colleagues := testPeople(l, 4, seed+7, "")
	out := make([]sample, 0, n)
	for i := range n {
		cust := custs[pick.IntN(len(custs))]
		people := append(slices.Clone(colleagues), cust.Contacts...)
		kind := kinds[pick.IntN(len(kinds))]
		if kind == KindInternal {
			people = colleagues
		}
		author := people[pick.IntN(len(people))]
		var others []*User
		for _, u := range people {
			if u != author {
				others = append(others, u)
			}
		}
		s := contentSpec{Lang: l, Kind: kind, Customer: cust, Author: author, Others: others}
		if kind != KindChat {
			s.Root = pick.IntN(5) < 2
			s.Reply = !s.Root
		}
		out = append(out, sample{s, compose(rand.New(rand.NewPCG(seed, uint64(i)+1)), s)})
	}
	return out
}

// TestComposeDeterministic checks that compose depends only on the seed and
// the spec, leaves the spec alone, and varies with the seed.
func TestComposeDeterministic(t *testing.T) {
	samples := composeSamples(LangZH, 300, 1)
	differ := 0
	for i, sm := range samples {
		before := slices.Clone(sm.spec.Others)
		again := compose(rand.New(rand.NewPCG(1, uint64(i)+1)), sm.spec)
		if !reflect.DeepEqual(again, sm.c) {
			t.Fatalf("message %d: same seed gave different content:\n%+v\n%+v", i, sm.c, again)
		}
		if !slices.Equal(before, sm.spec.Others) {
			t.Fatalf("message %d: compose modified spec.Others", i)
		}
		if other := compose(rand.New(rand.NewPCG(2, uint64(i)+1)), sm.spec); other.HTML != sm.c.HTML {
			differ++
		}
	}
	if differ < 200 {
		t.Errorf("only %d of 300 messages differ between seeds", differ)
	}
}

// hanRE matches Chinese characters; frenchRE French letters and words.
var (
	hanRE    = regexp.MustCompile(`\p{Han}`)
	frenchRE = regexp.MustCompile(`[éèêàçùâîôœÉÀ]|\b(le|la|les|des|du|est|vous|nous|merci|pour)\b`)
)

// withoutMentions is a message's text without the names it @mentions.
func withoutMentions(sm sample) string {
	text := sm.c.Text
	for _, u := range sm.c.Mentions {
		text = strings.ReplaceAll(text, u.DisplayName, "")
	}
	return text
}

// share is the fraction of samples that pass keep (among those that pass
// filter, nil for all).
func share(samples []sample, filter, keep func(sample) bool) (float64, int) {
	n, k := 0, 0
	for _, sm := range samples {
		if filter != nil && !filter(sm) {
			continue
		}
		n++
		if keep(sm) {
			k++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(k) / float64(n), n
}

// TestComposeRates checks languages and decoration frequencies over many
// messages.
func TestComposeRates(t *testing.T) {
	zh := composeSamples(LangZH, 20000, 11)
	en := composeSamples(LangEN, 6000, 12)
	fr := composeSamples(LangFR, 6000, 13)
	urgent := func(sm sample) bool {
		return strings.HasPrefix(sm.c.Text, "【紧急】") || strings.HasPrefix(sm.c.Text, "[URGENT] ")
	}
	isKind := func(k ChannelKind, root bool) func(sample) bool {
		return func(sm sample) bool { return sm.spec.Kind == k && sm.spec.Root == root && !sm.spec.Reply }
	}
	cases := []struct {
		name       string
		samples    []sample
		filter     func(sample) bool
		keep       func(sample) bool
		low, high  float64
		openBottom bool // low is exclusive
	}{
		{"zh: Chinese text", zh, nil, func(sm sample) bool { return hanRE.MatchString(sm.c.Text) }, 0.82, 0.95, false},
		{"en: Chinese text (names aside)", en, nil, func(sm sample) bool { return hanRE.MatchString(withoutMentions(sm)) }, 0.02, 0.09, false},
		{"fr: French text", fr, nil, func(sm sample) bool { return frenchRE.MatchString(sm.c.Text) }, 0.78, 0.95, false},
		{"zh: Chinese-customer names romanized outside Chinese", zh, nil, func(sm sample) bool {
			return !hanRE.MatchString(withoutMentions(sm))
		}, 0.08, 0.16, false},
		{"zh: hostile", zh, nil, func(sm sample) bool { return sm.c.Hostile }, 0, 0.01, true},
		{"fr: hostile", fr, nil, func(sm sample) bool { return sm.c.Hostile }, 0, 0.01, true},
		{"zh: urgent prefix", zh, nil, urgent, 0.02, 0.07, false},
		{"en: urgent prefix", en, nil, urgent, 0.02, 0.07, false},
		{"zh: high without prefix", zh, func(sm sample) bool { return !urgent(sm) }, func(sm sample) bool { return sm.c.Importance == "high" }, 0.015, 0.05, false},
		{"zh: hashtags", zh, nil, func(sm sample) bool { return len(sm.c.Hashtags) > 0 }, 0.09, 0.15, false},
		{"zh: mentions", zh, nil, func(sm sample) bool { return len(sm.c.Mentions) > 0 }, 0.11, 0.19, false},
		{"zh: two mentions", zh, func(sm sample) bool { return len(sm.c.Mentions) > 0 }, func(sm sample) bool { return len(sm.c.Mentions) == 2 }, 0.1, 0.4, false},
		{"zh: images", zh, nil, func(sm sample) bool { return sm.c.Images > 0 }, 0.015, 0.06, false},
		{"zh: links", zh, nil, func(sm sample) bool { return strings.Contains(sm.c.HTML, `<a href="https://`) }, 0.025, 0.06, false},
		{"zh: files outside shared data", zh, func(sm sample) bool { return sm.spec.Kind != KindSharedData }, func(sm sample) bool { return len(sm.c.Files) > 0 }, 0.04, 0.09, false},
		{"zh: files in shared-data roots", zh, isKind(KindSharedData, true), func(sm sample) bool { return len(sm.c.Files) > 0 }, 0.8, 0.97, false},
		{"zh: subjects on announcements", zh, isKind(KindAnnouncements, true), func(sm sample) bool { return sm.c.Subject != "" }, 0.5, 0.9, false},
		{"zh: subjects on chats", zh, isKind(KindChat, false), func(sm sample) bool { return sm.c.Subject != "" }, 0, 0, false},
		{"zh: case numbers", zh, nil, func(sm sample) bool { return strings.Contains(sm.c.Text, "CAS-") }, 0.005, 0.06, false},
		{"zh: issue reports with error codes", zh, isKind(KindIssues, true), func(sm sample) bool { return regexp.MustCompile(`E-\d{4}`).MatchString(sm.c.Text) }, 0.6, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, n := share(tc.samples, tc.filter, tc.keep)
			if n == 0 {
				t.Fatal("no samples")
			}
			t.Logf("share %.4f of %d", got, n)
			if got > tc.high || got < tc.low || tc.openBottom && got == tc.low {
				t.Errorf("share %.4f of %d, want in %s%.3f, %.3f]", got, n, map[bool]string{true: "(", false: "["}[tc.openBottom], tc.low, tc.high)
			}
		})
	}
}

// TestComposeStructure checks every message's HTML, placeholders, text and
// safety against the contract of compose.
func TestComposeStructure(t *testing.T) {
	for _, l := range []Lang{LangZH, LangEN, LangFR} {
		t.Run(string(l), func(t *testing.T) {
			failures := 0
			for i, sm := range composeSamples(l, 6000, 21) {
				if err := checkMessage(sm); err != nil {
					t.Errorf("message %d (%s root=%v reply=%v): %v\nHTML: %s\nText: %q", i, sm.spec.Kind, sm.spec.Root, sm.spec.Reply, err, sm.c.HTML, sm.c.Text)
					if failures++; failures == 5 {
						t.FailNow()
					}
				}
			}
		})
	}
}

// allTags are every language's hashtags.
var allTags = slices.Concat(zhBook.Tags, enBook.Tags, frBook.Tags)

// Placeholder patterns.
var (
	atRE     = regexp.MustCompile(`<at id="(\d+)">([^<]*)</at>`)
	fileRE   = regexp.MustCompile(`<attachment id="\{\{file:(\d+)\}\}"></attachment>`)
	hostedRE = regexp.MustCompile(`\{\{hosted:(\d+)\}\}`)
)

// checkIDs checks that the regexp's first group counts 0..n-1 in order.
func checkIDs(re *regexp.Regexp, s string, n int, what string) error {
	m := re.FindAllStringSubmatch(s, -1)
	if len(m) != n {
		return fmt.Errorf("%d %s in HTML, want %d", len(m), what, n)
	}
	for i, g := range m {
		if g[1] != strconv.Itoa(i) {
			return fmt.Errorf("%s %d has id %s", what, i, g[1])
		}
	}
	return nil
}

// checkMessage checks one message against the contract of compose.
func checkMessage(sm sample) error {
	c := sm.c
	doc, err := html.Parse(strings.NewReader(c.HTML))
	if err != nil {
		return fmt.Errorf("parse: %v", err)
	}
	if err := checkIDs(atRE, c.HTML, len(c.Mentions), "mentions"); err != nil {
		return err
	}
	for i, m := range atRE.FindAllStringSubmatch(c.HTML, -1) {
		u := c.Mentions[i]
		if m[2] != html.EscapeString(u.DisplayName) || u == sm.spec.Author || !slices.Contains(sm.spec.Others, u) {
			return fmt.Errorf("mention %d is %q, not another member", i, m[2])
		}
		if i > 0 && u == c.Mentions[0] {
			return errors.New("same person mentioned twice")
		}
	}
	if err := checkIDs(fileRE, c.HTML, len(c.Files), "attachments"); err != nil {
		return err
	}
	if err := checkIDs(hostedRE, c.HTML, c.Images, "images"); err != nil {
		return err
	}
	for _, f := range c.Files {
		if !regexp.MustCompile(`^[^{}/ ]+\.(xlsx|pdf|docx|pptx|csv)$`).MatchString(f.Name) {
			return fmt.Errorf("bad file name %q", f.Name)
		}
	}
	if strings.ContainsAny(c.Text+c.Subject, "{}") || strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("empty text or unfilled placeholder")
	}
	pos := 0
	for i, tag := range c.Hashtags {
		at := strings.Index(c.Text[pos:], "#"+tag)
		if at < 0 || !slices.Contains(allTags, tag) || slices.Contains(c.Hashtags[:i], tag) {
			return fmt.Errorf("hashtag %q missing, out of order, unknown or repeated", tag)
		}
		pos += at + len(tag) + 1
	}
	switch c.Importance {
	case "normal", "high", "urgent":
	default:
		return fmt.Errorf("importance %q", c.Importance)
	}
	prefixed := strings.HasPrefix(c.Text, "【紧急】") || strings.HasPrefix(c.Text, "[URGENT] ")
	if prefixed && c.Importance == "normal" || !prefixed && c.Importance == "urgent" {
		return fmt.Errorf("urgency prefix %v but importance %q", prefixed, c.Importance)
	}
	if c.Subject != "" && (!sm.spec.Root || sm.spec.Kind == KindChat) {
		return errors.New("subject on a message that is not a channel root post")
	}
	if err := checkSafe(doc); (err == nil) == c.Hostile {
		return fmt.Errorf("hostile=%v but safety check says %v", c.Hostile, err)
	}
	if c.Hostile {
		if regexp.MustCompile(`(?i)alert\(|cookie|evil\.example|javascript|onerror|onload|<script`).MatchString(c.Text) {
			return errors.New("hostile message's text shows script")
		}
		return nil
	}
	if err := checkNesting(c.HTML); err != nil {
		return err
	}
	if got := visibleText(doc); got != normalizeText(c.Text) {
		return fmt.Errorf("Text %q, but HTML shows %q", normalizeText(c.Text), got)
	}
	return nil
}

// checkSafe reports the first element or attribute of a message body that
// could run script, load content from elsewhere or restyle the page.
func checkSafe(n *html.Node) error {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "html", "head", "body", "p", "at", "attachment", "img", "br", "strong", "ul", "li", "a", "emoji":
		default:
			return fmt.Errorf("element <%s>", n.Data)
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				return fmt.Errorf("handler %s", a.Key)
			case a.Key == "href" && !strings.HasPrefix(v, "https://"):
				return fmt.Errorf("href %q", a.Val)
			case a.Key == "src" && !hostedRE.MatchString(v):
				return fmt.Errorf("src %q", a.Val)
			case a.Key == "style" && v != "vertical-align:bottom":
				return fmt.Errorf("style %q", a.Val)
			}
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if err := checkSafe(ch); err != nil {
			return err
		}
	}
	return nil
}

// checkNesting checks that every element is closed, in order.
func checkNesting(s string) error {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if len(open) > 0 {
				return fmt.Errorf("unclosed %v", open)
			}
			return nil
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) != "img" && string(name) != "br" {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return fmt.Errorf("</%s> closes %v", name, open)
			}
			open = open[:len(open)-1]
		}
	}
}

// visibleText renders a parsed body the way Text is defined: one line per
// paragraph, line break or list item; emoji as their character.
func visibleText(doc *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteString("\n")
		case n.Type == html.ElementNode && n.Data == "emoji":
			for _, a := range n.Attr {
				if a.Key == "alt" {
					b.WriteString(a.Val)
				}
			}
		}
		block := n.Type == html.ElementNode && (n.Data == "p" || n.Data == "li" || n.Data == "ul")
		if block {
			b.WriteString("\n")
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
		if block {
			b.WriteString("\n")
		}
	}
	walk(doc)
	return normalizeText(b.String())
}

// normalizeText trims lines and drops empty ones.
func normalizeText(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// TestComposeEdgeCases composes with missing people, no customer, hostile
// names and an unknown language.
func TestComposeEdgeCases(t *testing.T) {
	cust := testCustomer(LangZH, 0)
	cust.Short = `A&B <Co>`
	cust.Cases = nil
	author := testPeople(LangZH, 1, 5, "")[0]
	specs := map[string]contentSpec{
		"no others":    {Lang: LangZH, Kind: KindChat, Customer: cust, Author: author},
		"nil others":   {Lang: LangEN, Kind: KindGeneral, Customer: cust, Author: author, Others: []*User{nil, author}, Root: true},
		"no customer":  {Lang: LangFR, Kind: KindIssues, Author: author, Root: true},
		"no author":    {Lang: LangZH, Kind: KindSharedData, Customer: cust, Others: testPeople(LangZH, 2, 6, ""), Reply: true},
		"unknown lang": {Lang: "de", Kind: KindAnnouncements, Customer: cust, Root: true},
	}
	for name, s := range specs {
		t.Run(name, func(t *testing.T) {
			for i := range 2000 {
				c := compose(rand.New(rand.NewPCG(3, uint64(i))), s)
				if strings.Contains(c.HTML, "<Co>") || strings.Contains(c.Text, "CAS-") {
					t.Fatalf("unescaped name or case without cases: %s", c.HTML)
				}
				if err := checkMessage(sample{s, c}); err != nil {
					t.Fatalf("%v\n%s", err, c.HTML)
				}
			}
		})
	}
}

// TestCustomerNames checks the customer pools' sizes, domains and names.
func TestCustomerNames(t *testing.T) {
	suffix := map[Lang]*regexp.Regexp{
		LangZH: regexp.MustCompile(`^[a-z][a-z0-9-]*\.(cn|com\.cn)$`),
		LangEN: regexp.MustCompile(`^[a-z][a-z0-9-]*\.(com|co\.uk)$`),
		LangFR: regexp.MustCompile(`^[a-z][a-z0-9-]*\.fr$`),
	}
	minimum := map[Lang]int{LangZH: 40, LangEN: 12, LangFR: 12}
	domains := map[string]bool{}
	for _, l := range []Lang{LangZH, LangEN, LangFR} {
		pool := customerNames(l)
		if len(pool) < minimum[l] {
			t.Errorf("%s: %d customers, want at least %d", l, len(pool), minimum[l])
		}
		names := map[string]bool{}
		for _, c := range pool {
			if c.Name == "" || c.Short == "" || c.City == "" || c.Industry == "" || c.Product == "" {
				t.Errorf("%s: incomplete %+v", l, c)
			}
			if !suffix[l].MatchString(c.Domain) {
				t.Errorf("%s: domain %q", l, c.Domain)
			}
			if domains[c.Domain] || names[c.Name] || names[c.Short] {
				t.Errorf("%s: duplicate %q / %q / %q", l, c.Domain, c.Name, c.Short)
			}
			domains[c.Domain], names[c.Name], names[c.Short] = true, true, true
			if l == LangZH && (!hasHan(c.Name) || !hasHan(c.Short) || cityPinyin[c.City] == "") {
				t.Errorf("zh: %q %q or city %q without pinyin", c.Name, c.Short, c.City)
			}
		}
		pool[0].Name = "changed"
		if customerNames(l)[0].Name == "changed" {
			t.Errorf("%s: customerNames exposes its table", l)
		}
	}
}

// TestPersonName checks name tables, display names and e-mail local parts.
func TestPersonName(t *testing.T) {
	tables := []struct {
		name string
		n    int
		min  int
	}{
		{"zh surnames", len(zhSurnames), 30}, {"zh given names", len(zhGivenNames), 60},
		{"en given names", len(enGivenNames), 30}, {"en surnames", len(enSurnames), 30},
		{"fr given names", len(frGivenNames), 30}, {"fr surnames", len(frSurnames), 30},
	}
	for _, tb := range tables {
		if tb.n < tb.min {
			t.Errorf("%s: %d, want at least %d", tb.name, tb.n, tb.min)
		}
	}
	for _, h := range slices.Concat(zhSurnames, zhGivenNames) {
		if !regexp.MustCompile(`^[a-z]+$`).MatchString(h.pinyin) || !hasHan(h.han) {
			t.Errorf("bad entry %+v", h)
		}
	}
	local := regexp.MustCompile(`^[a-z]+\.[a-z]+$`)
	for _, l := range []Lang{LangZH, LangEN, LangFR} {
		r := rand.New(rand.NewPCG(7, 7))
		accented := false
		for range 2000 {
			given, surname, display, loc := personName(r, l)
			if !local.MatchString(loc) {
				t.Fatalf("%s: local part %q", l, loc)
			}
			switch l {
			case LangZH:
				n := utf8.RuneCountInString(display)
				if display != surname+given || n < 2 || n > 3 || !hanRE.MatchString(display) || hanRE.ReplaceAllString(display, "") != "" {
					t.Fatalf("zh: display %q from %q+%q", display, surname, given)
				}
			default:
				if display != given+" "+surname {
					t.Fatalf("%s: display %q from %q %q", l, display, given, surname)
				}
			}
			accented = accented || frenchRE.MatchString(display)
		}
		if l == LangFR && !accented {
			t.Error("fr: no accented names")
		}
		if title := jobTitle(r, l); title == "" || (l == LangZH) != hasHan(title) {
			t.Errorf("%s: job title %q", l, title)
		}
	}
}

// TestNameHelpers checks accent folding, romanized company names and amounts.
func TestNameHelpers(t *testing.T) {
	for in, want := range map[string]string{"Hélène": "helene", "Jean-Baptiste": "jeanbaptiste", "O'Connor": "oconnor", "Cœur": "coeur", "Guérin": "guerin"} {
		if got := asciiFold(in); got != want {
			t.Errorf("asciiFold(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"hd-precision.cn": "HD Precision", "hd-precision2.cn": "HD Precision 2", "xinghai-logistics.com.cn": "Xinghai Logistics", "dongfang-ne.cn": "Dongfang NE"} {
		if got := latinCompanyName(in); got != want {
			t.Errorf("latinCompanyName(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct {
		n    int
		l    Lang
		want string
	}{{128000, LangZH, "¥128,000"}, {8000, LangFR, "8 000 ¥"}, {1234567, LangEN, "¥1,234,567"}, {900, LangZH, "¥900"}} {
		if got := formatAmount(tc.n, nil, tc.l); got != tc.want {
			t.Errorf("formatAmount(%d, %s) = %q, want %q", tc.n, tc.l, got, tc.want)
		}
	}
}

// TestTopicGroundTruth checks the topic annotations against the
// phrasebooks: one per colleagues' phrase, every hashtag mapped, and every
// message that uses a topic's phrases says so.
func TestTopicGroundTruth(t *testing.T) {
	for _, b := range []*phrasebook{&zhBook, &enBook, &frBook} {
		in := b.Internal
		if len(in.Say) != len(internalTopics.Say) || len(in.Ask) != len(internalTopics.Ask) || len(in.Answer) != len(internalTopics.Answer) {
			t.Errorf("%s: internalTopics has %d/%d/%d entries, the phrasebook %d/%d/%d", b.Lang,
				len(internalTopics.Say), len(internalTopics.Ask), len(internalTopics.Answer), len(in.Say), len(in.Ask), len(in.Answer))
		}
		for _, tag := range b.Tags {
			if _, ok := tagTopics[tag]; !ok {
				t.Errorf("%s: hashtag %q has no topic in tagTopics", b.Lang, tag)
			}
		}
		for tp, p := range b.Topics {
			if p.Tag != "" && tagTopics[p.Tag] != msgTopic(tp) {
				t.Errorf("%s: tag %q of topic %s maps to %s", b.Lang, p.Tag, topicNames[tp], topicNames[tagTopics[p.Tag]])
			}
		}
	}
	for _, l := range []Lang{LangZH, LangEN, LangFR} {
		about := 0
		samples := composeSamples(l, 400, 7)
		for i, sm := range samples {
			c := sm.c
			if c.Lang != LangZH && c.Lang != LangEN && c.Lang != LangFR {
				t.Fatalf("%s message %d: Lang %q", l, i, c.Lang)
			}
			if len(c.Files) > 0 && len(c.Topics) == 0 {
				t.Errorf("%s message %d has files %v but no topic", l, i, c.Files)
			}
			for j, tp := range c.Topics {
				if slices.Contains(c.Topics[:j], tp) {
					t.Errorf("%s message %d: topic %s twice", l, i, topicNames[tp])
				}
			}
			if len(c.Topics) > 0 {
				about++
			}
		}
		// Acknowledgements, notices and some colleagues' talk are about no
		// topic; most messages are about one.
		if about < len(samples)/2 || about == len(samples) {
			t.Errorf("%s: %d of %d messages have a topic", l, about, len(samples))
		}
	}
}
