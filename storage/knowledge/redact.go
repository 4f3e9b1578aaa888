package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapport-app/rapport/storage/content"
)

// Kinds of personal data the redactor replaces (Span.Kind).
const (
	KindName  = "name"
	KindEmail = "email"
	KindPhone = "phone"
	KindCase  = "case"
)

// Span is one replaced piece of an original text.
type Span struct {
	Start int    `json:"start"` // byte offsets in the original
	End   int    `json:"end"`
	Kind  string `json:"kind"`
	Text  string `json:"text"`        // what was there
	With  string `json:"placeholder"` // what replaced it: [name 1], [email 2]…
}

// Redacted is a text before and after redaction, side by side, with
// what was replaced: the review data for one item's text.
type Redacted struct {
	Original string `json:"original"`
	Text     string `json:"text"`
	Spans    []Span `json:"spans"`
}

// Redactor finds customers' personal data in text. It is immutable and
// safe for concurrent use; a Pass numbers placeholders for one item.
type Redactor struct {
	names []nameRule // longest first
	// The rules by the first rune of what they match: exact (CJK names and
	// single Latin words, matched with their case), case-insensitive (by
	// the lower-cased rune), and those by their own first rune (when
	// lower-casing a text changes its length, they match exactly).
	exactBy, foldBy, rawBy map[rune][]int
}

type nameRule struct {
	lower string
	text  string
	// exact: the case must match (single Latin words, which are also
	// common words in lower case).
	exact bool
	cjk   bool
}

// Customers are the names a Redactor replaces: customers' display names
// (guests), contacts' full, first and last names, and accounts' names.
type Customers struct {
	People   []Person `json:"people"`
	Accounts []string `json:"accounts"`
}

// Person is a customer: a guest or a contact.
type Person struct {
	Full  string `json:"full"`
	First string `json:"first,omitempty"`
	Last  string `json:"last,omitempty"`
}

// Customers reads the customers in the store: guest users, contacts and
// accounts (not deleted).
func (s *Service) Customers(ctx context.Context) (Customers, error) {
	var c Customers
	us, err := s.db.Users(ctx)
	if err != nil {
		return c, err
	}
	for _, u := range us {
		if u.UserType == "Guest" && u.DisplayName != "" {
			c.People = append(c.People, Person{Full: u.DisplayName})
		}
	}
	cs, err := s.db.Records(ctx, "contacts")
	if err != nil {
		return c, err
	}
	for _, r := range cs {
		if r.Deleted == nil {
			c.People = append(c.People, Person{Full: str(r.Fields["fullname"]), First: str(r.Fields["firstname"]), Last: str(r.Fields["lastname"])})
		}
	}
	as, err := s.db.Records(ctx, "accounts")
	if err != nil {
		return c, err
	}
	for _, r := range as {
		if n := str(r.Fields["name"]); n != "" && r.Deleted == nil {
			c.Accounts = append(c.Accounts, n)
		}
	}
	return c, nil
}

// Redactor returns a redactor of the store's customers.
func (s *Service) Redactor(ctx context.Context) (*Redactor, error) {
	c, err := s.Customers(ctx)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	return NewRedactor(c), nil
}

func str(v any) string { s, _ := v.(string); return strings.TrimSpace(s) }

// legalSuffixes are the company forms an account's name is also written
// without ("Contoso Ltd" is "Contoso" in a chat).
var legalSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "集团", "公司", " Ltd.", " Ltd", " Limited", " Inc.", " Inc", " LLC", " GmbH", " SARL", " SAS", " S.A.", " SA", " Corp.", " Corp", " Co.", ","}

// industryWords end a company's name and are left out in chat.
var industryWords = map[string]bool{"logistics": true, "systems": true, "technologies": true, "technology": true, "solutions": true, "group": true,
	"industries": true, "manufacturing": true, "services": true, "holdings": true, "trading": true, "traders": true, "consulting": true, "software": true,
	"industrie": true, "logistique": true, "technologie": true, "technologies.": true, "groupe": true, "conseil": true}

// cjkTitles follow a Chinese surname to name a person (王先生, 李总).
var cjkTitles = []string{"先生", "女士", "小姐", "经理", "总监", "总", "老师", "工"}

