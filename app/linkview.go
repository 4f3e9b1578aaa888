package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// errPermission marks an edit the user's role does not allow.
var errPermission = errors.New("not allowed")

// Links serves chat ↔ record links: the links a chat has (synced and
// queued), suggestions, offline link and unlink, the outbox and a record's
// timeline. It is safe for concurrent use.
type Links struct{ c *Core }

// FieldChoice is one column a record card shows.
type FieldChoice struct {
	Field string `json:"field"`
	Label string `json:"label"`
}

// cardFields are the default context-card columns per record type (up to
// five; Settings can change them).
var cardFields = map[string][]FieldChoice{
	"incidents":         {{"title", "Title"}, {"ticketnumber", "Case number"}, {"prioritycode", "Priority"}, {"statecode", "Status"}, {"statuscode", "Status reason"}},
	"accounts":          {{"name", "Name"}, {"accountnumber", "Account number"}, {"emailaddress1", "E-mail"}, {"telephone1", "Phone"}, {"address1_city", "City"}},
	"contacts":          {{"fullname", "Name"}, {"jobtitle", "Job title"}, {"emailaddress1", "E-mail"}, {"telephone1", "Phone"}},
	"opportunities":     {{"name", "Topic"}, {"stepname", "Stage"}, {"estimatedvalue", "Est. revenue"}, {"estimatedclosedate", "Est. close date"}},
	"knowledgearticles": {{"title", "Title"}, {"articlepublicnumber", "Article number"}, {"keywords", "Keywords"}},
}

// optionLabels name option-set values when the row carries no formatted
// value annotation.
var optionLabels = map[string]map[string]string{
	"prioritycode": {"1": "High", "2": "Normal", "3": "Low"},
	"statecode":    {"0": "Active", "1": "Resolved", "2": "Cancelled"},
	"statuscode": {"1": "In Progress", "2": "On Hold", "3": "Waiting for Details", "4": "Researching", "5": "Problem Solved",
		"1000": "Information Provided", "6": "Cancelled", "2000": "Merged"},
}

// logical names of the record types, for Dynamics URLs and link rows.
var logicalOf = map[string]string{"incidents": "incident", "accounts": "account", "contacts": "contact",
	"opportunities": "opportunity", "knowledgearticles": "knowledgearticle"}

// RecordCard is a record as a context card shows it.
type RecordCard struct {
	Set     string      `json:"set"`
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Fields  []CardField `json:"fields"`
	URL     string      `json:"url,omitempty"`
	Deleted bool        `json:"deleted,omitempty"`
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

func fieldText(r storage.Record, f string) string {
	if v, ok := r.Fields[f+"@OData.Community.Display.V1.FormattedValue"].(string); ok && v != "" {
		return v
	}
	v, ok := r.Fields[f]
	if !ok || v == nil {
		return ""
	}
	s := fmt.Sprint(v)
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		s = fmt.Sprint(int64(f))
	}
	if labels, ok := optionLabels[f]; ok && labels[s] != "" {
		return labels[s]
	}
	return s
}

// card builds a record's context card with the chosen fields; a field
// whose value is not text or a number (a lookup, a list) is skipped.
func (c *Core) card(r storage.Record, choice []FieldChoice) RecordCard {
	title, _ := search.RecordText(&r)
	out := RecordCard{Set: r.Set, ID: r.ID, Title: title, Deleted: r.Deleted != nil, Fields: []CardField{}, record: r}
	for _, f := range choice {
		switch r.Fields[f.Field].(type) {
		case string, float64, bool, nil:
		default:
			continue
		}
		if v := fieldText(r, f.Field); v != "" {
			key, valueKey := fieldKeys(r.Set, f.Field, r.Fields[f.Field])
			out.Fields = append(out.Fields, CardField{Label: f.Label, Value: v, Field: f.Field, Key: key, ValueKey: valueKey})
		}
		if len(out.Fields) == 5 {
			break
		}
	}
	if ep, err := c.endpoints(); err == nil && ep.Dataverse != "" {
		out.URL = strings.TrimRight(ep.Dataverse, "/") + "/main.aspx?pagetype=entityrecord&etn=" + logicalOf[r.Set] + "&id=" + url.QueryEscape(r.ID)
	}
	return out
}

