package links

import (
	"context"
	"fmt"
	"strings"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// RecordPage is a record as its page shows it: a card with every field
// the catalogue labels, the records it belongs to (a case's account and
// contact, a contact's account, an opportunity's account) and those
// under it (an account's contacts, cases and opportunities; a contact's
// cases), and the number people mention it by (a case number), whose
// mentions the page searches for.
type RecordPage struct {
	Card     RecordCard   `json:"card"`
	Parents  []RecordCard `json:"parents"`
	Children []RecordCard `json:"children"`
	Number   string       `json:"number,omitempty"`
}

// Record reads a record's page. A record made in Rapport and not created
// yet is its create's columns, waiting.
func (s *Service) Record(ctx context.Context, set, id string) (RecordPage, error) {
	cs, ok := crm.Lookup(set)
	if !ok || !cs.Linkable {
		return RecordPage{}, fmt.Errorf("%w: record type %q", ErrInvalid, set)
	}
	w, err := s.world(ctx)
	if err != nil {
		return RecordPage{}, err
	}
	r, found, err := w.record(ctx, set, id)
	if err != nil {
		return RecordPage{}, err
	}
	if !found && cs.Number != "" { // a record named by its number (a case number in a message)
		if r, found, err = s.byNumber(ctx, set, cs.Number, id); err != nil {
			return RecordPage{}, err
		}
	}
	waiting := false
	if !found {
		if r, waiting, err = w.recordOrStub(ctx, set, id); err != nil {
			return RecordPage{}, err
		}
		if !waiting {
			return RecordPage{}, fmt.Errorf("%s(%s): %w", set, id, storage.ErrNotFound)
		}
	}
	all := make([]FieldChoice, 0, len(cs.Fields))
	for _, f := range cs.Fields {
		all = append(all, FieldChoice{Field: f.Name, Label: f.Label})
	}
	page := RecordPage{Card: s.cardAll(r, all), Parents: []RecordCard{}, Children: []RecordCard{}}
	page.Card.Waiting = waiting
	if cs.Number != "" {
		page.Number, _ = r.Fields[cs.Number].(string)
	}
	// Up: every catalogue roll-up whose child is this set names a parent.
	for _, parent := range crm.LinkableNames() {
		for _, ru := range crm.Rollups[parent] {
			pid, _ := r.Fields[ru.Lookup].(string)
			if ru.Set != set || pid == "" {
				continue
			}
			p, ok, err := w.record(ctx, parent, pid)
			if err != nil {
				return RecordPage{}, err
			}
			if ok && !containsCard(page.Parents, p) {
				page.Parents = append(page.Parents, s.card(p, w.fields[parent]))
			}
		}
	}
	// Down: this set's roll-ups.
	for _, ru := range crm.Rollups[set] {
		rs, err := s.db.Records(ctx, ru.Set)
		if err != nil {
			return RecordPage{}, err
		}
		for _, c := range rs {
			if v, _ := c.Fields[ru.Lookup].(string); c.Deleted == nil && strings.EqualFold(v, id) {
				page.Children = append(page.Children, s.card(c, w.fields[ru.Set]))
			}
		}
	}
	sortCards(page.Children)
	return page, nil
}

// cardAll is a card with every given field (a page shows more than five).
func (s *Service) cardAll(r storage.Record, fields []FieldChoice) RecordCard {
	c := s.card(r, nil)
	for _, f := range fields {
		switch r.Fields[f.Field].(type) {
		case string, float64, bool:
		default:
			continue
		}
		if v := fieldText(r, f.Field); v != "" {
			c.Fields = append(c.Fields, newCardField(r, f.Label, f.Field, v))
		}
	}
	return c
}

func containsCard(cs []RecordCard, r storage.Record) bool {
	for _, c := range cs {
		if c.Set == r.Set && strings.EqualFold(c.ID, r.ID) {
			return true
		}
	}
	return false
}

// byNumber finds the record of a set whose number column (a case's
// ticketnumber) is number, ignoring case; a deleted one counts as none.
func (s *Service) byNumber(ctx context.Context, set, column, number string) (storage.Record, bool, error) {
	rs, err := s.db.Records(ctx, set)
	if err != nil {
		return storage.Record{}, false, err
	}
	for _, r := range rs {
		if n, _ := r.Fields[column].(string); n != "" && r.Deleted == nil && strings.EqualFold(n, strings.TrimSpace(number)) {
			return r, true, nil
		}
	}
	return storage.Record{}, false, nil
}
