package links

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
)

// FieldChoice is one column a record card shows.
type FieldChoice struct {
	Field string `json:"field"`
	Label string `json:"label"`
}

// cardFields are a record type's default context-card columns (up to
// five; Settings can change them), from the catalogue.
func cardFields(set string) []FieldChoice {
	cs, _ := crm.Lookup(set)
	out := make([]FieldChoice, 0, len(cs.Card))
	for _, f := range cs.Card {
		out = append(out, FieldChoice{Field: f, Label: cs.Label(f)})
	}
	return out
}

// RecordCard is a record as a context card shows it.
type RecordCard struct {
	Set     string      `json:"set"`
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Fields  []CardField `json:"fields"`
	URL     string      `json:"url,omitempty"`
	Deleted bool        `json:"deleted,omitempty"`
	// Waiting: made in Rapport, not in Dynamics 365 yet (its create is on
	// its way); it has no case number until then.
	Waiting bool `json:"waiting,omitempty"`
	record  storage.Record
}

// CardField is one labelled value on a card. Label and Value are in
// English (Dynamics' formatted value when the row has one); the UI shows
// Key's and ValueKey's translations instead (fieldKeys).
type CardField struct {
	Label    string `json:"label"`
	Value    string `json:"value"`
	Field    string `json:"field"`
	Key      string `json:"key,omitempty"`
	ValueKey string `json:"valueKey,omitempty"`
	// Currency is the record's currency (a transactioncurrencies id) when
	// the field is a money column; the UI shows its ISO code's format.
	Currency string `json:"currency,omitempty"`
}

// newCardField is a record's field on a card.
func newCardField(r storage.Record, label, field, value string) CardField {
	key, valueKey := fieldKeys(r.Set, field, r.Fields[field])
	f := CardField{Label: label, Value: value, Field: field, Key: key, ValueKey: valueKey}
	if s, ok := crm.Lookup(r.Set); ok && slices.Contains(s.Money, field) {
		f.Currency, _ = r.Fields[crm.CurrencyColumn].(string)
	}
	return f
}

// fieldKeys are the UI's translation keys (storage/crm) of a record
// field and of its raw value: key when the catalogue labels the field,
// valueKey when the value is one of its option set's values.
func fieldKeys(set, field string, raw any) (key, valueKey string) {
	if s, ok := crm.Lookup(set); ok && s.Label(field) != field {
		key = crm.FieldKey(set, field)
	}
	if n, ok := crm.OptionValue(set, field, raw); ok {
		valueKey = crm.OptionKey(set, field, n)
	}
	return key, valueKey
}

func fieldText(r storage.Record, f string) string { return crm.Value(r.Set, f, r.Fields) }

// card builds a record's context card with the chosen fields; a field
// whose value is not text or a number (a lookup, a list) is skipped.
func (s *Service) card(r storage.Record, choice []FieldChoice) RecordCard {
	title := crm.Title(r.Set, r.Fields)
	out := RecordCard{Set: r.Set, ID: r.ID, Title: title, Deleted: r.Deleted != nil, Fields: []CardField{}, record: r}
	for _, f := range choice {
		switch r.Fields[f.Field].(type) {
		case string, float64, bool, nil:
		default:
			continue
		}
		if v := fieldText(r, f.Field); v != "" {
			out.Fields = append(out.Fields, newCardField(r, f.Label, f.Field, v))
		}
		if len(out.Fields) == 5 {
			break
		}
	}
	if s.Dataverse != nil {
		if org := s.Dataverse(); org != "" {
			out.URL = crm.RecordURL(org, r.Set, r.ID)
		}
	}
	return out
}

// setOf maps a link row's regarding type to an entity set.
func setOf(logical string) string {
	if cs, ok := crm.ByLogical(logical); ok && cs.Linkable {
		return cs.Name
	}
	return ""
}

// LinkView is one of a chat's links as the UI shows it.
type LinkView struct {
	ChatID       string     `json:"chatId"`
	Set          string     `json:"set"`
	RecordID     string     `json:"recordId"`
	Linked       bool       `json:"linked"`
	By           string     `json:"by,omitempty"`
	At           *time.Time `json:"at,omitempty"`
	Sync         string     `json:"sync"` // synced, pending, in-flight, failed, conflict; local (a thread or message: kept in Rapport)
	Error        string     `json:"error,omitempty"`
	OpSeq        uint64     `json:"opSeq,omitempty"`
	CanUnlink    bool       `json:"canUnlink"`
	UnlinkReason string     `json:"unlinkReason,omitempty"`
	// UnlinkCode names who may unlink when the user may not: owner,
	// linker, owner-or-linker or privileged (for translation).
	UnlinkCode string     `json:"unlinkCode,omitempty"`
	Record     RecordCard `json:"record"`
	// Notices are changes of the record's key fields since the link.
	Notices   []Notice `json:"notices,omitempty"`
	linkerAAD string
}