// linkWorld is what link views are computed from, read once per call.
type linkWorld struct {
	me         string
	privileged bool
	rules      map[string]TypeRule
	records    map[string]map[string]storage.Record // set → id → record
	sysToAAD   map[string]string                    // systemuser id → Entra object id
	sysName    map[string]string                    // systemuser id → name
	userName   map[string]string                    // Entra object id → display name
	server     []storage.Record                     // Dataverse chats rows (links as synced)
	ops        map[string]storage.Op                // operation id → op
	fields     map[string][]FieldChoice
	keyFields  map[string][]string
}

func (s *Links) world(ctx context.Context, db *storage.DB) (*linkWorld, error) {
	w := &linkWorld{records: map[string]map[string]storage.Record{}, sysToAAD: map[string]string{}, sysName: map[string]string{},
		userName: map[string]string{}, ops: map[string]storage.Op{}}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		w.userName[u.ID] = u.DisplayName
	}
	w.me, _ = db.Me(ctx)
	ls, err := s.settings(ctx, db)
	if err != nil {
		return nil, err
	}
	w.rules, w.privileged, w.fields, w.keyFields = ls.Rules, ls.Privileged, ls.Fields, ls.KeyFields
	for set := range logicalOf {
		rs, err := db.Records(ctx, set)
		if err != nil {
			return nil, err
		}
		w.records[set] = map[string]storage.Record{}
		for _, r := range rs {
			w.records[set][r.ID] = r
		}
	}
	sys, err := db.Records(ctx, "systemusers")
	if err != nil {
		return nil, err
	}
	for _, u := range sys {
		w.sysToAAD[u.ID], _ = u.Fields["azureactivedirectoryobjectid"].(string)
		w.sysName[u.ID], _ = u.Fields["fullname"].(string)
	}
	if w.server, err = db.Records(ctx, "chats"); err != nil {
		return nil, err
	}
	ops, err := db.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		w.ops[op.ID] = op
	}
	return w, nil
}