// NewRedactor returns a redactor replacing c's names, and every e-mail
// address, phone number and case number.
func NewRedactor(c Customers) *Redactor {
	seen := map[string]bool{}
	r := &Redactor{}
	add := func(s string, exact bool) {
		s = strings.TrimSpace(s)
		n := utf8.RuneCountInString(s)
		cjk := hasHan(s)
		if cjk && n < 2 || !cjk && n < 3 || seen[s] {
			return
		}
		seen[s] = true
		r.names = append(r.names, nameRule{text: s, exact: exact && !cjk, cjk: cjk})
	}
	for _, p := range c.People {
		add(p.Full, false)
		for _, part := range []string{p.First, p.Last} {
			add(part, !strings.Contains(part, " "))
		}
		if hasHan(p.Full) {
			// 王伟 is also 王先生, 王总…
			sur := p.Last
			if sur == "" {
				sur = string([]rune(p.Full)[:1])
			}
			for _, t := range cjkTitles {
				add(sur+t, false)
			}
			if p.First == "" && utf8.RuneCountInString(p.Full) == 3 {
				add(string([]rune(p.Full)[1:]), false) // given name
			}
		} else if p.First == "" && p.Last == "" {
			if f := strings.Fields(p.Full); len(f) > 1 { // a guest's first and last names
				add(f[0], true)
				add(f[len(f)-1], true)
			}
		}
	}
	for _, a := range c.Accounts {
		add(a, false)
		core := a
		for changed := true; changed; {
			changed = false
			for _, suf := range legalSuffixes {
				if t, ok := strings.CutSuffix(core, suf); ok && t != "" {
					core, changed = strings.TrimSpace(t), true
				}
			}
		}
		add(core, !strings.Contains(core, " "))
		// What people call it in chat: 华东精密制造 is 华东精密 (place and
		// trade name), Harbour Freight Logistics is Harbour Freight.
		if rs := []rune(core); hasHan(core) && len(rs) >= 5 {
			add(string(rs[:4]), false)
		} else if f := strings.Fields(core); len(f) > 1 && industryWords[strings.ToLower(f[len(f)-1])] {
			add(strings.Join(f[:len(f)-1], " "), len(f) == 2)
		}
	}
	slices.SortFunc(r.names, func(a, b nameRule) int {
		return cmp.Or(cmp.Compare(len(b.text), len(a.text)), strings.Compare(a.text, b.text))
	})
	r.exactBy, r.foldBy, r.rawBy = map[rune][]int{}, map[rune][]int{}, map[rune][]int{}
	first := func(s string) rune { c, _ := utf8.DecodeRuneInString(s); return c }
	for i := range r.names {
		n := &r.names[i]
		if n.exact || n.cjk {
			r.exactBy[first(n.text)] = append(r.exactBy[first(n.text)], i)
			continue
		}
		n.lower = strings.ToLower(n.text)
		r.foldBy[first(n.lower)] = append(r.foldBy[first(n.lower)], i)
		r.rawBy[first(n.text)] = append(r.rawBy[first(n.text)], i)
	}
	return r
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// phoneRE finds candidates; isPhone decides by their digits.
	phoneRE = regexp.MustCompile(`(?:\+|\(\+?)?\d[\d \t().\-\x{00A0}]{6,}\d`)
	// ticketRE finds a case or ticket number named as such.
	ticketRE = regexp.MustCompile(`(?i)(?:工单号?|案例号|案件号|case\s*(?:no\.?|number|#)|ticket\s*(?:no\.?|number|#)?|dossier\s*(?:n°|no\.?|numéro)?|n°\s*de\s*dossier)\s*[:：#]?\s*([A-Z0-9][A-Z0-9\-]{3,})`)
	cnMobile = regexp.MustCompile(`^(?:86)?1[3-9]\d{9}$`)
	national = regexp.MustCompile(`^0[1-9]\d{8,10}$`) // French 0X XX XX XX XX, Chinese 0XX(X)-XXXXXXX(X)
)

