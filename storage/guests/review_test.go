package guests_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/storagetest"
)

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+2", "'=1+2"}, {"+33 1 23", "'+33 1 23"}, {"-2", "'-2"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"Ann", "Ann"}, {"", ""}, {"a=b", "a=b"}, {" =x", " =x"}, {"'=x", "'=x"}, {"张三", "张三"},
	}
	for _, tc := range tests {
		if got := guests.CSVCell(tc.in); got != tc.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReview(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	due, _, err := guests.ReviewDue(ctx, db, now)
	if err != nil || !due {
		t.Fatalf("never reviewed: due %v %v", due, err)
	}
	rv, err := guests.StartReview(ctx, db, now, "Contoso", "me")
	if err != nil {
		t.Fatal(err)
	}
	if rv.AccountName != "Contoso" || len(rv.Items) != 4 {
		t.Fatalf("review of Contoso: %s, %d items", rv.AccountName, len(rv.Items))
	}
	recs := map[string]string{}
	for _, it := range rv.Items {
		recs[it.UserID] = it.Recommendation
	}
	if recs["ann"] != guests.Deny || recs["bob"] != guests.Deny || recs["cat"] != guests.Deny || recs["dan"] != guests.Deny {
		// ann: in Fabrikam's private channel; bob: inactive; cat: pending; dan: disabled
		t.Errorf("recommendations %v", recs)
	}
	if _, err := guests.StartReview(ctx, db, now, "", "me"); !errors.Is(err, guests.ErrReviewOpen) {
		t.Errorf("second review: %v", err)
	}
	if _, _, err := guests.Decide(ctx, db, now, "ann@contoso.com", guests.Approve, "  ", "me"); !errors.Is(err, guests.ErrBadDecision) {
		t.Errorf("no justification: %v", err)
	}
	if _, _, err := guests.Decide(ctx, db, now, "ann@contoso.com", "maybe", "x", "me"); !errors.Is(err, guests.ErrBadDecision) {
		t.Errorf("bad decision: %v", err)
	}
	if _, _, err := guests.Decide(ctx, db, now, "eve@fabrikam.fr", guests.Approve, "x", "me"); !errors.Is(err, guests.ErrNotFound) {
		t.Errorf("guest of another account: %v", err)
	}
	if _, _, err := guests.Decide(ctx, db, now, "ann@contoso.com", guests.Approve, "=HYPERLINK(\"http://evil\") still on the project", "me"); err != nil {
		t.Fatal(err)
	}
	_, planned, err := guests.Decide(ctx, db, now, "Bob", guests.Deny, "project over <script>alert(1)</script>", "me")
	if err != nil || len(planned) != 1 || planned[0].UserID != "bob" || planned[0].Action != guests.ActRemove || planned[0].TeamID != teamA {
		t.Fatalf("deny bob: %+v %v", planned, err)
	}
	if _, _, err := guests.Decide(ctx, db, now, "cat", guests.DontKnow, "ask the customer", "me"); err != nil {
		t.Fatal(err)
	}
	// progress survives: read back from the store
	cur, err := guests.CurrentReview(ctx, db)
	if d, n := cur.Progress(); err != nil || d != 3 || n != 4 {
		t.Fatalf("progress %d/%d %v", d, n, err)
	}
	cs, _ := guests.Changes(ctx, db)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Reason, "review: ") {
		t.Errorf("change set after a deny: %+v", cs)
	}
	var b bytes.Buffer
	if err := guests.ExportCSV(&b, cur); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("CSV without BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("CSV: %d rows %v", len(rows), err)
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("unescaped cell %q", c)
			}
		}
	}
	b.Reset()
	if err := guests.ExportHTML(&b, cur); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, bad := range []string{"<script", "href=", "url(", "style", "<link", "<img", "src=", "<a "} {
		if strings.Contains(strings.ToLower(h), bad) {
			t.Errorf("report holds %q", bad)
		}
	}
	if !strings.Contains(h, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) && !strings.Contains(h, `content="default-src 'none'`) {
		t.Errorf("report without its CSP: %s", h[:300])
	}
	if !strings.Contains(h, "&lt;script&gt;") || !strings.Contains(h, "3 of 4 decided") {
		t.Errorf("report content: %s", h)
	}
	if _, err := guests.FinishReview(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := guests.CurrentReview(ctx, db); !errors.Is(err, guests.ErrNoReview) {
		t.Errorf("after finish: %v", err)
	}
	due, at, err := guests.ReviewDue(ctx, db, now)
	if err != nil || due || !at.Equal(now.AddDate(0, 3, 0)) {
		t.Errorf("just reviewed: due %v at %v %v", due, at, err)
	}
	if due, _, _ := guests.ReviewDue(ctx, db, now.AddDate(0, 3, 1)); !due {
		t.Error("a quarter later: not due")
	}
}