// setOf maps a link row's regarding type to an entity set.
func setOf(logical string) string {
	for set, l := range logicalOf {
		if l == logical {
			return set
		}
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
	return Notice{Label: labelOf(set, field), Old: valueText(field, old), New: valueText(field, new), At: at,
		Field: field, Key: key, OldKey: oldKey, NewKey: newKey}
}

// keyFields are the default fields whose changes linked chats are told
// about (Settings can change them; Dynamics' defaults for cases).
var keyFields = map[string][]string{
	"incidents":         {"prioritycode", "statecode", "statuscode"},
	"accounts":          {"statecode"},
	"contacts":          {"statecode"},
	"opportunities":     {"stepname", "statecode"},
	"knowledgearticles": {"statecode"},
}

// valueText formats a raw field value as cards do.
func valueText(field string, v any) string {
	if v == nil {
		return ""
	}
	return fieldText(storage.Record{Fields: map[string]any{field: v}}, field)
}

// labelOf names a field: its card label, or the field itself.
func labelOf(set, field string) string {
	for _, f := range cardFields[set] {
		if f.Field == field {
			return f.Label
		}
	}
	return field
}

// notices lists the key-field changes of a record after since (at most
// five, newest last).
func notices(ctx context.Context, db *storage.DB, set, id string, fields []string, since time.Time) ([]Notice, error) {
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

// views lists the links of the given chats: synced rows, overridden by
// what the user did in Rapport.
func (s *Links) views(ctx context.Context, db *storage.DB, w *linkWorld, chats []string) ([]LinkView, error) {
	type k struct{ chat, set, rec string }
	byKey := map[k]*LinkView{}
	seenUpTo := map[k]time.Time{} // notices dismissed or posted up to
	var order []k
	add := func(key k, v LinkView) {
		if _, ok := byKey[key]; !ok {
			order = append(order, key)
		}
		byKey[key] = &v
	}
	for _, row := range w.server {
		chat, _ := row.Fields["teamschatid"].(string)
		rec, _ := row.Fields["_regardingobjectid_value"].(string)
		logical, _ := row.Fields["regardingobjecttypecode"].(string)
		set := setOf(logical)
		if row.Deleted != nil || set == "" || !slices.Contains(chats, chat) {
			continue
		}
		v := LinkView{ChatID: chat, Set: set, RecordID: rec, Linked: true, Sync: SyncSynced}
		by, _ := row.Fields["_linkedby_value"].(string)
		v.By, v.linkerAAD = w.sysName[by], w.sysToAAD[by]
		if t, err := time.Parse(time.RFC3339, fmt.Sprint(row.Fields["linkedon"])); err == nil {
			v.At = &t
		}
		add(k{chat, set, rec}, v)
	}
	for _, chat := range chats {
		ls, err := db.Links(ctx, chat)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			key := k{chat, l.Set, l.RecordID}
			seenUpTo[key] = l.SeenUpTo
			v := LinkView{ChatID: chat, Set: l.Set, RecordID: l.RecordID, Linked: l.Linked, Sync: SyncSynced, linkerAAD: l.By}
			if prev, ok := byKey[key]; ok && l.Op == "" {
				v = *prev // done: the synced row speaks (or its absence)
				if !l.Linked {
					continue
				}
			}
			at := l.At
			v.At = &at
			if op, ok := w.ops[l.Op]; ok && op.State != storage.OpDone && op.State != storage.OpDiscarded {
				v.Sync, v.Error, v.OpSeq = op.State, op.Error, op.Seq
			}
			if kind, _, _ := storage.ParseTarget(chat); kind != storage.TargetChat {
				v.Sync = storage.OpLocal // Dynamics links chats only
			}
			if !l.Linked && (v.Sync == SyncSynced || v.Sync == storage.OpLocal) {
				delete(byKey, key)
				continue
			}
			if v.By == "" {
				v.By = w.userName[l.By]
			}
			add(key, v)
		}
	}
	out := make([]LinkView, 0, len(order))
	for _, key := range order {
		v, ok := byKey[key]
		if !ok {
			continue
		}
		r, ok := w.records[v.Set][v.RecordID]
		if !ok {
			r = storage.Record{Set: v.Set, ID: v.RecordID, Fields: map[string]any{}}
		}
		v.Record = s.c.card(r, w.fields[v.Set])
		v.CanUnlink, v.UnlinkReason = unlinkAllowed(w.rules[v.Set], ownerAAD(w, r) == w.me && w.me != "", v.linkerAAD == w.me && w.me != "", w.privileged)
		if v.Sync == storage.OpLocal {
			v.CanUnlink, v.UnlinkReason = true, "" // the user's own note, not Dynamics'
		}
		if !v.CanUnlink {
			v.UnlinkCode = unlinkCode(w.rules[v.Set])
		}
		if v.Linked && v.At != nil && v.Sync != storage.OpLocal { // notices go to chats
			since := *v.At
			if seen := seenUpTo[k{v.ChatID, v.Set, v.RecordID}]; seen.After(since) {
				since = seen
			}
			ns, err := notices(ctx, db, v.Set, v.RecordID, w.keyFields[v.Set], since)
			if err != nil {
				return nil, err
			}
			v.Notices = ns
		}
		out = append(out, *v)
	}
	return out, nil
}

func ownerAAD(w *linkWorld, r storage.Record) string {
	owner, _ := r.Fields["_ownerid_value"].(string)
	return w.sysToAAD[owner]
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
func (s *Links) settings(ctx context.Context, db *storage.DB) (LinkSettings, error) {
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
	for set := range logicalOf {
		rule := TypeRule{OwnerMay: true, LinkerMay: true, Join: set == "incidents"}
		if r, ok := stored.Rules[set]; ok {
			rule.OwnerMay, rule.LinkerMay = r.OwnerMay, r.LinkerMay
			if r.Join != nil {
				rule.Join = *r.Join
			}
		}
		ls.Rules[set] = rule
		ls.Fields[set] = cardFields[set]
		if f, ok := stored.Fields[set]; ok && len(f) > 0 {
			ls.Fields[set] = f
		}
		ls.KeyFields[set] = keyFields[set]
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

// load opens what every Links call reads.
func (s *Links) load() (*storage.DB, *linkWorld, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, nil, err
	}
	w, err := s.world(s.c.ctx, db)
	return db, w, err
}

// ForChat lists a chat's links, synced and queued.
func (s *Links) ForChat(chatID string) ([]LinkView, error) {
	db, w, err := s.load()
	if err != nil {
		return nil, err
	}
	return s.views(s.c.ctx, db, w, []string{chatID})
}

// Suggest lists records worth linking to a chat (or a thread or message),
// best first: the customer's contacts in the chat (among the thread's or
// message's authors) and their accounts, accounts whose e-mail domain an
// outside member shares, and cases whose number appears in the chat
// (thread, message). Records already linked are left out.
func (s *Links) Suggest(chatID string) ([]Suggestion, error) {
	db, w, err := s.load()
	if err != nil {
		return nil, err
	}
	ctx := s.c.ctx
	linked, err := s.views(ctx, db, w, []string{chatID})
	if err != nil {
		return nil, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	members, ms, err := targetScope(ctx, db, chatID, users)
	if err != nil {
		return nil, err
	}
	guest := map[string]bool{}
	for _, u := range users {
		guest[u.ID] = u.UserType == "Guest"
	}
	var out []Suggestion
	seen := map[string]bool{}
	for _, l := range linked {
		if l.Linked {
			seen[l.Set+"/"+l.RecordID] = true
		}
	}
	suggest := func(set, id, why string) {
		r, ok := w.records[set][id]
		if !ok || r.Deleted != nil || seen[set+"/"+id] {
			return
		}
		seen[set+"/"+id] = true
		out = append(out, Suggestion{Card: s.c.card(r, w.fields[set]), Why: why})
	}
	domains := map[string]bool{}
	for _, m := range members {
		mail := strings.ToLower(m.Email)
		for id, r := range w.records["contacts"] {
			if e, _ := r.Fields["emailaddress1"].(string); mail != "" && strings.EqualFold(e, mail) {
				suggest("contacts", id, WhyContact)
				if acc, _ := r.Fields["_parentcustomerid_value"].(string); acc != "" {
					suggest("accounts", acc, WhyContact)
				}
			}
		}
		if _, d, ok := strings.Cut(mail, "@"); ok && (guest[m.UserID] || m.UserID == "" || slices.Contains(m.Roles, "guest")) {
			domains[d] = true
		}
	}
	for id, r := range w.records["accounts"] {
		e, _ := r.Fields["emailaddress1"].(string)
		web, _ := r.Fields["websiteurl"].(string)
		_, d, _ := strings.Cut(strings.ToLower(e), "@")
		if domains[d] || web != "" && domains[strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(web), "https://"), "http://"), "www.")] {
			suggest("accounts", id, WhyDomain)
		}
	}
	tickets := map[string]bool{}
	for _, m := range ms {
		for _, t := range search.CaseNumbers(search.Content(&m).Text) {
			tickets[t] = true
		}
	}
	for id, r := range w.records["incidents"] {
		if t, _ := r.Fields["ticketnumber"].(string); tickets[strings.ToUpper(t)] {
			suggest("incidents", id, WhyCaseNumber)
		}
	}
	if out == nil {
		out = []Suggestion{}
	}
	return out, nil
}

// Find searches records by name, number or e-mail (at most 50).
func (s *Links) Find(q string) ([]RecordCard, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return []RecordCard{}, nil
	}
	_, w, err := s.load()
	if err != nil {
		return nil, err
	}
	out := []RecordCard{}
	for set, rs := range w.records {
		for _, r := range rs {
			if r.Deleted != nil {
				continue
			}
			_, text := search.RecordText(&r)
			if strings.Contains(strings.ToLower(text), q) {
				out = append(out, s.c.card(r, w.fields[set]))
			}
		}
	}
	sortCards(out)
	if len(out) > 50 {
		out = out[:50]
	}
	return out, nil
}