// isPhone says whether a candidate is a phone number: an international
// number (+ or 00, 8 to 15 digits), a Chinese mobile or a national
// number with its trunk prefix 0 (French, Chinese landlines).
func isPhone(cand string) bool {
	var d strings.Builder
	for _, r := range cand {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	digits := d.String()
	intl := strings.HasPrefix(strings.TrimLeft(cand, "("), "+")
	switch {
	case intl:
		return len(digits) >= 8 && len(digits) <= 15
	case strings.HasPrefix(digits, "00"):
		return len(digits) >= 10 && len(digits) <= 17
	case cnMobile.MatchString(digits), national.MatchString(digits):
		return true
	}
	return false
}

// find lists the spans of personal data in text, leftmost and longest
// first, never overlapping.
func (r *Redactor) find(text string) []Span {
	var cands []Span
	addAll := func(kind string, locs [][]int, sub int) {
		for _, l := range locs {
			cands = append(cands, Span{Start: l[2*sub], End: l[2*sub+1], Kind: kind})
		}
	}
	addAll(KindEmail, emailRE.FindAllStringIndex(text, -1), 0)
	for _, c := range content.CaseNumbers(text) { // the one definition of a Dynamics case number
		up := strings.ToUpper(text)
		for i := 0; ; {
			j := strings.Index(up[i:], c)
			if j < 0 {
				break
			}
			cands = append(cands, Span{Start: i + j, End: i + j + len(c), Kind: KindCase})
			i += j + len(c)
		}
	}
	addAll(KindCase, ticketRE.FindAllStringSubmatchIndex(text, -1), 1)
	for _, l := range phoneRE.FindAllStringIndex(text, -1) {
		s, e := l[0], l[1]
		for s < e && (text[s] == '(' && !strings.Contains(text[s:e], ")")) {
			s++
		}
		if !asciiWordAt(text, s-1) && !asciiWordAt(text, e) && isPhone(text[s:e]) {
			cands = append(cands, Span{Start: s, End: e, Kind: KindPhone})
		}
	}
	// Names: at each character, the rules starting with it (a Latin name
	// only where a word starts, and where it ends).
	lower := strings.ToLower(text)
	fold := len(lower) == len(text) // else case-insensitive rules match exactly
	try := func(i int, hay, needle string, cjk bool) {
		if !strings.HasPrefix(hay[i:], needle) {
			return
		}
		e := i + len(needle)
		if e < len(text) && !utf8.RuneStart(text[e]) || !cjk && letterAt(text, e, false) {
			return // a part of a longer word
		}
		cands = append(cands, Span{Start: i, End: e, Kind: KindName})
	}
	for i := 0; i < len(text); {
		c, size := utf8.DecodeRuneInString(text[i:])
		wordStart := !letterAt(text, i-1, true)
		for _, x := range r.exactBy[c] {
			if n := &r.names[x]; n.cjk || wordStart {
				try(i, text, n.text, n.cjk)
			}
		}
		if wordStart {
			if fold && utf8.RuneStart(lower[i]) {
				lc, _ := utf8.DecodeRuneInString(lower[i:])
				for _, x := range r.foldBy[lc] {
					try(i, lower, r.names[x].lower, false)
				}
			} else if !fold {
				for _, x := range r.rawBy[c] {
					try(i, text, r.names[x].text, false)
				}
			}
		}
		i += size
	}
	slices.SortStableFunc(cands, func(a, b Span) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End)) })
	var out []Span
	for _, c := range cands {
		if len(out) > 0 && c.Start < out[len(out)-1].End {
			continue
		}
		c.Text = text[c.Start:c.End]
		out = append(out, c)
	}
	return out
}

// asciiWordAt says whether text[i] is an ASCII letter or digit (a
// number's neighbour that makes it part of something else).
func asciiWordAt(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	c := text[i]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// letterAt says whether the rune ending (before) or starting at i is a
// letter or digit, so a name found there continues a word.
func letterAt(text string, i int, before bool) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(text[:i+1])
	} else {
		r, _ = utf8.DecodeRuneInString(text[i:])
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r)
}

// Pass redacts the texts of one item: the same value gets the same
// placeholder in all of them.
type Pass struct {
	r    *Redactor
	seen map[string]string
	n    map[string]int
}

// Pass starts redacting one item.
func (r *Redactor) Pass() *Pass { return &Pass{r: r, seen: map[string]string{}, n: map[string]int{}} }

// Redact replaces the personal data in text with placeholders.
func (p *Pass) Redact(text string) Redacted {
	out := Redacted{Original: text, Spans: []Span{}}
	var b strings.Builder
	last := 0
	for _, s := range p.r.find(text) {
		k := s.Kind + "\x00" + strings.ToLower(s.Text)
		with, ok := p.seen[k]
		if !ok {
			p.n[s.Kind]++
			with = fmt.Sprintf("[%s %d]", s.Kind, p.n[s.Kind])
			p.seen[k] = with
		}
		s.With = with
		b.WriteString(text[last:s.Start])
		b.WriteString(with)
		last = s.End
		out.Spans = append(out.Spans, s)
	}
	b.WriteString(text[last:])
	out.Text = b.String()
	return out
}

// Redact redacts one text on its own.
func (r *Redactor) Redact(text string) Redacted { return r.Pass().Redact(text) }
