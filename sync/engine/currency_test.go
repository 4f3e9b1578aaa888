package engine_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

type noNames struct{}

func (noNames) Chats(context.Context) ([]links.Named, error)    { return nil, nil }
func (noNames) Channels(context.Context) ([]links.Named, error) { return nil, nil }

// TestCurrencies: sync keeps the organisation's currencies and each
// opportunity's currency (a lookup, _transactioncurrencyid_value), every
// one resolves to an ISO 4217 code, and an opportunity's page gives its
// amount's currency; a record whose currency row is missing gives the
// currency id, which the UI shows no code for.
func TestCurrencies(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small})
	cur, err := r.DB.Records(ctx, crm.CurrencySet)
	if err != nil {
		t.Fatal(err)
	}
	iso := map[string]string{}
	for _, c := range cur {
		code, _ := c.Fields[crm.CurrencyCode].(string)
		if !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(code) {
			t.Errorf("currency %s: code %q", c.ID, code)
		}
		iso[strings.ToLower(c.ID)] = code
	}
	if len(iso) < 2 {
		t.Fatalf("%d currencies synced, want the tenant's several", len(iso))
	}
	opps, err := r.DB.Records(ctx, "opportunities")
	if err != nil {
		t.Fatal(err)
	}
	if len(opps) == 0 {
		t.Fatal("no opportunities synced")
	}
	svc := links.New(r.DB, noNames{})
	codes := map[string]bool{}
	for _, o := range opps {
		id, _ := o.Fields[crm.CurrencyColumn].(string)
		if iso[strings.ToLower(id)] == "" {
			t.Errorf("opportunity %s: currency %q is not a synced currency", o.ID, id)
		}
		codes[iso[strings.ToLower(id)]] = true
		p, err := svc.Record(ctx, "opportunities", o.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range p.Card.Fields {
			if f.Field == "estimatedvalue" {
				found = true
				if f.Currency != id {
					t.Errorf("opportunity %s: the amount's currency %q, want %q", o.ID, f.Currency, id)
				}
			} else if f.Currency != "" {
				t.Errorf("opportunity %s: %s is not money but has currency %q", o.ID, f.Field, f.Currency)
			}
		}
		if !found {
			t.Errorf("opportunity %s: its page has no amount", o.ID)
		}
	}
	if len(codes) < 2 {
		t.Errorf("opportunities in %v: want the customers' several currencies", codes)
	}
	// A currency the store does not hold: the page still gives the id.
	o := opps[0]
	o.Fields[crm.CurrencyColumn] = "00000000-0000-0000-0000-00000000dead"
	if err := r.DB.Apply(ctx, func(w *storage.Writer) error { return w.PutRecord(o) }); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Record(ctx, "opportunities", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Card.Fields {
		if f.Field == "estimatedvalue" && (f.Currency != "00000000-0000-0000-0000-00000000dead" || iso[f.Currency] != "") {
			t.Errorf("an unknown currency: %+v", f)
		}
	}
}