// SyncSynced is LinkView.Sync for a link as Dynamics 365 has it; otherwise
// Sync is its operation's state (pending, in-flight, failed, conflict) or
// storage.OpLocal (a thread or message: kept in Rapport).
const SyncSynced = "synced"

// Notice is a change of a linked record's key field: Label, Old and New
// in English, and their translation keys for the UI (fieldKeys).
type Notice struct {
	Label  string    `json:"label"`
	Old    string    `json:"old"`
	New    string    `json:"new"`
	At     time.Time `json:"at"`
	Field  string    `json:"field"`
	Key    string    `json:"key,omitempty"`
	OldKey string    `json:"oldKey,omitempty"`
	NewKey string    `json:"newKey,omitempty"`
}

// notice is a key field's change from old to new at a time.
func notice(set, field string, old, new any, at time.Time) Notice {
	key, oldKey := fieldKeys(set, field, old)
	_, newKey := fieldKeys(set, field, new)
	return Notice{Label: labelOf(set, field), Old: valueText(set, field, old), New: valueText(set, field, new), At: at,
		Field: field, Key: key, OldKey: oldKey, NewKey: newKey}
}

// valueText formats a raw field value as cards do.
func valueText(set, field string, v any) string {
	return crm.Value(set, field, map[string]any{field: v})
}

// labelOf names a field: its label in the catalogue, or the field itself.
func labelOf(set, field string) string {
	cs, _ := crm.Lookup(set)
	return cs.Label(field)
}

// notices lists the key-field changes of a record after since (at most
// five, newest last).
func notices(ctx context.Context, db Store, set, id string, fields []string, since time.Time) ([]Notice, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	chs, err := db.RecordChanges(ctx, set, id, since)
	if err != nil {
		return nil, err
	}
	var out []Notice
	for _, ch := range chs {
		for _, f := range fields {
			if v, ok := ch.Fields[f]; ok {
				out = append(out, notice(set, f, v[0], v[1], ch.At))
			}
		}
	}
	if len(out) > 5 {
		out = out[len(out)-5:]
	}
	return out, nil
}

// views lists the links of the given targets: synced rows, overridden by
// what the user did in Rapport.
func (s *Service) views(ctx context.Context, w *linkWorld, targets []string) ([]LinkView, error) {
	states, err := w.byTarget(ctx, targets)
	if err != nil {
		return nil, err
	}
	return s.viewsOf(ctx, w, states)
}

