package links_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/storagetest"
)

// TestRecordPage: a case's page has every labelled field, its account
// and its contact above it and its number; an account's page has its
// contacts, cases and opportunities under it; a case made in Rapport and
// not created yet is waiting; an unknown record is not found.
func TestRecordPage(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, r := range []storage.Record{
			{Set: "accounts", ID: "acc", Fields: map[string]any{"name": "Contoso Ltd", "accountnumber": "ACC-1"}},
			{Set: "contacts", ID: "con", Fields: map[string]any{"fullname": "Alice Wang", "_parentcustomerid_value": "acc"}},
			{Set: "incidents", ID: "case", Fields: map[string]any{"title": "Printer offline", "ticketnumber": "CAS-01234-ABCDE", "prioritycode": 1.0,
				"statecode": 0.0, "description": "since Monday", "_customerid_value": "acc", "_primarycontactid_value": "con"}},
			{Set: "opportunities", ID: "opp", Fields: map[string]any{"name": "Renewal", "_parentaccountid_value": "acc"}},
			{Set: "incidents", ID: "gone", Fields: map[string]any{"title": "Old", "_customerid_value": "acc"}},
		} {
			r.Modified = now
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return w.DeleteRecord("incidents", "gone", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := links.New(db, names{})
	names := func(cs []links.RecordCard) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Set+":"+c.Title)
		}
		return strings.Join(out, " ")
	}
	p, err := svc.Record(ctx, "incidents", "case")
	if err != nil {
		t.Fatal(err)
	}
	// A case number in a message links to the case's page by its number.
	for _, number := range []string{"CAS-01234-ABCDE", "cas-01234-abcde"} {
		byNo, err := svc.Record(ctx, "incidents", number)
		if err != nil || byNo.Card.ID != "case" || byNo.Number != "CAS-01234-ABCDE" {
			t.Errorf("Record(incidents, %s): %+v, %v; want the case", number, byNo.Card, err)
		}
	}
	if _, err := svc.Record(ctx, "incidents", "CAS-99999-ZZZZZ"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an unknown case number: %v, want ErrNotFound", err)
	}
	var fields []string
	for _, f := range p.Card.Fields {
		fields = append(fields, f.Field+"="+f.Value)
	}
	if got := strings.Join(fields, " "); got != "title=Printer offline ticketnumber=CAS-01234-ABCDE prioritycode=High statecode=Active description=since Monday" {
		t.Errorf("the case's fields: %s", got)
	}
	if p.Number != "CAS-01234-ABCDE" || names(p.Parents) != "accounts:Contoso Ltd contacts:Alice Wang" || len(p.Children) != 0 {
		t.Errorf("the case's page: number %q, parents %s, children %s", p.Number, names(p.Parents), names(p.Children))
	}
	p, err = svc.Record(ctx, "accounts", "acc")
	if err != nil || names(p.Children) != "contacts:Alice Wang incidents:Printer offline opportunities:Renewal" || len(p.Parents) != 0 {
		t.Errorf("the account's page: %s / %s %v", names(p.Parents), names(p.Children), err)
	}
	if _, err := svc.Record(ctx, "incidents", "nope"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an unknown case: %v", err)
	}
	if _, err := svc.Record(ctx, "systemusers", "x"); !errors.Is(err, links.ErrInvalid) {
		t.Errorf("a system user's page: %v", err)
	}
	op, err := db.QueueCreate(ctx, storage.Op{Set: "incidents", RecordID: "new", Subject: "New", Row: map[string]any{"title": "New case", "customerid_account@odata.bind": "/accounts(acc)"}}, "", now)
	if err != nil {
		t.Fatal(err)
	}
	p, err = svc.Record(ctx, "incidents", op.RecordID)
	if err != nil || !p.Card.Waiting || p.Card.Title != "New case" || p.Number != "" {
		t.Errorf("a case on its way: %+v %v", p, err)
	}
}
