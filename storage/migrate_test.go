package storage

import (
	"testing"
	"time"
)

// TestMigrationRelistsCardConversations opens a store written by schema 4
// (cards listed, their content not kept) and checks that migration 5
// drops the listing cursors of exactly the conversations with such cards.
func TestMigrationRelistsCardConversations(t *testing.T) {
	dir := t.TempDir()
	db, err := open(ctx, dir, Options{}, migrations[:4])
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	card := []Attachment{{ID: "c1", ContentType: CardAdaptive}}
	convs := []struct {
		id    string
		att   []Attachment
		cards []Card
		gone  bool
		stale bool
	}{
		{"19:cardchannel@thread.tacv2", card, nil, false, true},
		{"19:cardchat@thread.v2", []Attachment{{ID: "c2", ContentType: CardConnector}}, nil, false, true},
		{"19:kept@thread.v2", card, []Card{{ID: "c1", ContentType: CardAdaptive, Content: `{"type":"AdaptiveCard"}`}}, false, false},
		{"19:files@thread.v2", []Attachment{{ID: "f", ContentType: "reference", Name: "a.docx"}}, nil, false, false},
		{"19:quote@thread.v2", []Attachment{{ID: "q", ContentType: "messageReference"}}, nil, false, false},
		{"19:deletedcard@thread.v2", card, nil, true, false}, // Graph sends no content for it any more
	}
	err = db.Apply(ctx, func(w *Writer) error {
		for _, c := range convs {
			m := Message{ConvID: c.id, ID: "1", Type: "message", Created: at, Modified: at, Attachments: c.att}
			if c.gone {
				m.Deleted = &at
			}
			if _, err := w.PutMessage(m, Body{Raw: `<attachment id="c1"></attachment>`, Cards: c.cards}); err != nil {
				return err
			}
			for _, src := range []string{"chat:", "history:", "delta:"} {
				if err := w.SetCursor(Cursor{Source: src + c.id, Link: "https://graph/next", State: "complete"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)

	db, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	if v := versionOf(t, db); v != SchemaVersion() {
		t.Fatalf("schema %d, want %d", v, SchemaVersion())
	}
	for _, c := range convs {
		for _, src := range []string{"chat:", "history:", "delta:"} {
			cur, err := db.GetCursor(ctx, src+c.id)
			if err != nil {
				t.Fatal(err)
			}
			dropped := cur.Link == ""
			if want := c.stale && src != "delta:"; dropped != want {
				t.Errorf("%s%s: dropped %v, want %v", src, c.id, dropped, want)
			}
		}
	}
}
