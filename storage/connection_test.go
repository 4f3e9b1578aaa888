package storage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/storagetest"
)

func TestConnectionAndOrigin(t *testing.T) {
	db := storagetest.Open(t)
	if c, err := db.Connection(ctx); err != nil || c != (storage.Connection{}) {
		t.Fatalf("fresh store: connection %+v, %v", c, err)
	}
	want := storage.Connection{Cloud: "china", Tenant: "contoso.partner.onmschina.cn", ClientID: "0b6f7b3e-5a5c-4c1e-9d2a-7e1f0c4d9a11",
		Dataverse: "https://contoso.crm.dynamics.cn"}
	if err := db.PutConnection(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Connection(ctx); err != nil || got != want {
		t.Fatalf("connection %+v, %v; want %+v", got, err, want)
	}

	if o, err := db.Origin(ctx); err != nil || o != (storage.Origin{}) {
		t.Fatalf("fresh store: origin %+v, %v", o, err)
	}
	o := storage.Origin{TenantID: "a8d4e2b1-0000-4000-8000-000000000001", ReadOnly: true, ReadOnlyFor: "b"}
	if err := db.SetOrigin(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Origin(ctx); err != nil || got != o {
		t.Fatalf("origin %+v, %v", got, err)
	}

	if has, err := db.HasSynced(ctx); err != nil || has {
		t.Fatalf("fresh store has synced data? %v %v", has, err)
	}
	if err := db.Apply(ctx, func(w *storage.Writer) error { return w.PutChat(storage.Chat{ID: "19:c@thread.v2"}) }); err != nil {
		t.Fatal(err)
	}
	if has, err := db.HasSynced(ctx); err != nil || !has {
		t.Fatalf("a chat is synced data: %v %v", has, err)
	}
}

func TestAsideName(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for tenant, want := range map[string]string{
		"a8d4e2b1-0000-4000-8000-000000000001": "previous-a8d4e2b1-0000-4000-8000-000000000001-20260304-050607.db",
		"contoso.onmicrosoft.com":              "previous-contoso.onmicrosoft.com-20260304-050607.db",
		"../etc/passwd":                        "previous-.._etc_passwd-20260304-050607.db",
		"":                                     "previous-unknown-20260304-050607.db",
		"..":                                   "previous-unknown-20260304-050607.db",
	} {
		if got := storage.AsideName(tenant, at); got != want {
			t.Errorf("AsideName(%q) = %q, want %q", tenant, got, want)
		}
	}
}

// TestStartOver: the old file moves aside whole (and opens as a store
// with its data), the fresh store is empty of synced data but keeps the
// settings, and is a new store (another identity, so the index rebuilds).
func TestStartOver(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	conn := storage.Connection{Tenant: "fabrikam.example", ClientID: "c"}
	ui := map[string]string{"language": "zh-CN", "theme": "dark"}
	if err := db.PutConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSetting(ctx, "ui", ui); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOrigin(ctx, storage.Origin{TenantID: "old-tenant", ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.Apply(ctx, func(w *storage.Writer) error { return w.PutChat(storage.Chat{ID: "19:c@thread.v2", Topic: "old"}) }); err != nil {
		t.Fatal(err)
	}
	oldID, _ := db.Identity(ctx)

	fresh, aside, err := storage.StartOver(ctx, db, storage.AsideName("old-tenant", time.Now()), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(aside) != dir || filepath.Base(aside)[:len("previous-old-tenant-")] != "previous-old-tenant-" {
		t.Fatalf("moved aside to %s", aside)
	}
	if st, err := os.Stat(aside); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("aside file: %v %v", st, err)
	}
	if has, err := fresh.HasSynced(ctx); err != nil || has {
		t.Fatalf("fresh store holds synced data? %v %v", has, err)
	}
	if o, _ := fresh.Origin(ctx); o != (storage.Origin{}) {
		t.Fatalf("fresh store has an origin: %+v", o)
	}
	if c, _ := fresh.Connection(ctx); c != conn {
		t.Fatalf("connection not carried over: %+v", c)
	}
	var gotUI map[string]string
	if err := fresh.Setting(ctx, "ui", &gotUI); err != nil || gotUI["language"] != "zh-CN" {
		t.Fatalf("ui settings not carried over: %v %v", gotUI, err)
	}
	if id, _ := fresh.Identity(ctx); id == oldID {
		t.Fatal("the fresh store has the old one's identity")
	}
	if err := fresh.Check(); err != nil {
		t.Fatal(err)
	}
	if err := fresh.Close(); err != nil {
		t.Fatal(err)
	}

	// The old file is a whole store.
	old := filepath.Join(t.TempDir(), "old")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(aside)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, storage.FileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	odb, err := storage.Open(ctx, old, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer odb.Close()
	if c, err := odb.Chat(ctx, "19:c@thread.v2"); err != nil || c.Topic != "old" {
		t.Fatalf("old store's chat: %+v %v", c, err)
	}

	// A name that is not a plain file name is refused before anything moves.
	if _, _, err := storage.StartOver(ctx, odb, "../x.db", storage.Options{}); err == nil {
		t.Fatal("a path as the aside name was accepted")
	}
}
