package links

import (
	"context"
	"errors"
	"strings"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// linkWorld is what one links call reads: the settings and the operations
// on their way once, then records, users and links by key, each at most
// once per call. Nothing reads a whole table but the calls that search
// one (Find, Resolve among every record, Suggest's contacts, accounts
// and cases, Timeline's roll-ups).
type linkWorld struct {
	db         Store
	me         string
	privileged bool
	rules      map[string]TypeRule
	fields     map[string][]FieldChoice
	keyFields  map[string][]string
	ops        map[string]storage.Op // operations not done or discarded, by id

	records map[string]map[string]*storage.Record // set → id → record (nil: not in the store)
	users   map[string]*storage.User              // Entra object id → user (nil: unknown)
}

// world reads what every links call needs.
func (s *Service) world(ctx context.Context) (*linkWorld, error) {
	w := &linkWorld{db: s.db, records: map[string]map[string]*storage.Record{}, users: map[string]*storage.User{},
		ops: map[string]storage.Op{}}
	var err error
	if w.me, err = s.db.Me(ctx); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	ls, err := s.settings(ctx, s.db)
	if err != nil {
		return nil, err
	}
	w.rules, w.privileged, w.fields, w.keyFields = ls.Rules, ls.Privileged, ls.Fields, ls.KeyFields
	ops, err := s.db.Outbox(ctx, storage.OpPending, storage.OpInFlight, storage.OpFailed, storage.OpConflict)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		w.ops[op.ID] = op
	}
	return w, nil
}

// record reads a record by key (a tombstone too); ok is false when the
// store has none.
func (w *linkWorld) record(ctx context.Context, set, id string) (storage.Record, bool, error) {
	bySet := w.records[set]
	if bySet == nil {
		bySet = map[string]*storage.Record{}
		w.records[set] = bySet
	}
	if r, seen := bySet[id]; seen {
		if r == nil {
			return storage.Record{}, false, nil
		}
		return *r, true, nil
	}
	r, err := w.db.Record(ctx, set, id)
	if errors.Is(err, storage.ErrNotFound) {
		bySet[id] = nil
		return storage.Record{}, false, nil
	}
	if err != nil {
		return storage.Record{}, false, err
	}
	bySet[id] = &r
	return r, true, nil
}

// recordOrStub is a record, or one of that key when the store has none
// (a link to a record not synced yet): the columns of its create when it
// was made in Rapport and is on its way (waiting), else empty.
func (w *linkWorld) recordOrStub(ctx context.Context, set, id string) (r storage.Record, waiting bool, err error) {
	r, ok, err := w.record(ctx, set, id)
	if ok || err != nil {
		return r, false, err
	}
	r = storage.Record{Set: set, ID: id, Fields: map[string]any{}}
	for _, op := range w.ops {
		if op.Kind == storage.OpCreate && op.Set == set && strings.EqualFold(op.RecordID, id) {
			for k, v := range op.Row {
				if !strings.Contains(k, "@") {
					r.Fields[k] = v
				}
			}
			return r, true, nil
		}
	}
	return r, false, nil
}

// systemUser reads a Dynamics user (a systemuser id): its Entra object id
// and name, "" when unknown.
func (w *linkWorld) systemUser(ctx context.Context, id string) (aad, name string, err error) {
	if id == "" {
		return "", "", nil
	}
	r, _, err := w.record(ctx, crm.UserSet, id)
	aad, _ = r.Fields[crm.UserEntraID].(string)
	name, _ = r.Fields[crm.UserName].(string)
	return aad, name, err
}

// user reads a directory user by Entra object id (ok false when unknown).
func (w *linkWorld) user(ctx context.Context, id string) (storage.User, bool, error) {
	if u, seen := w.users[id]; seen {
		if u == nil {
			return storage.User{}, false, nil
		}
		return *u, true, nil
	}
	u, err := w.db.User(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || id == "" {
		w.users[id] = nil
		return storage.User{}, false, nil
	}
	if err != nil {
		return storage.User{}, false, err
	}
	w.users[id] = &u
	return u, true, nil
}

// ownerAAD is the Entra object id of a record's owner ("" when unknown).
func (w *linkWorld) ownerAAD(ctx context.Context, r storage.Record) (string, error) {
	owner, _ := r.Fields[crm.OwnerColumn].(string)
	aad, _, err := w.systemUser(ctx, owner)
	return aad, err
}

// byTarget overlays the links of the given targets (chats, threads,
// messages): Dynamics' rows of each chat, Rapport's entries of each.
func (w *linkWorld) byTarget(ctx context.Context, targets []string) ([]storage.LinkState, error) {
	var rows []storage.Record
	var entries []storage.Link
	seen := map[string]bool{}
	for _, t := range targets {
		if seen[t] {
			continue
		}
		seen[t] = true
		if kind, _, _ := storage.ParseTarget(t); kind == storage.TargetChat {
			rs, err := w.db.LinkRows(ctx, t)
			if err != nil {
				return nil, err
			}
			rows = append(rows, rs...)
		}
		ls, err := w.db.Links(ctx, t)
		if err != nil {
			return nil, err
		}
		entries = append(entries, ls...)
	}
	return storage.Overlay(func(t string) bool { return seen[t] }, rows, entries, w.ops), nil
}

// byRecord overlays the links to the given records (set/id keys), of
// every target.
func (w *linkWorld) byRecord(ctx context.Context, records map[string]bool) ([]storage.LinkState, error) {
	var rows []storage.Record
	var entries []storage.Link
	for rec := range records {
		set, id, _ := strings.Cut(rec, "/")
		rs, err := w.db.LinkRowsOf(ctx, set, id)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
		ls, err := w.db.LinksTo(ctx, set, id)
		if err != nil {
			return nil, err
		}
		entries = append(entries, ls...)
	}
	out := storage.Overlay(nil, rows, entries, w.ops)
	// A row regarding one of the records may name a type Rapport shows
	// under another set; keep only the records asked for.
	kept := out[:0]
	for _, st := range out {
		if records[st.Set+"/"+st.RecordID] {
			kept = append(kept, st)
		}
	}
	return kept, nil
}

// serverRow finds Dynamics' live chats row linking a chat to a record.
func (w *linkWorld) serverRow(ctx context.Context, chatID, set, recordID string) (storage.Record, bool, error) {
	rows, err := w.db.LinkRows(ctx, chatID)
	if err != nil {
		return storage.Record{}, false, err
	}
	for _, row := range rows {
		rec, _ := row.Fields[crm.LinkRecord].(string)
		logical, _ := row.Fields[crm.LinkRecordType].(string)
		if strings.EqualFold(rec, recordID) && setOf(logical) == set {
			return row, true, nil
		}
	}
	return storage.Record{}, false, nil
}