// errAmbiguous marks a record reference that names several records; the
// error is an *AmbiguousError listing them.
var errAmbiguous = errors.New("several records match")

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

func (e *AmbiguousError) Unwrap() error { return errAmbiguous }

// refKeys are the fields a record is known by, by type: numbers, e-mail
// and name (with what to call each in a match).
var refKeys = map[string][]FieldChoice{
	"incidents":         {{"ticketnumber", "case number"}, {"title", "title"}},
	"accounts":          {{"accountnumber", "account number"}, {"emailaddress1", "e-mail"}, {"name", "name"}},
	"contacts":          {{"emailaddress1", "e-mail"}, {"fullname", "name"}},
	"opportunities":     {{"name", "name"}},
	"knowledgearticles": {{"articlepublicnumber", "article number"}, {"title", "title"}},
}

// refSet reads the word a reference names a record type with (SET:…): an
// entity set, a logical name, "case" or "article"; "" when it is none.
func refSet(word string) string {
	word = strings.ToLower(word)
	switch word {
	case "case", "cases":
		return "incidents"
	case "article", "articles":
		return "knowledgearticles"
	}
	if logicalOf[word] != "" {
		return word
	}
	return setOf(word)
}

// refAmong says which records a reference is looked for among.
type refAmong int

const (
	amongLive    refAmong = iota // to link: every record not deleted
	amongLinked                  // to unlink: the records the target is linked to
	amongDynamic                 // to join: the records Dynamics 365 links the chat to
)

