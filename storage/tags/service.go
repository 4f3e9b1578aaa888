package tags

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rapport-app/rapport/storage"
)

// Errors the tags calls return (wrapped, with the detail).
var (
	// ErrInvalid is a tag name, colour, target or dump line Rapport
	// cannot use.
	ErrInvalid = errors.New("invalid tag request")
	// ErrExists is a rename onto a tag that is already in use (merge it
	// instead).
	ErrExists = errors.New("tag already exists")
)

// Store is what tags read and write in the store (*storage.DB).
type Store interface {
	EditTags(ctx context.Context, e storage.TagEdit) (storage.TagResult, error)
	UndoTags(ctx context.Context, dryRun bool) (storage.TagChange, storage.TagResult, error)
	LastTagChange(ctx context.Context) (storage.TagChange, bool, error)
	ItemTags(ctx context.Context, targets []string) (map[string][]string, error)
	ConvTags(ctx context.Context, convID string) (map[string][]string, error)
	EachItemTags(ctx context.Context, f func(target string, tags []string) error) error
	TagCounts(ctx context.Context) (map[string]int, error)
	TagMetas(ctx context.Context) (map[string]storage.TagMeta, error)
	IsTagTarget(ctx context.Context, target string) (bool, error)
	ConvIDs(ctx context.Context) (map[int64]string, error)
}

// Index is what tags read from the search index (*search.Index).
type Index interface {
	// DocIDs lists every document a query matches, as search.Search
	// would find them.
	DocIDs(ctx context.Context, q string) ([]string, error)
	// Hashtags counts the messages carrying each hashtag in their text
	// (folded, without '#').
	Hashtags(ctx context.Context) (map[string]int, error)
}