// viewsOf shows link states as the UI does.
func (s *Service) viewsOf(ctx context.Context, w *linkWorld, states []storage.LinkState) ([]LinkView, error) {
	out := make([]LinkView, 0, len(states))
	for _, st := range states {
		v, err := s.view(ctx, w, st)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// view is one link as the UI shows it: its record's card, who linked it
// and when, whether the user may unlink it, and its key-field notices.
func (s *Service) view(ctx context.Context, w *linkWorld, st storage.LinkState) (LinkView, error) {
	v := LinkView{ChatID: st.Target, Set: st.Set, RecordID: st.RecordID, Linked: st.Linked, Sync: st.Sync}
	rowSpeaks := st.Row != nil && (st.Link == nil || st.Link.Op == "")
	if rowSpeaks {
		by, _ := st.Row.Fields[crm.LinkedBy].(string)
		aad, name, err := w.systemUser(ctx, by)
		if err != nil {
			return v, err
		}
		v.By, v.linkerAAD = name, aad
		if t, err := time.Parse(time.RFC3339, fmt.Sprint(st.Row.Fields[crm.LinkedOn])); err == nil {
			v.At = &t
		}
	}
	var seen time.Time // notices dismissed or posted up to
	if l := st.Link; l != nil {
		seen = l.SeenUpTo
		if !rowSpeaks || l.Linked {
			at := l.At
			v.At = &at
		}
		if !rowSpeaks {
			v.linkerAAD = l.By
		}
		if v.By == "" {
			u, _, err := w.user(ctx, l.By)
			if err != nil {
				return v, err
			}
			v.By = u.DisplayName
		}
	}
	if st.Op != nil {
		v.Error, v.OpSeq = st.Op.Error, st.Op.Seq
	}
	r, waiting, err := w.recordOrStub(ctx, v.Set, v.RecordID)
	if err != nil {
		return v, err
	}
	v.Record = s.card(r, w.fields[v.Set])
	v.Record.Waiting = waiting
	owner, err := w.ownerAAD(ctx, r)
	if err != nil {
		return v, err
	}
	v.CanUnlink, v.UnlinkReason = unlinkAllowed(w.rules[v.Set], owner == w.me && w.me != "", v.linkerAAD == w.me && w.me != "", w.privileged)
	if v.Sync == storage.LinkLocal {
		v.CanUnlink, v.UnlinkReason = true, "" // the user's own note, not Dynamics'
	}
	if !v.CanUnlink {
		v.UnlinkCode = unlinkCode(w.rules[v.Set])
	}
	if v.Linked && v.At != nil && v.Sync != storage.LinkLocal { // notices go to chats
		since := *v.At
		if seen.After(since) {
			since = seen
		}
		ns, err := notices(ctx, w.db, v.Set, v.RecordID, w.keyFields[v.Set], since)
		if err != nil {
			return v, err
		}
		v.Notices = ns
	}
	return v, nil
}

// TypeRule is what Dynamics' per-record-type settings allow: who may
// unlink chats from a record of the type (its owner, the user who linked;
// a privileged role - System Administrator, System Customizer - always
// may), and whether users may join chats linked to such records (on by
// default for cases only, as in Dynamics).
type TypeRule struct {
	OwnerMay  bool `json:"ownerMay"`
	LinkerMay bool `json:"linkerMay"`
	Join      bool `json:"join"`
}

// unlinkAllowed applies the rule. It says why not when not.
func unlinkAllowed(rule TypeRule, isOwner, isLinker, privileged bool) (bool, string) {
	switch {
	case privileged:
		return true, ""
	case rule.OwnerMay && isOwner:
		return true, ""
	case rule.LinkerMay && isLinker:
		return true, ""
	}
	var who []string
	if rule.OwnerMay {
		who = append(who, "the record's owner")
	}
	if rule.LinkerMay {
		who = append(who, "the person who linked the chat")
	}
	who = append(who, "a system administrator or customizer")
	return false, "Only " + strings.Join(who, ", ") + " can unlink this chat."
}

// Who may unlink, besides a privileged role (LinkView.UnlinkCode).
const (
	UnlinkOwnerOrLinker = "owner-or-linker"
	UnlinkOwner         = "owner"
	UnlinkLinker        = "linker"
	UnlinkPrivileged    = "privileged" // only a privileged role
)

// unlinkCode names who a rule lets unlink, besides a privileged role.
func unlinkCode(rule TypeRule) string {
	switch {
	case rule.OwnerMay && rule.LinkerMay:
		return UnlinkOwnerOrLinker
	case rule.OwnerMay:
		return UnlinkOwner
	case rule.LinkerMay:
		return UnlinkLinker
	}
	return UnlinkPrivileged
}

// LinkSettings are, per record type, the card fields, the key fields
// whose changes linked chats are told about (at most five each) and the
// rules; and whether the user holds a privileged role.
type LinkSettings struct {
	Fields     map[string][]FieldChoice `json:"fields"`
	KeyFields  map[string][]string      `json:"keyFields"`
	Rules      map[string]TypeRule      `json:"rules"`
	Privileged bool                     `json:"privileged"`
}

const linkSetting = "links"

// settings reads the stored link settings over the defaults. A stored
// rule without a join choice (saved by an older Rapport) keeps the
// default.
func (s *Service) settings(ctx context.Context, db Store) (LinkSettings, error) {
	var stored struct {
		Fields    map[string][]FieldChoice `json:"fields"`
		KeyFields map[string][]string      `json:"keyFields"`
		Rules     map[string]struct {
			OwnerMay  bool  `json:"ownerMay"`
			LinkerMay bool  `json:"linkerMay"`
			Join      *bool `json:"join"`
		} `json:"rules"`
		Privileged bool `json:"privileged"`
	}
	if err := db.Setting(ctx, linkSetting, &stored); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return LinkSettings{}, err
	}
	ls := LinkSettings{Fields: map[string][]FieldChoice{}, KeyFields: map[string][]string{}, Rules: map[string]TypeRule{},
		Privileged: stored.Privileged}
	for _, set := range crm.LinkableNames() {
		rule := TypeRule{OwnerMay: true, LinkerMay: true, Join: set == "incidents"}
		if r, ok := stored.Rules[set]; ok {
			rule.OwnerMay, rule.LinkerMay = r.OwnerMay, r.LinkerMay
			if r.Join != nil {
				rule.Join = *r.Join
			}
		}
		ls.Rules[set] = rule
		ls.Fields[set] = cardFields(set)
		if f, ok := stored.Fields[set]; ok && len(f) > 0 {
			ls.Fields[set] = f
		}
		cs, _ := crm.Lookup(set)
		ls.KeyFields[set] = cs.KeyFields
		if f, ok := stored.KeyFields[set]; ok {
			ls.KeyFields[set] = f // empty: no notices for the type
		}
	}
	return ls, nil
}

// Suggestion is a record worth linking to a chat, and why.
type Suggestion struct {
	Card RecordCard `json:"card"`
	Why  string     `json:"why"` // WhyContact, WhyDomain or WhyCaseNumber
}

// Why a record is suggested (Suggestion.Why): a contact in the chat (or
// its account), an outside member's e-mail domain, a case number in the
// text.
const (
	WhyContact    = "contact"
	WhyDomain     = "domain"
	WhyCaseNumber = "case-number"
)

// sortCards orders cards by title (then type and id: titles repeat).
func sortCards(cs []RecordCard) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Title != cs[j].Title {
			return cs[i].Title < cs[j].Title
		}
		return cs[i].Set+cs[i].ID < cs[j].Set+cs[j].ID
	})
}

