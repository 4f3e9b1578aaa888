package storage

import (
	"strings"

	"github.com/rapport-app/rapport/storage/crm"
)

// Link sync states beside the operation states: a link as Dynamics 365
// has it, and one kept in Rapport only (a thread or a message).
const (
	LinkSynced = "synced"
	LinkLocal  = "local"
)

// LinkState is a link as it stands for the user: Dynamics' synced chats
// rows overlaid by what the user did in Rapport.
type LinkState struct {
	Target   string // a chat id, or a thread or message target
	Set      string
	RecordID string
	Linked   bool
	// Sync is LinkSynced, LinkLocal, or the state of the operation still
	// on its way (pending, in-flight, failed, conflict).
	Sync string
	Op   *Op     // that operation
	Row  *Record // Dynamics' chats row, when it has one
	Link *Link   // Rapport's entry, when it has one
}

// Overlay computes the links of the given targets, in a stable order
// (rows first, then Rapport's entries). It is the one rule the links
// views and search's record: filter share:
//
//   - a live chats row links its chat to its record (the set is the row's
//     regarding type, so records of two types with the same id differ);
//   - Rapport's entry with an operation not done or discarded decides,
//     with that operation's state;
//   - a settled entry lets the row speak; without a row, a settled linked
//     entry stands (Dynamics has it; the row is read back by a later
//     sync) and a settled unlinked one hides the link;
//   - threads and messages are linked in Rapport only ("local").
//
// rows are Dynamics' chats rows, entries Rapport's link entries, ops the
// outbox by operation id; only the targets want accepts are listed (every
// target when want is nil).
func Overlay(want func(target string) bool, rows []Record, entries []Link, ops map[string]Op) []LinkState {
	type key struct{ target, set, rec string }
	byKey := map[key]*LinkState{}
	var order []key
	if want == nil {
		want = func(string) bool { return true }
	}
	put := func(k key, s LinkState) {
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = &s
	}
	for i := range rows {
		row := &rows[i]
		chat, _ := row.Fields[crm.LinkChat].(string)
		rec, _ := row.Fields[crm.LinkRecord].(string)
		logical, _ := row.Fields[crm.LinkRecordType].(string)
		set, ok := crm.ByLogical(logical)
		if row.Deleted != nil || !ok || !set.Linkable || chat == "" || rec == "" || !want(chat) {
			continue
		}
		put(key{chat, set.Name, strings.ToLower(rec)}, LinkState{Target: chat, Set: set.Name, RecordID: rec, Linked: true, Sync: LinkSynced, Row: row})
	}
	for i := range entries {
		l := &entries[i]
		if !want(l.ChatID) {
			continue
		}
		k := key{l.ChatID, l.Set, strings.ToLower(l.RecordID)}
		s := LinkState{Target: l.ChatID, Set: l.Set, RecordID: l.RecordID, Linked: l.Linked, Sync: LinkSynced, Link: l}
		if prev, ok := byKey[k]; ok && l.Op == "" {
			prev.Link = l // settled: the row speaks
			continue
		}
		if op, ok := ops[l.Op]; ok && op.State != OpDone && op.State != OpDiscarded {
			s.Sync, s.Op = op.State, &op
		}
		if kind, _, _ := ParseTarget(l.ChatID); kind != TargetChat {
			s.Sync = LinkLocal // Dynamics links chats only
		}
		if !l.Linked && (s.Sync == LinkSynced || s.Sync == LinkLocal) {
			delete(byKey, k)
			continue
		}
		if prev, ok := byKey[k]; ok {
			s.Row = prev.Row
		}
		put(k, s)
	}
	out := make([]LinkState, 0, len(order))
	for _, k := range order {
		if s, ok := byKey[k]; ok {
			out = append(out, *s)
		}
	}
	return out
}