// Colors are the tag colours the UI offers ("" is none).
var Colors = []string{"red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "gray"}

// MaxLen bounds a tag name, in characters.
const MaxLen = 64

// Norm returns a tag name as the store keeps it: without '#', trimmed,
// NFC, lower case; letters, digits, marks, '_' and '-' only, starting
// with a letter, a digit or '_', at most MaxLen characters.
func Norm(s string) (string, error) {
	t := strings.ToLower(norm.NFC.String(strings.TrimPrefix(strings.TrimSpace(s), "#")))
	if t == "" {
		return "", fmt.Errorf("%w: empty tag", ErrInvalid)
	}
	if utf8.RuneCountInString(t) > MaxLen {
		return "", fmt.Errorf("%w: tag %q is longer than %d characters", ErrInvalid, s, MaxLen)
	}
	for i, r := range t {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || i > 0 && (unicode.IsMark(r) || r == '-')
		if !ok {
			return "", fmt.Errorf("%w: tag %q: letters, digits, '_' and '-' only (%q)", ErrInvalid, s, r)
		}
	}
	return t, nil
}

func normAll(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, s := range in {
		t, err := Norm(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Service answers the tags calls over one store and its index. It is
// safe for concurrent use when they are.
type Service struct {
	db  Store
	ix  Index
	now func() time.Time
}

// New returns a Service over db and ix (ix may be nil: no bulk tagging,
// no hashtags).
func New(db Store, ix Index) *Service { return &Service{db: db, ix: ix, now: time.Now} }

// Tag is a user tag as the Tags list shows it.
type Tag struct {
	Name  string `json:"name"`
	Count int    `json:"count"` // items carrying it
	Color string `json:"color,omitempty"`
	// Topic is the tag this one is an alias of ("" for its own topic).
	Topic string `json:"topic,omitempty"`
	// Aliases are the other labels of its topic (topic first).
	Aliases []string `json:"aliases,omitempty"`
}

// Hashtag is a hashtag found in message text.
type Hashtag struct {
	Name  string `json:"name"`
	Count int    `json:"count"` // messages carrying it
}

// List is the Tags list: the user's tags, hashtags apart, and the change
// Undo would undo.
type List struct {
	Tags     []Tag              `json:"tags"`
	Hashtags []Hashtag          `json:"hashtags"`
	Undo     *storage.TagChange `json:"undo,omitempty"`
	// HashtagsError says why hashtags are missing (the index is not
	// open), "" otherwise.
	HashtagsError string `json:"hashtagsError,omitempty"`
}

// Change is what an edit did, or (DryRun) would do.
type Change struct {
	What    string `json:"what"`
	DryRun  bool   `json:"dryRun,omitempty"`
	Items   int    `json:"items"`   // items whose tags changed
	Added   int    `json:"added"`   // tags put on items
	Removed int    `json:"removed"` // tags taken off items
	Meta    int    `json:"meta"`    // tags whose colour or topic changed
	Docs    int    `json:"docs"`    // messages queued for re-indexing
	// Bulk only: results the query matched, and those that cannot carry
	// tags (CRM records).
	Matched int `json:"matched,omitempty"`
	Skipped int `json:"skipped,omitempty"`
}

func change(what string, dry bool, r storage.TagResult) Change {
	return Change{What: what, DryRun: dry, Items: r.Items, Added: r.Added, Removed: r.Removed, Meta: r.Meta, Docs: r.Docs}
}

// What names the changes (Change.What, storage.TagChange.What).
const (
	WhatTag     = "tag"
	WhatBulk    = "bulk"
	WhatRename  = "rename"
	WhatMerge   = "merge"
	WhatDelete  = "delete"
	WhatAlias   = "alias"
	WhatUnalias = "unalias"
	WhatColor   = "color"
	WhatRestore = "restore"
	WhatUndo    = "undo"
)

// List returns the user's tags with their counts, colours and aliases
// (by name), the hashtags found in messages (by count, then name), and
// the change Undo would undo.
func (s *Service) List(ctx context.Context) (List, error) {
	counts, err := s.db.TagCounts(ctx)
	if err != nil {
		return List{}, err
	}
	metas, err := s.db.TagMetas(ctx)
	if err != nil {
		return List{}, err
	}
	groups := topics(metas)
	names := map[string]bool{}
	for n := range counts {
		names[n] = true
	}
	for n := range metas {
		names[n] = true
	}
	for t := range groups {
		names[t] = true
	}
	out := List{Tags: []Tag{}, Hashtags: []Hashtag{}}
	for n := range names {
		m := metas[n]
		t := Tag{Name: n, Count: counts[n], Color: m.Color, Topic: m.Topic}
		if g := groups[root(metas, n)]; len(g) > 1 {
			t.Aliases = slices.DeleteFunc(slices.Clone(g), func(x string) bool { return x == n })
		}
		out.Tags = append(out.Tags, t)
	}
	sort.Slice(out.Tags, func(i, j int) bool { return out.Tags[i].Name < out.Tags[j].Name })
	if s.ix != nil {
		hs, err := s.ix.Hashtags(ctx)
		if err != nil {
			out.HashtagsError = err.Error()
		}
		for n, c := range hs {
			out.Hashtags = append(out.Hashtags, Hashtag{Name: n, Count: c})
		}
		sort.Slice(out.Hashtags, func(i, j int) bool {
			a, b := out.Hashtags[i], out.Hashtags[j]
			return a.Count > b.Count || a.Count == b.Count && a.Name < b.Name
		})
	}
	if ch, ok, err := s.db.LastTagChange(ctx); err != nil {
		return List{}, err
	} else if ok {
		out.Undo = &ch
	}
	return out, nil
}

// root is the topic a label belongs to: its Topic, else itself.
func root(metas map[string]storage.TagMeta, n string) string {
	if t := metas[n].Topic; t != "" {
		return t
	}
	return n
}

// topics groups labels by topic: topic → its labels, the topic first,
// then the others by name.
func topics(metas map[string]storage.TagMeta) map[string][]string {
	out := map[string][]string{}
	for n, m := range metas {
		if m.Topic != "" {
			out[m.Topic] = append(out[m.Topic], n)
		}
	}
	for t, g := range out {
		slices.Sort(g)
		out[t] = append([]string{t}, g...)
	}
	return out
}

// Of returns the tags of each target that has some.
func (s *Service) Of(ctx context.Context, targets []string) (map[string][]string, error) {
	return s.db.ItemTags(ctx, targets)
}

// ForConversation returns the tags of a conversation, its threads and
// its messages, by target.
func (s *Service) ForConversation(ctx context.Context, convID string) (map[string][]string, error) {
	return s.db.ConvTags(ctx, convID)
}

// Set adds and removes tags on one target: a conversation's id,
// thread/CONV/ROOT or message/CONV/MSG. It returns the target's tags.
// Single edits are not kept for Undo (it undoes the last bulk change).
func (s *Service) Set(ctx context.Context, target string, add, remove []string) ([]string, error) {
	ok, err := s.db.IsTagTarget(ctx, target)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a conversation, thread/CONV/ROOT or message/CONV/MSG Rapport holds", ErrInvalid, target)
	}
	a, err := normAll(add)
	if err != nil {
		return nil, err
	}
	r, err := normAll(remove)
	if err != nil {
		return nil, err
	}
	if len(a)+len(r) == 0 {
		return nil, fmt.Errorf("%w: no tag to add or remove", ErrInvalid)
	}
	if _, err := s.db.EditTags(ctx, storage.TagEdit{What: WhatTag, At: s.now(),
		Items: []storage.ItemTagEdit{{Target: target, Add: a, Remove: r}}}); err != nil {
		return nil, err
	}
	got, err := s.db.ItemTags(ctx, []string{target})
	if err != nil {
		return nil, err
	}
	if got[target] == nil {
		return []string{}, nil
	}
	return got[target], nil
}

// Bulk adds and removes tags on every message a search matches (records
// are counted in Skipped), in one transaction, kept for Undo.
func (s *Service) Bulk(ctx context.Context, query string, add, remove []string, dryRun bool) (Change, error) {
	if s.ix == nil {
		return Change{}, fmt.Errorf("%w: bulk tagging needs the search index", ErrInvalid)
	}
	a, err := normAll(add)
	if err != nil {
		return Change{}, err
	}
	r, err := normAll(remove)
	if err != nil {
		return Change{}, err
	}
	if len(a)+len(r) == 0 {
		return Change{}, fmt.Errorf("%w: give +TAG or -TAG", ErrInvalid)
	}
	if strings.TrimSpace(query) == "" {
		return Change{}, fmt.Errorf("%w: give a query (every message: is:message)", ErrInvalid)
	}
	ids, err := s.ix.DocIDs(ctx, query)
	if err != nil {
		return Change{}, err
	}
	convs, err := s.db.ConvIDs(ctx)
	if err != nil {
		return Change{}, err
	}
	items := make([]storage.ItemTagEdit, 0, len(ids))
	skipped := 0
	for _, id := range ids {
		kind, no, _, msg, err := storage.ParseDocID(id)
		conv, ok := convs[no]
		if err != nil || kind != 'm' || !ok {
			skipped++
			continue
		}
		items = append(items, storage.ItemTagEdit{Target: storage.MessageTarget(conv, msg), Add: a, Remove: r})
	}
	// Key order: the store's pages are written once, in sequence.
	sort.Slice(items, func(i, j int) bool { return items[i].Target < items[j].Target })
	res, err := s.db.EditTags(ctx, storage.TagEdit{What: WhatBulk, At: s.now(), Items: items, Journal: true, DryRun: dryRun})
	if err != nil {
		return Change{}, fmt.Errorf("bulk tag (nothing changed): %w", err)
	}
	c := change(WhatBulk, dryRun, res)
	c.Matched, c.Skipped = len(ids), skipped
	return c, nil
}

// meta edits tag entries in memory and returns the ones that changed.
type meta struct {
	before, after map[string]storage.TagMeta
}

func (s *Service) loadMeta(ctx context.Context) (*meta, error) {
	m, err := s.db.TagMetas(ctx)
	if err != nil {
		return nil, err
	}
	return newMeta(m), nil
}

func newMeta(cur map[string]storage.TagMeta) *meta {
	after := make(map[string]storage.TagMeta, len(cur))
	for k, v := range cur {
		after[k] = v
	}
	return &meta{before: cur, after: after}
}

// inTx is a change of tag entries computed from them as the writing
// transaction reads them (storage.TagEdit.MetaFunc).
func inTx(f func(m *meta)) func(map[string]storage.TagMeta) map[string]*storage.TagMeta {
	return func(cur map[string]storage.TagMeta) map[string]*storage.TagMeta {
		m := newMeta(cur)
		f(m)
		return m.diff()
	}
}

func (m *meta) diff() map[string]*storage.TagMeta {
	out := map[string]*storage.TagMeta{}
	for k, v := range m.after {
		if m.before[k] != v {
			out[k] = &v
		}
	}
	for k := range m.before {
		if _, ok := m.after[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

func (m *meta) set(name string, v storage.TagMeta) {
	if v == (storage.TagMeta{}) {
		delete(m.after, name)
		return
	}
	m.after[name] = v
}

// detach takes name out of its topic; when name was a topic, its other
// labels follow the first of them.
func (m *meta) detach(name string) {
	v := m.after[name]
	v.Topic = ""
	m.set(name, v)
	var members []string
	for k, x := range m.after {
		if x.Topic == name {
			members = append(members, k)
		}
	}
	if len(members) == 0 {
		return
	}
	slices.Sort(members)
	for _, k := range members {
		x := m.after[k]
		x.Topic = members[0]
		if k == members[0] {
			x.Topic = ""
		}
		m.set(k, x)
	}
}

// join puts name's whole topic under topic.
func (m *meta) join(name, topic string) {
	from := root(m.after, name)
	for k, x := range m.after {
		if k != from && x.Topic == from {
			x.Topic = topic
			m.set(k, x)
		}
	}
	if from != topic {
		x := m.after[from]
		x.Topic = topic
		m.set(from, x)
	}
	x := m.after[topic]
	x.Topic = ""
	m.set(topic, x)
}

func (s *Service) edit(ctx context.Context, what string, dry bool, e storage.TagEdit) (Change, error) {
	e.What, e.At, e.Journal, e.DryRun = what, s.now(), true, dry
	res, err := s.db.EditTags(ctx, e)
	if err != nil {
		return Change{}, err
	}
	return change(what, dry, res), nil
}

// Rename gives a tag a new name on every item, with its colour and
// aliases. A name already in use is ErrExists (Merge joins two tags).
func (s *Service) Rename(ctx context.Context, old, new string, dryRun bool) (Change, error) {
	o, n, err := pair(old, new)
	if err != nil {
		return Change{}, err
	}
	counts, err := s.db.TagCounts(ctx)
	if err != nil {
		return Change{}, err
	}
	m, err := s.loadMeta(ctx)
	if err != nil {
		return Change{}, err
	}
	if _, ok := m.before[o]; !ok && counts[o] == 0 {
		return Change{}, fmt.Errorf("tag %q: %w", o, storage.ErrNotFound)
	}
	if _, ok := m.before[n]; ok || counts[n] > 0 {
		return Change{}, fmt.Errorf("%w: %q (merge %s into it instead)", ErrExists, n, o)
	}
	rename := inTx(func(m *meta) {
		v := m.after[o]
		delete(m.after, o)
		m.set(n, v)
		for k, x := range m.after {
			if x.Topic == o {
				x.Topic = n
				m.set(k, x)
			}
		}
	})
	return s.edit(ctx, WhatRename, dryRun, storage.TagEdit{Relabel: []storage.Relabel{{From: o, To: n}}, MetaFunc: rename})
}

// Merge moves every item tagged from to into, and makes from an alias of
// into's topic (so hashtags #from in text are found by tag:into too).
func (s *Service) Merge(ctx context.Context, from, into string, dryRun bool) (Change, error) {
	f, i, err := pair(from, into)
	if err != nil {
		return Change{}, err
	}
	merge := inTx(func(m *meta) {
		if root(m.after, i) == f {
			m.detach(f) // into was an alias of from: into leads now
		}
		v := m.after[f]
		v.Color = ""
		m.set(f, v)
		m.join(f, root(m.after, i))
	})
	return s.edit(ctx, WhatMerge, dryRun, storage.TagEdit{Relabel: []storage.Relabel{{From: f, To: i}}, MetaFunc: merge})
}

// Delete takes a tag off every item and forgets its colour and aliases.
func (s *Service) Delete(ctx context.Context, tag string, dryRun bool) (Change, error) {
	t, err := Norm(tag)
	if err != nil {
		return Change{}, err
	}
	del := inTx(func(m *meta) {
		m.detach(t)
		delete(m.after, t)
	})
	return s.edit(ctx, WhatDelete, dryRun, storage.TagEdit{Relabel: []storage.Relabel{{From: t}}, MetaFunc: del})
}

// Alias makes alias another label of tag's topic (with the labels alias
// had): tag:alias and tag:tag then find the same items and hashtags.
func (s *Service) Alias(ctx context.Context, tag, alias string) (Change, error) {
	t, a, err := pair(tag, alias)
	if err != nil {
		return Change{}, err
	}
	join := inTx(func(m *meta) { m.join(a, root(m.after, t)) })
	return s.edit(ctx, WhatAlias, false, storage.TagEdit{MetaFunc: join})
}

// Unalias takes a label out of its topic.
func (s *Service) Unalias(ctx context.Context, alias string) (Change, error) {
	a, err := Norm(alias)
	if err != nil {
		return Change{}, err
	}
	unalias := inTx(func(m *meta) {
		if r := root(m.after, a); r != a {
			v := m.after[a]
			v.Topic = ""
			m.set(a, v)
		} else {
			m.detach(a)
		}
	})
	return s.edit(ctx, WhatUnalias, false, storage.TagEdit{MetaFunc: unalias})
}

// Color sets a tag's colour (one of Colors, "" for none).
func (s *Service) Color(ctx context.Context, tag, color string) (Change, error) {
	t, err := Norm(tag)
	if err != nil {
		return Change{}, err
	}
	if color != "" && !slices.Contains(Colors, color) {
		return Change{}, fmt.Errorf("%w: colour %q (one of %v)", ErrInvalid, color, Colors)
	}
	paint := inTx(func(m *meta) {
		v := m.after[t]
		v.Color = color
		m.set(t, v)
	})
	return s.edit(ctx, WhatColor, false, storage.TagEdit{MetaFunc: paint})
}

// Undo reverses the last kept change (see List.Undo); dry, it counts.
// Without one it is storage.ErrNotFound.
func (s *Service) Undo(ctx context.Context, dryRun bool) (Change, error) {
	head, res, err := s.db.UndoTags(ctx, dryRun)
	if err != nil {
		return Change{}, err
	}
	c := change(WhatUndo, dryRun, res)
	c.What = WhatUndo + " " + head.What
	return c, nil
}

func pair(a, b string) (string, string, error) {
	x, err := Norm(a)
	if err != nil {
		return "", "", err
	}
	y, err := Norm(b)
	if err != nil {
		return "", "", err
	}
	if x == y {
		return "", "", fmt.Errorf("%w: %q and %q are the same tag", ErrInvalid, a, b)
	}
	return x, y, nil
}