// ForChat lists a chat's links, synced and queued.
func (s *Service) ForChat(ctx context.Context, chatID string) ([]LinkView, error) {
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, w, []string{chatID})
}

// Suggest lists records worth linking to a chat (or a thread or message),
// best first: the customer's contacts in the chat (among the thread's or
// message's authors) and their accounts, accounts whose e-mail domain an
// outside member shares, and cases whose number appears in the chat
// (thread, message). Records already linked are left out.
func (s *Service) Suggest(ctx context.Context, chatID string) ([]Suggestion, error) {
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	linked, err := s.views(ctx, w, []string{chatID})
	if err != nil {
		return nil, err
	}
	members, ms, err := targetScope(ctx, w, chatID)
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	seen := map[string]bool{}
	for _, l := range linked {
		if l.Linked {
			seen[l.Set+"/"+l.RecordID] = true
		}
	}
	// Contacts and accounts are matched by e-mail and domain, cases by
	// number: each of those sets is read once.
	of := func(set string) ([]storage.Record, error) { return s.db.Records(ctx, set) }
	suggest := func(set, id, why string) error {
		if seen[set+"/"+id] {
			return nil
		}
		r, ok, err := w.record(ctx, set, id)
		if err != nil || !ok || r.Deleted != nil {
			return err
		}
		seen[set+"/"+id] = true
		out = append(out, Suggestion{Card: s.card(r, w.fields[set]), Why: why})
		return nil
	}
	domains := map[string]bool{}
	if len(members) > 0 {
		contacts, err := of("contacts")
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			mail := strings.ToLower(m.Email)
			for _, r := range contacts {
				id := r.ID
				if e, _ := r.Fields["emailaddress1"].(string); mail != "" && strings.EqualFold(e, mail) {
					if err := suggest("contacts", id, WhyContact); err != nil {
						return nil, err
					}
					if acc, _ := r.Fields["_parentcustomerid_value"].(string); acc != "" {
						if err := suggest("accounts", acc, WhyContact); err != nil {
							return nil, err
						}
					}
				}
			}
			u, _, err := w.user(ctx, m.UserID)
			if err != nil {
				return nil, err
			}
			if _, d, ok := strings.Cut(mail, "@"); ok && (u.UserType == "Guest" || m.UserID == "" || slices.Contains(m.Roles, "guest")) {
				domains[d] = true
			}
		}
	}
	if len(domains) > 0 {
		accounts, err := of("accounts")
		if err != nil {
			return nil, err
		}
		for _, r := range accounts {
			id := r.ID
			e, _ := r.Fields["emailaddress1"].(string)
			web, _ := r.Fields["websiteurl"].(string)
			_, d, _ := strings.Cut(strings.ToLower(e), "@")
			if domains[d] || web != "" && domains[strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(web), "https://"), "http://"), "www.")] {
				if err := suggest("accounts", id, WhyDomain); err != nil {
					return nil, err
				}
			}
		}
	}
	tickets := map[string]bool{}
	for _, m := range ms {
		for _, t := range content.CaseNumbers(content.Of(&m).Text) {
			tickets[t] = true
		}
	}
	if len(tickets) > 0 {
		cases, err := of("incidents")
		if err != nil {
			return nil, err
		}
		for _, r := range cases {
			id := r.ID
			if t, _ := r.Fields["ticketnumber"].(string); tickets[strings.ToUpper(t)] {
				if err := suggest("incidents", id, WhyCaseNumber); err != nil {
					return nil, err
				}
			}
		}
	}
	if out == nil {
		out = []Suggestion{}
	}
	return out, nil
}

// Find searches records by name, number or e-mail (at most 50).
func (s *Service) Find(ctx context.Context, q string) ([]RecordCard, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return []RecordCard{}, nil
	}
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	out := []RecordCard{}
	for _, set := range crm.LinkableNames() {
		rs, err := s.db.Records(ctx, set)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.Deleted != nil {
				continue
			}
			text := crm.Text(r.Set, r.Fields)
			if strings.Contains(strings.ToLower(text), q) {
				out = append(out, s.card(r, w.fields[set]))
			}
		}
	}
	sortCards(out)
	if len(out) > 50 {
		out = out[:50]
	}
	return out, nil
}