// resolve finds the record a reference names, the way `rapport link`,
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
// record: it. Several: errAmbiguous (*AmbiguousError lists them). None:
// storage.ErrNotFound, naming what was searched. To link, every record that
// is not deleted is looked at; to unlink, only those the target is linked
// to (in Rapport or in Dynamics); to join, those Dynamics links the chat
// to: a name several records share is often settled by the chat.
func (s *Links) resolve(target, set, ref string, among refAmong) (RecordRef, error) {
	if pre, rest, ok := strings.Cut(ref, ":"); ok && refSet(strings.TrimSpace(pre)) != "" {
		if set != "" && refSet(strings.TrimSpace(pre)) != set {
			return RecordRef{}, fmt.Errorf("%w: %q is not a record of type %s", errInvalid, ref, set)
		}
		set, ref = refSet(strings.TrimSpace(pre)), rest
	}
	text := strings.TrimSpace(strings.Trim(strings.TrimSpace(ref), "{}"))
	if text == "" {
		return RecordRef{}, fmt.Errorf("%w: give a record: a case number, a name, an e-mail or SET:ID", errInvalid)
	}
	if set != "" && logicalOf[set] == "" {
		return RecordRef{}, fmt.Errorf("%w: record type %q (one of %v)", errInvalid, set, linkSets)
	}
	db, w, err := s.load()
	if err != nil {
		return RecordRef{}, err
	}
	ctx := s.c.ctx
	type cand struct {
		set, id string
		r       storage.Record
	}
	var cands []cand
	add := func(set, id string) {
		r, ok := w.records[set][id]
		if !ok {
			r = storage.Record{Set: set, ID: id, Fields: map[string]any{}}
		}
		cands = append(cands, cand{set, id, r})
	}
	where := ""
	switch among {
	case amongLive:
		if err := targetExists(ctx, db, target); err != nil {
			return RecordRef{}, err
		}
		for set, rs := range w.records {
			for id, r := range rs {
				if r.Deleted == nil {
					add(set, id)
				}
			}
		}
	case amongLinked:
		if err := targetExists(ctx, db, target); err != nil {
			return RecordRef{}, err
		}
		views, err := s.views(ctx, db, w, []string{target})
		if err != nil {
			return RecordRef{}, err
		}
		for _, v := range views {
			if v.Linked {
				add(v.Set, v.RecordID)
			}
		}
		where = " among the records " + target + " is linked to"
	case amongDynamic:
		seen := map[string]bool{}
		for _, row := range w.server {
			chat, _ := row.Fields["teamschatid"].(string)
			rec, _ := row.Fields["_regardingobjectid_value"].(string)
			logical, _ := row.Fields["regardingobjecttypecode"].(string)
			if k := logical + "/" + rec; row.Deleted == nil && chat == target && setOf(logical) != "" && !seen[k] {
				seen[k] = true
				add(setOf(logical), rec)
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
		ref := RecordRef{Set: c.set, ID: c.id, Detail: refDetail(w, c.r)}
		ref.Title, _ = search.RecordText(&c.r)
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
func refDetail(w *linkWorld, r storage.Record) string {
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
			addField(w.records["accounts"][acc], "name")
		}
	case "knowledgearticles":
		addField(r, "articlepublicnumber")
	}
	return strings.Join(parts, " · ")
}

// Link queues a link of a chat to a record.
func (s *Links) Link(chatID, set, recordID string) (storage.Op, error) {
	return s.edit(chatID, set, recordID, true)
}

// Unlink queues the removal of a chat's link to a record, if the rules of
// that record type allow the user to.
func (s *Links) Unlink(chatID, set, recordID string) (storage.Op, error) {
	return s.edit(chatID, set, recordID, false)
}

func (s *Links) edit(chatID, set, recordID string, linked bool) (storage.Op, error) {
	if logicalOf[set] == "" {
		return storage.Op{}, fmt.Errorf("%w: record type %q", errInvalid, set)
	}
	db, w, err := s.load()
	if err != nil {
		return storage.Op{}, err
	}
	ctx := s.c.ctx
	if err := targetExists(ctx, db, chatID); err != nil {
		return storage.Op{}, err
	}
	r, ok := w.records[set][recordID]
	if linked && (!ok || r.Deleted != nil) {
		return storage.Op{}, fmt.Errorf("%s(%s): %w", set, recordID, storage.ErrNotFound)
	}
	if !linked {
		views, err := s.views(ctx, db, w, []string{chatID})
		if err != nil {
			return storage.Op{}, err
		}
		i := slices.IndexFunc(views, func(v LinkView) bool { return v.Set == set && v.RecordID == recordID && v.Linked })
		if i < 0 {
			return storage.Op{}, fmt.Errorf("link of %s to %s(%s): %w", chatID, set, recordID, storage.ErrNotFound)
		}
		if !views[i].CanUnlink {
			return storage.Op{}, fmt.Errorf("%w: %s", errPermission, views[i].UnlinkReason)
		}
		if err := s.adopt(ctx, db, w, chatID, set, recordID); err != nil {
			return storage.Op{}, err
		}
	}
	title, _ := search.RecordText(&r)
	op, err := db.SetLink(ctx, chatID, set, recordID, linked, w.me, title, time.Now().UTC())
	if err != nil {
		return op, err
	}
	if ix, err := s.c.searchIndex(); err == nil {
		ix.ReloadNames()
	}
	return op, nil
}

// adopt records a link that exists in Dynamics but not yet in Rapport's
// links, with its row id, so unlinking it deletes that row (AdoptLink
// leaves a link Rapport knows as it is).
func (s *Links) adopt(ctx context.Context, db *storage.DB, w *linkWorld, chatID, set, recordID string) error {
	row, ok := w.serverRow(chatID, set, recordID)
	if !ok {
		return nil
	}
	by, _ := row.Fields["_linkedby_value"].(string)
	at, _ := time.Parse(time.RFC3339, fmt.Sprint(row.Fields["linkedon"]))
	return db.AdoptLink(ctx, storage.Link{ChatID: chatID, Set: set, RecordID: recordID, ActivityID: row.ID, Linked: true, By: w.sysToAAD[by], At: at})
}

// serverRow finds Dynamics' live chats row linking a chat to a record.
func (w *linkWorld) serverRow(chatID, set, recordID string) (storage.Record, bool) {
	for _, row := range w.server {
		chat, _ := row.Fields["teamschatid"].(string)
		rec, _ := row.Fields["_regardingobjectid_value"].(string)
		logical, _ := row.Fields["regardingobjecttypecode"].(string)
		if row.Deleted == nil && chat == chatID && strings.EqualFold(rec, recordID) && setOf(logical) == set {
			return row, true
		}
	}
	return storage.Record{}, false
}

// OpView is an outbox operation with names for the UI.
type OpView struct {
	storage.Op
	ChatName    string `json:"chatName,omitempty"`
	RecordTitle string `json:"recordTitle,omitempty"`
}

// Outbox lists every operation, newest first.
func (s *Links) Outbox() ([]OpView, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	ops, err := db.Outbox(s.c.ctx)
	if err != nil {
		return nil, err
	}
	chats, err := s.c.Conversations.Chats()
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
func (s *Links) Retry(seq uint64) (storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return storage.Op{}, err
	}
	return db.RetryOp(s.c.ctx, seq, time.Now().UTC())
}

// Discard gives up on an operation; its link returns to what it was.
func (s *Links) Discard(seq uint64) (storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return storage.Op{}, err
	}
	op, err := db.DiscardOp(s.c.ctx, seq, time.Now().UTC())
	if err == nil {
		if ix, err := s.c.searchIndex(); err == nil {
			ix.ReloadNames()
		}
	}
	return op, err
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
func (s *Links) Timeline(set, recordID string) ([]TimelineItem, error) {
	if logicalOf[set] == "" {
		return nil, fmt.Errorf("%w: record type %q", errInvalid, set)
	}
	db, w, err := s.load()
	if err != nil {
		return nil, err
	}
	ctx := s.c.ctx
	related := map[string]bool{set + "/" + recordID: true}
	rollup := map[string][][2]string{ // set → (child set, lookup column pointing at the parent)
		"accounts": {{"contacts", "_parentcustomerid_value"}, {"incidents", "_customerid_value"}, {"opportunities", "_parentaccountid_value"}},
		"contacts": {{"incidents", "_primarycontactid_value"}},
	}
	for _, child := range rollup[set] {
		for id, r := range w.records[child[0]] {
			if v, _ := r.Fields[child[1]].(string); strings.EqualFold(v, recordID) {
				related[child[0]+"/"+id] = true
			}
		}
	}
	chats, err := s.c.Conversations.Chats()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	member := map[string]bool{}
	ids := make([]string, 0, len(chats))
	for _, c := range chats {
		names[c.ID] = c.Name
		member[c.ID] = true
		ids = append(ids, c.ID)
	}
	// Chats linked in Dynamics that the user is not in: named by the
	// link row's subject.
	for _, row := range w.server {
		chat, _ := row.Fields["teamschatid"].(string)
		if row.Deleted == nil && chat != "" && !member[chat] {
			if _, ok := names[chat]; !ok {
				ids = append(ids, chat)
			}
			if subj, _ := row.Fields["subject"].(string); subj != "" || names[chat] == "" {
				names[chat] = subj
			}
		}
	}
	joins := map[string]storage.Op{} // chat → the newest join not discarded
	for _, op := range w.ops {
		if op.Kind == storage.OpJoin && op.State != storage.OpDiscarded && op.Seq > joins[op.ChatID].Seq {
			joins[op.ChatID] = op
		}
	}
	views, err := s.views(ctx, db, w, ids)
	if err != nil {
		return nil, err
	}
	out := []TimelineItem{}
	for _, v := range views {
		if !v.Linked || !related[v.Set+"/"+v.RecordID] {
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
		if ms, err := db.Messages(ctx, v.ChatID, time.Time{}, 1); err == nil && len(ms) == 1 {
			it.LastMessage = lastMessage(ms[0])
		}
		out = append(out, it)
	}
	teams, err := s.c.Conversations.Teams()
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		for _, ch := range t.Channels {
			names[ch.ID] = t.Name + " / " + ch.Name
		}
	}
	local, err := s.localItems(ctx, db, w, related, names)
	if err != nil {
		return nil, err
	}
	out = append(out, local...)
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
func (s *Links) Settings() (LinkSettings, error) {
	db, err := s.c.store()
	if err != nil {
		return LinkSettings{}, err
	}
	return s.settings(s.c.ctx, db)
}

// columnRE is a Dataverse column's logical name.
var columnRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,99}$`)

// SetSettings stores card fields and key fields (at most five per type)
// and the rules.
func (s *Links) SetSettings(ls LinkSettings) (LinkSettings, error) {
	for set, f := range ls.Fields {
		if logicalOf[set] == "" || len(f) > 5 {
			return LinkSettings{}, fmt.Errorf("%w: card fields for %q (a record type, at most five)", errInvalid, set)
		}
	}
	for set, f := range ls.KeyFields {
		if logicalOf[set] == "" || len(f) > 5 {
			return LinkSettings{}, fmt.Errorf("%w: key fields for %q (a record type, at most five)", errInvalid, set)
		}
		for _, col := range f {
			if !columnRE.MatchString(col) {
				return LinkSettings{}, fmt.Errorf("%w: key field %q of %s is not a column name", errInvalid, col, set)
			}
		}
	}
	db, err := s.c.store()
	if err != nil {
		return LinkSettings{}, err
	}
	if err := db.PutSetting(s.c.ctx, linkSetting, ls); err != nil {
		return LinkSettings{}, err
	}
	return s.Settings()
}
