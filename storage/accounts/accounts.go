package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// Records is what Read needs of the store.
type Records interface {
	Records(ctx context.Context, set string) ([]storage.Record, error)
}

// Map is the CRM's accounts and who belongs to each.
type Map struct {
	names     map[string]string
	created   map[string]time.Time
	overrides map[string]string // domain → account id ("" no customer), the user's
	contact   map[string]string // e-mail → account id
	domain    map[string]string // domain → account id, from the accounts' own e-mail and web site, then contacts
}

// Read reads the accounts and contacts; overrides is the user's mapping
// of domains (Domains).
func Read(ctx context.Context, db Records, overrides map[string]string) (*Map, error) {
	m := &Map{names: map[string]string{}, created: map[string]time.Time{}, overrides: map[string]string{},
		contact: map[string]string{}, domain: map[string]string{}}
	for d, acc := range overrides {
		m.overrides[NormDomain(d)] = strings.TrimSpace(acc)
	}
	read := func(set string) ([]storage.Record, error) {
		rs, err := db.Records(ctx, set)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("read %s: %w", set, err)
		}
		rs = slices.DeleteFunc(rs, func(r storage.Record) bool { return r.Deleted != nil })
		sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
		return rs, nil
	}
	accs, err := read("accounts")
	if err != nil {
		return nil, err
	}
	for _, r := range accs {
		m.names[r.ID], _ = r.Fields["name"].(string)
		if s, _ := r.Fields["createdon"].(string); s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				m.created[r.ID] = t
			}
		}
		for _, f := range []string{"emailaddress1", "websiteurl"} {
			v, _ := r.Fields[f].(string)
			if d := DomainOf(v); d != "" && m.domain[d] == "" {
				m.domain[d] = r.ID
			}
		}
	}
	contacts, err := read("contacts")
	if err != nil {
		return nil, err
	}
	for _, r := range contacts {
		mail, _ := r.Fields["emailaddress1"].(string)
		acc, _ := r.Fields["_parentcustomerid_value"].(string)
		if mail == "" || acc == "" {
			continue
		}
		mail = strings.ToLower(strings.TrimSpace(mail))
		if m.contact[mail] == "" {
			m.contact[mail] = acc
		}
		if d := DomainOf(mail); d != "" && m.domain[d] == "" {
			m.domain[d] = acc
		}
	}
	return m, nil
}

// Of is the account of an e-mail address ("" none).
func (m *Map) Of(mail string) string {
	mail = strings.ToLower(strings.TrimSpace(mail))
	if mail == "" {
		return ""
	}
	d := DomainOf(mail)
	if acc, ok := m.overrides[d]; ok {
		return acc
	}
	if acc := m.contact[mail]; acc != "" {
		return acc
	}
	return m.domain[d]
}

// IDs lists the accounts' ids, in order.
func (m *Map) IDs() []string {
	ids := make([]string, 0, len(m.names))
	for id := range m.names {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Name is an account's name ("" when the store has no such account).
func (m *Map) Name(id string) string { return m.names[id] }

// Created is when an account was created in Dynamics 365 (zero: not known).
func (m *Map) Created(id string) time.Time { return m.created[id] }

// DomainOf is the domain of an e-mail address or a web address, lower case
// ("" when it has no dot: no domain a customer would use).
func DomainOf(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	} else {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		s = strings.TrimPrefix(s, "www.")
		if i := strings.IndexAny(s, "/?#:"); i >= 0 {
			s = s[:i]
		}
	}
	if !strings.Contains(s, ".") {
		return ""
	}
	return s
}

// NormDomain is a domain as the mapping keeps it: lower case, trimmed, no
// leading "@".
func NormDomain(d string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
}