// RecordRef is a record a reference resolved to, or one of the records an
// ambiguous reference matched: its type, id and title, what tells it apart
// from records with the same name (case or account number, e-mail, an
// opportunity's account) and what the reference matched.
type RecordRef struct {
	Set    string `json:"set"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	Match  string `json:"match"`
}

// AmbiguousError is a reference that matched several records: the first
// few of them (Total in all), exactly or (Exact false) by containing it.
type AmbiguousError struct {
	Ref        string      `json:"ref"`
	Exact      bool        `json:"exact"`
	Total      int         `json:"total"`
	Candidates []RecordRef `json:"candidates"`
}

// maxCandidates is how many records an ambiguous reference lists.
const maxCandidates = 20

func (e *AmbiguousError) Error() string {
	how := "match"
	if e.Exact {
		how = "are exactly"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d records %s %q; name one as SET:ID (or give more of its name):", e.Total, how, e.Ref)
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "\n  %s:%s  %s", c.Set, c.ID, c.Title)
		if c.Detail != "" {
			fmt.Fprintf(&b, " (%s)", c.Detail)
		}
	}
	if e.Total > len(e.Candidates) {
		fmt.Fprintf(&b, "\n  … and %d more", e.Total-len(e.Candidates))
	}
	return b.String()
}

func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// refKeys are the fields a record is known by, by type: numbers, e-mail
// and name (with what to call each in a match).
var refKeys = map[string][]FieldChoice{
	"incidents":         {{"ticketnumber", "case number"}, {"title", "title"}},
	"accounts":          {{"accountnumber", "account number"}, {"emailaddress1", "e-mail"}, {"name", "name"}},
	"contacts":          {{"emailaddress1", "e-mail"}, {"fullname", "name"}},
	"opportunities":     {{"name", "name"}},
	"knowledgearticles": {{"articlepublicnumber", "article number"}, {"title", "title"}},
}

// Among says which records a reference is looked for among.
type Among int

// Where Resolve looks.
const (
	AmongLive    Among = iota // to link: every record not deleted
	AmongLinked               // to unlink: the records the target is linked to
	AmongDynamic              // to join: the records Dynamics 365 links the chat to
)

// Resolve finds the record a reference names, the way `rapport link`,
// `unlink` and `join` take one. The reference is:
//
//   - SET:TEXT (SET an entity set, its logical name, or "case"): TEXT
//     among records of that type only (set, "" for any, does the same);
//   - an id, a case number (CAS-01234-ABCDE), an account or article
//     number, an e-mail, or a name (title, full name, topic).
//
// Text is compared case-insensitively, spaces around it trimmed, with each
// record's id, numbers, e-mail and name. Records one of them equals win;
// only when none does, records one of them contains (ids aside). One
// record: it. Several: ErrAmbiguous (*AmbiguousError lists them). None:
// storage.ErrNotFound, naming what was searched. To link, every record that
// is not deleted is looked at; to unlink, only those the target is linked
// to (in Rapport or in Dynamics); to join, those Dynamics links the chat
// to: a name several records share is often settled by the chat.
func (s *Service) Resolve(ctx context.Context, target, set, ref string, among Among) (RecordRef, error) {
	if pre, rest, ok := strings.Cut(ref, ":"); ok && crm.SetNamed(strings.TrimSpace(pre)) != "" {
		if set != "" && crm.SetNamed(strings.TrimSpace(pre)) != set {
			return RecordRef{}, fmt.Errorf("%w: %q is not a record of type %s", ErrInvalid, ref, set)
		}
		set, ref = crm.SetNamed(strings.TrimSpace(pre)), rest
	}
	text := strings.TrimSpace(strings.Trim(strings.TrimSpace(ref), "{}"))
	if text == "" {
		return RecordRef{}, fmt.Errorf("%w: give a record: a case number, a name, an e-mail or SET:ID", ErrInvalid)
	}
	if set != "" && !crm.IsLinkable(set) {
		return RecordRef{}, fmt.Errorf("%w: record type %q (one of %v)", ErrInvalid, set, crm.LinkableNames())
	}
	w, err := s.world(ctx)
	if err != nil {
		return RecordRef{}, err
	}
	type cand struct {
		set, id string
		r       storage.Record
	}
	var cands []cand
	add := func(set, id string) error {
		r, _, err := w.recordOrStub(ctx, set, id)
		cands = append(cands, cand{set, id, r})
		return err
	}
	where := ""
	switch among {
	case AmongLive:
		if target != "" { // "" looks for a record for no target
			if err := targetExists(ctx, s.db, target); err != nil {
				return RecordRef{}, err
			}
		}
		for _, rs := range crm.LinkableNames() {
			if set != "" && rs != set {
				continue
			}
			records, err := s.db.Records(ctx, rs)
			if err != nil {
				return RecordRef{}, err
			}
			for _, r := range records {
				if r.Deleted == nil {
					cands = append(cands, cand{rs, r.ID, r})
				}
			}
		}
	case AmongLinked:
		if err := targetExists(ctx, s.db, target); err != nil {
			return RecordRef{}, err
		}
		states, err := w.byTarget(ctx, []string{target})
		if err != nil {
			return RecordRef{}, err
		}
		for _, st := range states {
			if st.Linked {
				if err := add(st.Set, st.RecordID); err != nil {
					return RecordRef{}, err
				}
			}
		}
		where = " among the records " + target + " is linked to"
	case AmongDynamic:
		rows, err := s.db.LinkRows(ctx, target)
		if err != nil {
			return RecordRef{}, err
		}
		seen := map[string]bool{}
		for _, row := range rows {
			rec, _ := row.Fields[crm.LinkRecord].(string)
			logical, _ := row.Fields[crm.LinkRecordType].(string)
			if k := logical + "/" + rec; setOf(logical) != "" && !seen[k] {
				seen[k] = true
				if err := add(setOf(logical), rec); err != nil {
					return RecordRef{}, err
				}
			}
		}
		where = " among the records Dynamics 365 links " + target + " to"
	}
	if set != "" {
		where += " of type " + set
	}
	var exact, partial []RecordRef
	low := strings.ToLower(text)
	for _, c := range cands {
		if set != "" && c.set != set {
			continue
		}
		detail, err := refDetail(ctx, w, c.r)
		if err != nil {
			return RecordRef{}, err
		}
		ref := RecordRef{Set: c.set, ID: c.id, Detail: detail}
		ref.Title = crm.Title(c.r.Set, c.r.Fields)
		if strings.EqualFold(c.id, text) {
			ref.Match = "id"
			exact = append(exact, ref)
			continue
		}
		contains := ""
		for _, k := range refKeys[c.set] {
			v, _ := c.r.Fields[k.Field].(string)
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if strings.EqualFold(v, text) {
				ref.Match = k.Label
				break
			}
			if contains == "" && strings.Contains(strings.ToLower(v), low) {
				contains = k.Label
			}
		}
		if ref.Match != "" {
			exact = append(exact, ref)
		} else if contains != "" {
			ref.Match = contains + " contains"
			partial = append(partial, ref)
		}
	}
	found, isExact := exact, true
	if len(found) == 0 {
		found, isExact = partial, false
	}
	switch len(found) {
	case 0:
		return RecordRef{}, fmt.Errorf("no record matches %q%s (case, account and article numbers, e-mails, names and ids were searched): %w",
			text, where, storage.ErrNotFound)
	case 1:
		return found[0], nil
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].Title != found[j].Title {
			return found[i].Title < found[j].Title
		}
		return found[i].Set+found[i].ID < found[j].Set+found[j].ID
	})
	return RecordRef{}, &AmbiguousError{Ref: text, Exact: isExact, Total: len(found), Candidates: found[:min(len(found), maxCandidates)]}
}

// refDetail is what tells a record apart from others of the same name.
func refDetail(ctx context.Context, w *linkWorld, r storage.Record) (string, error) {
	var parts []string
	addField := func(rec storage.Record, f string) {
		if v, _ := rec.Fields[f].(string); v != "" && !slices.Contains(parts, v) {
			parts = append(parts, v)
		}
	}
	switch r.Set {
	case "incidents":
		addField(r, "ticketnumber")
	case "accounts":
		addField(r, "accountnumber")
		addField(r, "emailaddress1")
	case "contacts":
		addField(r, "emailaddress1")
	case "opportunities":
		if acc, _ := r.Fields["_parentaccountid_value"].(string); acc != "" {
			a, _, err := w.record(ctx, "accounts", acc)
			if err != nil {
				return "", err
			}
			addField(a, "name")
		}
	case "knowledgearticles":
		addField(r, "articlepublicnumber")
	}
	return strings.Join(parts, " · "), nil
}

// Link queues a link of a chat to a record.
func (s *Service) Link(ctx context.Context, chatID, set, recordID string) (storage.Op, error) {
	return s.edit(ctx, chatID, set, recordID, true)
}

// Unlink queues the removal of a chat's link to a record, if the rules of
// that record type allow the user to.
func (s *Service) Unlink(ctx context.Context, chatID, set, recordID string) (storage.Op, error) {
	return s.edit(ctx, chatID, set, recordID, false)
}

func (s *Service) edit(ctx context.Context, chatID, set, recordID string, linked bool) (storage.Op, error) {
	if !crm.IsLinkable(set) {
		return storage.Op{}, fmt.Errorf("%w: record type %q", ErrInvalid, set)
	}
	w, err := s.world(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	db := s.db
	if err := targetExists(ctx, db, chatID); err != nil {
		return storage.Op{}, err
	}
	r, ok, err := w.record(ctx, set, recordID)
	if err != nil {
		return storage.Op{}, err
	}
	if linked && (!ok || r.Deleted != nil) {
		return storage.Op{}, fmt.Errorf("%s(%s): %w", set, recordID, storage.ErrNotFound)
	}
	if !linked {
		views, err := s.views(ctx, w, []string{chatID})
		if err != nil {
			return storage.Op{}, err
		}
		i := slices.IndexFunc(views, func(v LinkView) bool { return v.Set == set && v.RecordID == recordID && v.Linked })
		if i < 0 {
			return storage.Op{}, fmt.Errorf("link of %s to %s(%s): %w", chatID, set, recordID, storage.ErrNotFound)
		}
		if !views[i].CanUnlink {
			return storage.Op{}, fmt.Errorf("%w: %s", ErrNotAllowed, views[i].UnlinkReason)
		}
		if err := s.adopt(ctx, w, chatID, set, recordID); err != nil {
			return storage.Op{}, err
		}
	}
	title := crm.Title(r.Set, r.Fields)
	op, err := db.SetLink(ctx, chatID, set, recordID, linked, w.me, title, time.Now().UTC())
	if err != nil {
		return op, err
	}
	return op, nil
}

// adopt records a link that exists in Dynamics but not yet in Rapport's
// links, with its row id, so unlinking it deletes that row (AdoptLink
// leaves a link Rapport knows as it is).
func (s *Service) adopt(ctx context.Context, w *linkWorld, chatID, set, recordID string) error {
	row, ok, err := w.serverRow(ctx, chatID, set, recordID)
	if err != nil || !ok {
		return err
	}
	by, _ := row.Fields[crm.LinkedBy].(string)
	aad, _, err := w.systemUser(ctx, by)
	if err != nil {
		return err
	}
	at, _ := time.Parse(time.RFC3339, fmt.Sprint(row.Fields[crm.LinkedOn]))
	return s.db.AdoptLink(ctx, storage.Link{ChatID: chatID, Set: set, RecordID: recordID, ActivityID: row.ID, Linked: true, By: aad, At: at})
}

// OpView is an outbox operation with names for the UI.
type OpView struct {
	storage.Op
	ChatName    string `json:"chatName,omitempty"`
	RecordTitle string `json:"recordTitle,omitempty"`
}

// Outbox lists every operation, newest first.
func (s *Service) Outbox(ctx context.Context) ([]OpView, error) {
	db := s.db
	ops, err := db.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	chats, err := s.names.Chats(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range chats {
		names[c.ID] = c.Name
	}
	out := make([]OpView, 0, len(ops))
	for i := len(ops) - 1; i >= 0; i-- {
		op := ops[i]
		v := OpView{Op: op, ChatName: names[op.ChatID], RecordTitle: op.Subject}
		if op.Kind == storage.OpJoin {
			// A chat the user is not in yet: the link row's subject names it.
			v.RecordTitle = ""
			if v.ChatName == "" {
				v.ChatName = op.Subject
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Retry sends a failed or conflicting operation again on the next sync.
func (s *Service) Retry(ctx context.Context, seq uint64) (storage.Op, error) {
	db := s.db
	return db.RetryOp(ctx, seq, time.Now().UTC())
}

// Discard gives up on an operation; its link returns to what it was.
func (s *Service) Discard(ctx context.Context, seq uint64) (storage.Op, error) {
	return s.db.DiscardOp(ctx, seq, time.Now().UTC())
}

// TimelineItem is a chat linked to a record (or to one rolled up under it).
type TimelineItem struct {
	ChatID      string       `json:"chatId"`
	ChatName    string       `json:"chatName"`
	Via         RecordCard   `json:"via"`
	LinkedBy    string       `json:"linkedBy,omitempty"`
	LinkedAt    *time.Time   `json:"linkedAt,omitempty"`
	LastMessage *LastMessage `json:"lastMessage,omitempty"`
	// Member is whether the user is in the chat (its messages are in
	// the store). Chats linked in Dynamics by others may not be.
	Member bool `json:"member"`
	// CanJoin: the user may ask to be added (Settings allow joining chats
	// linked to this record type); JoinOff says they may not because of
	// that setting.
	CanJoin bool `json:"canJoin,omitempty"`
	JoinOff bool `json:"joinOff,omitempty"`
	// Join is the user's request to join, while it is not settled by a
	// sync that brings the chat in.
	Join *OpRef `json:"join,omitempty"`
	// Kind is what is linked: chat, thread or message. Threads and
	// messages (Local: kept in Rapport) name their conversation and
	// message; ChatID holds their target.
	Kind      string `json:"kind"`
	ConvID    string `json:"convId,omitempty"`
	MessageID string `json:"messageId,omitempty"`
	Local     bool   `json:"local,omitempty"`
}

// OpRef is an outbox operation's state, for the UI.
type OpRef struct {
	Seq   uint64 `json:"seq"`
	State string `json:"state"`
	Error string `json:"error,omitempty"`
}

// LastMessage is a chat's newest message, as text.
type LastMessage struct {
	From string    `json:"from"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Timeline lists the chats (and threads and messages) linked to a record,
// rolled up: an account also
// shows the chats linked to its contacts, cases and opportunities; a
// contact those of the cases it is the primary contact of. Newest
// activity first, from the store (offline).
func (s *Service) Timeline(ctx context.Context, set, recordID string) ([]TimelineItem, error) {
	if !crm.IsLinkable(set) {
		return nil, fmt.Errorf("%w: record type %q", ErrInvalid, set)
	}
	w, err := s.world(ctx)
	if err != nil {
		return nil, err
	}
	related := map[string]bool{set + "/" + recordID: true}
	for _, child := range crm.Rollups[set] {
		rs, err := s.db.Records(ctx, child.Set)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if v, _ := r.Fields[child.Lookup].(string); strings.EqualFold(v, recordID) {
				related[child.Set+"/"+r.ID] = true
			}
		}
	}
	states, err := w.byRecord(ctx, related)
	if err != nil {
		return nil, err
	}
	chats, err := s.names.Chats(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	member := map[string]bool{}
	for _, c := range chats {
		names[c.ID] = c.Name
		member[c.ID] = true
	}
	// Chats linked in Dynamics that the user is not in: named by the
	// link row's subject.
	for _, st := range states {
		if st.Row != nil && !member[st.Target] {
			if subj, _ := st.Row.Fields[crm.LinkSubject].(string); subj != "" || names[st.Target] == "" {
				names[st.Target] = subj
			}
		}
	}
	joins := map[string]storage.Op{} // chat → the newest join not discarded
	ops, err := s.db.Outbox(ctx, storage.OpPending, storage.OpInFlight, storage.OpFailed, storage.OpConflict, storage.OpDone)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if op.Kind == storage.OpJoin && op.Seq > joins[op.ChatID].Seq {
			joins[op.ChatID] = op
		}
	}
	teams, err := s.names.Channels(ctx)
	if err != nil {
		return nil, err
	}
	for _, ch := range teams {
		names[ch.ID] = ch.Name
	}
	out := []TimelineItem{}
	for _, st := range states {
		if !st.Linked {
			continue
		}
		v, err := s.view(ctx, w, st)
		if err != nil {
			return nil, err
		}
		if kind, _, _ := storage.ParseTarget(v.ChatID); kind != storage.TargetChat {
			it, err := localItem(ctx, s.db, v, names)
			if err != nil {
				return nil, err
			}
			out = append(out, it)
			continue
		}
		it := TimelineItem{ChatID: v.ChatID, ChatName: names[v.ChatID], Via: v.Record, LinkedBy: v.By, LinkedAt: v.At, Member: member[v.ChatID],
			Kind: storage.TargetChat, ConvID: v.ChatID}
		if !it.Member {
			it.CanJoin, it.JoinOff = w.rules[v.Set].Join, !w.rules[v.Set].Join
			if op, ok := joins[v.ChatID]; ok {
				it.Join = &OpRef{Seq: op.Seq, State: op.State, Error: op.Error}
			}
		}
		if ms, err := s.db.Messages(ctx, v.ChatID, time.Time{}, 1); err == nil && len(ms) == 1 {
			it.LastMessage = lastMessage(ms[0])
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].LastMessage, out[j].LastMessage
		return a != nil && (b == nil || a.At.After(b.At))
	})
	return out, nil
}

