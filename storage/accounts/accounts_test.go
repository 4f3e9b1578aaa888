package accounts_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/storage/storagetest"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// crm writes accounts and contacts that claim domains in every way Read
// knows, and a few it must ignore.
func crm(t *testing.T) *storage.DB {
	t.Helper()
	db := storagetest.Open(t)
	gone := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		for _, r := range []storage.Record{
			{Set: "accounts", ID: "acc-b", Fields: map[string]any{"name": "Contoso (2)", "websiteurl": "contoso.com"}},
			{Set: "accounts", ID: "acc-a", Fields: map[string]any{"name": "Contoso", "websiteurl": "https://www.Contoso.com/fr?x=1", "createdon": "2024-01-10T00:00:00Z"}},
			{Set: "accounts", ID: "acc-c", Fields: map[string]any{"name": "华东物流", "emailaddress1": "info@huadong.cn"}},
			{Set: "accounts", ID: "acc-d", Fields: map[string]any{"name": "Fabrikam"}},
			{Set: "accounts", ID: "acc-x", Fields: map[string]any{"name": "Gone", "websiteurl": "gone.example"}, Deleted: &gone},
			{Set: "contacts", ID: "c1", Fields: map[string]any{"emailaddress1": "Eve@Fabrikam.fr", "_parentcustomerid_value": "acc-d"}},
			{Set: "contacts", ID: "c2", Fields: map[string]any{"emailaddress1": "li@contoso.com", "_parentcustomerid_value": "acc-c"}},
			{Set: "contacts", ID: "c3", Fields: map[string]any{"emailaddress1": "old@gone.example", "_parentcustomerid_value": "acc-x"}, Deleted: &gone},
		} {
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

func TestOf(t *testing.T) {
	db := crm(t)
	for _, c := range []struct {
		name      string
		overrides map[string]string
		mail      string
		want      string
	}{
		{"an account's web site; the smallest id wins", nil, "ann@contoso.com", "acc-a"},
		{"a contact's own address before its domain's account", nil, "LI@contoso.com", "acc-c"},
		{"an account's e-mail", nil, "wang@huadong.cn", "acc-c"},
		{"a contact's domain", nil, "fay@fabrikam.fr", "acc-d"},
		{"the contact itself", nil, "eve@fabrikam.fr", "acc-d"},
		{"deleted records count for nothing", nil, "x@gone.example", ""},
		{"an unknown domain", nil, "gus@unknown.example", ""},
		{"no address", nil, "", ""},
		{"the user's mapping first", map[string]string{"@Contoso.com": "acc-d"}, "li@contoso.com", "acc-d"},
		{"mapped to no customer", map[string]string{"fabrikam.fr": ""}, "eve@fabrikam.fr", ""},
		{"a mapping of an unknown domain", map[string]string{"unknown.example": "acc-c"}, "gus@unknown.example", "acc-c"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := accounts.Read(ctx, db, c.overrides)
			must(t, err)
			if got := m.Of(c.mail); got != c.want {
				t.Fatalf("Of(%q) = %q, want %q", c.mail, got, c.want)
			}
		})
	}
	m, err := accounts.Read(ctx, db, nil)
	must(t, err)
	if got := m.IDs(); len(got) != 4 || got[0] != "acc-a" || got[3] != "acc-d" {
		t.Fatalf("IDs %v", got)
	}
	if m.Name("acc-c") != "华东物流" || !m.Created("acc-a").Equal(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)) || !m.Created("acc-b").IsZero() {
		t.Fatalf("names or creation: %q %v %v", m.Name("acc-c"), m.Created("acc-a"), m.Created("acc-b"))
	}
}

func TestDomainOf(t *testing.T) {
	for in, want := range map[string]string{
		"Ann@Contoso.COM":              "contoso.com",
		"a@b@contoso.com":              "contoso.com",
		"https://www.contoso.com/fr":   "contoso.com",
		"http://shop.contoso.com:8080": "shop.contoso.com",
		"contoso.com?x":                "contoso.com",
		"  ":                           "",
		"localhost":                    "",
		"me@localhost":                 "",
	} {
		if got := accounts.DomainOf(in); got != want {
			t.Errorf("DomainOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOneMapping: the guest console and the client metrics read and write
// the same mapping; a store that kept it in their own settings before
// loses none of it; a bad domain is refused and changes nothing.
func TestOneMapping(t *testing.T) {
	db := crm(t)
	must(t, db.PutSetting(ctx, "metrics", map[string]any{"targetMinutes": 45, "domains": map[string]string{"Huadong.cn": "acc-c"}}))
	must(t, db.PutSetting(ctx, "guests", map[string]any{"inactiveDays": 60, "domains": map[string]string{"fabrikam.fr": ""}}))
	want := map[string]string{"huadong.cn": "acc-c", "fabrikam.fr": ""}
	got, err := accounts.Domains(ctx, db)
	must(t, err)
	if !maps.Equal(got, want) {
		t.Fatalf("the earlier settings' domains read %v, want %v", got, want)
	}

	must(t, accounts.MapDomain(ctx, db, "@Unknown.Example", "acc-d"))
	want["unknown.example"] = "acc-d"
	ms := metrics.New(db)
	mset, err := ms.Settings(ctx)
	must(t, err)
	gset, err := guests.LoadSettings(ctx, db)
	must(t, err)
	if !maps.Equal(mset.Domains, want) || !maps.Equal(gset.Domains, want) || mset.TargetMinutes != 45 || gset.InactiveDays != 60 {
		t.Fatalf("metrics read %v (target %d), guests %v (inactive %d), want %v", mset.Domains, mset.TargetMinutes, gset.Domains, gset.InactiveDays, want)
	}

	// The metrics' settings page saves the mapping; the guests read it.
	mset.Domains = map[string]string{"contoso.com": "acc-b"}
	_, err = ms.SetSettings(ctx, mset)
	must(t, err)
	gset, err = guests.LoadSettings(ctx, db)
	must(t, err)
	if !maps.Equal(gset.Domains, map[string]string{"contoso.com": "acc-b"}) {
		t.Fatalf("guests read %v after the metrics saved", gset.Domains)
	}
	// Settings saved without a mapping leave it as it is.
	gset.Domains, gset.InactiveDays = nil, 30
	must(t, guests.SaveSettings(ctx, db, gset))
	mset.Domains = nil
	_, err = ms.SetSettings(ctx, mset)
	must(t, err)
	if got, _ := accounts.Domains(ctx, db); !maps.Equal(got, map[string]string{"contoso.com": "acc-b"}) {
		t.Fatalf("saving settings without domains changed the mapping to %v", got)
	}
	// A bad domain: each side's own error, nothing changed.
	if err := accounts.MapDomain(ctx, db, "a b.com", "acc-a"); !errors.Is(err, accounts.ErrBadDomain) {
		t.Fatalf("MapDomain: %v", err)
	}
	if err := guests.SaveSettings(ctx, db, guests.Settings{Domains: map[string]string{"x/y": "acc-a"}}); !errors.Is(err, guests.ErrBadSetting) {
		t.Fatalf("guests: %v", err)
	}
	if _, err := ms.SetSettings(ctx, metrics.Settings{Domains: map[string]string{"me@x.com": "acc-a"}}); !errors.Is(err, metrics.ErrInvalid) {
		t.Fatalf("metrics: %v", err)
	}
	if got, _ := accounts.Domains(ctx, db); !maps.Equal(got, map[string]string{"contoso.com": "acc-b"}) {
		t.Fatalf("a refused domain changed the mapping to %v", got)
	}
}