func runeStartApp(s string, i int) int {
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
		i--
	}
	return i
}

// Settings returns the card fields, key fields and rules per record type.
func (s *Service) Settings(ctx context.Context) (LinkSettings, error) {
	return s.settings(ctx, s.db)
}

// columnRE is a Dataverse column's logical name.
var columnRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,99}$`)

// SetSettings stores card fields and key fields (at most five per type)
// and the rules.
func (s *Service) SetSettings(ctx context.Context, ls LinkSettings) (LinkSettings, error) {
	for set, f := range ls.Fields {
		if !crm.IsLinkable(set) || len(f) > 5 {
			return LinkSettings{}, fmt.Errorf("%w: card fields for %q (a record type, at most five)", ErrInvalid, set)
		}
	}
	for set, f := range ls.KeyFields {
		if !crm.IsLinkable(set) || len(f) > 5 {
			return LinkSettings{}, fmt.Errorf("%w: key fields for %q (a record type, at most five)", ErrInvalid, set)
		}
		for _, col := range f {
			if !columnRE.MatchString(col) {
				return LinkSettings{}, fmt.Errorf("%w: key field %q of %s is not a column name", ErrInvalid, col, set)
			}
		}
	}
	db := s.db
	if err := db.PutSetting(ctx, linkSetting, ls); err != nil {
		return LinkSettings{}, err
	}
	return s.Settings(ctx)
}
